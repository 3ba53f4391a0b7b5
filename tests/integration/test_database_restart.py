"""The event store and the projector over a PostgreSQL server that restarts under them: each
works again by itself, on the same engine, within a bounded time."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from eventstore import EventStore, LogPosition, NewEvent, read_settled
from eventstore.database import create_engine
from tests.databases import own_database
from tests.restartable_postgres import RestartablePostgres, restartable_postgres

RECOVERY_SECONDS = 15
T = TypeVar("T")


@pytest.fixture(scope="module")
async def postgres() -> AsyncIterator[RestartablePostgres]:
    async with restartable_postgres() as server:
        yield server


@pytest.fixture
async def restarting_engine(postgres: RestartablePostgres) -> AsyncIterator[AsyncEngine]:
    """An engine over a migrated database of this test's own on the restartable server."""
    async with own_database(postgres.url, "certflow_restart") as url:
        engine = create_engine(url, pool_size=2)
        yield engine
        await engine.dispose()


def happened(n: int = 1) -> list[NewEvent]:
    return [NewEvent(uuid.uuid4(), "Happened", {"n": i}, {}) for i in range(n)]


async def once_it_works(attempt: Callable[[], Awaitable[T]]) -> T:
    """The first success of `attempt`, retried for at most RECOVERY_SECONDS."""
    deadline = asyncio.get_running_loop().time() + RECOVERY_SECONDS
    while True:
        try:
            return await attempt()
        except Exception:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.2)


async def test_the_event_store_appends_again_after_the_database_restarts(
    postgres: RestartablePostgres, restarting_engine: AsyncEngine
) -> None:
    store, stream = EventStore(restarting_engine), f"stream-{uuid.uuid4()}"
    # Both pooled connections are in use before the restart, so both die with it.
    await asyncio.gather(store.append(stream, 0, happened()), store.append(f"other-{uuid.uuid4()}", 0, happened()))

    await postgres.restart()

    result = await once_it_works(lambda: store.append(stream, 1, happened()))
    assert result.version == 2
    assert [e.version for e in await store.read_stream(stream)] == [1, 2]


async def test_the_first_append_after_a_restart_succeeds(
    postgres: RestartablePostgres, restarting_engine: AsyncEngine
) -> None:
    """The pool checks a connection before lending it: a command arriving after the restart
    is not the one that pays for the dead connection."""
    store, stream = EventStore(restarting_engine), f"stream-{uuid.uuid4()}"
    await store.append(stream, 0, happened())

    await postgres.restart()

    assert (await store.append(stream, 1, happened())).version == 2


async def test_settled_reads_work_again_after_the_database_restarts(
    postgres: RestartablePostgres, restarting_engine: AsyncEngine
) -> None:
    store = EventStore(restarting_engine)
    await store.append(f"stream-{uuid.uuid4()}", 0, happened(2))

    async def settled() -> int:
        async with restarting_engine.connect() as conn:
            return len(await read_settled(conn, LogPosition(0, 0), 10))

    assert await settled() == 2
    await postgres.restart()

    assert await once_it_works(settled) == 2
