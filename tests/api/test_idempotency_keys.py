"""The Idempotency-Key record: one request holds a key at a time, its answer is given to
every repeat, a repeat waits only briefly for a claim whose process may be dead, old records go."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from api.idempotency import RETENTION, Answer, Claimed, IdempotencyKeys, InFlight, Mismatch, Replay
from identity.tables import idempotency_keys
from tests.people import People
from tests.scenario import MEMBER


async def _age(engine: AsyncEngine, key: str, by: object) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            update(idempotency_keys)
            .where(idempotency_keys.c.idempotency_key == key)
            .values(created_at=datetime.now(UTC) - by)
        )  # type: ignore[operator]


async def test_a_key_is_held_by_one_request_then_answers_every_repeat(engine: AsyncEngine, people: People) -> None:
    keys, key, user = IdempotencyKeys(engine), f"k-{uuid.uuid4()}", MEMBER.user_id
    assert await keys.claim(user, key, b"request") == Claimed()
    assert await keys.claim(user, key, b"request") == InFlight()
    assert await keys.claim(user, key, b"another request") == Mismatch()
    await keys.complete(user, key, Answer(409, b'{"detail": "no", "rule": "r"}'))
    assert await keys.claim(user, key, b"request") == Replay(Answer(409, b'{"detail": "no", "rule": "r"}'))


async def test_a_repeat_waits_briefly_for_a_running_requests_answer(engine: AsyncEngine, people: People) -> None:
    keys, key, user = IdempotencyKeys(engine), f"k-{uuid.uuid4()}", MEMBER.user_id
    await keys.claim(user, key, b"request")
    assert await keys.answer(user, key, b"request", wait=timedelta(milliseconds=300)) is None  # its process died
    assert await keys.claim(user, key, b"another request") == Mismatch()

    await keys.complete(user, key, Answer(200, b"{}"))
    await keys.complete(user, key, Answer(200, b'{"second": true}'))  # a late claimer's: the first stays
    assert await keys.answer(user, key, b"request") == Answer(200, b"{}")


async def test_a_released_key_can_be_claimed_again_and_old_records_go(engine: AsyncEngine, people: People) -> None:
    keys, key, old, user = IdempotencyKeys(engine), f"k-{uuid.uuid4()}", f"old-{uuid.uuid4()}", MEMBER.user_id
    await keys.claim(user, key, b"request")
    await keys.release(user, key)
    assert await keys.claim(user, key, b"request") == Claimed()

    await keys.claim(user, old, b"old request")
    await keys.complete(user, old, Answer(200, b"{}"))
    await _age(engine, old, RETENTION * 2)
    await keys.claim(user, f"k-{uuid.uuid4()}", b"a new request")
    async with engine.connect() as conn:
        kept = await conn.scalar(select(func.count()).where(idempotency_keys.c.idempotency_key == old))
    assert kept == 0
