"""The review queue: audit reports awaiting the Secretariat's decision."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.access import secretariat
from api.deps import Connection, Today
from api.models.errors import AUTHENTICATED
from api.models.oversight import ReviewQueue
from api.params import ScopeFilters
from api.queries.oversight import review_queue
from api.rows import review

router = APIRouter(
    prefix="/review-queue", tags=["review queue"], dependencies=[Depends(secretariat)], responses=AUTHENTICATED
)


@router.get("")
async def get_review_queue(conn: Connection, today: Today, scope: Annotated[ScopeFilters, Query()]) -> ReviewQueue:
    """Reports awaiting the Secretariat's review, oldest first, with their age in days."""
    return ReviewQueue(items=[review(r, today) for r in await review_queue(conn, scope.standard)])
