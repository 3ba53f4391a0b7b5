"""Certifications for the Secretariat: a filtered, sorted, paged list; CSV; one in full."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncEngine

from api.access import Caller
from api.csv_export import certifications_csv
from api.deps import Connection, Engine, Today
from api.models.certifications import CertificationDetail, CertificationPage
from api.models.errors import AUTHENTICATED, ERRORS
from api.params import CertificationId, CertificationQuery
from api.queries import certifications as q
from api.rows import summary
from api.visibility import visible_to
from api.within_reach import certification_within_reach
from identity.principal import Principal

router = APIRouter(prefix="/certifications", tags=["certifications"], responses=AUTHENTICATED)
_CSV: dict[str, Any] = {"content": {"text/csv": {}}}


def _csv(engine: AsyncEngine, caller: Principal, query: CertificationQuery, today: date) -> StreamingResponse:
    statement = q.ordered(q.conditions(query, today) + visible_to(caller), query.sort_field, query.descending)
    return StreamingResponse(
        certifications_csv(engine, statement),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="certifications.csv"'},
    )


@router.get(
    "", response_model=CertificationPage, responses={200: {**_CSV, "description": "a page, or every row as CSV"}}
)
async def list_certifications(
    engine: Engine, caller: Caller, today: Today, query: Annotated[CertificationQuery, Query()]
) -> CertificationPage | StreamingResponse:
    """The caller's certifications matching the filters, one page at a time (or all as CSV
    with format=csv)."""
    if query.format == "csv":
        return _csv(engine, caller, query, today)
    # Its own connection, not the Connection dependency: a CSV stream must not hold a second one.
    where = q.conditions(query, today) + visible_to(caller)
    async with engine.connect() as conn:
        rows, next_cursor = await q.page(conn, where, query.sort_field, query.descending, query.limit, query.cursor)
    return CertificationPage(items=[summary(r, today) for r in rows], next_cursor=next_cursor)


@router.get(".csv", response_class=StreamingResponse, responses={200: _CSV})
async def export_certifications(
    engine: Engine, caller: Caller, today: Today, query: Annotated[CertificationQuery, Query()]
) -> StreamingResponse:
    """Every certification of the caller's matching the filters as CSV, in the requested order."""
    return _csv(engine, caller, query, today)


@router.get("/{certification_id}", responses={404: ERRORS[404]})
async def get_certification(
    conn: Connection, caller: Caller, today: Today, certification_id: CertificationId
) -> CertificationDetail:
    """One certification with its open deadlines, audits, non-conformities and timeline."""
    return await certification_within_reach(conn, caller, certification_id, today)
