"""Every command a person gives, as `POST /certifications/{id}/{command}` (and applying as
`POST /certifications`). The caller is the command's actor; the answer is the certification's
new state and the events the command recorded, or the rule that refused it."""

from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel

from api.access import Caller
from api.deps import Directory_, Dispatch
from api.dispatch import Delivery, new_certification_id
from api.idempotency import request_hash
from api.lead_auditor import check_lead_auditor
from api.models.commands import ApplicationBody, AssignAuditFirmBody, CommandResult, body_of, command_of
from api.models.errors import ERRORS
from api.params import CertificationId
from domain import commands as cmd
from domain.actors import Role
from identity.directory import Directory
from identity.principal import OrganisationKind, Principal

router = APIRouter(prefix="/certifications", tags=["commands"], responses=ERRORS)

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Repeat a request with the same key to get its first answer; nothing is applied twice.",
    ),
]

ROUTED_ON_THEIR_OWN: tuple[type[BaseModel], ...] = (cmd.Apply, cmd.AssignAuditFirm, cmd.PlanAudit, cmd.AttachDocument)
"""Commands whose routes take other bodies (below; AttachDocument is an upload, in
api/routes/documents.py). RecordMissedDeadline is given by the workflow's own timers, never
over HTTP."""


async def delivery_of(
    request: Request, caller: Principal, certification_id: str, command: Any, key: str | None, status: int = 200
) -> Delivery:
    fingerprint = request_hash(request.method, request.url.path, await request.body())
    return Delivery(caller, certification_id, command, key, fingerprint, status)


