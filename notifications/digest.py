"""The daily digest: one mail per person per day, at the hour they chose in their time zone,
listing their open deadlines (overdue, and due within 30 days) and the notices they asked to
get in the digest since their last one. Its id derives from (person, local date), so a retried
activity or a clock catching up after downtime never sends a second one for a day."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid5
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.actors import Role
from domain.deadlines import Party
from domain.notices import NOTICE_NAMESPACE, Audience, Channel, Delivery, Notice, NoticeKind
from identity.tables import notice_preferences, users
from notifications.recording import DELIVERIES_CHANNEL, delivery_id
from notifications.status import DeliveryStatus
from notifications.tables import deliveries, notice_recipients, notices
from projections.tables import certifications, deadlines

HORIZON = timedelta(days=30)
"""How far ahead a digest looks."""
FIRST_LOOK_BACK = timedelta(days=1)
"""For someone's first digest: the notices of the day before it."""
NOT_BY_MAIL = (Delivery.NONE, Delivery.WEBHOOK_ONLY)
"""A digest preference that asks for no digest mail."""
U, D, C = users.c, deadlines.c, certifications.c


@dataclass(frozen=True)
class Reader:
    """Someone a digest may go to."""

    user_id: str
    organisation_id: str
    role: Role
    contact: bool
    email: str
    time_zone: str
    digest_hour: int

    def local_time(self, hour: datetime) -> datetime | None:
        """`hour` on this person's clock; None for a time zone no longer known."""
        try:
            return hour.astimezone(ZoneInfo(self.time_zone))
        except (ZoneInfoNotFoundError, ValueError):
            return None


@dataclass(frozen=True)
class DueLine:
    certification_id: str
    entity_name: str
    kind: str
    subject: str | None
    due: date


@dataclass(frozen=True)
class NoticeLine:
    subject: str
    at: datetime


def digest_id(user_id: str, day: date) -> UUID:
    """The one digest a person gets for a day (their local date)."""
    return uuid5(NOTICE_NAMESPACE, f"digest/{user_id}/{day.isoformat()}")


async def readers_at(conn: AsyncConnection, hour: datetime) -> list[Reader]:
    """Those with an address whose chosen hour it is at `hour` on their clock, and who have
    not asked for no digest."""
    P = notice_preferences.c
    declined = select(P.user_id).where(P.kind == NoticeKind.DIGEST, P.delivery.in_([str(d) for d in NOT_BY_MAIL]))
    query = (
        select(U.user_id, U.organisation_id, U.role, U.contact, U.email, U.time_zone, U.digest_hour)
        .where(U.email.is_not(None), U.user_id.not_in(declined))
        .order_by(U.user_id)
    )
    everyone = [Reader(*row) for row in await conn.execute(query)]
    return [r for r in everyone if (local := r.local_time(hour)) is not None and local.hour == r.digest_hour]


def _theirs(reader: Reader) -> ColumnElement[bool] | None:
    """The deadlines a person acts for: their organisation's as member, their audits (or all
    their firm's, as its contact) as auditor, the Secretariat's as an officer."""
    if reader.role == Role.MEMBER:
        return and_(D.owner == Party.MEMBER, D.owner_organisation_id == reader.organisation_id)
    if reader.role == Role.AUDITOR:
        firm = and_(D.owner == Party.AUDIT_FIRM, D.owner_organisation_id == reader.organisation_id)
        return firm if reader.contact else and_(firm, C.lead_auditor == reader.user_id)
    if reader.role == Role.SECRETARIAT:
        return D.owner == Party.SECRETARIAT
    return None


async def due_lines(conn: AsyncConnection, reader: Reader, today: date) -> list[DueLine]:
    """Their open deadlines due by `today` + 30 days (the overdue too), soonest first."""
    theirs = _theirs(reader)
    if theirs is None:
        return []
    query = (
        select(D.certification_id, C.entity_name, D.kind, D.subject, D.due)
        .select_from(deadlines.join(certifications, C.certification_id == D.certification_id))
        .where(theirs, D.due <= today + HORIZON)
        .order_by(D.due, D.certification_id, D.deadline_id)
    )
    return [DueLine(*row) for row in await conn.execute(query)]


