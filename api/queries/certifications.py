"""Certifications: filter, sort, page by keyset, stream for export, and one in full."""

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, RowMapping, Select, Table, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from api import cursor
from api.params import CertificationFilters
from domain.certificates import LIVE_STATUSES
from domain.state import Phase
from projections.tables import audits, certifications, deadlines, nonconformities, timeline

C = certifications.c

next_deadline_due = (
    select(func.min(deadlines.c.due))
    .where(deadlines.c.certification_id == C.certification_id)
    .scalar_subquery()
    .label("next_deadline_due")
)


def scope(standard: str | None) -> list[ColumnElement[bool]]:
    """Certifications against the standard; all of them for None (or a blank)."""
    return [C.standard_code == standard] if standard else []


def _deadline_where(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists().where(deadlines.c.certification_id == C.certification_id, *conditions)


def conditions(filters: CertificationFilters, today: date) -> list[ColumnElement[bool]]:
    where = scope(filters.standard)
    if filters.state is not None:
        column = C.phase if filters.state in tuple(Phase) else C.certificate_status
        where.append(column == filters.state)
    if filters.country is not None:
        where.append(C.countries.contains([filters.country]))
    if filters.audit_firm is not None:
        where.append(C.audit_firm_id == filters.audit_firm)
    if filters.due_within_days is not None:
        horizon = today + timedelta(days=filters.due_within_days)
        where.append(
            or_(C.next_audit_due.between(today, horizon), _deadline_where(deadlines.c.due.between(today, horizon)))
        )
    if filters.overdue is not None:
        past_due = _deadline_where(deadlines.c.due < today)
        where.append(past_due if filters.overdue else ~past_due)
    return where


def live() -> ColumnElement[bool]:
    """Certified: the certificate is active or suspended (not yet withdrawn, revoked, expired)."""
    return C.certificate_status.in_([str(s) for s in LIVE_STATUSES])


def ordered(where: Sequence[ColumnElement[bool]], sort_field: str, descending: bool) -> Select[Any]:
    column = C[sort_field]
    return (
        select(certifications, next_deadline_due)
        .where(*where)
        .order_by(*cursor.order(column, C.certification_id, descending))
    )


async def page(
    conn: AsyncConnection,
    where: Sequence[ColumnElement[bool]],
    sort_field: str,
    descending: bool,
    limit: int,
    after: str | None,
) -> tuple[list[RowMapping], str | None]:
    """One page in (sort field, certification id) order, and the cursor for the next."""
    column = C[sort_field]
    query = ordered(where, sort_field, descending)
    if after is not None:
        _, value, last_id = cursor.decode(after, 3)
        query = query.where(cursor.after(column, cursor.typed(value, column), C.certification_id, last_id, descending))
    rows = list((await conn.execute(query.limit(limit + 1))).mappings())
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    sort = f"-{sort_field}" if descending else sort_field
    return rows[:limit], cursor.encode([sort, last[sort_field], last["certification_id"]])


async def one(
    conn: AsyncConnection, certification_id: str, where: Sequence[ColumnElement[bool]] = ()
) -> RowMapping | None:
    query = select(certifications, next_deadline_due).where(C.certification_id == certification_id, *where)
    return (await conn.execute(query)).mappings().first()


async def _rows_of(
    conn: AsyncConnection, table: Table, certification_id: str, *order: ColumnElement
) -> list[RowMapping]:
    query = select(table).where(table.c.certification_id == certification_id).order_by(*order)
    return list((await conn.execute(query)).mappings())


async def deadlines_of(conn: AsyncConnection, certification_id: str) -> list[RowMapping]:
    return await _rows_of(conn, deadlines, certification_id, deadlines.c.due, deadlines.c.deadline_id)


async def audits_of(conn: AsyncConnection, certification_id: str) -> list[RowMapping]:
    return await _rows_of(conn, audits, certification_id, audits.c.starts_on)


async def nonconformities_of(conn: AsyncConnection, certification_id: str) -> list[RowMapping]:
    return await _rows_of(
        conn, nonconformities, certification_id, nonconformities.c.raised_on, nonconformities.c.criterion
    )


async def timeline_of(conn: AsyncConnection, certification_id: str) -> list[RowMapping]:
    return await _rows_of(conn, timeline, certification_id, timeline.c.version)
