"""The signed-in person's inbox: every notice recorded for them, newest first, with the
unread count; marking one or all read. Another person's notice is 404, as if it did not exist."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query
from pydantic import Field, field_validator

from api.access import Caller
from api.deps import Connection, Engine
from api.models.commands import Problem
from api.models.errors import AUTHENTICATED, ERRORS
from api.models.people import InboxItem, InboxPage, ReadReceipt
from api.params import MAX_PAGE, CursorField, QueryModel
from api.queries.inbox import inbox_page, is_recipient, mark_read, read_cursor, unread_count

router = APIRouter(prefix="/notifications", tags=["notifications"], responses=AUTHENTICATED)
NOT_YOURS: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No such notice among the caller's"}
}


class InboxQuery(QueryModel):
    unread: bool | None = Field(default=None, description="true: only the notices not yet read")
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    cursor: str | None = CursorField

    @field_validator("cursor")
    @classmethod
    def _an_inbox_cursor(cls, value: str | None) -> str | None:
        if value is not None:
            read_cursor(value)
        return value


@router.get("", responses={422: ERRORS[422]})
async def list_notifications(conn: Connection, caller: Caller, query: Annotated[InboxQuery, Query()]) -> InboxPage:
    """The caller's notices, newest first (`unread=true`: only those not yet read), and how
    many are unread in all."""
    rows, next_cursor = await inbox_page(conn, caller.user_id, bool(query.unread), query.limit, query.cursor)
    return InboxPage(
        items=[InboxItem.model_validate(dict(r)) for r in rows],
        unread=await unread_count(conn, caller.user_id),
        next_cursor=next_cursor,
    )


@router.post("/read", responses={422: ERRORS[422]})
async def mark_all_read(engine: Engine, caller: Caller) -> ReadReceipt:
    """Marks every notice of the caller's read."""
    async with engine.begin() as conn:
        marked = await mark_read(conn, caller.user_id)
        return ReadReceipt(marked=marked, unread=await unread_count(conn, caller.user_id))


@router.post("/{notice_id}/read", responses={**NOT_YOURS, 422: ERRORS[422]})
async def mark_one_read(engine: Engine, caller: Caller, notice_id: UUID) -> ReadReceipt:
    """Marks one of the caller's notices read (again: nothing changes)."""
    async with engine.begin() as conn:
        if not await is_recipient(conn, caller.user_id, notice_id):
            raise HTTPException(404, f"notice_id: no notice {notice_id} among yours")
        marked = await mark_read(conn, caller.user_id, notice_id)
        return ReadReceipt(marked=marked, unread=await unread_count(conn, caller.user_id))
