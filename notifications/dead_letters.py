"""The deliveries as the Secretariat oversees them: each one's status per recipient and
channel, and the dead letters (every attempt failed), which it may send again or discard."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.notices import Channel, NoticeKind
from notifications.recording import DELIVERIES_CHANNEL
from notifications.status import DeliveryStatus
from notifications.tables import deliveries, notices

D, N = deliveries.c, notices.c
DEAD_LETTERS_ONLY = "delivery.dead-letters-only"
"""The rule refusing to retry or discard a delivery that is not dead."""


class NotDead(Exception):
    """Only a dead letter is retried or discarded by hand; this delivery is `status`."""

    rule = DEAD_LETTERS_ONLY

    def __init__(self, status: DeliveryStatus) -> None:
        super().__init__(f"only a dead delivery can be retried or discarded; this one is {status}")
        self.status = status


@dataclass(frozen=True)
class DeliveryRow:
    delivery_id: UUID
    notice_id: UUID
    subject: str
    kind: NoticeKind
    certification_id: str | None
    channel: Channel
    user_id: str | None
    organisation_id: str | None
    target: str
    status: DeliveryStatus
    attempts: int
    last_error: str | None
    next_attempt_at: datetime
    sent_at: datetime | None
    created_at: datetime


_COLUMNS = (
    D.delivery_id,
    D.notice_id,
    N.subject,
    N.kind,
    N.certification_id,
    D.channel,
    D.user_id,
    D.organisation_id,
    D.target,
    D.status,
    D.attempts,
    D.last_error,
    D.next_attempt_at,
    D.sent_at,
    D.created_at,
)


def _row(r: Row[*tuple[Any, ...]]) -> DeliveryRow:
    fields = r._asdict()
    fields |= {"kind": NoticeKind(r.kind), "channel": Channel(r.channel), "status": DeliveryStatus(r.status)}
    return DeliveryRow(**fields)


async def listed(conn: AsyncConnection, status: DeliveryStatus | None, limit: int) -> list[DeliveryRow]:
    """The newest deliveries first (of one status, if given)."""
    query = select(*_COLUMNS).join(notices, N.notice_id == D.notice_id)
    if status is not None:
        query = query.where(D.status == status)
    query = query.order_by(D.created_at.desc(), D.delivery_id).limit(limit)
    return [_row(r) for r in (await conn.execute(query)).all()]


async def find(conn: AsyncConnection, delivery_id: UUID) -> DeliveryRow | None:
    query = select(*_COLUMNS).join(notices, N.notice_id == D.notice_id).where(D.delivery_id == delivery_id)
    row = (await conn.execute(query)).one_or_none()
    return _row(row) if row else None


async def _from_dead(conn: AsyncConnection, delivery_id: UUID, **values: object) -> DeliveryRow | None:
    """The delivery changed by `values` if it was dead; NotDead if it is not; None if unknown."""
    changed = await conn.execute(
        update(deliveries)
        .where(D.delivery_id == delivery_id, D.status == DeliveryStatus.DEAD)
        .values(**values)
        .returning(D.delivery_id)
    )
    found = await find(conn, delivery_id)
    if found is not None and changed.one_or_none() is None:
        raise NotDead(found.status)
    return found


async def retry(conn: AsyncConnection, delivery_id: UUID) -> DeliveryRow | None:
    """A dead letter back to pending, its attempts reset, due now; the dispatchers are woken."""
    found = await _from_dead(
        conn, delivery_id, status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=func.now(), lease_until=None
    )
    if found is not None:
        await conn.execute(select(func.pg_notify(DELIVERIES_CHANNEL, "")))
    return found


async def discard(conn: AsyncConnection, delivery_id: UUID) -> DeliveryRow | None:
    """A dead letter given up on: it stays listed, as discarded."""
    return await _from_dead(conn, delivery_id, status=DeliveryStatus.DISCARDED)
