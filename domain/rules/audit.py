"""An audit's steps, in order: plan, start, record findings, submit the report, review."""

from datetime import date

from domain import commands as cmd
from domain import events as ev
from domain.audits import INITIAL_AUDITS, Audit, AuditStatus, AuditType
from domain.certificates import CertificateKind
from domain.deadlines import DeadlineKind, Party, deadline_id
from domain.errors import RuleViolation
from domain.events import Event
from domain.policy import Policy, policy_by_id
from domain.rules.access import require_assigned_firm, require_secretariat
from domain.rules.application import require_accepted
from domain.rules.deadlines import audit_deadline, meet
from domain.rules.emit import Emit
from domain.state import CertificationState


def plan(state: CertificationState, command: cmd.PlanAudit, emit: Emit) -> list[Event]:
    require_assigned_firm(state, command.actor, "plan an audit")
    require_accepted(state, "plan an audit")
    policy = policy_by_id(state.policy_id)
    if state.open_audit is not None:
        raise RuleViolation("audit.one-at-a-time", f"audit {state.open_audit.audit_id} is still open")
    used = state.past_audit_ids + ((state.audit.audit_id,) if state.audit else ())
    if command.audit_id in used:
        raise RuleViolation("audit.unique-id", f"audit id {command.audit_id} is already used")
    if state.deferred_audit_id is not None:
        raise RuleViolation(
            "decision.deferred",
            f"the decision on audit {state.deferred_audit_id} waits for its major NCs to be verified",
        )
    if command.starts_on < emit.today:
        raise RuleViolation("audit.start-not-in-past", f"audit cannot start before today ({emit.today})")
    _check_type_fits_lifecycle(state, policy, command, emit.today)
    due = policy.report_due_after_audit.after(command.ends_on)
    report = audit_deadline(DeadlineKind.REPORT, command.audit_id, due, owner=Party.AUDIT_FIRM)
    planned = emit(
        ev.AuditPlanned,
        audit_id=command.audit_id,
        audit_type=command.audit_type,
        starts_on=command.starts_on,
        ends_on=command.ends_on,
        lead_auditor=command.lead_auditor,
    )
    return [planned, emit(ev.DeadlineSet, deadline=report)]


def _check_type_fits_lifecycle(state: CertificationState, policy: Policy, command: cmd.PlanAudit, today: date) -> None:
    kind = command.audit_type
    certificate = state.certificate if state.certificate and state.certificate.is_live else None
    if kind in INITIAL_AUDITS:
        if certificate is None:
            _check_first_audit(state, policy, command, today)
        elif not (certificate.kind == CertificateKind.PROVISIONAL and kind == AuditType.CERTIFICATION):
            raise RuleViolation(
                "audit.type",
                f"a {certificate.kind} certificate is held: plan a surveillance or re-certification audit",
            )
        return
    if certificate is None:
        raise RuleViolation("audit.needs-certificate", f"a {kind} audit needs a live certificate")
    needs_full = kind in (AuditType.SURVEILLANCE, AuditType.RECERTIFICATION)
    if needs_full and certificate.kind != CertificateKind.FULL:
        raise RuleViolation("audit.needs-full-certificate", f"a {kind} audit needs a full certificate")
    if kind == AuditType.SURVEILLANCE:
        _check_surveillance_window(state, command.starts_on)
    if kind == AuditType.RECERTIFICATION and command.starts_on > certificate.valid_until:
        raise RuleViolation(
            "recertification.before-expiry",
            f"a re-certification audit must start by the certificate's expiry ({certificate.valid_until})",
        )


