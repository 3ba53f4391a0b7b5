"""The event store, the projector and the worker over a PostgreSQL server that stops and
starts under them (a server of this module's own): each works again by itself, on the same
engine, within a bounded time, and each process stops within its bound meanwhile."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from certflow.processes import run_projector, run_worker
from certflow.settings import Settings
from eventstore import AppendResult, EventStore, LogPosition, NewEvent, read_settled
from eventstore.database import create_engine
from projections.projector import LEADER_LOCK, Projector
from projections.tables import checkpoints
from tests.databases import own_database
from tests.logs import captured_logs
from tests.restartable_postgres import RestartablePostgres, restartable_postgres
from tests.scenario import Story
from workflows.client import CertificationClient

RECOVERY_SECONDS = 15
GRACE_SECONDS = 1.0
STOPPED_WITHIN_SECONDS = GRACE_SECONDS + 5
T = TypeVar("T")


@pytest.fixture(scope="module")
async def postgres() -> AsyncIterator[RestartablePostgres]:
    async with restartable_postgres() as server:
        yield server


@pytest.fixture
async def restarting_url(postgres: RestartablePostgres) -> AsyncIterator[str]:
    """A migrated database of this test's own on the restartable server."""
    async with own_database(postgres.url, "certflow_restart") as url:
        yield url


@pytest.fixture
async def restarting_engine(restarting_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(restarting_url, pool_size=2)
    yield engine
    await engine.dispose()


@pytest.fixture
async def worker_settings(restarting_url: str, dev_server: WorkflowEnvironment) -> Settings:
    return Settings(
        DATABASE_URL=restarting_url,
        temporal_address=dev_server.client.service_client.config.target_host,
        task_queue=f"certflow-restart-{uuid.uuid4()}",
        worker_grace_seconds=GRACE_SECONDS,
    )


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
        return (
            await conn.scalar(
                text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :low AND granted"),
                {"low": LEADER_LOCK & 0xFFFFFFFF},
            )
            or 0
        )


async def _leading_again(projector: Projector, engine: AsyncEngine) -> bool:
    return projector.leading.is_set() and await leader_locks(engine) == 1


async def until(condition: Callable[[], Awaitable[bool]], seconds: float = RECOVERY_SECONDS) -> None:
    async with asyncio.timeout(seconds):
        while not await condition():  # noqa: ASYNC110 - polls a server's state; no event of ours to wait on
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

    with captured_logs() as logs:
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

    store = EventStore(restarting_engine)
    appended = await once_it_works(lambda: store.append(f"stream-{uuid.uuid4()}", 0, happened()))
    await until(lambda: projected_past(restarting_engine, appended))
    # A page can be projected on a pooled connection before the projector notices its leader
    # connection is gone (pages are serialised by their checkpoints' row locks, not by the
    # leader lock): the lock is taken again within the recovery bound, not necessarily by now.
    await until(lambda: _leading_again(projector, restarting_engine))
    assert not running.done()


def new_certification_id() -> str:
    return f"cert-{uuid.uuid4()}"


async def test_the_worker_records_commands_sent_during_a_database_restart_and_after_it(
    postgres: RestartablePostgres, worker_settings: Settings, dev_server: WorkflowEnvironment
) -> None:
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(worker_settings, stop))
    commands = CertificationClient(dev_server.client, worker_settings.task_queue)
    application = Story().apply_command()
    try:
        await commands.send(new_certification_id(), application)  # the pool holds a live connection

        await postgres.stop()
        in_flight = [asyncio.create_task(commands.send(new_certification_id(), application)) for _ in range(3)]
        await asyncio.sleep(1.5)
        await postgres.start()

        async with asyncio.timeout(RECOVERY_SECONDS):
            outcomes = await asyncio.gather(*in_flight)
        assert [o.version for o in outcomes] == [1, 1, 1]
        after = await once_it_works(lambda: commands.send(new_certification_id(), application))
        assert after.version == 1 and not worker.done()
    finally:
        stop.set()
        await asyncio.wait_for(worker, STOPPED_WITHIN_SECONDS)


async def test_the_worker_stops_within_its_bound_while_the_database_is_down_under_a_command(
    postgres: RestartablePostgres, worker_settings: Settings, dev_server: WorkflowEnvironment
) -> None:
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(worker_settings, stop))
    commands = CertificationClient(dev_server.client, worker_settings.task_queue)
    await commands.send(new_certification_id(), Story().apply_command())
    await postgres.stop()
    try:
        in_flight = asyncio.create_task(commands.send(new_certification_id(), Story().apply_command()))
        await asyncio.sleep(2)  # its append fails and is retried

        stop.set()
        await asyncio.wait_for(worker, STOPPED_WITHIN_SECONDS)
        in_flight.cancel()
    finally:
        await postgres.start()


async def test_the_projector_process_stops_at_once_while_the_database_is_down(
    postgres: RestartablePostgres, worker_settings: Settings
) -> None:
    stop = asyncio.Event()
    projector = asyncio.create_task(run_projector(worker_settings, stop))
    await postgres.stop()
    try:
        await asyncio.sleep(1)  # it lost the database and is retrying
        assert not projector.done()
        stop.set()
        await asyncio.wait_for(projector, STOPPED_WITHIN_SECONDS)
    finally:
        await postgres.start()
