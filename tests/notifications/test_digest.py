"""The daily digest on the time-skipping server: a member in Oslo who chose 07:00 gets one mail
a day at 07:00 Oslo time with their deadlines, none on a day with nothing to tell, and never
a second one for a day, whether the activity is retried or a clock catches up after downtime.

A database of the module's own: the clock composes digests for every user whose hour it is,
and other tests' people must not find digests in their inboxes."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from domain.notices import Channel, Delivery, NoticeKind
from eventstore.database import create_engine
from identity.tables import organisations, users
from notifications.digest import compose_digests, digest_id
from notifications.recording import delivery_id
from notifications.tables import deliveries, notice_recipients, notices
from projections.tables import deadlines
from tests.api.factories import Programme
from tests.databases import own_database
from worker import build_worker
from workflows.digest import DigestClock, DigestClockInput, hours_due

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture(scope="module")
async def digest_engine(server_url: str) -> AsyncIterator[AsyncEngine]:
    async with own_database(server_url, "certflow_digest") as url:
        engine = create_engine(url)
        yield engine
        await engine.dispose()


async def _member(engine: AsyncEngine, org: str, user_id: str, email: str | None, zone: str, hour: int) -> None:
    async with engine.begin() as conn:
        await conn.execute(insert(organisations).values(organisation_id=org, name=org.title(), kind="member"))
        await conn.execute(
            insert(users).values(
                user_id=user_id,
                organisation_id=org,
                role="member",
                name=user_id.title(),
                email=email,
                time_zone=zone,
                digest_hour=hour,
            )
        )


async def _digests(engine: AsyncEngine, user_id: str) -> list[tuple[datetime, str, str]]:
    N, R = notices.c, notice_recipients.c
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(N.at, N.subject, N.body)
            .join(notice_recipients, R.notice_id == N.notice_id)
            .where(R.user_id == user_id, N.kind == NoticeKind.DIGEST)
            .order_by(N.at)
        )
    return [tuple(r) for r in rows]  # type: ignore[misc]


def _seven_in_oslo(day: date) -> datetime:
    return datetime.combine(day, time(7), OSLO).astimezone(UTC)


async def _sleep_until(env: WorkflowEnvironment, moment: datetime) -> None:
    await env.sleep(moment - await env.get_current_time())


async def test_a_member_in_oslo_gets_one_digest_a_day_at_seven_local_time(
    env: WorkflowEnvironment, digest_engine: AsyncEngine
) -> None:
    engine = digest_engine
    org, ola = f"fjord-{uuid.uuid4().hex[:6]}", f"ola-{uuid.uuid4().hex[:6]}"
    await _member(engine, org, ola, f"{ola}@fjord.example", "Europe/Oslo", 7)
    await _member(engine, f"quiet-{uuid.uuid4().hex[:6]}", f"kari-{ola}", None, "Europe/Oslo", 7)
    start = await env.get_current_time()
    first_day = (start.astimezone(OSLO) + timedelta(days=1)).date()
    programme = Programme(engine)
    certification = await programme.certification("Fjord Rolling", member_id=org)
    owned = {"owner": "member", "owner_organisation_id": org}
    await programme.deadline(certification, "cap", first_day - timedelta(days=2), **owned)
    await programme.deadline(certification, "report", first_day + timedelta(days=5), **owned)
    await programme.deadline(certification, "surveillance", first_day + timedelta(days=30), **owned)
    await programme.deadline(certification, "expiry", first_day + timedelta(days=31), **owned)
    await programme.deadline(certification, "recertification", first_day, owner="member", owner_organisation_id="x")

    task_queue = f"digest-{uuid.uuid4()}"
    async with build_worker(env.client, engine, task_queue):
        clock = await env.client.start_workflow(
            DigestClock.run, DigestClockInput(), id=f"digest-clock-{uuid.uuid4()}", task_queue=task_queue
        )
        await _sleep_until(env, _seven_in_oslo(first_day) + timedelta(minutes=30))
        [(at, subject, body)] = await _digests(engine, ola)
        assert at == _seven_in_oslo(first_day)
        if first_day.month in (1, 2, 12):
            assert at.hour == 6, "07:00 in Oslo is 06:00 UTC in winter"
        assert subject == f"Your certflow digest for {first_day}: 1 overdue, 2 due within 30 days"
        assert f"{first_day - timedelta(days=2)} cap, Fjord Rolling [{certification}]: 2 days overdue" in body
        assert f"{first_day + timedelta(days=5)} report, Fjord Rolling [{certification}]: in 5 days" in body
        assert f"{first_day + timedelta(days=30)} surveillance" in body
        assert "expiry" not in body and "recertification" not in body
        async with engine.connect() as conn:
            mail = (await conn.execute(select(deliveries).where(deliveries.c.user_id == ola))).one()
        assert (mail.delivery_id, mail.channel, mail.target) == (
            delivery_id(digest_id(ola, first_day), Channel.EMAIL, ola),
            Channel.EMAIL,
            f"{ola}@fjord.example",
        )
        assert await _digests(engine, f"kari-{ola}") == [], "no address, no digest mail"

        # Every deadline met: nothing to tell the next day, so no digest.
        async with engine.begin() as conn:
            await conn.execute(delete(deadlines).where(deadlines.c.certification_id == certification))
        second_day = first_day + timedelta(days=1)
        await _sleep_until(env, _seven_in_oslo(second_day) + timedelta(hours=1))
        assert len(await _digests(engine, ola)) == 1

        # A notice Ola asked to get in the digest: the third day's digest tells of it.
        told = uuid.uuid4()
        async with engine.begin() as conn:
            await conn.execute(
                insert(notices).values(
                    notice_id=told,
                    kind=NoticeKind.DECISION_MADE,
                    certification_id=certification,
                    at=_seven_in_oslo(second_day) + timedelta(hours=3),
                    subject="Certification decided: Fjord Rolling",
                    body="Granted.",
                    audience={"parties": ["member"], "member_id": org},
                    recorded_at=datetime.now(UTC),
                )
            )
            await conn.execute(insert(notice_recipients).values(notice_id=told, user_id=ola, delivery=Delivery.DIGEST))
        third_day = second_day + timedelta(days=1)
        await _sleep_until(env, _seven_in_oslo(third_day) + timedelta(minutes=30))
        digests = await _digests(engine, ola)
        assert [at for at, _, _ in digests] == [_seven_in_oslo(first_day), _seven_in_oslo(third_day)]
        assert digests[1][1] == f"Your certflow digest for {third_day}: 1 notices"
        assert "- Certification decided: Fjord Rolling" in digests[1][2]

        # A retried activity and a clock catching up on the last day record nothing again.
        async with engine.begin() as conn:
            assert await compose_digests(conn, _seven_in_oslo(third_day)) == 0
        catching_up = await env.client.start_workflow(
            DigestClock.run,
            DigestClockInput(last_hour=_seven_in_oslo(first_day)),
            id=f"digest-clock-{uuid.uuid4()}",
            task_queue=task_queue,
        )
        await env.sleep(timedelta(minutes=10))
        first_run = env.client.get_workflow_handle(catching_up.id, run_id=catching_up.first_execution_run_id)
        history = await first_run.fetch_history()
        composed = [e for e in history.events if e.HasField("activity_task_completed_event_attributes")]
        assert len(composed) == 24, "it went over the whole last day again"
        assert len(await _digests(engine, ola)) == 2
        await catching_up.terminate()
        await clock.terminate()
    await programme.remove()


def test_after_downtime_the_clock_catches_up_on_the_last_day_at_most() -> None:
    last = datetime(2026, 12, 1, 6, tzinfo=UTC)
    assert hours_due(last, datetime(2026, 12, 1, 6, 59, tzinfo=UTC)) == []
    assert hours_due(last, datetime(2026, 12, 1, 9, 0, 1, tzinfo=UTC)) == [
        datetime(2026, 12, 1, h, tzinfo=UTC) for h in (7, 8, 9)
    ]
    after_three_days = hours_due(last, datetime(2026, 12, 4, 12, 30, tzinfo=UTC))
    assert len(after_three_days) == 24
    assert after_three_days[-1] == datetime(2026, 12, 4, 12, tzinfo=UTC)
    assert hours_due(None, datetime(2026, 12, 4, 12, 30, tzinfo=UTC)) == [datetime(2026, 12, 4, 12, tzinfo=UTC)]


async def test_in_summer_seven_in_oslo_is_five_utc(digest_engine: AsyncEngine) -> None:
    engine = digest_engine
    org, user = f"midnight-sun-{uuid.uuid4().hex[:6]}", f"siri-{uuid.uuid4().hex[:6]}"
    await _member(engine, org, user, f"{user}@sun.example", "Europe/Oslo", 7)
    programme = Programme(engine)
    certification = await programme.certification("Sun Foils", member_id=org)
    await programme.deadline(certification, "cap", date(2027, 6, 20), owner="member", owner_organisation_id=org)
    async with engine.begin() as conn:
        assert await compose_digests(conn, datetime(2027, 6, 15, 6, tzinfo=UTC)) == 0
        assert await compose_digests(conn, datetime(2027, 6, 15, 5, tzinfo=UTC)) == 1
        assert await compose_digests(conn, datetime(2027, 6, 15, 5, tzinfo=UTC)) == 0
    [(at, subject, _)] = await _digests(engine, user)
    assert at == datetime(2027, 6, 15, 5, tzinfo=UTC)
    assert subject == "Your certflow digest for 2027-06-15: 1 due within 30 days"
    await programme.remove()


async def test_each_person_is_told_of_the_deadlines_they_act_for(digest_engine: AsyncEngine) -> None:
    """The lead auditor of the audit and the firm's contact, not the firm's other auditors;
    the Secretariat's officers of the Secretariat's own deadlines."""
    engine, tag = digest_engine, uuid.uuid4().hex[:6]
    firm, secretariat = f"firm-{tag}", f"asi-{tag}"
    async with engine.begin() as conn:
        await conn.execute(
            insert(organisations).values(
                [
                    {"organisation_id": firm, "name": "Firm", "kind": "audit-firm"},
                    {"organisation_id": secretariat, "name": "ASI", "kind": "secretariat"},
                ]
            )
        )
        people = [
            (f"lead-{tag}", firm, "auditor", False),
            (f"contact-{tag}", firm, "auditor", True),
            (f"other-{tag}", firm, "auditor", False),
            (f"officer-{tag}", secretariat, "secretariat", False),
        ]
        await conn.execute(
            insert(users).values(
                [
                    {
                        "user_id": user_id,
                        "organisation_id": org,
                        "role": role,
                        "name": user_id,
                        "email": f"{user_id}@example.org",
                        "time_zone": "Asia/Tokyo",
                        "digest_hour": 8,
                        "contact": contact,
                    }
                    for user_id, org, role, contact in people
                ]
            )
        )
    programme = Programme(engine)
    audited = await programme.certification("Kyushu Foils", lead_auditor=f"lead-{tag}")
    await programme.deadline(audited, "report", date(2027, 3, 20), owner="audit-firm", owner_organisation_id=firm)
    await programme.deadline(audited, "suspension-limit", date(2027, 3, 1), owner="secretariat")
    async with engine.begin() as conn:  # 08:00 in Tokyo is 23:00 UTC the day before
        assert await compose_digests(conn, datetime(2027, 3, 9, 23, tzinfo=UTC)) == 3
    told = {user_id: await _digests(engine, user_id) for user_id, *_ in people}
    for auditor in (f"lead-{tag}", f"contact-{tag}"):
        [(_, subject, body)] = told[auditor]
        assert subject == "Your certflow digest for 2027-03-10: 1 due within 30 days" and "report" in body
    assert told[f"other-{tag}"] == []
    [(_, subject, body)] = told[f"officer-{tag}"]
    assert subject == "Your certflow digest for 2027-03-10: 1 overdue" and "suspension-limit" in body
    await programme.remove()
