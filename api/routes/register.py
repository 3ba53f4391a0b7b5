"""The public register of certified entities, and the public programme aggregates."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import AppOptions, Connection
from api.models.register import RegisterPage, RegisterSummary
from api.params import RegisterQuery, ScopeFilters
from api.queries.register import register_page, register_summary
from api.rows import register_entry

router = APIRouter(prefix="/register", tags=["public register"])


@router.get("")
async def list_register(conn: Connection, query: Annotated[RegisterQuery, Query()]) -> RegisterPage:
    """Certified entities: standard, certificate state and validity, facilities, next audit."""
    rows, next_cursor = await register_page(conn, query)
    return RegisterPage(items=[register_entry(r) for r in rows], next_cursor=next_cursor)


@router.get("/summary")
async def get_register_summary(
    conn: Connection, options: AppOptions, scope: Annotated[ScopeFilters, Query()]
) -> RegisterSummary:
    """Public aggregates; a country shows only where enough members contribute."""
    return await register_summary(conn, scope.standard, options.public_threshold)
