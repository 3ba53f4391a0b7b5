"""The notifications' tests: a database of each test module's own (dispatchers claim every due
delivery, so no other module's rows may be in it), with people who have addresses, notices
recorded for them as the workflows record them, and dispatchers running against it."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.actors import Role
from domain.deadlines import Party
from domain.notices import Audience, Notice, NoticeKind, notice_id
from eventstore.database import create_engine
from identity.directory import Directory, NewUser
from identity.principal import OrganisationKind
from identity.tables import users
from notifications.dispatcher import Dispatcher, Pacing
from notifications.mail import MailSettings
from notifications.recording import record_notice
from notifications.status import WAITING, DeliveryStatus
from notifications.tables import deliveries
from notifications.webhook_posts import WebhookSettings
from tests.databases import own_database
from tests.notifications.tabs import signed_in  # noqa: F401  (a fixture: a tab as a newcomer, for the pages)
from tests.people import PASSWORD

PUBLIC_URL = "https://certflow.example"
FAST = Pacing(
    batch_size=50, senders=4, lease_seconds=5, poll_seconds=0.1, max_attempts=3, retry_base_seconds=0.05,
    retry_cap_seconds=0.2,
)  # fmt: skip
"""Retries within a fraction of a second, so a test sees a dead letter in time."""


@pytest.fixture(scope="module")
async def notices_url(server_url: str) -> AsyncIterator[str]:
    async with own_database(server_url, "certflow_notices") as url:
        yield url


@pytest.fixture(scope="module")
async def notices_engine(notices_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(notices_url)
    yield engine
    await engine.dispose()


@dataclass
class Member:
    """A member organisation and its member users (each with an address)."""

    organisation_id: str
    user_ids: list[str]

    def email(self, user_id: str) -> str:
        return f"{user_id}@{self.organisation_id}.example"


class Notices:
    """Organisations, people and notices in the module's database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.directory = Directory(engine)

    async def user(
        self, organisation_id: str, kind: OrganisationKind, role: Role, user_id: str, email: str | None
    ) -> None:
        await self.directory.create_user(
            NewUser(
                user_id=user_id,
                name=user_id.title(),
                organisation_id=organisation_id,
                organisation_name=organisation_id.title(),
                organisation_kind=kind,
                role=role,
                password=PASSWORD,  # type: ignore[arg-type]
            )
        )
        # The directory has no address setter yet (the people helper adds it): set the column.
        async with self.engine.begin() as conn:
            await conn.execute(update(users).where(users.c.user_id == user_id).values(email=email))

    async def member(self, people: int = 1, addresses: bool = True) -> Member:
        """A member organisation with `people` member users, with e-mail addresses or without."""
        organisation_id = f"member-{uuid.uuid4().hex[:8]}"
        member = Member(organisation_id, [f"{organisation_id}-{i}" for i in range(people)])
        for user_id in member.user_ids:
            email = member.email(user_id) if addresses else None
            await self.user(organisation_id, OrganisationKind.MEMBER, Role.MEMBER, user_id, email)
        return member

    async def notice(
        self, member: Member, kind: NoticeKind = NoticeKind.REMINDER, subject: str = "Surveillance audit due"
    ) -> Notice:
        certification_id = f"C-{uuid.uuid4().hex[:8]}"
        notice = Notice(
            notice_id=notice_id(certification_id, f"{kind}/{uuid.uuid4()}"),
            kind=kind,
            certification_id=certification_id,
            at=datetime(2026, 12, 2, 9, 0, tzinfo=UTC),
            audience=Audience(parties=frozenset({Party.MEMBER}), member_id=member.organisation_id),
            subject=subject,
            body="The surveillance audit window closes soon: plan the audit with your audit firm.",
            deadline_id="D-surveillance-1",
            deadline_kind=None,
            due=date(2026, 12, 9),
            days_left=7,
        )
        async with self.engine.begin() as conn:
            assert await record_notice(conn, notice)
        return notice

    async def statuses(self, notice_ids: list[uuid.UUID]) -> dict[DeliveryStatus, int]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                select(deliveries.c.status, func.count())
                .where(deliveries.c.notice_id.in_(notice_ids))
                .group_by(deliveries.c.status)
            )
            return {DeliveryStatus(status): count for status, count in rows.all()}

    async def settled(self, notice_ids: list[uuid.UUID], seconds: float = 10.0) -> dict[DeliveryStatus, int]:
        """The deliveries' statuses once none is waiting any more (or `seconds` passed)."""
        async with asyncio.timeout(seconds):
            while True:
                statuses = await self.statuses(notice_ids)
                if not any(statuses.get(s) for s in WAITING):
                    return statuses
                await asyncio.sleep(0.05)


@pytest.fixture
async def notices(notices_engine: AsyncEngine) -> AsyncIterator[Notices]:
    yield Notices(notices_engine)
    # What a test left waiting must not reach the next test's receivers.
    async with notices_engine.begin() as conn:
        await conn.execute(
            update(deliveries).where(deliveries.c.status.in_(WAITING)).values(status=DeliveryStatus.DISCARDED)
        )


@asynccontextmanager
async def dispatching(engine: AsyncEngine, smtp_port: int, pacing: Pacing = FAST) -> AsyncIterator[Dispatcher]:
    """A dispatcher running against `engine` until the block ends, mailing to `smtp_port`."""
    dispatcher = Dispatcher(
        engine, pacing, MailSettings(port=smtp_port, public_url=PUBLIC_URL), WebhookSettings(timeout_seconds=2)
    )
    stop = asyncio.Event()
    running = asyncio.create_task(dispatcher.run(stop))
    try:
        yield dispatcher
    finally:
        stop.set()
        await asyncio.wait_for(running, 10)
