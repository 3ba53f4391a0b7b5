"""The Secretariat accepts a report; the policy turns the accepted findings into a decision."""

from datetime import date

from domain import commands as cmd
from domain import events as ev
from domain.audits import INITIAL_AUDITS, Audit, AuditStatus, AuditType, FindingSummary
from domain.certificates import CertificateKind, CertificateStatus
from domain.deadlines import DeadlineKind
from domain.events import Event
from domain.nonconformities import Severity
from domain.policy import MajorNcOutcome, Policy, policy_by_id
from domain.rules.access import require_secretariat
from domain.rules.audit import current_audit
from domain.rules.deadlines import audit_deadline, certificate_deadlines, meet, of_kind, surveillance_deadline
from domain.rules.emit import Emit
from domain.state import CertificationState


def accept_report(state: CertificationState, command: cmd.AcceptReport, emit: Emit) -> list[Event]:
    require_secretariat(command.actor, "accept an audit report")
    audit = current_audit(state, command.audit_id, AuditStatus.REPORT_SUBMITTED)
    policy = policy_by_id(state.policy_id)
    summary = FindingSummary.of(audit.findings)
    accepted = emit(
        ev.ReportAccepted,
        audit_id=audit.audit_id,
        audit_type=audit.audit_type,
        major_ncs=summary.majors,
        minor_ncs=len(summary.minor_criteria),
        critical_breach=summary.critical_breach,
    )
    return [accepted, *_decision(state, policy, audit, summary, emit)]


def _decision(
    state: CertificationState, policy: Policy, audit: Audit, summary: FindingSummary, emit: Emit
) -> list[Event]:
    live = state.certificate if state.certificate and state.certificate.is_live else None
    if summary.critical_breach or summary.majors > policy.max_major_ncs:
        why = _too_grave(policy, summary)
        if live is not None:
            return [emit(ev.CertificateRevoked, audit_id=audit.audit_id, reason=why)]
        return [emit(ev.CertificationRefused, audit_id=audit.audit_id, reason=why)]
    deferring = (
        summary.majors > 0
        and policy.major_nc_outcome == MajorNcOutcome.DEFER_UNTIL_VERIFIED
        and audit.audit_type in policy.decided_after_verification
    )
    # A deferred decision has its own verification deadline in place of the closure one.
    ncs = _raise_ncs(policy, audit, summary, emit, closure_deadline=not deferring)
    if deferring:
        return ncs + _defer(policy, audit, summary, emit)
    if audit.audit_type in INITIAL_AUDITS:
        return ncs + _certify(state, policy, audit, summary, emit)
    if audit.audit_type == AuditType.RECERTIFICATION:
        return ncs + _recertify(state, policy, audit, summary, emit)
    if audit.audit_type == AuditType.SURVEILLANCE:
        return ncs + _surveilled(state, policy, emit)
    return ncs


def _too_grave(policy: Policy, summary: FindingSummary) -> str:
    if summary.critical_breach:
        return "a critical breach was found"
    return f"{summary.majors} major NCs exceed the limit of {policy.max_major_ncs}"


def _certify(
    state: CertificationState, policy: Policy, audit: Audit, summary: FindingSummary, emit: Emit
) -> list[Event]:
    wants_provisional = summary.majors > 0 or audit.audit_type == AuditType.PROVISIONAL_CERTIFICATION
    if not wants_provisional:
        return grant_full(state, policy, audit.audit_id, emit, "no major NC")
    granted_before = state.provisional_granted and policy.provisional_once
    if granted_before or policy.provisional_validity is None:
        why = (
            "a provisional certificate is granted only once"
            if granted_before
            else (f"{policy.scheme} grants no provisional certificates")
        )
        return [emit(ev.CertificationRefused, audit_id=audit.audit_id, reason=why)]
    reason = f"{summary.majors} major NC(s)" if summary.majors else "provisional certification audit"
    valid_until = policy.provisional_validity.after(emit.today)
    return _grant(state, policy, audit.audit_id, emit, CertificateKind.PROVISIONAL, emit.today, valid_until, reason)


