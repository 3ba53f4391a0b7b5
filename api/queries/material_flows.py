"""Material-flow reports (readmodel.material_flows): the reported rows, and the totals safe
to publish."""

from collections.abc import Sequence

from sqlalchemy import ColumnElement, RowMapping, Select, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from api import cursor
from api.params import MaterialFlowQuery
from api.queries.certifications import scope
from projections.tables import certifications, material_flows

F = material_flows.c
C = certifications.c


def _reports() -> Select:
    return select(material_flows, C.member_name, C.entity_name).join(
        certifications, C.certification_id == F.certification_id
    )


async def flow_page(
    conn: AsyncConnection, query: MaterialFlowQuery, visible: Sequence[ColumnElement[bool]]
) -> tuple[list[RowMapping], str | None]:
    """Reported figures, latest year first, then by certification and category."""
    statement = _reports().where(*visible, *scope(query.standard))
    if query.year is not None:
        statement = statement.where(F.year == query.year)
    if query.member is not None:
        statement = statement.where(F.member_id == query.member)
    if query.cursor is not None:
        year, certification_id, category = cursor.decode(query.cursor, 3)
        statement = statement.where(
            tuple_(-F.year, F.certification_id, F.category) > tuple_(-int(year), certification_id, category)  # type: ignore[arg-type]
        )
    statement = statement.order_by(F.year.desc(), F.certification_id, F.category).limit(query.limit + 1)
    rows = list((await conn.execute(statement)).mappings())
    if len(rows) <= query.limit:
        return rows, None
    last = rows[query.limit - 1]
    return rows[: query.limit], cursor.encode([last["year"], last["certification_id"], last["category"]])


async def public_totals(
    conn: AsyncConnection, standard: str | None, year: int | None, threshold: int
) -> list[RowMapping]:
    """Totals by year and category, only where at least `threshold` distinct members
    reported, so no member's own figures can be read off a total."""
    members = func.count(F.member_id.distinct())
    statement = (
        select(
            F.year,
            F.category,
            members.label("members"),
            func.sum(F.tonnes_in).label("tonnes_in"),
            func.sum(F.tonnes_out).label("tonnes_out"),
        )
        .join(certifications, C.certification_id == F.certification_id)
        .group_by(F.year, F.category)
        .having(members >= threshold)
        .order_by(F.year.desc(), F.category)
    )
    statement = statement.where(*scope(standard))
    if year is not None:
        statement = statement.where(F.year == year)
    return list((await conn.execute(statement)).mappings())
