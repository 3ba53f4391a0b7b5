"""Reminders and escalations as runs started before notices reached people give them: one
schedule for every kind of deadline, addressed to organisations, written to the old outbox by
`deliver_notification`. Such runs keep this until their next run (continue-as-new at the next
certificate cycle or history bound) takes the new path; replay depends on it staying as it is.
"""

from uuid import UUID, uuid5

from activities.messages import Notification
from domain.deadlines import Deadline, Party, Reminder
from domain.state import CertificationState

NOTIFICATION_NAMESPACE = UUID("0b5e8f0a-3c1d-4e9a-8f7b-2d6c4a1e9b30")
SECRETARIAT = "secretariat"


def _organisation(state: CertificationState, party: Party) -> str:
    if party == Party.MEMBER and state.member_id:
        return state.member_id
    if party == Party.AUDIT_FIRM and state.audit_firm:
        return state.audit_firm.firm_id
    return SECRETARIAT


def _what(state: CertificationState, deadline: Deadline) -> str:
    subject = f" ({deadline.subject})" if deadline.subject else ""
    return f"{deadline.kind} deadline{subject} for {state.entity_name} [{state.certification_id}]"


def reminder_notice(state: CertificationState, reminder: Reminder) -> Notification:
    deadline = reminder.deadline
    return Notification(
        notification_id=uuid5(NOTIFICATION_NAMESPACE, f"{state.certification_id}/{reminder.key}"),
        certification_id=state.certification_id,
        kind="reminder",
        deadline_id=deadline.deadline_id,
        recipients=[_organisation(state, deadline.owner)],
        subject=f"Due in {reminder.days_before} day{'s' if reminder.days_before != 1 else ''}: "
        f"{_what(state, deadline)}",
        body=f"The {_what(state, deadline)} is due on {deadline.due}.",
    )


def escalation_notice(state: CertificationState, deadline: Deadline, consequence: str) -> Notification:
    key = f"{state.certification_id}/missed/{deadline.occurrence}"
    recipients = sorted({SECRETARIAT, _organisation(state, deadline.owner)})
    return Notification(
        notification_id=uuid5(NOTIFICATION_NAMESPACE, key),
        certification_id=state.certification_id,
        kind="escalation",
        deadline_id=deadline.deadline_id,
        recipients=recipients,
        subject=f"Missed: {_what(state, deadline)}",
        body=f"The {_what(state, deadline)} was due on {deadline.due}. Consequence: {consequence}.",
    )
