"""Delivering reminders and escalations: written once to the notification outbox (which
channels such as e-mail read) and logged."""

import structlog
from sqlalchemy import Column, DateTime, MetaData, Table, Text, Uuid
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity

from activities.messages import Notification

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


class NotificationActivities:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @activity.defn(name="deliver_notification")
    async def deliver(self, notification: Notification) -> bool:
        """True when delivered now, False when an earlier attempt already had."""
        statement = insert(notifications).values(**notification.model_dump()).on_conflict_do_nothing()
        async with self._engine.begin() as conn:
            delivered = (await conn.execute(statement)).rowcount == 1
        info = activity.info()
        log.info(
            "notification delivered" if delivered else "notification already delivered",
            certification_id=notification.certification_id,
            workflow_id=info.workflow_id,
            run_id=info.workflow_run_id,
            kind=notification.kind,
            deadline_id=notification.deadline_id,
            recipients=notification.recipients,
            subject=notification.subject,
        )
        return delivered
