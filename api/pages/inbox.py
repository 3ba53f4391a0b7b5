"""A person's inbox page: their notices, newest first, each with its certification, due date
and days left, unread ones marked, and the forms that mark one or all read."""

from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import RowMapping

from api.access import Caller
from api.deps import Connection, Engine, Today
from api.pages.certification_links import certification_links
from api.pages.forms import PostedForm
from api.pages.templating import templates
from api.queries.inbox import inbox_page, is_recipient, mark_read, read_cursor, unread_count

router = APIRouter(tags=["inbox"], include_in_schema=False, default_response_class=HTMLResponse)
PAGE_SIZE = 50


def _days_left(due: date | None, today: date) -> str:
    if due is None:
        return "—"
    left = (due - today).days
    if left < 0:
        return f"{-left} day{'s' if left != -1 else ''} overdue"
    return "due today" if left == 0 else f"{left} day{'s' if left != 1 else ''} left"


def _item(row: RowMapping, today: date) -> dict[str, Any]:
    return {
        **row,
        "days_left_now": _days_left(row["due"], today),
        "overdue": row["due"] is not None and row["due"] < today,
    }


@router.get("/notifications", name="inbox_page")
async def inbox(
    request: Request, conn: Connection, caller: Caller, today: Today, unread: bool = False, cursor: str | None = None
) -> HTMLResponse:
    """The signed-in person's notices, newest first (`unread=true`: only those not yet read)."""
    if cursor is not None:
        try:
            read_cursor(cursor)
        except ValueError as error:
            raise HTTPException(422, f"cursor: {error}") from None
    rows, next_cursor = await inbox_page(conn, caller.user_id, unread, PAGE_SIZE, cursor)
    context = {
        "items": [_item(r, today) for r in rows],
        "unread_only": unread,
        "unread": await unread_count(conn, caller.user_id),
        "next_cursor": next_cursor,
        "certification_url": certification_links(request, caller.organisation_kind),
    }
    return templates.TemplateResponse(request, "inbox.html", context)


def _back(request: Request, form: PostedForm) -> RedirectResponse:
    target = request.url_for("inbox_page")
    if form.get("unread") == "true":
        target = target.include_query_params(unread="true")
    return RedirectResponse(target, 303)


@router.post("/notifications/read", name="inbox_mark_all_read")
async def mark_all(request: Request, engine: Engine, caller: Caller, form: PostedForm) -> Response:
    """Every notice of the person's read; back to the inbox."""
    async with engine.begin() as conn:
        await mark_read(conn, caller.user_id)
    return _back(request, form)


@router.post("/notifications/{notice_id}/read", name="inbox_mark_read")
async def mark_one(request: Request, engine: Engine, caller: Caller, form: PostedForm, notice_id: UUID) -> Response:
    """One notice read; back to the inbox. Another person's notice is 404."""
    async with engine.begin() as conn:
        if not await is_recipient(conn, caller.user_id, notice_id):
            raise HTTPException(404, f"no notice {notice_id} among yours")
        await mark_read(conn, caller.user_id, notice_id)
    return _back(request, form)
