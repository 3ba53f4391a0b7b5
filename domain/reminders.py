"""Reminders and escalations as notices: who is told, in what words, under which id.

A reminder states the real days left on the day it goes out (the worker may have been down at
its moment: it goes out late, once, with the true number). An offset already passed when the
deadline was set is skipped (`passed_on_arrival`), never sent late with a wrong number.
"""

from collections.abc import Iterable
from datetime import datetime

from domain.deadlines import DEADLINE_WORDS, Consequence, Deadline, Party, Reminder, days_left, reminders
from domain.notices import Audience, Notice, NoticeKind, notice_id
from domain.policy import Policy
from domain.state import CertificationState


def audience(state: CertificationState, *parties: Party) -> Audience:
    """The certification's parties by id: its member, its firm and the open audit's lead auditor."""
    return Audience(
        parties=frozenset(parties),
        member_id=state.member_id,
        firm_id=state.audit_firm.firm_id if state.audit_firm else None,
        lead_auditor=state.audit.lead_auditor if state.audit else None,
    )


def passed_on_arrival(policy: Policy, deadlines: Iterable[Deadline], now: datetime) -> list[str]:
    """Keys of the reminders whose time had passed when these deadlines were set or moved."""
    return [r.key for d in deadlines for r in reminders((d,), policy.reminder_days(d.kind)) if r.at <= now]


def what(state: CertificationState, deadline: Deadline) -> str:
    """E.g. "Corrective action plan (audit A1) for Nordic Aluminium Rolling"."""
    about = f" (audit {deadline.subject})" if deadline.subject and deadline.kind != deadline.kind.SURVEILLANCE else ""
    return f"{DEADLINE_WORDS[deadline.kind]}{about} for {state.entity_name}"


def _in_days(days: int) -> str:
    if days <= 0:
        return "today"
    return "tomorrow" if days == 1 else f"in {days} days"


def reminder_notice(state: CertificationState, reminder: Reminder, now: datetime) -> Notice:
    deadline = reminder.deadline
    left = days_left(deadline, now)
    return Notice(
        notice_id=notice_id(state.certification_id, f"reminder/{reminder.key}"),
        kind=NoticeKind.REMINDER,
        certification_id=state.certification_id,
        at=now,
        audience=audience(state, deadline.owner),
        subject=f"Due {_in_days(left)}: {what(state, deadline)}",
        body=f"{what(state, deadline)} is due on {deadline.due:%d %B %Y}, {_in_days(left)}.",
        deadline_id=deadline.deadline_id,
        deadline_kind=deadline.kind,
        due=deadline.due,
        days_left=left,
    )


_CONSEQUENCE_WORDS = {
    Consequence.ESCALATE: "The Secretariat has been told.",
    Consequence.SUSPEND: "The certificate is suspended.",
    Consequence.EXPIRE: "The certificate has expired.",
    Consequence.WITHDRAW: "The certificate is withdrawn.",
    Consequence.REFUSE: "Certification is refused.",
}


def _told_of_miss(deadline: Deadline, consequence: Consequence) -> set[Party]:
    """The deadline's owner and the Secretariat; everyone when the certificate changes."""
    told = {deadline.owner, Party.SECRETARIAT}
    return told if consequence == Consequence.ESCALATE else told | {Party.MEMBER, Party.AUDIT_FIRM}


def escalation_notice(state: CertificationState, deadline: Deadline, consequence: Consequence, now: datetime) -> Notice:
    return Notice(
        notice_id=notice_id(state.certification_id, f"missed/{deadline.occurrence}"),
        kind=NoticeKind.ESCALATION,
        certification_id=state.certification_id,
        at=now,
        audience=audience(state, *_told_of_miss(deadline, consequence)),
        subject=f"Missed: {what(state, deadline)}",
        body=f"{what(state, deadline)} was due on {deadline.due:%d %B %Y}. {_CONSEQUENCE_WORDS[consequence]}",
        deadline_id=deadline.deadline_id,
        deadline_kind=deadline.kind,
        due=deadline.due,
        days_left=days_left(deadline, now),
    )
