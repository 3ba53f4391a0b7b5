"""Recording notices: once each, with their recipients and channel plan (notifications/), for
the dispatcher to deliver. Also the organisation-addressed outbox that runs started before
notices reached people still write to (workflows/legacy_reminders.py)."""

import structlog
from sqlalchemy import Column, DateTime, MetaData, Table, Text, Uuid, select
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from temporalio import activity

from activities.messages import Notification
from domain.deadlines import Party
from domain.notices import Audience, Notice, NoticeKind
from identity.principal import OrganisationKind
from identity.tables import organisations
from notifications.recording import record_notice

log = structlog.get_logger("certflow.activities")

notifications = Table(
    "notifications",
    MetaData(),
    Column("notification_id", Uuid, primary_key=True),
    Column("certification_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("deadline_id", Text),
    Column("recipients", JSONB, nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True)),
)
"""The outbox of runs started before notices reached people (migration 0001)."""


async def _audience_of(conn: AsyncConnection, organisation_ids: list[str]) -> Audience:
    """An old notification's organisations as an audience: its member, its firm, the Secretariat."""
    orgs = organisations.c
    kinds = dict(
        (
            await conn.execute(
                select(orgs.organisation_id, orgs.kind).where(orgs.organisation_id.in_(organisation_ids))
            )
        ).all()
    )
    member = next((o for o in organisation_ids if kinds.get(o) == OrganisationKind.MEMBER), None)
    firm = next((o for o in organisation_ids if kinds.get(o) == OrganisationKind.AUDIT_FIRM), None)
    parties = {Party.MEMBER} if member else set()
    parties |= {Party.AUDIT_FIRM} if firm else set()
    parties |= {Party.SECRETARIAT} if "secretariat" in organisation_ids else set()
    return Audience(parties=frozenset(parties), member_id=member, firm_id=firm)


class NotificationActivities:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @activity.defn(name="record_notice")
    async def record(self, notice: Notice) -> bool:
        """True when recorded now, False when an earlier attempt already had."""
        async with self._engine.begin() as conn:
            recorded = await record_notice(conn, notice)
        self._log("notice recorded" if recorded else "notice already recorded", notice)
        return recorded

    @activity.defn(name="deliver_notification")
    async def deliver(self, notification: Notification) -> bool:
        """An old run's notification: into its outbox, and recorded as a notice for its
        organisations' people."""
        statement = insert(notifications).values(**notification.model_dump()).on_conflict_do_nothing()
        async with self._engine.begin() as conn:
            delivered = (await conn.execute(statement)).rowcount == 1
            notice = Notice(
                notice_id=notification.notification_id,
                kind=NoticeKind(notification.kind),
                certification_id=notification.certification_id,
                at=activity.info().scheduled_time,
                audience=await _audience_of(conn, notification.recipients),
                subject=notification.subject,
                body=notification.body,
                deadline_id=notification.deadline_id,
            )
            await record_notice(conn, notice)
        self._log("notification delivered" if delivered else "notification already delivered", notice)
        return delivered

    def _log(self, message: str, notice: Notice) -> None:
        info = activity.info()
        log.info(
            message,
            certification_id=notice.certification_id,
            workflow_id=info.workflow_id,
            run_id=info.workflow_run_id,
            kind=notice.kind,
            deadline_id=notice.deadline_id,
            subject=notice.subject,
        )
