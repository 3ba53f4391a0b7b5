"""The certification survey: each member's contacts are invited with every certificate granted
or renewed (a SURVEY notice), and whether they opened and completed it is tracked here, so the
programme metrics can show each scheme's response rate.

One survey per SURVEY notice, under the id the notice's link carries (domain.notices.survey_id),
recorded in the same transaction as the notice: a repeat records nothing more."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import Column, DateTime, ForeignKey, Integer, MetaData, Table, Text, Uuid, cast, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.notices import Notice, NoticeKind, survey_id
from projections.tables import certifications

surveys = Table(
    "surveys",
    MetaData(),
    Column("survey_id", Uuid, primary_key=True),
    Column("notice_id", Uuid, ForeignKey("notices.notice_id"), nullable=False, unique=True),
    Column("certification_id", Text, nullable=False),
    Column("member_id", Text, nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    Column("opened_at", DateTime(timezone=True)),
    Column("completed_at", DateTime(timezone=True)),
)
V, C = surveys.c, certifications.c


@dataclass(frozen=True)
class SchemeResponses:
    standard_code: str
    sent: int
    completed: int


async def open_survey(conn: AsyncConnection, notice: Notice) -> bool:
    """Records the survey a SURVEY notice invites its member to (call it where the notice is
    recorded, in that transaction); True when recorded now. Other notices have none."""
    if notice.kind != NoticeKind.SURVEY or not notice.audience.member_id:
        return False
    row = {
        "survey_id": survey_id(notice.notice_id),
        "notice_id": notice.notice_id,
        "certification_id": notice.certification_id,
        "member_id": notice.audience.member_id,
        "sent_at": notice.at,
    }
    return (await conn.execute(insert(surveys).values(row).on_conflict_do_nothing())).rowcount == 1


async def policy_of_survey(conn: AsyncConnection, survey: UUID) -> str | None:
    """The policy the surveyed certification applied under; None for an unknown survey (or a
    certification not projected yet)."""
    statement = (
        select(C.policy_id)
        .select_from(surveys.join(certifications, C.certification_id == V.certification_id))
        .where(V.survey_id == survey)
    )
    return await conn.scalar(statement)


async def mark_opened(conn: AsyncConnection, survey: UUID, at: datetime) -> None:
    """The first time its link was followed (later visits change nothing)."""
    await conn.execute(update(surveys).where(V.survey_id == survey, V.opened_at.is_(None)).values(opened_at=at))


async def mark_completed(conn: AsyncConnection, survey: UUID, at: datetime) -> bool:
    """False for an unknown survey; a survey completed before keeps its first time."""
    found = await conn.execute(select(V.completed_at).where(V.survey_id == survey).with_for_update())
    row = found.first()
    if row is None:
        return False
    if row.completed_at is None:
        await conn.execute(update(surveys).where(V.survey_id == survey).values(completed_at=at))
    return True


async def responses_per_scheme(conn: AsyncConnection, standard: str | None) -> list[SchemeResponses]:
    """Surveys sent and completed per standard (of the surveyed certifications)."""
    statement = (
        select(
            C.standard_code,
            func.count(),
            cast(func.count(V.completed_at), Integer),
        )
        .select_from(surveys.join(certifications, C.certification_id == V.certification_id))
        .group_by(C.standard_code)
        .order_by(C.standard_code)
    )
    if standard:
        statement = statement.where(C.standard_code == standard)
    return [SchemeResponses(*row) for row in await conn.execute(statement)]
