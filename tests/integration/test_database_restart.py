"""The event store and the projector over a PostgreSQL server that restarts under them: each
works again by itself, on the same engine, within a bounded time."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from structlog.testing import capture_logs

from eventstore import AppendResult, EventStore, LogPosition, NewEvent, read_settled
from eventstore.database import create_engine
from projections.projector import LEADER_LOCK, Projector
from projections.tables import checkpoints
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


async def projected_past(engine: AsyncEngine, appended: AppendResult) -> bool:
    """Whether every projection's checkpoint is at or past the append's last event."""
    async with engine.connect() as conn:
        behind = await conn.scalar(select(func.min(checkpoints.c.global_position)))
    return behind is not None and behind >= appended.positions[-1]


async def leader_locks(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return await conn.scalar(
            text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :low AND granted"),
            {"low": LEADER_LOCK & 0xFFFFFFFF},
        ) or 0


async def until(condition: Callable[[], Awaitable[bool]], seconds: float = RECOVERY_SECONDS) -> None:
    async with asyncio.timeout(seconds):
        while not await condition():
            await asyncio.sleep(0.1)


@pytest.fixture
async def following(restarting_engine: AsyncEngine) -> AsyncIterator[tuple[Projector, "asyncio.Task[None]"]]:
    """A projector following the log of the restartable server, stopped at the end."""
    projector, stop = Projector(restarting_engine, poll_seconds=0.1), asyncio.Event()
    running = asyncio.create_task(projector.run(stop))
    await asyncio.wait_for(projector.leading.wait(), 10)
    yield projector, running
    stop.set()
    await asyncio.wait_for(running, 10)


async def test_the_projector_survives_a_database_restart_and_projects_what_is_appended_after_it(
    postgres: RestartablePostgres, restarting_engine: AsyncEngine, following: tuple[Projector, "asyncio.Task[None]"]
) -> None:
    projector, running = following
    store = EventStore(restarting_engine)

    with capture_logs() as logs:
        await postgres.restart(down_seconds=1.5)
        appended = await once_it_works(lambda: store.append(f"stream-{uuid.uuid4()}", 0, happened(2)))
        await until(lambda: projected_past(restarting_engine, appended))

    assert not running.done(), "the projector stopped"
    assert projector.leading.is_set()
    states = [entry["state"] for entry in logs if entry.get("component") == "projector"]
    assert states == ["lost the database", "leading"]


async def test_the_projector_takes_the_lead_again_when_its_connection_was_killed(
    restarting_engine: AsyncEngine, following: tuple[Projector, "asyncio.Task[None]"]
) -> None:
    """Its session (and with it the advisory lock) ends; it must lead again, not just read."""
    projector, running = following
    async with restarting_engine.connect() as conn:
        killed = await conn.scalar(
            text("SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND granted")
        )
    assert killed == 1

    appended = await once_it_works(lambda: EventStore(restarting_engine).append(f"stream-{uuid.uuid4()}", 0, happened()))
    await until(lambda: projected_past(restarting_engine, appended))
    assert await leader_locks(restarting_engine) == 1
    assert projector.leading.is_set() and not running.done()
