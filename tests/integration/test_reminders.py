"""Reminders, escalations and lifecycle notices over whole certification cycles on the
time-skipping server: each notice once, on its day, with the real days left, to people."""

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain import commands as cmd
from domain.audits import AuditType
from notifications.surveys import surveys
from notifications.tables import notice_recipients, notices
from tests.people import People
from tests.scenario import EPOCH, SECRETARIAT, Lifecycle, findings

N, R = notices.c, notice_recipients.c


@dataclass(frozen=True)
class Told:
    on: date
    kind: str
    about: str | None
    days_left: int | None
    to: tuple[str, ...]


async def told(engine: AsyncEngine, lifecycle: Lifecycle) -> list[Told]:
    to = func.array_agg(func.distinct(R.user_id))
    query = (
        select(N.at, N.kind, N.deadline_id, N.days_left, to)
        .outerjoin(notice_recipients, R.notice_id == N.notice_id)
        .where(N.certification_id == lifecycle.certification_id)
        .group_by(N.notice_id)
        .order_by(N.at, N.kind, N.deadline_id)
    )
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).all()
    return [Told(r[0].date(), r[1], r[2], r[3], tuple(sorted(p for p in r[4] if p))) for r in rows]


@pytest.fixture(autouse=True)
def _directory(people: People) -> None:
    """The scenario's people are in the directory: notices resolve to them."""


async def test_a_three_year_asi_cycle_tells_each_person_once_on_the_day(lifecycle: Lifecycle, engine) -> None:
    await lifecycle.admit()
    await lifecycle.audit(AuditType.CERTIFICATION, EPOCH)
    await lifecycle.on(date(2041, 9, 15))
    await lifecycle.audit(AuditType.SURVEILLANCE, date(2041, 9, 20))
    await lifecycle.on(date(2042, 7, 25))
    await lifecycle.audit(AuditType.RECERTIFICATION, date(2042, 8, 1))
    await lifecycle.on(date(2043, 6, 1))

    # Surveillance 1.1 due 2041-10-11 (21 months), re-certification 2042-10-11 (3 months before
    # expiry 2043-01-11): their reminders up to the audit that meets them, none after.
    assert await told(engine, lifecycle) == [
        Told(EPOCH, "application-to-review", None, None, ("sam",)),
        Told(EPOCH, "decision-made", None, None, ("maria",)),
        Told(date(2040, 1, 11), "report-submitted", None, None, ("sam",)),
        Told(date(2040, 1, 11), "certificate-granted", None, None, ("arno", "maria")),
        Told(date(2040, 1, 11), "survey", None, None, ("maria",)),
        Told(date(2041, 7, 13), "reminder", "surveillance:1.1", 90, ("maria",)),
        Told(date(2041, 9, 11), "reminder", "surveillance:1.1", 30, ("maria",)),
        Told(date(2041, 9, 29), "report-submitted", None, None, ("sam",)),
        Told(date(2042, 4, 14), "reminder", "recertification:1", 180, ("maria",)),
        Told(date(2042, 7, 13), "reminder", "recertification:1", 90, ("maria",)),
        Told(date(2042, 8, 10), "report-submitted", None, None, ("sam",)),
        Told(date(2042, 8, 10), "certificate-granted", None, None, ("arno", "maria")),
        Told(date(2042, 8, 10), "survey", None, None, ("maria",)),
    ]
    async with engine.connect() as conn:
        sent = (
            await conn.execute(
                select(surveys.c.sent_at).where(surveys.c.certification_id == lifecycle.certification_id)
            )
        ).all()
    assert sorted(at.date() for (at,) in sent) == [date(2040, 1, 11), date(2042, 8, 10)], "the survey tracked"


