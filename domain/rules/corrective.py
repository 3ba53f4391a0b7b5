"""Corrective action: the member's plan for each NC, the auditor's verified closure."""

from domain import commands as cmd
from domain import events as ev
from domain.deadlines import DeadlineKind, deadline_id
from domain.errors import RuleViolation
from domain.events import Event
from domain.nonconformities import NonConformity, Severity
from domain.policy import policy_by_id
from domain.rules.access import require_assigned_firm, require_member
from domain.rules.deadlines import meet
from domain.rules.emit import Emit
from domain.rules.outcome import grant_full
from domain.state import CertificationState


def _open_nc(state: CertificationState, nc_id: str) -> NonConformity:
    nc = state.nonconformities.get(nc_id)
    if nc is None:
        raise RuleViolation("nc.exists", f"no non-conformity {nc_id}")
    if not nc.is_open:
        raise RuleViolation("nc.open", f"non-conformity {nc_id} was closed on {nc.closed_on}")
    return nc


def submit_cap(state: CertificationState, command: cmd.SubmitCorrectiveActionPlan, emit: Emit) -> list[Event]:
    require_member(state, command.actor, "submit a corrective action plan")
    nc = _open_nc(state, command.nc_id)
    if nc.cap_submitted_on is not None:
        raise RuleViolation("cap.once", f"a plan for {nc.nc_id} was submitted on {nc.cap_submitted_on}")
    submitted = emit(ev.CorrectiveActionPlanSubmitted, nc_id=nc.nc_id, plan=command.plan)
    still_without = [m for m in state.open_majors(nc.audit_id) if m.cap_submitted_on is None and m.nc_id != nc.nc_id]
    return [submitted, *([] if still_without else meet(state, emit, deadline_id(DeadlineKind.CAP, nc.audit_id)))]


def close_nc(state: CertificationState, command: cmd.CloseNonConformity, emit: Emit) -> list[Event]:
    require_assigned_firm(state, command.actor, "verify and close a non-conformity")
    nc = _open_nc(state, command.nc_id)
    if nc.severity == Severity.MAJOR and nc.cap_submitted_on is None:
        raise RuleViolation("nc.cap-first", f"major NC {nc.nc_id} needs a corrective action plan first")
    closed = emit(ev.NonConformityClosed, nc_id=nc.nc_id, verification=command.verification)
    if [m for m in state.open_majors(nc.audit_id) if m.nc_id != nc.nc_id]:
        return [closed]
    done = meet(state, emit, deadline_id(DeadlineKind.MAJOR_CLOSURE, nc.audit_id))
    return [closed, *done, *_resolve_deferral(state, nc.audit_id, emit)]


def _resolve_deferral(state: CertificationState, audit_id: str, emit: Emit) -> list[Event]:
    """The last major of a deferred audit verified closed: the decision is made."""
    if state.deferred_audit_id != audit_id:
        return []
    policy = policy_by_id(state.policy_id)
    return grant_full(state, policy, audit_id, emit, "major NCs verified closed")
