"""Chain-of-custody material flows: a certified member reports each past year's flows once."""

from domain import commands as cmd
from domain import events as ev
from domain.errors import RuleViolation
from domain.events import Event
from domain.policy import policy_by_id
from domain.rules.access import require_member
from domain.rules.emit import Emit
from domain.state import CertificationState


def report_flows(state: CertificationState, command: cmd.ReportMaterialFlow, emit: Emit) -> list[Event]:
    require_member(state, command.actor, "report material flows")
    policy = policy_by_id(state.policy_id)
    standard = state.standard.code if state.standard else "none"
    if standard not in policy.material_flow_standards:
        raise RuleViolation(
            "material-flow.standard", f"{policy.scheme} asks no material-flow reports of {standard} certifications"
        )
    year = command.year
    if year >= emit.today.year:
        raise RuleViolation("material-flow.year-ended", f"{year} is not over: report its flows from {year + 1}")
    if not any(v.covers_a_day_of(year) for v in state.granted_validities):
        raise RuleViolation(
            "material-flow.certified-that-year", f"{state.entity_name} held no valid certificate in {year}"
        )
    if year in state.material_flow_years:
        raise RuleViolation("material-flow.once-a-year", f"the material flows of {year} are already reported")
    return [emit(ev.MaterialFlowReported, year=year, flows=command.flows)]
