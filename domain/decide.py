"""decide(state, command, now): the events a command produces, or the rule that refuses it."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from domain import commands as cmd
from domain.actors import Role
from domain.errors import RuleViolation
from domain.events import Event
from domain.rules import application, audit, certificate, corrective, deadlines, documents, materials, outcome
from domain.rules.emit import Emit
from domain.rules.record import within_record_size
from domain.state import CertificationState

_RULES: dict[type, Callable[[CertificationState, Any, Emit], list[Event]]] = {
    cmd.Apply: application.apply,
    cmd.AcceptApplication: application.accept,
    cmd.RejectApplication: application.reject,
    cmd.SubmitSelfAssessment: application.submit_self_assessment,
    cmd.AssignAuditFirm: application.assign_audit_firm,
    cmd.PlanAudit: audit.plan,
    cmd.StartAudit: audit.start,
    cmd.RecordFindings: audit.record_findings,
    cmd.SubmitReport: audit.submit_report,
    cmd.ReturnReport: audit.return_report,
    cmd.AcceptReport: outcome.accept_report,
    cmd.AttachDocument: documents.attach,
    cmd.SubmitCorrectiveActionPlan: corrective.submit_cap,
    cmd.CloseNonConformity: corrective.close_nc,
    cmd.Suspend: certificate.suspend,
    cmd.Reinstate: certificate.reinstate,
    cmd.Withdraw: certificate.withdraw,
    cmd.ReportMaterialFlow: materials.report_flows,
    cmd.ExtendDeadline: deadlines.extend,
    cmd.RecordMissedDeadline: deadlines.record_missed,
}


def decide(state: CertificationState, command: cmd.Command, now: datetime) -> list[Event]:
    """Raises NotPermitted or RuleViolation naming the rule; otherwise the events, in order."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if state.is_terminal:
        raise RuleViolation("lifecycle.ended", f"certification {state.certification_id} has ended ({state.phase})")
    rule = _RULES[type(command)]
    events = rule(state, command, Emit(actor=command.actor, at=now.astimezone(UTC)))
    if command.actor.role != Role.SYSTEM:
        # The workflow's own timers add a few bounded events; never refuse those.
        within_record_size(state, events)
    return events