def _check_first_audit(state: CertificationState, policy: Policy, command: cmd.PlanAudit, today: date) -> None:
    if command.audit_type == AuditType.PROVISIONAL_CERTIFICATION and policy.provisional_validity is None:
        raise RuleViolation("audit.type", f"{policy.scheme} grants no provisional certificates")
    if not state.self_assessment_submitted:
        raise RuleViolation(
            "self-assessment.submitted", "the self-assessment must be submitted before the initial audit"
        )
    high_risk = sorted(state.activities & policy.high_risk_activities)
    earliest = policy.plan_lead_time_high_risk.after(today)
    if high_risk and command.starts_on < earliest:
        raise RuleViolation(
            "audit-plan.lead-time",
            f"the plan of an initial audit at high-risk activities ({', '.join(high_risk)}) must reach "
            f"the Secretariat {policy.plan_lead_time_high_risk} before it starts: earliest start {earliest}",
        )


def _check_surveillance_window(state: CertificationState, starts_on: date) -> None:
    window = next((d for d in state.deadlines.values() if d.kind == DeadlineKind.SURVEILLANCE), None)
    if window is None:
        raise RuleViolation("surveillance.due", "no surveillance audit is due in this cycle")
    if window.opens is not None and starts_on < window.opens:
        raise RuleViolation(
            "surveillance.window", f"the surveillance window opens on {window.opens} (due by {window.due})"
        )


def current_audit(state: CertificationState, audit_id: str, *expected: AuditStatus) -> Audit:
    """The audit named, if it is at one of the expected steps."""
    audit = state.audit
    if audit is None or audit.audit_id != audit_id:
        raise RuleViolation("audit.exists", f"audit {audit_id} is not the current audit")
    if audit.status not in expected:
        steps = ", ".join(s.value for s in expected)
        raise RuleViolation("audit.order", f"audit {audit_id} is {audit.status}; this step needs: {steps}")
    return audit


def start(state: CertificationState, command: cmd.StartAudit, emit: Emit) -> list[Event]:
    require_assigned_firm(state, command.actor, "start an audit")
    audit = current_audit(state, command.audit_id, AuditStatus.PLANNED)
    if emit.today < audit.starts_on:
        raise RuleViolation("audit.not-before-start", f"audit {audit.audit_id} starts on {audit.starts_on}")
    return [emit(ev.AuditStarted, audit_id=audit.audit_id)]


_FINDING_STEPS = (AuditStatus.IN_PROGRESS, AuditStatus.FINDINGS_RECORDED, AuditStatus.RETURNED)


def record_findings(state: CertificationState, command: cmd.RecordFindings, emit: Emit) -> list[Event]:
    require_assigned_firm(state, command.actor, "record findings")
    current_audit(state, command.audit_id, *_FINDING_STEPS)
    in_scope = {f.facility_id for f in state.facilities}
    outside = sorted({f.facility_id for f in command.findings} - in_scope)
    if outside:
        raise RuleViolation("findings.facility-in-scope", f"facilities not in scope: {', '.join(outside)}")
    return [emit(ev.FindingsRecorded, audit_id=command.audit_id, findings=command.findings)]


def submit_report(state: CertificationState, command: cmd.SubmitReport, emit: Emit) -> list[Event]:
    require_assigned_firm(state, command.actor, "submit an audit report")
    audit = current_audit(state, command.audit_id, AuditStatus.FINDINGS_RECORDED, AuditStatus.RETURNED)
    if not audit.findings:
        raise RuleViolation("report.findings", f"audit {audit.audit_id} has no findings recorded")
    if not audit.starts_on <= command.on_site_ended_on <= emit.today:
        raise RuleViolation(
            "report.on-site-dates",
            f"the on-site audit must end between its start ({audit.starts_on}) and today ({emit.today})",
        )
    submitted = emit(
        ev.ReportSubmitted,
        audit_id=audit.audit_id,
        on_site_ended_on=command.on_site_ended_on,
        summary=command.summary,
    )
    return [submitted, *meet(state, emit, deadline_id(DeadlineKind.REPORT, audit.audit_id))]


def return_report(state: CertificationState, command: cmd.ReturnReport, emit: Emit) -> list[Event]:
    require_secretariat(command.actor, "return an audit report")
    current_audit(state, command.audit_id, AuditStatus.REPORT_SUBMITTED)
    return [emit(ev.ReportReturned, audit_id=command.audit_id, reason=command.reason)]