async def test_an_iso_cycle_escalates_a_missed_surveillance_to_everyone_and_reminds_of_the_suspension(
    lifecycle: Lifecycle, engine
) -> None:
    await lifecycle.admit(standard="ISO-14001")
    await lifecycle.audit(AuditType.CERTIFICATION, EPOCH)
    await lifecycle.on(date(2040, 11, 20))
    await lifecycle.audit(AuditType.SURVEILLANCE, date(2040, 12, 1))
    await lifecycle.on(date(2042, 8, 1))

    assert (await told(engine, lifecycle))[4:] == [
        # Surveillance 1 due 2041-01-11 (12 months): 60 days before, then met by the audit.
        Told(date(2040, 11, 12), "reminder", "surveillance:1.1", 60, ("maria",)),
        Told(date(2040, 12, 10), "report-submitted", None, None, ("sam",)),
        # Surveillance 2 due 2042-01-11 (24 months): reminded 60, 30 and 7 days before, missed.
        Told(date(2041, 11, 12), "reminder", "surveillance:1.2", 60, ("maria",)),
        Told(date(2041, 12, 12), "reminder", "surveillance:1.2", 30, ("maria",)),
        Told(date(2042, 1, 4), "reminder", "surveillance:1.2", 7, ("maria",)),
        # Missed: suspended, so the firm hears too; six months to the suspension's limit,
        # 2042-07-12, which is the Secretariat's to act on.
        Told(date(2042, 1, 12), "escalation", "surveillance:1.2", -1, ("arno", "maria", "sam")),
        Told(date(2042, 6, 12), "reminder", "suspension-limit:2042-01-12", 30, ("sam",)),
        # Re-certification due 2042-10-11 (3 months before expiry): 120 days before.
        Told(date(2042, 6, 13), "reminder", "recertification:1", 120, ("maria",)),
        Told(date(2042, 7, 5), "reminder", "suspension-limit:2042-01-12", 7, ("sam",)),
        Told(date(2042, 7, 13), "escalation", "suspension-limit:2042-01-12", -1, ("arno", "maria", "sam")),
    ]
    assert (await lifecycle.state()).is_terminal, "withdrawn: nothing more to remind of"


async def reminders_of(engine: AsyncEngine, lifecycle: Lifecycle, deadline_id: str) -> list[tuple[date, str]]:
    query = (
        select(N.at, N.subject)
        .where(N.certification_id == lifecycle.certification_id, N.deadline_id == deadline_id, N.kind == "reminder")
        .order_by(N.at)
    )
    async with engine.connect() as conn:
        return [(at.date(), subject) for at, subject in (await conn.execute(query)).all()]


async def test_an_offset_already_passed_when_the_deadline_is_set_is_skipped_not_sent_late(
    lifecycle: Lifecycle, engine
) -> None:
    await lifecycle.admit()
    audit_id = await lifecycle.report(AuditType.CERTIFICATION, EPOCH, findings(majors=1))
    await lifecycle.on(date(2040, 1, 24))  # accepted 20 days after the on-site audit ended
    await lifecycle.send(cmd.AcceptReport(actor=SECRETARIAT, audit_id=audit_id))
    await lifecycle.on(date(2040, 2, 10))

    # The CAP is due a month after the audit ended (2040-02-04), 11 days after it was set: its
    # 14-day reminder had passed; the 3-day and 1-day ones go out, saying so.
    assert await reminders_of(engine, lifecycle, "cap:A1") == [
        (date(2040, 2, 1), "Due in 3 days: Corrective action plan (audit A1) for Nordic Aluminium Rolling"),
        (date(2040, 2, 3), "Due tomorrow: Corrective action plan (audit A1) for Nordic Aluminium Rolling"),
    ]


async def test_an_extension_re_arms_the_reminders_and_a_met_deadline_sends_nothing_more(
    lifecycle: Lifecycle, engine
) -> None:
    await lifecycle.admit()
    await lifecycle.audit(AuditType.CERTIFICATION, EPOCH)
    await lifecycle.on(date(2041, 9, 20))  # 90 and 30 days before 2041-10-11 have gone out
    await lifecycle.send(
        cmd.ExtendDeadline(
            actor=SECRETARIAT, deadline_id="surveillance:1.1", new_due=date(2041, 12, 1), reason="site flooded"
        )
    )
    await lifecycle.on(date(2041, 11, 1))
    await lifecycle.audit(AuditType.SURVEILLANCE, date(2041, 11, 10))
    await lifecycle.on(date(2042, 1, 1))

    # Extended on 2041-09-20 to 2041-12-01: the new due date's 90-day reminder (2041-09-02)
    # had passed; its 30-day one went out; its 7-day one (2041-11-24) never did: met before.
    assert [day for day, _ in await reminders_of(engine, lifecycle, "surveillance:1.1")] == [
        date(2041, 7, 13),
        date(2041, 9, 11),
        date(2041, 11, 1),
    ]
