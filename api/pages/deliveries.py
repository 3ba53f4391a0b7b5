"""The Secretariat's deliveries page: each notice's delivery per recipient and channel, and
the dead letters (every attempt failed) with forms to send one again or discard it."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.access import secretariat
from api.deps import Engine
from api.models.commands import Problem
from api.pages.forms import Outcome, PostedForm
from api.pages.templating import links, templates
from notifications import dead_letters
from notifications.dead_letters import NotDead
from notifications.status import DeliveryStatus

router = APIRouter(
    tags=["dashboard"],
    include_in_schema=False,
    default_response_class=HTMLResponse,
    dependencies=[Depends(secretariat)],
)
LISTED = 200
"""The newest deliveries the page lists (and as many dead letters)."""
DONE = {"retry": "Sent again: the dispatcher takes it now.", "discard": "Discarded."}
"""What the page says after a form: fixed sentences, so a link cannot make it say anything else."""


async def _page(
    request: Request, engine: Engine, status: DeliveryStatus | None, outcome: Outcome, code: int = 200
) -> HTMLResponse:
    async with engine.connect() as conn:
        listed = await dead_letters.listed(conn, status, LISTED)
        dead = await dead_letters.listed(conn, DeliveryStatus.DEAD, LISTED)
    context = {
        "status": status,
        "statuses": list(DeliveryStatus),
        "deliveries": listed,
        "dead": dead,
        "o": outcome,
        "certification_url": links(request, "certification_page", "certification_id"),
    }
    return templates.TemplateResponse(request, "deliveries.html", context, status_code=code)


@router.get("/deliveries")
async def deliveries_page(
    request: Request,
    engine: Engine,
    status: Annotated[DeliveryStatus | None, Query()] = None,
    done: Annotated[str | None, Query()] = None,
) -> HTMLResponse:
    """Deliveries newest first (of one status, if chosen), and the dead letters."""
    return await _page(request, engine, status, Outcome(done=DONE.get(done or "")))


@router.post("/deliveries/{delivery_id}/{change}", name="delivery_form")
async def delivery_form(request: Request, engine: Engine, form: PostedForm, delivery_id: UUID, change: str) -> Response:
    """Retry or discard a dead letter; back to the page with what happened."""
    if change not in DONE:
        return await _page(request, engine, None, Outcome(problems=(f"change: there is no {change}",)), 404)
    try:
        async with engine.begin() as conn:
            changed = await (dead_letters.retry if change == "retry" else dead_letters.discard)(conn, delivery_id)
    except NotDead as refusal:
        return await _page(request, engine, None, Outcome(refusal=Problem(detail=str(refusal), rule=refusal.rule)), 409)
    if changed is None:
        return await _page(request, engine, None, Outcome(problems=(f"delivery_id: no delivery {delivery_id}",)), 404)
    return RedirectResponse(request.url_for("deliveries_page").include_query_params(done=change), 303)
