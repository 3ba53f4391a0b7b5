"""A member's pages: its organisation's certifications with their open deadlines and
non-conformities and the application form, and one certification with the forms the member
gives (the self-assessment, a corrective action plan for each open NC)."""

from datetime import date, datetime
from functools import partial
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.datastructures import FormData

from api.access import MemberCaller, member_organisation
from api.deps import Connection, Dispatch, Today
from api.dispatch import new_certification_id
from api.models.certifications import TimelineEntry
from api.pages.forms import Outcome, PostedForm, StepForms, fields_for, outcome_shown, send, type_of
from api.pages.templating import links, templates, words
from api.params import CertificationId, DeadlineQuery
from api.queries import certifications as q
from api.queries.documents import attached_documents
from api.queries.nonconformities import open_nonconformities
from api.queries.oversight import deadline_page
from api.rows import deadline, summary
from api.visibility import visible_to
from api.within_reach import certification_within_reach
from domain import commands as cmd
from domain.actors import Role
from domain.policy import POLICIES
from domain.scope import Activity
from domain.state import Phase
from identity.principal import Principal

router = APIRouter(
    prefix="/member",
    tags=["member"],
    include_in_schema=False,
    default_response_class=HTMLResponse,
    dependencies=[Depends(member_organisation)],
)
LIST_LIMIT = 100
STEPS: dict[str, type[BaseModel]] = {
    type_of(kind): kind for kind in (cmd.SubmitSelfAssessment, cmd.SubmitCorrectiveActionPlan)
}
APPLICATION_FACILITY_ROWS = 3
# The application form's choices (value, label): every standard a policy covers, every activity.
STANDARDS = tuple((code, code) for code in sorted(c for policy in POLICIES.values() for c in policy.standards))
ACTIVITIES = tuple((str(a), words(a)) for a in Activity)


async def _member_page(
    request: Request, conn: AsyncConnection, today: date, caller: Principal, outcome: Outcome, status: int = 200
) -> HTMLResponse:
    visible = visible_to(caller)
    rows, more = await q.page(conn, visible, "entity_name", False, LIST_LIMIT, None)
    deadlines, more_deadlines = await deadline_page(conn, DeadlineQuery(limit=LIST_LIMIT), today, visible)
    context = {
        "o": outcome,
        "items": [summary(r, today) for r in rows],
        "more": more is not None,
        "deadlines": [deadline(d, today) for d in deadlines],
        "more_deadlines": more_deadlines is not None,
        "nonconformities": await open_nonconformities(conn, visible, LIST_LIMIT),
        "certification_url": links(request, "member_certification_page", "certification_id"),
        "may_act": caller.role == Role.MEMBER,
        "standards": STANDARDS,
        "activities": ACTIVITIES,
        "facility_rows": range(APPLICATION_FACILITY_ROWS),
    }
    return templates.TemplateResponse(request, "member.html", context, status_code=status)


@router.get("", name="member_page")
async def member_page(request: Request, conn: Connection, today: Today, caller: MemberCaller) -> HTMLResponse:
    """The organisation's certifications, open deadlines (overdue first) and open NCs, and
    the application form."""
    return await _member_page(request, conn, today, caller, Outcome())


def _application(form: FormData, caller: Principal) -> dict[str, Any]:
    """The Apply command's fields from the form: one facility per row with a name."""
    rows = zip(form.getlist("facility_name"), form.getlist("country"), form.getlist("activity"), strict=False)
    facilities = [
        {
            "facility_id": f"site-{n}",
            "name": str(name).strip(),
            "country": str(country).strip().upper(),
            "activities": [str(activity)],
        }
        for n, (name, country, activity) in enumerate(rows, start=1)
        if str(name).strip()
    ]
    return {
        "member_id": caller.organisation_id,
        "member_name": caller.organisation_name,
        "entity_name": form.get("entity_name"),
        "standard": {"code": form.get("standard_code"), "version": form.get("standard_version")},
        "facilities": facilities,
    }


@router.post("/apply", name="member_apply")
async def member_apply(
    request: Request,
    conn: Connection,
    today: Today,
    caller: MemberCaller,
    form: PostedForm,
    dispatcher: Dispatch,
) -> Response:
    """An application for the organisation, from the form; on to the new certification's page."""
    certification_id = new_certification_id(caller, None)
    new_page = request.url_for("member_certification_page", certification_id=certification_id)
    again = partial(_member_page, request, conn, today, caller)
    fields = _application(form, caller)
    return await send(dispatcher, caller, certification_id, cmd.Apply, fields, form, new_page, again)


def _self_assessed_at(timeline: list[TimelineEntry]) -> datetime | None:
    return next((t.occurred_at for t in reversed(timeline) if t.event_type == "SelfAssessmentSubmitted"), None)


async def _certification_page(
    request: Request,
    conn: AsyncConnection,
    today: date,
    caller: Principal,
    certification_id: str,
    outcome: Outcome,
    status: int = 200,
) -> HTMLResponse:
    c = await certification_within_reach(conn, caller, certification_id, today)
    self_assessed_at = _self_assessed_at(c.timeline)
    context = {
        "c": c,
        "o": outcome,
        "self_assessed_at": self_assessed_at,
        # Due once the application is accepted, before the initial audit is planned.
        "self_assessment_due": c.phase == Phase.IN_CERTIFICATION and self_assessed_at is None,
        "open_ncs": [n for n in c.nonconformities if n.closed_on is None],
        # Viewers read along; only the member's own users (role member) give its commands.
        "may_act": caller.role == Role.MEMBER,
        "documents": await attached_documents(conn, certification_id),
    }
    return templates.TemplateResponse(request, "member_certification.html", context, status_code=status)


@router.get("/{certification_id}", name="member_certification_page")
async def member_certification_page(
    request: Request,
    conn: Connection,
    today: Today,
    caller: MemberCaller,
    certification_id: CertificationId,
    done: str | None = None,
    version: int | None = None,
) -> HTMLResponse:
    """One of the organisation's certifications: certificate, deadlines, NCs, and its forms."""
    outcome = await outcome_shown(conn, certification_id, done, version)
    return await _certification_page(request, conn, today, caller, certification_id, outcome)


FORMS = StepForms(STEPS, "member step", _certification_page, "member_certification_page")


@router.post("/{certification_id}/{step}", name="member_step")
async def member_step(
    request: Request,
    conn: Connection,
    today: Today,
    caller: MemberCaller,
    form: PostedForm,
    dispatcher: Dispatch,
    certification_id: CertificationId,
    step: str,
) -> Response:
    """The self-assessment or a corrective action plan from its form; back to the certification's page."""
    kind = FORMS.kind(step)
    return await FORMS.give(
        request, conn, today, caller, dispatcher, certification_id, kind, fields_for(kind, form), form
    )
