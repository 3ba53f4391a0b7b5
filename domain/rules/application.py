"""Application, its acceptance, the self-assessment and engaging an audit firm."""

from domain import commands as cmd
from domain import events as ev
from domain.actors import Role
from domain.errors import NotPermitted, RuleViolation
from domain.events import Event
from domain.policy import policy_for_standard
from domain.rules.access import require_member, require_role, require_secretariat
from domain.rules.emit import Emit
from domain.state import CertificationState, Phase


def apply(state: CertificationState, command: cmd.Apply, emit: Emit) -> list[Event]:
    actor = command.actor
    require_role(actor, "apply for certification", Role.MEMBER, Role.SECRETARIAT)
    if actor.role == Role.MEMBER and actor.organisation_id != command.member_id:
        raise NotPermitted("access.own-organisation", "a member applies only for its own organisation")
    if state.phase != Phase.NEW:
        raise RuleViolation("application.once", f"certification {state.certification_id} already has an application")
    policy = policy_for_standard(command.standard.code)
    if policy is None:
        raise RuleViolation("standard.known", f"no scheme policy covers standard {command.standard.code}")
    return [
        emit(
            ev.ApplicationSubmitted,
            member_id=command.member_id,
            member_name=command.member_name,
            entity_name=command.entity_name,
            standard=command.standard,
            policy_id=policy.policy_id,
            facilities=command.facilities,
            external_certifications=command.external_certifications,
        )
    ]


def _require_pending(state: CertificationState) -> None:
    if state.phase != Phase.APPLIED:
        raise RuleViolation(
            "application.pending", f"there is no application awaiting a decision (phase: {state.phase})"
        )


def accept(state: CertificationState, command: cmd.AcceptApplication, emit: Emit) -> list[Event]:
    require_secretariat(command.actor, "accept an application")
    _require_pending(state)
    return [emit(ev.ApplicationAccepted)]


def reject(state: CertificationState, command: cmd.RejectApplication, emit: Emit) -> list[Event]:
    require_secretariat(command.actor, "reject an application")
    _require_pending(state)
    return [emit(ev.ApplicationRejected, reason=command.reason)]


def require_accepted(state: CertificationState, action: str) -> None:
    if state.phase not in (Phase.IN_CERTIFICATION, Phase.CERTIFIED):
        raise RuleViolation(
            "application.accepted", f"cannot {action} before the application is accepted (phase: {state.phase})"
        )


def submit_self_assessment(state: CertificationState, command: cmd.SubmitSelfAssessment, emit: Emit) -> list[Event]:
    require_member(state, command.actor, "submit the self-assessment")
    require_accepted(state, "submit a self-assessment")
    return [emit(ev.SelfAssessmentSubmitted, summary=command.summary)]


def assign_audit_firm(state: CertificationState, command: cmd.AssignAuditFirm, emit: Emit) -> list[Event]:
    if command.actor.role != Role.SECRETARIAT:
        require_member(state, command.actor, "engage an audit firm")
    require_accepted(state, "engage an audit firm")
    assert state.standard is not None
    firm = command.firm
    if not firm.accredited_for(state.standard.code, emit.today):
        raise RuleViolation(
            "audit-firm.accredited",
            f"{firm.name} holds no accreditation for {state.standard.code} valid on {emit.today}",
        )
    if state.open_audit is not None:
        raise RuleViolation("audit-firm.no-open-audit", f"audit {state.open_audit.audit_id} is still open")
    return [emit(ev.AuditFirmAssigned, firm_id=firm.firm_id, firm_name=firm.name)]
