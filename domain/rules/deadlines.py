"""Deadline rules: which deadlines a certificate brings, meeting, extending and missing them."""

from datetime import date

from domain import commands as cmd
from domain import events as ev
from domain.certificates import Certificate, CertificateKind, CertificateStatus
from domain.deadlines import Consequence, Deadline, DeadlineKind, Party, deadline_id, kind_of, missed_at
from domain.errors import RuleViolation
from domain.events import Event
from domain.policy import Policy, policy_by_id
from domain.rules.access import require_secretariat, require_system
from domain.rules.emit import Emit
from domain.state import CertificationState


def meet(state: CertificationState, emit: Emit, *deadline_ids: str) -> list[Event]:
    """DeadlineMet for those of the deadlines that are still open (one missed before the step
    that meets it is no longer open). Only ids of deadlines rules set are taken: a misspelt
    one would otherwise be "not open" for ever, silently."""
    for candidate in deadline_ids:
        kind_of(candidate)
    owed = state.deadlines.keys() | state.overdue.keys()
    return [emit(ev.DeadlineMet, deadline_id=d) for d in deadline_ids if d in owed]


def of_kind(state: CertificationState, kind: DeadlineKind) -> list[str]:
    return [d.deadline_id for d in state.deadlines.values() if d.kind == kind]


def audit_deadline(kind: DeadlineKind, audit_id: str, due: date, owner: Party = Party.MEMBER) -> Deadline:
    """A deadline about one audit: its report, its CAPs, its majors' closure or verification."""
    return Deadline(deadline_id=deadline_id(kind, audit_id), kind=kind, due=due, owner=owner, subject=audit_id)


def surveillance_deadline(policy: Policy, cycle_start: Certificate, index: int) -> Deadline | None:
    """The index-th surveillance window of the cycle that starts with this certificate."""
    if index >= len(policy.surveillance):
        return None
    slot = policy.surveillance[index]
    return Deadline(
        deadline_id=deadline_id(DeadlineKind.SURVEILLANCE, f"{cycle_start.cycle}.{index + 1}"),
        kind=DeadlineKind.SURVEILLANCE,
        due=slot.due_after.after(cycle_start.valid_from),
        opens=slot.opens_after.after(cycle_start.valid_from),
        owner=Party.MEMBER,
    )


def certificate_deadlines(policy: Policy, certificate: Certificate) -> list[Deadline]:
    """Expiry for every certificate; re-certification and surveillance for full ones."""
    expiry = Deadline(
        deadline_id=deadline_id(DeadlineKind.EXPIRY, str(certificate.cycle)),
        kind=DeadlineKind.EXPIRY,
        due=certificate.valid_until,
        owner=Party.MEMBER,
    )
    if certificate.kind != CertificateKind.FULL:
        return [expiry]
    recertification = Deadline(
        deadline_id=deadline_id(DeadlineKind.RECERTIFICATION, str(certificate.cycle)),
        kind=DeadlineKind.RECERTIFICATION,
        due=policy.recertification_due_before_expiry.before(certificate.valid_until),
        owner=Party.MEMBER,
    )
    surveillance = surveillance_deadline(policy, certificate, 0)
    return [expiry, recertification, *([surveillance] if surveillance else [])]


def suspension_limit(policy: Policy, emit: Emit) -> Deadline:
    return Deadline(
        deadline_id=deadline_id(DeadlineKind.SUSPENSION_LIMIT, emit.today.isoformat()),
        kind=DeadlineKind.SUSPENSION_LIMIT,
        due=policy.max_suspension.after(emit.today),
        owner=Party.SECRETARIAT,
    )


def _open(state: CertificationState, deadline_id: str) -> Deadline:
    deadline = state.deadlines.get(deadline_id)
    if deadline is None:
        raise RuleViolation("deadline.open", f"no open deadline {deadline_id}")
    return deadline


def extend(state: CertificationState, command: cmd.ExtendDeadline, emit: Emit) -> list[Event]:
    require_secretariat(command.actor, "extend a deadline")
    deadline = _open(state, command.deadline_id)
    if deadline.kind == DeadlineKind.EXPIRY:
        raise RuleViolation("deadline.extendable", "a certificate's expiry is not extended: re-certify instead")
    if command.new_due <= deadline.due:
        raise RuleViolation("deadline.later", f"the new due date must be after the current one ({deadline.due})")
    return [
        emit(
            ev.DeadlineExtended,
            deadline_id=deadline.deadline_id,
            previous_due=deadline.due,
            new_due=command.new_due,
            reason=command.reason,
        )
    ]


def record_missed(state: CertificationState, command: cmd.RecordMissedDeadline, emit: Emit) -> list[Event]:
    require_system(command.actor, "record a missed deadline")
    deadline = _open(state, command.deadline_id)
    if emit.at < missed_at(deadline):
        raise RuleViolation("deadline.not-yet-missed", f"{deadline.deadline_id} is due {deadline.due}")
    policy = policy_by_id(state.policy_id)
    consequences = _consequence(state, policy, deadline, emit)
    # Only escalated: what the deadline asked for is still owed, and stays overdue until done.
    outstanding = policy.consequence_of(deadline.kind) == Consequence.ESCALATE
    missed = emit(
        ev.DeadlineMissed,
        deadline_id=deadline.deadline_id,
        kind=deadline.kind,
        due=deadline.due,
        outstanding=outstanding,
    )
    return [missed, *consequences]


def _consequence(state: CertificationState, policy: Policy, deadline: Deadline, emit: Emit) -> list[Event]:
    consequence = policy.consequence_of(deadline.kind)
    why = f"{deadline.kind} deadline {deadline.deadline_id} (due {deadline.due}) was missed"
    certificate = state.certificate
    live = certificate is not None and certificate.is_live
    match consequence:
        case Consequence.SUSPEND if live and certificate and certificate.status == CertificateStatus.ACTIVE:
            limit = suspension_limit(policy, emit)
            return [emit(ev.CertificateSuspended, reason=why), emit(ev.DeadlineSet, deadline=limit)]
        case Consequence.EXPIRE if live and certificate:
            return [emit(ev.CertificateExpired, valid_until=certificate.valid_until, reason=why)]
        case Consequence.WITHDRAW if live:
            return [emit(ev.CertificateWithdrawn, reason=why)]
        case Consequence.REFUSE if state.deferred_audit_id is not None:
            return [emit(ev.CertificationRefused, audit_id=state.deferred_audit_id, reason=why)]
    return []
