"""The public register of certified entities, and the public programme aggregates."""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy.ext.asyncio import AsyncConnection

from api.deps import AppOptions, Connection
from api.models.register import RegisterEntry, RegisterPage, RegisterSummary
from api.params import RegisterQuery, ScopeFilters
from api.queries.documents import public_summaries
from api.queries.register import register_page, register_summary
from api.rows import register_entries

router = APIRouter(prefix="/register", tags=["public register"])


@router.get("")
async def list_register(request: Request, conn: Connection, query: Annotated[RegisterQuery, Query()]) -> RegisterPage:
    """Certified entities: standard, certificate state and validity, facilities, next audit,
    and their public summary audit reports."""
    entries, next_cursor = await register_listing(request, conn, query)
    return RegisterPage(items=entries, next_cursor=next_cursor)


async def register_listing(
    request: Request, conn: AsyncConnection, query: RegisterQuery
) -> tuple[list[RegisterEntry], str | None]:
    """One page of the register with each entry's public summary reports, and the next cursor
    (the API's listing and the register page show the same)."""
    rows, next_cursor = await register_page(conn, query)
    summaries = await public_summaries(conn, [r["certification_id"] for r in rows])
    return register_entries(rows, summaries, summary_link(request)), next_cursor


def summary_link(request: Request) -> Callable[[str, str], str]:
    def link(certification_id: str, sha256: str) -> str:
        return str(request.url_for("download_summary_report", certification_id=certification_id, sha256=sha256))

    return link


@router.get("/summary")
async def get_register_summary(
    conn: Connection, options: AppOptions, scope: Annotated[ScopeFilters, Query()]
) -> RegisterSummary:
    """Public aggregates; a country shows only where enough members contribute."""
    return await register_summary(conn, scope.standard, options.public_threshold)
