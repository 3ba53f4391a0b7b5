"""When reminders are due and what they say: the real days left on the day one goes out, one
late reminder (not several) after a stretch with no worker, none for offsets passed on arrival."""

from datetime import UTC, date, datetime

from domain.deadlines import Deadline, DeadlineKind, Party
from domain.policy import ASI
from domain.reminders import passed_on_arrival, reminder_notice
from domain.state import CertificationState
from workflows.alarms import due_alarms

SURVEILLANCE = Deadline(
    deadline_id="surveillance:1.1", kind=DeadlineKind.SURVEILLANCE, due=date(2041, 10, 11), owner=Party.MEMBER
)
STATE = CertificationState(
    certification_id="c1",
    policy_id=ASI.policy_id,
    member_id="nordic-alu",
    entity_name="Nordic Aluminium Rolling",
    deadlines={SURVEILLANCE.deadline_id: SURVEILLANCE},
)


def at(day: date, hour: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_after_a_stretch_with_no_worker_one_reminder_goes_out_with_the_days_really_left() -> None:
    sent = set(passed_on_arrival(ASI, [SURVEILLANCE], at(date(2040, 1, 11))))
    due = due_alarms(STATE, ASI.reminder_days, sent, at(date(2041, 10, 6), 15))

    assert [r.days_before for r in due.reminders] == [7], "the nearest offset, not 90, 30 and 7 at once"
    assert len(due.superseded) == 2
    notice = reminder_notice(STATE, due.reminders[0], at(date(2041, 10, 6), 15))
    assert (notice.days_left, notice.subject) == (5, "Due in 5 days: Surveillance audit for Nordic Aluminium Rolling")


def test_offsets_passed_when_a_deadline_arrives_are_skipped_and_the_rest_armed() -> None:
    skipped = passed_on_arrival(ASI, [SURVEILLANCE], at(date(2041, 8, 1), 9))

    assert skipped == [f"{SURVEILLANCE.occurrence}-90d"]
    due = due_alarms(STATE, ASI.reminder_days, set(skipped), at(date(2041, 9, 11), 0))
    assert [r.days_before for r in due.reminders] == [30]


def test_on_the_day_itself_a_reminder_says_today() -> None:
    cap = Deadline(deadline_id="cap:A1", kind=DeadlineKind.CAP, due=date(2040, 2, 4), owner=Party.MEMBER, subject="A1")
    state = STATE.model_copy(update={"deadlines": {cap.deadline_id: cap}})
    due = due_alarms(state, ASI.reminder_days, set(), at(date(2040, 2, 4), 8))

    notice = reminder_notice(state, due.reminders[0], at(date(2040, 2, 4), 8))
    assert notice.subject == "Due today: Corrective action plan (audit A1) for Nordic Aluminium Rolling"
