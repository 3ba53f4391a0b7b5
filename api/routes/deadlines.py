"""Open deadlines: across the programme for the Secretariat, of their own certifications
for members and audit firms."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.access import Caller
from api.deps import Connection, Today
from api.models.errors import AUTHENTICATED
from api.models.oversight import DeadlinePage
from api.params import DeadlineQuery
from api.queries.oversight import deadline_page
from api.rows import deadline
from api.visibility import visible_to

router = APIRouter(prefix="/deadlines", tags=["deadlines"], responses=AUTHENTICATED)


@router.get("")
async def list_deadlines(
    conn: Connection, caller: Caller, today: Today, query: Annotated[DeadlineQuery, Query()]
) -> DeadlinePage:
    """The caller's open deadlines, soonest first, each flagged overdue when past its due date."""
    rows, next_cursor = await deadline_page(conn, query, today, visible_to(caller))
    return DeadlinePage(items=[deadline(r, today) for r in rows], next_cursor=next_cursor)
