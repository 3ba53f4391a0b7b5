"""The Secretariat's work lists: open deadlines by due date, reports awaiting review."""

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import ColumnElement, RowMapping, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from api import cursor
from api.params import DeadlineQuery
from api.queries.certifications import scope
from domain.audits import AuditStatus
from projections.tables import audits, certifications, deadlines

D = deadlines.c
A = audits.c


def deadline_conditions(query: DeadlineQuery, today: date) -> list[ColumnElement[bool]]:
    where = scope(query.standard)
    if query.kind is not None:
        where.append(D.kind == query.kind)
    if query.due_within_days is not None:
        where.append(D.due.between(today, today + timedelta(days=query.due_within_days)))
    if query.overdue is not None:
        where.append(D.due < today if query.overdue else D.due >= today)
    return where


async def deadline_page(
    conn: AsyncConnection, query: DeadlineQuery, today: date, visible: Sequence[ColumnElement[bool]] = ()
) -> tuple[list[RowMapping], str | None]:
    """Open deadlines of the `visible` certifications, soonest due first, each with its
    certification's entity and standard."""
    statement = (
        select(deadlines, certifications.c.entity_name, certifications.c.standard_code)
        .select_from(deadlines.outerjoin(certifications, certifications.c.certification_id == D.certification_id))
        .where(*deadline_conditions(query, today), *visible)
        .order_by(D.due, D.certification_id, D.deadline_id)
    )
    if query.cursor is not None:
        due, certification_id, deadline_id = cursor.decode(query.cursor, 3)
        since = tuple_(D.due, D.certification_id, D.deadline_id) > tuple_(
            cursor.typed(due, D.due), certification_id, deadline_id
        )
        statement = statement.where(since)
    rows = list((await conn.execute(statement.limit(query.limit + 1))).mappings())
    if len(rows) <= query.limit:
        return rows, None
    last = rows[query.limit - 1]
    return rows[: query.limit], cursor.encode([last["due"], last["certification_id"], last["deadline_id"]])


async def review_queue(conn: AsyncConnection, standard: str | None, limit: int | None = None) -> list[RowMapping]:
    """Audits whose report awaits the Secretariat's review, oldest submission first."""
    # Only what a review item shows: the whole queue is read on every overview (1,000 rows at
    # 100,000 certifications), and each column costs its decoding on every row.
    statement = (
        select(
            A.certification_id,
            A.audit_id,
            A.audit_type,
            A.lead_auditor,
            A.report_submitted_at,
            certifications.c.entity_name,
            certifications.c.standard_code,
            certifications.c.audit_firm_name,
        )
        .select_from(audits.outerjoin(certifications, certifications.c.certification_id == A.certification_id))
        .where(A.status == AuditStatus.REPORT_SUBMITTED)
        .order_by(A.report_submitted_at.asc().nulls_last(), A.certification_id, A.audit_id)
    )
    statement = statement.where(*scope(standard))
    return list((await conn.execute(statement.limit(limit))).mappings())


async def reviews_waiting(conn: AsyncConnection, standard: str | None) -> int:
    """How many reports await review (the overview shows only the oldest)."""
    statement = select(func.count()).select_from(audits).where(A.status == AuditStatus.REPORT_SUBMITTED)
    if standard:
        statement = statement.join(certifications, certifications.c.certification_id == A.certification_id).where(
            *scope(standard)
        )
    return int(await conn.scalar(statement) or 0)
