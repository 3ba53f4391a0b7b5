"""A person's inbox: the notices recorded for them (notifications.recording), newest first,
and how many they have not read. Every query names the person, so one never reaches
another's notices."""

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import RowMapping, func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from api import cursor
from notifications.tables import notice_recipients, notices
from projections.tables import certifications

N, R = notices.c, notice_recipients.c


def read_cursor(value: str) -> tuple[datetime, UUID]:
    """An inbox cursor's (at, notice_id); ValueError when it is not one of ours."""
    at, notice_id = cursor.decode(value, 2)
    moment = cursor.typed(at, N.at)
    if not isinstance(notice_id, str):
        raise ValueError(cursor.NOT_OURS)
    try:
        return moment, UUID(notice_id)  # type: ignore[return-value]
    except ValueError:
        raise ValueError(cursor.NOT_OURS) from None


async def inbox_page(
    conn: AsyncConnection, user_id: str, unread_only: bool, limit: int, after: str | None
) -> tuple[list[RowMapping], str | None]:
    statement = (
        select(
            N.notice_id,
            N.kind,
            N.subject,
            N.body,
            N.certification_id,
            N.deadline_id,
            N.deadline_kind,
            N.due,
            N.days_left,
            N.at,
            R.read_at,
            R.delivery,
            certifications.c.entity_name,
        )
        .select_from(
            notice_recipients.join(notices, N.notice_id == R.notice_id).outerjoin(
                certifications, certifications.c.certification_id == N.certification_id
            )
        )
        .where(R.user_id == user_id)
        .order_by(N.at.desc(), N.notice_id.desc())
    )
    if unread_only:
        statement = statement.where(R.read_at.is_(None))
    if after is not None:
        at, notice_id = read_cursor(after)
        statement = statement.where(tuple_(N.at, N.notice_id) < tuple_(at, notice_id))
    rows = list((await conn.execute(statement.limit(limit + 1))).mappings())
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], cursor.encode([last["at"], str(last["notice_id"])])


async def unread_count(conn: AsyncConnection, user_id: str) -> int:
    """One query on the recipients' (user_id, notice_id) index."""
    statement = select(func.count()).where(R.user_id == user_id, R.read_at.is_(None))
    return int(await conn.scalar(statement) or 0)


async def is_recipient(conn: AsyncConnection, user_id: str, notice_id: UUID) -> bool:
    statement = select(R.notice_id).where(R.user_id == user_id, R.notice_id == notice_id)
    return await conn.scalar(statement) is not None


async def mark_read(conn: AsyncConnection, user_id: str, notice_id: UUID | None = None) -> int:
    """Marks one of the person's notices read (all of them when `notice_id` is None); a
    notice read before keeps the moment it was first read. How many were marked now."""
    where = [R.user_id == user_id, R.read_at.is_(None)]
    if notice_id is not None:
        where.append(R.notice_id == notice_id)
    marked = await conn.execute(update(notice_recipients).where(*where).values(read_at=datetime.now(UTC)))
    return marked.rowcount