def _recertify(
    state: CertificationState, policy: Policy, audit: Audit, summary: FindingSummary, emit: Emit
) -> list[Event]:
    if summary.majors == 0:
        return grant_full(state, policy, audit.audit_id, emit, "re-certification with no major NC")
    why = f"re-certification refused: {summary.majors} major NC(s); the certificate runs to its expiry"
    return [emit(ev.CertificationRefused, audit_id=audit.audit_id, reason=why)]


def grant_full(state: CertificationState, policy: Policy, audit_id: str, emit: Emit, reason: str) -> list[Event]:
    """A full certificate; before expiry of a full one, the new period runs on from the old expiry."""
    current = state.certificate
    renewing = (
        current is not None
        and current.kind == CertificateKind.FULL
        and current.status == CertificateStatus.ACTIVE
        and emit.today <= current.valid_until
    )
    valid_from = current.valid_until if renewing and current else emit.today
    valid_until = policy.full_validity.after(valid_from)
    return _grant(state, policy, audit_id, emit, CertificateKind.FULL, valid_from, valid_until, reason)


def _grant(
    state: CertificationState,
    policy: Policy,
    audit_id: str,
    emit: Emit,
    kind: CertificateKind,
    valid_from: date,
    valid_until: date,
    reason: str,
) -> list[Event]:
    cycle = (state.certificate.cycle if state.certificate else 0) + 1
    granted = emit(
        ev.CertificateGranted,
        audit_id=audit_id,
        kind=kind,
        valid_from=valid_from,
        valid_until=valid_until,
        cycle=cycle,
        reason=reason,
    )
    certificate = granted.certificate()
    replaced = [
        *of_kind(state, DeadlineKind.EXPIRY),
        *of_kind(state, DeadlineKind.RECERTIFICATION),
        *of_kind(state, DeadlineKind.MAJOR_VERIFICATION),
    ]
    deadlines = [emit(ev.DeadlineSet, deadline=d) for d in certificate_deadlines(policy, certificate)]
    return [granted, *meet(state, emit, *replaced), *deadlines]


def _defer(policy: Policy, audit: Audit, summary: FindingSummary, emit: Emit) -> list[Event]:
    assert policy.major_verification_within is not None and audit.on_site_ended_on is not None
    due = policy.major_verification_within.after(audit.on_site_ended_on)
    verification = audit_deadline(DeadlineKind.MAJOR_VERIFICATION, audit.audit_id, due)
    why = f"{summary.majors} major NC(s) must be verified closed by {verification.due}"
    return [
        emit(ev.CertificationDeferred, audit_id=audit.audit_id, reason=why),
        emit(ev.DeadlineSet, deadline=verification),
    ]


def _surveilled(state: CertificationState, policy: Policy, emit: Emit) -> list[Event]:
    done = meet(state, emit, *of_kind(state, DeadlineKind.SURVEILLANCE))
    certificate = state.certificate
    assert certificate is not None
    following = surveillance_deadline(policy, certificate, state.surveillances_done + 1)
    return done + ([emit(ev.DeadlineSet, deadline=following)] if following else [])


def _raise_ncs(
    policy: Policy, audit: Audit, summary: FindingSummary, emit: Emit, closure_deadline: bool
) -> list[Event]:
    raised: list[Event] = [
        emit(ev.NonConformityRaised, nc_id=f"{audit.audit_id}/{c}", audit_id=audit.audit_id, criterion=c, severity=s)
        for s, criteria in ((Severity.MAJOR, summary.major_criteria), (Severity.MINOR, summary.minor_criteria))
        for c in criteria
    ]
    if not summary.majors:
        return raised
    assert audit.on_site_ended_on is not None
    ended = audit.on_site_ended_on
    deadlines = [audit_deadline(DeadlineKind.CAP, audit.audit_id, policy.cap_due_after_audit.after(ended))]
    if closure_deadline:
        due = policy.major_closure_within.after(ended)
        deadlines.append(audit_deadline(DeadlineKind.MAJOR_CLOSURE, audit.audit_id, due))
    return [*raised, *(emit(ev.DeadlineSet, deadline=d) for d in deadlines)]
