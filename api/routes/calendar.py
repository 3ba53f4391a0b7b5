"""A person's calendar feed: issuing and revoking the token in its address (signed in), and
the feed itself at /calendar/{token}.ics, which a calendar app fetches with the token as its
only credential. An unknown or revoked token is 404, as if there were no such feed."""

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from api.access import Caller
from api.deps import Connection
from api.models.commands import Problem
from api.models.errors import AUTHENTICATED
from api.models.people import CalendarFeed
from api.pages.certification_links import certification_links
from api.person import CalendarTokens_, feed_url
from api.queries.calendar import calendar_deadlines
from domain.deadlines import DeadlineKind
from notifications.calendar import CalendarDeadline, feed

router = APIRouter(prefix="/me/calendar-token", tags=["me"], responses=AUTHENTICATED)
feed_router = APIRouter(tags=["calendar"])
MEDIA_TYPE = "text/calendar"
NO_FEED: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "No live feed with this token"}}


@router.post("", status_code=201)
async def issue_calendar_token(request: Request, caller: Caller, tokens: CalendarTokens_) -> CalendarFeed:
    """A new address for the caller's calendar feed, shown this once; the old one stops working."""
    token = await tokens.issue(caller.user_id)
    return CalendarFeed(token=token, url=feed_url(request, token))


@router.delete("", status_code=204)
async def revoke_calendar_token(caller: Caller, tokens: CalendarTokens_) -> Response:
    """The caller's feed address stops working (there may have been none)."""
    await tokens.revoke(caller.user_id)
    return Response(status_code=204)


@feed_router.get(
    "/calendar/{token}.ics",
    name="calendar_feed",
    response_class=Response,
    responses={200: {"content": {MEDIA_TYPE: {}}, "description": "An iCalendar feed (RFC 5545)"}, **NO_FEED},
)
async def calendar_feed(request: Request, conn: Connection, tokens: CalendarTokens_, token: str) -> Response:
    """The open deadlines the token's holder sees, one all-day event each."""
    holder = await tokens.holder(token)
    if holder is None:
        # Answered here, not raised: the error pages would answer a path outside /api/ in HTML.
        return JSONResponse({"detail": "token: no live calendar feed with this token"}, 404)
    link = certification_links(request, holder.organisation_kind)
    deadlines = [
        CalendarDeadline(
            certification_id=r["certification_id"],
            deadline_id=r["deadline_id"],
            kind=DeadlineKind(r["kind"]),
            due=r["due"],
            entity_name=r["entity_name"],
            sequence=r["sequence"],
            changed_at=r["changed_at"],
            link=link(r["certification_id"]),
        )
        for r in await calendar_deadlines(conn, holder)
    ]
    body = feed(holder.user_id, f"certflow: {holder.organisation_name}", deadlines)
    return Response(body, media_type=MEDIA_TYPE, headers={"Cache-Control": "private, no-store"})
