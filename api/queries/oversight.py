"""The Secretariat's work lists: open deadlines by due date, reports awaiting review."""

from datetime import date, timedelta

from sqlalchemy import ColumnElement, RowMapping, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from api import cursor
from api.params import DeadlineQuery
from domain.audits import AuditStatus
from projections.tables import audits, certifications, deadlines

D = deadlines.c


def deadline_conditions(query: DeadlineQuery, today: date) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if query.standard:
        where.append(certifications.c.standard_code == query.standard)
    if query.kind is not None:
        where.append(D.kind == query.kind)
    if query.due_within_days is not None:
        where.append(D.due.between(today, today + timedelta(days=query.due_within_days)))
    if query.overdue is not None:
        where.append(D.due < today if query.overdue else D.due >= today)
    return where


async def deadline_page(
    conn: AsyncConnection, query: DeadlineQuery, today: date
) -> tuple[list[RowMapping], str | None]:
    """Open deadlines, soonest due first, each with its certification's entity and standard."""
    statement = (
        select(deadlines, certifications.c.entity_name, certifications.c.standard_code)
        .select_from(deadlines.outerjoin(certifications, certifications.c.certification_id == D.certification_id))
        .where(*deadline_conditions(query, today))
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


async def review_queue(conn: AsyncConnection, standard: str | None) -> list[RowMapping]:
    """Audits whose report awaits the Secretariat's review, oldest submission first."""
    statement = (
        select(
            audits,
            certifications.c.entity_name,
            certifications.c.standard_code,
            certifications.c.audit_firm_name,
        )
        .select_from(audits.outerjoin(certifications, certifications.c.certification_id == audits.c.certification_id))
        .where(audits.c.status == AuditStatus.REPORT_SUBMITTED)
        .order_by(audits.c.report_submitted_at.asc().nulls_last(), audits.c.certification_id, audits.c.audit_id)
    )
    if standard:
        statement = statement.where(certifications.c.standard_code == standard)
    return list((await conn.execute(statement)).mappings())
