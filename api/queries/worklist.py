"""An audit firm's worklist: the certifications assigned to it, each with its current audit
and its soonest open deadline, the most pressing first."""

from collections.abc import Sequence

from sqlalchemy import ColumnElement, RowMapping, and_, case, select
from sqlalchemy.ext.asyncio import AsyncConnection

from api.queries.certifications import next_deadline_due
from domain.state import TERMINAL_PHASES
from projections.tables import audits, certifications

C = certifications.c
A = audits.c


async def assigned_audits(
    conn: AsyncConnection, visible: Sequence[ColumnElement[bool]], limit: int
) -> tuple[list[RowMapping], bool]:
    """Up to `limit` of the `visible` certifications, ended ones last, then by the soonest open
    deadline or planned audit; and whether there were more."""
    ended = case((C.phase.in_([str(p) for p in TERMINAL_PHASES]), 1), else_=0)
    statement = (
        select(
            C.certification_id,
            C.entity_name,
            C.member_name,
            C.standard_code,
            C.standard_version,
            C.phase,
            C.current_audit_id,
            C.current_audit_status,
            C.next_audit_type,
            C.next_audit_due,
            C.open_majors,
            C.open_minors,
            A.audit_type,
            A.starts_on,
            A.ends_on,
            A.lead_auditor,
            next_deadline_due,
        )
        .select_from(
            certifications.outerjoin(
                audits, and_(A.certification_id == C.certification_id, A.audit_id == C.current_audit_id)
            )
        )
        .where(*visible)
        .order_by(
            ended,
            next_deadline_due.asc().nulls_last(),
            C.next_audit_due.asc().nulls_last(),
            C.entity_name,
            C.certification_id,
        )
        .limit(limit + 1)
    )
    rows = list((await conn.execute(statement)).mappings())
    return rows[:limit], len(rows) > limit
