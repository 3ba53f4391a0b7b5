"""A member's pages: its organisation's certifications with their open deadlines and
non-conformities, and one certification with the forms the member gives (the
self-assessment, a corrective action plan for each open NC)."""

from datetime import date, datetime

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection

from api.access import MemberCaller, member_organisation
from api.deps import Connection, Today
from api.models.certifications import TimelineEntry
from api.pages.forms import Outcome, PostedForm, fields_for, give, outcome_shown, type_of
from api.pages.templating import links, templates
from api.within_reach import certification_within_reach
from api.params import DeadlineQuery
from api.queries import certifications as q
from api.queries.documents import documents_of
from api.queries.nonconformities import open_nonconformities
from api.queries.oversight import deadline_page
from api.routes.commands import CertificationId, Dispatch
from api.rows import deadline, summary
from api.visibility import visible_to
from domain import commands as cmd
from domain.actors import Role
from domain.state import Phase
from identity.principal import Principal

router = APIRouter(
    prefix="/member", tags=["member"], include_in_schema=False, default_response_class=HTMLResponse,
    dependencies=[Depends(member_organisation)],
)
LIST_LIMIT = 100
STEPS: dict[str, type[BaseModel]] = {
    type_of(kind): kind for kind in (cmd.SubmitSelfAssessment, cmd.SubmitCorrectiveActionPlan)
}


@router.get("", name="member_page")
async def member_page(request: Request, conn: Connection, today: Today, caller: MemberCaller) -> HTMLResponse:
    """The organisation's certifications, open deadlines (overdue first) and open NCs."""
    visible = visible_to(caller)
    rows, more = await q.page(conn, visible, "entity_name", False, LIST_LIMIT, None)
    deadlines, more_deadlines = await deadline_page(conn, DeadlineQuery(limit=LIST_LIMIT), today, visible)
    context = {
        "items": [summary(r, today) for r in rows],
        "more": more is not None,
        "deadlines": [deadline(d, today) for d in deadlines],
        "more_deadlines": more_deadlines is not None,
        "nonconformities": await open_nonconformities(conn, visible, LIST_LIMIT),
        "certification_url": links(request, "member_certification_page", "certification_id"),
    }
    return templates.TemplateResponse(request, "member.html", context)


def _self_assessed_at(timeline: list[TimelineEntry]) -> datetime | None:
    return next((t.occurred_at for t in reversed(timeline) if t.event_type == "SelfAssessmentSubmitted"), None)


async def _certification_page(
    request: Request, conn: AsyncConnection, today: date, caller: Principal, certification_id: str,
    outcome: Outcome, status: int = 200,
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
        "documents": await documents_of(conn, certification_id, visible_to(caller)) or [],
    }
    return templates.TemplateResponse(request, "member_certification.html", context, status_code=status)


@router.get("/{certification_id}", name="member_certification_page")
async def member_certification_page(
    request: Request, conn: Connection, today: Today, caller: MemberCaller, certification_id: CertificationId,
    done: str | None = None, version: int | None = None,
) -> HTMLResponse:
    """One of the organisation's certifications: certificate, deadlines, NCs, and its forms."""
    outcome = await outcome_shown(conn, certification_id, done, version)
    return await _certification_page(request, conn, today, caller, certification_id, outcome)


@router.post("/{certification_id}/{step}", name="member_step")
async def member_step(
    request: Request, conn: Connection, today: Today, caller: MemberCaller, form: PostedForm,
    dispatcher: Dispatch, certification_id: CertificationId, step: str,
) -> Response:
    """The self-assessment or a corrective action plan from its form; back to the certification's page."""
    kind = STEPS.get(step)
    if kind is None:
        raise HTTPException(404, f"there is no member step {step}")

    async def again(outcome: Outcome, status: int) -> Response:
        return await _certification_page(request, conn, today, caller, certification_id, outcome, status)

    back = request.url_for("member_certification_page", certification_id=certification_id)
    return await give(dispatcher, caller, certification_id, kind, fields_for(kind, form), form, back, again)