async def notice_lines(conn: AsyncConnection, reader: Reader, until: datetime) -> list[NoticeLine]:
    """The notices they asked to get in the digest, since their last digest (up to `until`)."""
    N, R = notices.c, notice_recipients.c
    last = await conn.scalar(
        select(func.max(N.at))
        .select_from(notices.join(notice_recipients, R.notice_id == N.notice_id))
        .where(R.user_id == reader.user_id, N.kind == NoticeKind.DIGEST, N.at < until)
    )
    since = last or until - FIRST_LOOK_BACK
    query = (
        select(N.subject, N.at)
        .select_from(notices.join(notice_recipients, R.notice_id == N.notice_id))
        .where(R.user_id == reader.user_id, R.delivery == Delivery.DIGEST, N.at > since, N.at <= until)
        .order_by(N.at, N.notice_id)
    )
    return [NoticeLine(*row) for row in await conn.execute(query)]


def _due_text(line: DueLine, today: date) -> str:
    days = (line.due - today).days
    when = f"{-days} days overdue" if days < 0 else "due today" if days == 0 else f"in {days} days"
    about = f" ({line.subject})" if line.subject else ""
    return f"- {line.due.isoformat()} {line.kind}{about}, {line.entity_name} [{line.certification_id}]: {when}"


def compose(reader: Reader, hour: datetime, due: list[DueLine], told: list[NoticeLine]) -> Notice | None:
    """The day's digest for `reader`, or None when there is nothing to tell."""
    local = reader.local_time(hour)
    if local is None or not (due or told):
        return None
    today = local.date()
    overdue = [line for line in due if line.due < today]
    upcoming = [line for line in due if line.due >= today]
    parts = [f"{len(overdue)} overdue"] if overdue else []
    parts += [f"{len(upcoming)} due within 30 days"] if upcoming else []
    parts += [f"{len(told)} notices"] if told else []
    body: list[str] = []
    if overdue:
        body += ["Overdue:", *(_due_text(line, today) for line in overdue), ""]
    if upcoming:
        body += ["Due within 30 days:", *(_due_text(line, today) for line in upcoming), ""]
    if told:
        body += ["Since your last digest:", *(f"- {n.subject}" for n in told), ""]
    return Notice(
        notice_id=digest_id(reader.user_id, today),
        kind=NoticeKind.DIGEST,
        certification_id=None,
        at=hour,
        audience=Audience(parties=frozenset()),
        subject=f"Your certflow digest for {today.isoformat()}: {', '.join(parts)}",
        body="\n".join(body).rstrip() + "\n",
    )


async def record_digest(conn: AsyncConnection, reader: Reader, notice: Notice) -> bool:
    """The digest into `reader`'s inbox with one e-mail delivery; True when recorded now,
    False when this day's had been (nothing is written twice)."""
    row = notice.model_dump(mode="json", exclude={"audience"}) | {"audience": notice.audience.model_dump(mode="json")}
    row |= {"notice_id": notice.notice_id, "at": notice.at, "due": None}
    inserted = await conn.execute(insert(notices).values(**row).on_conflict_do_nothing())
    if inserted.rowcount != 1:
        return False
    await conn.execute(
        insert(notice_recipients).values(notice_id=notice.notice_id, user_id=reader.user_id, delivery=Delivery.EMAIL)
    )
    mail = {
        "delivery_id": delivery_id(notice.notice_id, Channel.EMAIL, reader.user_id),
        "notice_id": notice.notice_id,
        "channel": Channel.EMAIL,
        "user_id": reader.user_id,
        "target": reader.email,
        "status": DeliveryStatus.PENDING,
    }
    await conn.execute(insert(deliveries).values(mail).on_conflict_do_nothing())
    await conn.execute(select(func.pg_notify(DELIVERIES_CHANNEL, "")))
    return True


async def compose_digests(conn: AsyncConnection, hour: datetime) -> int:
    """Every digest due at `hour` (a full hour, UTC), recorded; the number recorded now."""
    hour = hour.astimezone(UTC)
    recorded = 0
    for reader in await readers_at(conn, hour):
        local = reader.local_time(hour)
        assert local is not None  # readers_at keeps only those with a known time zone
        due = await due_lines(conn, reader, local.date())
        told = await notice_lines(conn, reader, hour)
        notice = compose(reader, hour, due, told)
        if notice is not None and await record_digest(conn, reader, notice):
            recorded += 1
    return recorded
