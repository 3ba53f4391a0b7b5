"""Open non-conformities across the certifications a caller sees, oldest first: what a
member still has to plan for, and its firm still has to verify."""

from collections.abc import Sequence

from sqlalchemy import ColumnElement, RowMapping, select
from sqlalchemy.ext.asyncio import AsyncConnection

from projections.tables import certifications, nonconformities

N = nonconformities.c


async def open_nonconformities(
    conn: AsyncConnection, visible: Sequence[ColumnElement[bool]], limit: int
) -> list[RowMapping]:
    statement = (
        select(nonconformities, certifications.c.entity_name)
        .join(certifications, certifications.c.certification_id == N.certification_id)
        .where(N.closed_on.is_(None), *visible)
        .order_by(N.raised_on, N.certification_id, N.criterion, N.nc_id)
        .limit(limit)
    )
    return list((await conn.execute(statement)).mappings())
