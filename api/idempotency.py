"""The `Idempotency-Key` record: the first answer to a caller's key, given again to every
repeat of the same request, so a client that lost an answer can safely send again.

A key is claimed before the command is sent and completed with its answer after. A claim
left by a process that died in between goes stale after `STALE_AFTER`; the repeat then runs
the command again, which is safe: the command id derives from the key, so a command the
workflow already applied is not applied twice."""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from identity.tables import idempotency_keys

K = idempotency_keys.c
STALE_AFTER = timedelta(seconds=60)
RETENTION = timedelta(days=7)


def request_hash(method: str, path: str, body: bytes) -> bytes:
    return hashlib.sha256(b"\n".join((method.encode(), path.encode(), body))).digest()


@dataclass(frozen=True)
class Answer:
    status_code: int
    body: bytes
    """JSON, as sent."""

    def data(self) -> Any:
        return orjson.loads(self.body)


@dataclass(frozen=True)
class Claimed:
    """This request holds the key: run it, then `complete` or `release`."""


@dataclass(frozen=True)
class Replay:
    answer: Answer


@dataclass(frozen=True)
class InFlight:
    """Another request with this key is running now."""


@dataclass(frozen=True)
class Mismatch:
    """The key was used for a different request."""


Claim = Claimed | Replay | InFlight | Mismatch


class IdempotencyKeys:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")

    async def claim(self, user_id: str, key: str, fingerprint: bytes) -> Claim:
        now = datetime.now(UTC)
        # A caller's records past retention go as it sends more, in the same statement: the
        # table stays small, and a claim stays one round trip (autocommit, no BEGIN/COMMIT).
        expired = (
            delete(idempotency_keys)
            .where(K.user_id == user_id, K.idempotency_key != key, K.created_at < now - RETENTION)
            .cte("expired")
        )
        claim = (
            insert(idempotency_keys)
            .values(user_id=user_id, idempotency_key=key, request_hash=fingerprint, created_at=now)
            .on_conflict_do_update(
                index_elements=[K.user_id, K.idempotency_key],
                set_={"request_hash": fingerprint, "created_at": now},
                # Take over only a claim its process abandoned, or a record past retention.
                where=or_(
                    and_(K.completed_at.is_(None), K.created_at < now - STALE_AFTER, K.request_hash == fingerprint),
                    K.created_at < now - RETENTION,
                ),
            )
            .returning(K.user_id)
            .add_cte(expired)
        )
        async with self._autocommit.connect() as conn:
            if (await conn.execute(claim)).first() is not None:
                return Claimed()
            row = (await conn.execute(
                select(K.request_hash, K.status_code, K.response, K.completed_at)
                .where(K.user_id == user_id, K.idempotency_key == key)
            )).one()
        if row.request_hash != fingerprint:
            return Mismatch()
        if row.completed_at is None:
            return InFlight()
        return Replay(Answer(row.status_code, row.response))

    async def complete(self, user_id: str, key: str, answer: Answer) -> None:
        async with self._autocommit.connect() as conn:
            await conn.execute(
                update(idempotency_keys)
                .where(K.user_id == user_id, K.idempotency_key == key)
                .values(status_code=answer.status_code, response=answer.body, completed_at=datetime.now(UTC))
            )

    async def release(self, user_id: str, key: str) -> None:
        """For an answer not worth keeping (the service failed): the repeat runs afresh."""
        async with self._engine.begin() as conn:
            await conn.execute(
                delete(idempotency_keys).where(
                    K.user_id == user_id, K.idempotency_key == key, K.completed_at.is_(None)
                )
            )
