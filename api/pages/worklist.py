"""An audit firm's pages: the worklist of the audits assigned to it, and one certification's
audit with a form for each step the firm's auditors give (plan, start, record findings,
submit the report, attach its documents, close a non-conformity)."""

from datetime import date
from functools import partial
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.datastructures import FormData, UploadFile

from api.access import AuditFirmCaller, audit_firm
from api.deps import AppOptions, Connection, Directory_, Dispatch, Today
from api.lead_auditor import check_lead_auditor
from api.pages.audit_steps import STEP_FORMS, next_step
from api.pages.forms import (
    Outcome,
    PostedForm,
    StepForms,
    Vet,
    fields_for,
    outcome_shown,
    send,
    type_of,
)
from api.pages.templating import links, templates, words
from api.params import CertificationId, DeadlineQuery
from api.queries.documents import attached_documents
from api.queries.oversight import deadline_page
from api.queries.worklist import assigned_audits
from api.rows import deadline
from api.uploads import attachment_fields, refused_uploader, store_upload, upload_held
from api.visibility import visible_to
from api.within_reach import certification_within_reach
from domain import commands as cmd
from domain.actors import Role
from domain.audits import AuditType, FindingKind
from domain.documents import DocumentKind
from identity.directory import Directory
from identity.principal import Principal

router = APIRouter(
    prefix="/worklist",
    tags=["worklist"],
    include_in_schema=False,
    default_response_class=HTMLResponse,
    dependencies=[Depends(audit_firm)],
)
LIST_LIMIT = 100
FINDING_ROWS = 4
STEPS: dict[str, type[BaseModel]] = {
    type_of(kind): kind
    for kind in (cmd.PlanAudit, cmd.StartAudit, cmd.RecordFindings, cmd.SubmitReport, cmd.CloseNonConformity)
}


def _item(row: Any, today: date) -> dict[str, Any]:
    due = min((d for d in (row["next_deadline_due"], row["next_audit_due"]) if d is not None), default=None)
    step = next_step(row["phase"], row["current_audit_status"], row["open_majors"])
    return {**row, "step": step, "next_due": due, "overdue": due is not None and due < today}


@router.get("", name="worklist_page")
async def worklist_page(request: Request, conn: Connection, today: Today, caller: AuditFirmCaller) -> HTMLResponse:
    """The firm's audits, the most pressing first, each with its next step and due date."""
    visible = visible_to(caller)
    rows, more = await assigned_audits(conn, visible, LIST_LIMIT)
    deadlines, more_deadlines = await deadline_page(conn, DeadlineQuery(limit=LIST_LIMIT), today, visible)
    context = {
        "items": [_item(r, today) for r in rows],
        "more": more,
        "deadlines": [deadline(d, today) for d in deadlines],
        "more_deadlines": more_deadlines is not None,
        "certification_url": links(request, "audit_page", "certification_id"),
    }
    return templates.TemplateResponse(request, "worklist.html", context)


async def _audit_page(
    request: Request,
    conn: AsyncConnection,
    today: date,
    caller: Principal,
    certification_id: str,
    outcome: Outcome,
    status: int = 200,
) -> HTMLResponse:
    c = await certification_within_reach(conn, caller, certification_id, today)
    step = next_step(c.phase, c.current_audit_status, c.open_majors)
    context = {
        "c": c,
        "o": outcome,
        "step": step,
        "forms": STEP_FORMS.get(step, ()),
        "audit": next((a for a in c.audits if a.audit_id == c.current_audit_id), None),
        "open_ncs": [n for n in c.nonconformities if n.closed_on is None],
        # Viewers read along; only the firm's auditors give audit steps (the domain says so too).
        "may_act": caller.role == Role.AUDITOR,
        "today": today,
        "suggested_audit_id": f"A{len(c.audits) + 1}",
        "audit_types": [(str(t), words(t)) for t in AuditType],
        "finding_kinds": list(FindingKind),
        "finding_rows": range(FINDING_ROWS),
        "documents": await attached_documents(conn, certification_id),
        "document_kinds": [(str(k), words(k)) for k in DocumentKind],
    }
    return templates.TemplateResponse(request, "audit.html", context, status_code=status)


@router.get("/{certification_id}", name="audit_page")
async def audit_page(
    request: Request,
    conn: Connection,
    today: Today,
    caller: AuditFirmCaller,
    certification_id: CertificationId,
    done: str | None = None,
    version: int | None = None,
) -> HTMLResponse:
    """One assigned certification: its audit, deadlines and open NCs, and the step forms."""
    outcome = await outcome_shown(conn, certification_id, done, version)
    return await _audit_page(request, conn, today, caller, certification_id, outcome)


def _findings(form: FormData) -> list[dict[str, str]]:
    """One finding per row with a criterion; blank rows are left out."""
    rows = zip(form.getlist("criterion"), form.getlist("facility_id"), form.getlist("kind"), strict=False)
    return [{"criterion": str(c).strip(), "facility_id": str(f), "kind": str(k)} for c, f, k in rows if str(c).strip()]


def _vet(kind: type[BaseModel], caller: Principal, directory: Directory) -> Vet | None:
    """The API's own check of a plan: its lead is a registered auditor of the firm, trained
    through the audit's end."""
    if kind is not cmd.PlanAudit or caller.role != Role.AUDITOR:
        return None
    return partial(check_lead_auditor, directory, caller.organisation_id)


@router.post("/{certification_id}/attach-document", name="attach_document_form")
async def attach_document_form(
    request: Request,
    conn: Connection,
    today: Today,
    caller: AuditFirmCaller,
    form: PostedForm,
    dispatcher: Dispatch,
    options: AppOptions,
    certification_id: CertificationId,
) -> Response:
    """An audit's report or public summary, uploaded from its form; back to the page."""
    await dispatcher.require_reach(caller, certification_id)  # before the upload is stored
    again = partial(_audit_page, request, conn, today, caller, certification_id)
    step = type_of(cmd.AttachDocument)
    if (refusal := refused_uploader(caller)) is not None:
        return await again(Outcome(refusal=refusal, step=step), 403)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await again(Outcome(problems=("file: choose a PDF file",), step=step), 422)
    try:
        stored = await store_upload(request, upload, options.max_document_bytes)
    except HTTPException as error:
        return await again(Outcome(problems=(str(error.detail),), step=step), error.status_code)
    fields = attachment_fields(str(form.get("audit_id", "")), str(form.get("kind", "")), stored, upload.filename)
    back = request.url_for("audit_page", certification_id=certification_id)
    async with upload_held(request, stored) as held:
        shown = await send(dispatcher, caller, certification_id, cmd.AttachDocument, fields, form, back, again)
        # Back to the page on success (a redirect); the page again, with its status, otherwise.
        held.answered(200 if isinstance(shown, RedirectResponse) else shown.status_code)
    return shown


FORMS = StepForms(STEPS, "audit step", _audit_page, "audit_page")


@router.post("/{certification_id}/{step}", name="audit_step")
async def audit_step(
    request: Request,
    conn: Connection,
    today: Today,
    caller: AuditFirmCaller,
    form: PostedForm,
    dispatcher: Dispatch,
    directory: Directory_,
    certification_id: CertificationId,
    step: str,
) -> Response:
    """One audit step from its form; back to the certification's page."""
    kind = FORMS.kind(step)
    fields = fields_for(kind, form)
    if kind is cmd.RecordFindings:
        fields["findings"] = _findings(form)
    vet = _vet(kind, caller, directory)
    return await FORMS.give(request, conn, today, caller, dispatcher, certification_id, kind, fields, form, vet)