@router.post(
    "",
    status_code=201,
    response_model=CommandResult,
    summary="Apply for certification",
    responses={201: {"headers": {"Location": {"description": "the new certification", "schema": {"type": "string"}}}}},
)
async def apply(
    request: Request,
    body: ApplicationBody,
    caller: Caller,
    dispatcher: Dispatch,
    directory: Directory_,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """A member applies for its own organisation; the Secretariat may apply on a member's
    behalf by naming `member_id`. The certification id is new (the same one again for a
    repeated Idempotency-Key)."""
    fields = body.model_dump(exclude={"member_id"}) | await _applicant(caller, body.member_id, directory)
    command = command_of(cmd.Apply, caller, fields)
    fingerprint = request_hash(request.method, request.url.path, await request.body())
    certification_id = new_certification_id(caller, idempotency_key, fingerprint)
    delivery = Delivery(caller, certification_id, command, idempotency_key, fingerprint, 201)
    answer = await dispatcher.deliver(delivery)
    if answer.status_code == 201:
        answer.headers["Location"] = str(request.url_for("get_certification", certification_id=certification_id))
    return answer


async def _applicant(caller: Principal, member_id: str | None, directory: Directory) -> dict[str, str]:
    """The member an application is for: the Secretariat names one; anyone else applies for
    their own organisation. Who may apply for whom is the domain's rule (access.own-organisation,
    access.role): another organisation named by a member goes to it as named, unlooked-up, so
    the refusal tells nothing of who exists."""
    if caller.role != Role.SECRETARIAT:
        named = member_id or caller.organisation_id
        name = caller.organisation_name if named == caller.organisation_id else named
        return {"member_id": named, "member_name": name}
    if member_id is None:
        raise HTTPException(422, "member_id: required when the Secretariat applies on a member's behalf")
    member = await directory.organisation(member_id)
    if member is None or member.kind != OrganisationKind.MEMBER:
        raise HTTPException(422, f"member_id: {member_id} is not a member organisation")
    return {"member_id": member_id, "member_name": member.name}


@router.post("/{certification_id}/assign-audit-firm", response_model=CommandResult, summary="Assign an audit firm")
async def assign_audit_firm(
    request: Request,
    certification_id: CertificationId,
    body: AssignAuditFirmBody,
    caller: Caller,
    dispatcher: Dispatch,
    directory: Directory_,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Engages an audit firm from the directory, with the accreditations it holds there."""
    await dispatcher.require_reach(caller, certification_id)
    firm = await directory.audit_firm(body.firm_id)
    if firm is None:
        raise HTTPException(422, f"firm_id: {body.firm_id} is not an audit firm")
    command = command_of(cmd.AssignAuditFirm, caller, {"firm": firm})
    return await dispatcher.deliver(await delivery_of(request, caller, certification_id, command, idempotency_key))


PlanAuditBody = body_of(cmd.PlanAudit)


@router.post("/{certification_id}/plan-audit", response_model=CommandResult, summary="Plan audit")
async def plan_audit(
    request: Request,
    certification_id: CertificationId,
    body: PlanAuditBody,  # type: ignore[valid-type]
    caller: Caller,
    dispatcher: Dispatch,
    directory: Directory_,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Plans an audit led by one of the firm's registered auditors whose training holds until
    the audit ends (the directory's record; the workflow checks the dates and the lifecycle)."""
    await dispatcher.require_reach(caller, certification_id)
    command = command_of(cmd.PlanAudit, caller, body.model_dump())  # type: ignore[attr-defined]
    if caller.role == Role.AUDITOR:
        await check_lead_auditor(directory, caller.organisation_id, command)
    return await dispatcher.deliver(await delivery_of(request, caller, certification_id, command, idempotency_key))


def _command_route(kind: type[BaseModel]) -> None:
    body_model = body_of(kind)
    name = kind.model_fields["type"].default

    async def endpoint(
        request: Request,
        certification_id: CertificationId,
        body: body_model,  # type: ignore[valid-type]
        caller: Caller,
        dispatcher: Dispatch,
        idempotency_key: IdempotencyKey = None,
    ) -> Response:
        await dispatcher.require_reach(caller, certification_id)
        command = command_of(kind, caller, body.model_dump())  # type: ignore[attr-defined]
        return await dispatcher.deliver(await delivery_of(request, caller, certification_id, command, idempotency_key))

    endpoint.__doc__ = kind.__doc__
    router.add_api_route(
        f"/{{certification_id}}/{name}",
        endpoint,
        methods=["POST"],
        response_model=CommandResult,
        name=f"command_{name.replace('-', '_')}",
        summary=name.replace("-", " ").capitalize(),
    )


ROUTED_BY_TYPE: tuple[type[BaseModel], ...] = (
    cmd.AcceptApplication,  # POST /certifications/{id}/accept-application
    cmd.RejectApplication,  # POST /certifications/{id}/reject-application
    cmd.SubmitSelfAssessment,  # POST /certifications/{id}/submit-self-assessment
    cmd.StartAudit,  # POST /certifications/{id}/start-audit
    cmd.RecordFindings,  # POST /certifications/{id}/record-findings
    cmd.SubmitReport,  # POST /certifications/{id}/submit-report
    cmd.AcceptReport,  # POST /certifications/{id}/accept-report
    cmd.ReturnReport,  # POST /certifications/{id}/return-report
    cmd.SubmitCorrectiveActionPlan,  # POST /certifications/{id}/submit-cap
    cmd.CloseNonConformity,  # POST /certifications/{id}/close-nc
    cmd.Suspend,  # POST /certifications/{id}/suspend
    cmd.Reinstate,  # POST /certifications/{id}/reinstate
    cmd.Withdraw,  # POST /certifications/{id}/withdraw
    cmd.ReportMaterialFlow,  # POST /certifications/{id}/report-material-flow
    cmd.ExtendDeadline,  # POST /certifications/{id}/extend-deadline
)
"""Every command whose route takes its own fields as the body, at the path its type names;
with the commands ROUTED_ON_THEIR_OWN, every command of the domain but the timers' own
(tests/api/test_commands_over_http.py checks that none is left out)."""

for _kind in ROUTED_BY_TYPE:
    _command_route(_kind)
