from datetime import date

from domain.deadlines import Deadline, DeadlineKind, Party, Reminder
from domain.state import CertificationState
from workflows.alarms import reminders_to_carry_over


def report_deadline(audit_id: str) -> Deadline:
    return Deadline(
        deadline_id=f"report:{audit_id}", kind=DeadlineKind.REPORT, due=date(2040, 3, 1), owner=Party.AUDIT_FIRM
    )


def test_a_deadlines_occurrence_and_reminder_keys_keep_their_spelling() -> None:
    deadline = report_deadline("audit@2040")

    assert deadline.occurrence == "report:audit@2040@2040-03-01"
    assert Reminder(deadline=deadline, days_before=7).key == "report:audit@2040@2040-03-01-7d"


def test_the_reminders_of_an_open_deadline_whose_id_holds_an_at_sign_are_carried_over() -> None:
    still_open, met = report_deadline("audit@2040"), report_deadline("audit@2039")
    state = CertificationState(certification_id="C1", deadlines={still_open.deadline_id: still_open})
    sent = {Reminder(deadline=d, days_before=n).key for d in (still_open, met) for n in (7, 30)}

    assert reminders_to_carry_over(state, sent) == [
        "report:audit@2040@2040-03-01-30d",
        "report:audit@2040@2040-03-01-7d",
    ]
