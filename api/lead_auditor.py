"""Who may lead an audit: a registered auditor of the firm whose training holds until the
audit ends. A fact of the directory, so checked where the directory is (the API and the
pages), before the plan goes to the workflow."""

from fastapi import HTTPException

from domain import commands as cmd
from identity.directory import Directory


async def check_lead_auditor(directory: Directory, firm_id: str, plan: cmd.PlanAudit) -> None:
    lead = await directory.auditor(firm_id, plan.lead_auditor)
    if lead is None:
        raise HTTPException(422, f"lead_auditor: {plan.lead_auditor} is not a registered auditor of {firm_id}")
    if not lead.trained_through(plan.ends_on):
        until = f"ends on {lead.trained_until}" if lead.trained_until else "is not on record"
        raise HTTPException(422, f"lead_auditor: {lead.user_id}'s training {until}; the audit ends on {plan.ends_on}")
