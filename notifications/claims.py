"""Claiming due deliveries and recording how each went, in short transactions.

A claim takes up to a batch of deliveries that are due (pending or retrying, next_attempt_at
passed) and not leased by a live dispatcher, with `FOR UPDATE SKIP LOCKED`, so two
dispatchers claiming at once take different rows, and leases them (lease_until = now + the
lease) so that once its transaction commits no other dispatcher takes them until the lease
runs out. The claim counts the attempt before anything is sent: a dispatcher killed mid-send
has still spent one. Times are the database's, the one clock every dispatcher shares."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg
from sqlalchemy import ColumnElement, Row, Update, Uuid, and_, bindparam, func, or_, select, update
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.notices import Channel, NoticeKind
from identity.principal import OrganisationKind
from identity.tables import organisations, users
from notifications.notices import Claimed, NoticeText, Secrets
from notifications.status import WAITING, DeliveryStatus
from notifications.tables import deliveries, notices, webhook_endpoints

D, N, W = deliveries.c, notices.c, webhook_endpoints.c


def _seconds(value: float) -> ColumnElement[Any]:
    return func.make_interval(0, 0, 0, 0, 0, 0, value)


async def claim(conn: AsyncConnection, batch: int, lease_seconds: float) -> list[Claimed]:
    """Up to `batch` due deliveries, leased to the caller for `lease_seconds`, oldest due first."""
    due = (
        select(D.delivery_id)
        .where(
            D.status.in_(WAITING),
            D.next_attempt_at <= func.now(),
            or_(D.lease_until.is_(None), D.lease_until < func.now()),
        )
        .order_by(D.next_attempt_at)
        .limit(batch)
        .with_for_update(skip_locked=True)
        .cte("due")
    )
    leased = (
        update(deliveries)
        .where(D.delivery_id == due.c.delivery_id)
        .values(lease_until=func.now() + _seconds(lease_seconds), attempts=D.attempts + 1)
        .returning(D.delivery_id, D.notice_id, D.channel, D.user_id, D.organisation_id, D.target, D.attempts)
        .cte("leased")
    )
    U, Org = users.c, organisations.c
    rows = (
        await conn.execute(
            select(leased, *_notice_columns(), Org.kind.label("organisation_kind"))
            .join(notices, N.notice_id == leased.c.notice_id)
            .outerjoin(users, U.user_id == leased.c.user_id)
            .outerjoin(organisations, Org.organisation_id == U.organisation_id)
        )
    ).all()
    secrets = await _secrets(conn, {(r.organisation_id, r.target) for r in rows if r.channel == Channel.WEBHOOK})
    return [
        Claimed(
            delivery_id=r.delivery_id,
            channel=Channel(r.channel),
            target=r.target,
            attempts=r.attempts,
            notice=_notice(r),
            user_id=r.user_id,
            organisation_kind=OrganisationKind(r.organisation_kind) if r.organisation_kind else None,
            secrets=secrets.get((r.organisation_id, r.target)),
        )
        for r in rows
    ]


def _notice_columns() -> Sequence[ColumnElement[Any]]:
    return (N.kind, N.certification_id, N.at, N.subject, N.body, N.deadline_id, N.deadline_kind, N.due, N.days_left)


def _notice(r: Row[Any]) -> NoticeText:
    return NoticeText(
        notice_id=r.notice_id,
        kind=NoticeKind(r.kind),
        certification_id=r.certification_id,
        at=r.at,
        subject=r.subject,
        body=r.body,
        deadline_id=r.deadline_id,
        deadline_kind=r.deadline_kind,
        due=r.due,
        days_left=r.days_left,
    )


async def _secrets(conn: AsyncConnection, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], Secrets]:
    """The active endpoints' secrets by (organisation, URL); the newest endpoint when one URL
    was registered twice."""
    if not wanted:
        return {}
    pairs = [and_(W.organisation_id == org, W.url == url) for org, url in wanted]
    query = (
        select(W.organisation_id, W.url, W.secret, W.previous_secret, W.previous_secret_until)
        .where(or_(*pairs), W.disabled_at.is_(None))
        .order_by(W.created_at)
    )
    return {
        (r.organisation_id, r.url): Secrets(r.secret, r.previous_secret, r.previous_secret_until)
        for r in (await conn.execute(query)).all()
    }


@dataclass(frozen=True)
class _Compiled:
    sql: str
    parameters: tuple[str, ...]
    values: dict[str, Any]


def _compiled(statement: Update) -> _Compiled:
    compiled = statement.compile(dialect=asyncpg_dialect())
    return _Compiled(str(compiled), tuple(compiled.positiontup or ()), dict(compiled.params))


_MARK_SENT = _compiled(
    update(deliveries)
    .where(D.delivery_id == bindparam("sent_id", type_=Uuid))
    .values(status=DeliveryStatus.SENT.value, sent_at=func.now(), lease_until=None, last_error=None)
)


async def mark_sent(driver: asyncpg.Connection, delivery_id: UUID) -> None:
    """Sent, in a statement of its own on the driver (committed at once): compiled once and
    prepared once per connection, it costs one round trip, where a SQLAlchemy transaction
    (BEGIN, UPDATE, COMMIT) cost three and a third of the dispatcher's time (bench/dispatcher.py)."""
    given = {**_MARK_SENT.values, "sent_id": delivery_id}
    await driver.execute(_MARK_SENT.sql, *(given[name] for name in _MARK_SENT.parameters))


async def mark_failed(conn: AsyncConnection, delivery_id: UUID, error: str, retry_in_seconds: float | None) -> None:
    """Retrying after `retry_in_seconds`, or, with None, dead: a dead letter."""
    values: dict[str, object] = {"lease_until": None, "last_error": error[:2000]}
    if retry_in_seconds is None:
        values["status"] = DeliveryStatus.DEAD
    else:
        values |= {"status": DeliveryStatus.RETRYING, "next_attempt_at": func.now() + _seconds(retry_in_seconds)}
    await conn.execute(update(deliveries).where(D.delivery_id == delivery_id).values(**values))


async def mark_discarded(conn: AsyncConnection, delivery_id: UUID, reason: str) -> None:
    """Nowhere to send it any more (its webhook endpoint was disabled)."""
    await conn.execute(
        update(deliveries)
        .where(D.delivery_id == delivery_id)
        .values(status=DeliveryStatus.DISCARDED, lease_until=None, last_error=reason)
    )


async def release(conn: AsyncConnection, delivery_ids: Sequence[UUID]) -> None:
    """Gives back deliveries claimed but not attempted (the dispatcher is stopping): due again
    at once, for any dispatcher, their attempt not spent."""
    if delivery_ids:
        await conn.execute(
            update(deliveries)
            .where(D.delivery_id.in_(delivery_ids), D.status.in_(WAITING))
            .values(lease_until=None, attempts=D.attempts - 1)
        )
