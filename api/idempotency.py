"""The `Idempotency-Key` record: the first answer to a caller's key, given again to every
repeat of the same request, so a client that lost an answer can safely send again.

A key is claimed before the command is sent and completed with its answer after. A claim
never completed (its process died, or the database refused the answer) does not block: a
repeat waits `IN_FLIGHT_WAIT` for the answer, then sends the command itself, which is safe:
the command id derives from the key and the request, and the workflow applies an id once
(answering a repeat with the command's own events, api/dispatch.py)."""

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import structlog
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from api.unavailable import database_unavailable
from identity.tables import idempotency_keys

K = idempotency_keys.c
RETENTION = timedelta(days=7)
IN_FLIGHT_WAIT = timedelta(seconds=2)
"""How long a repeat waits for a running request's answer before sending the command itself."""
_POLL = timedelta(milliseconds=100)
_COMPLETE_BACKOFF = (0.1, 0.3, 1.0)
"""Seconds between attempts to record an answer: a database restart takes a few seconds."""

log = structlog.get_logger("certflow.api")


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
    """Another request with this key is running now, or its process died before answering."""


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
                # Take over only a record past retention: a different request then names a
                # different command, as its ids derive from the request (api/dispatch.py).
                where=K.created_at < now - RETENTION,
            )
            .returning(K.user_id)
            .add_cte(expired)
        )
        async with self._autocommit.connect() as conn:
            if (await conn.execute(claim)).first() is not None:
                return Claimed()
            row = (
                await conn.execute(
                    select(K.request_hash, K.status_code, K.response, K.completed_at).where(
                        K.user_id == user_id, K.idempotency_key == key
                    )
                )
            ).one()
        if row.request_hash != fingerprint:
            return Mismatch()
        if row.completed_at is None:
            return InFlight()
        return Replay(Answer(row.status_code, row.response))

    async def answer(
        self, user_id: str, key: str, fingerprint: bytes, wait: timedelta = IN_FLIGHT_WAIT
    ) -> Answer | None:
        """The answer of the request running with this key, once it completes within `wait`;
        None if it does not (its process may have died) or its claim was released."""
        query = select(K.request_hash, K.status_code, K.response, K.completed_at).where(
            K.user_id == user_id, K.idempotency_key == key
        )
        deadline = asyncio.get_running_loop().time() + wait.total_seconds()
        while True:
            async with self._autocommit.connect() as conn:
                row = (await conn.execute(query)).one_or_none()
            if row is None or row.request_hash != fingerprint:
                return None
            if row.completed_at is not None:
                return Answer(row.status_code, row.response)
            if asyncio.get_running_loop().time() >= deadline:
                return None
            await asyncio.sleep(_POLL.total_seconds())

    async def complete(self, user_id: str, key: str, answer: Answer) -> None:
        """Records the answer for the key's repeats; the first answer recorded stays. Retried
        a few times while the database is unreachable, then given up: the caller still gets
        the answer, and the claim left open does not block a repeat (see the module's doc)."""
        for pause in (*_COMPLETE_BACKOFF, None):
            try:
                await self._record(user_id, key, answer)
                return
            except Exception as error:
                if not database_unavailable(error):
                    raise
                if pause is None:
                    log.warning("idempotency answer not recorded", user_id=user_id, error=str(error))
                    return
            await asyncio.sleep(pause)

    async def _record(self, user_id: str, key: str, answer: Answer) -> None:
        async with self._autocommit.connect() as conn:
            await conn.execute(
                update(idempotency_keys)
                .where(K.user_id == user_id, K.idempotency_key == key, K.completed_at.is_(None))
                .values(status_code=answer.status_code, response=answer.body, completed_at=datetime.now(UTC))
            )

    async def release(self, user_id: str, key: str) -> None:
        """For an answer not worth keeping (the service failed): the repeat runs afresh."""
        async with self._engine.begin() as conn:
            await conn.execute(
                delete(idempotency_keys).where(K.user_id == user_id, K.idempotency_key == key, K.completed_at.is_(None))
            )
