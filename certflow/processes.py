"""Long-running processes: the worker, the API, the projector, read-model rebuilds."""

import asyncio
import contextlib
import os
import signal
import socket
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import structlog
from fastapi import FastAPI
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client
from temporalio.worker import Worker

from api.app import create_app, use_commands_client
from api.models.operations import Pollers
from api.server import serve
from certflow.settings import Settings
from certflow.temporal import certification_client, connect_when_up, ping, pollers
from eventstore.database import create_engine
from health.state_log import StateLog
from notifications.dispatcher import Dispatcher
from projections.heartbeats import ProcessKind, beat, forget_older_than
from projections.projector import Projector
from projections.rebuild import rebuild
from worker import DATABASE_ERRORS, AppendHealth, build_worker
from workflows.tally import CommandTally

log = structlog.get_logger("certflow.processes")
PROJECTOR_GRACE_SECONDS = 10.0


def stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    return stop


async def run_projector(settings: Settings, stop: asyncio.Event | None = None) -> None:
    stop = stop or stop_on_signals()
    engine = create_engine(settings.resolved_database_url, pool_size=5)
    try:
        await stopped_within(Projector(engine).run(stop), stop, PROJECTOR_GRACE_SECONDS)
    finally:
        await dispose_within(engine)


async def stopped_within(work: Coroutine[Any, Any, None], stop: asyncio.Event, grace_seconds: float) -> None:
    """Runs `work` (which ends by itself on `stop`), cancelling it if it has not ended
    `grace_seconds` after `stop`: a page or a connection attempt hanging on a dead server must
    not outlast the process manager's grace period."""
    task = asyncio.create_task(work)
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    try:
        await asyncio.wait_for(asyncio.shield(task), grace_seconds)
    except TimeoutError:
        log.warning("still busy after the grace period: stopping anyway", seconds=grace_seconds)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def dispose_within(engine: AsyncEngine, seconds: float = 5.0) -> None:
    """Closes the pool's connections, giving up after `seconds`: closing a connection to a
    server that went away must not keep a stopping process alive."""
    try:
        await asyncio.wait_for(engine.dispose(), seconds)
    except (TimeoutError, OSError, SQLAlchemyError) as error:
        log.warning("database connections not closed cleanly", error=f"{type(error).__name__}: {error}")


async def run_notifier(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Delivers notices (notifications/dispatcher.py) until `stop` (default: SIGINT or
    SIGTERM), finishing the sends in flight; cancelled if they outlast the grace period."""
    stop = stop or stop_on_signals()
    engine = create_engine(settings.resolved_database_url, pool_size=settings.delivery_senders + 2)
    dispatcher = Dispatcher(engine, settings.pacing, settings.mail, settings.webhooks)
    log.info("notifier starting", smtp=f"{settings.smtp_host}:{settings.smtp_port}", senders=settings.delivery_senders)
    try:
        await stopped_within(dispatcher.run(stop), stop, settings.smtp_timeout_seconds)
    finally:
        await dispose_within(engine)


class TemporalLink:
    """The API's Temporal client: connected in the background, with backoff, so the API
    serves reads at once; commands answer 503 until it connects, then go through without a
    restart (the client reconnects by itself afterwards)."""

    def __init__(self, settings: Settings, client: Client | None = None) -> None:
        self.settings = settings
        self.client = client
        self.state = StateLog("api temporal")
        self._waiting: list[Callable[[Client], None]] = []

    async def ping(self) -> bool:
        return self.client is not None and await ping(self.client)

    async def pollers(self) -> Pollers:
        if self.client is None:
            raise ConnectionError("not connected to Temporal yet")
        return await pollers(self.client, self.settings.task_queue)

    def on_connected(self, then: Callable[[Client], None]) -> None:
        """Calls `then` with the client once connected (at once if it is)."""
        if self.client is not None:
            then(self.client)
        else:
            self._waiting.append(then)

    async def connect(self, stop: asyncio.Event) -> None:
        client = await connect_when_up(self.settings, stop, self.state)
        if client is not None:
            self.client = client
            for then in self._waiting:
                then(client)


def api_app(
    settings: Settings, engine: AsyncEngine, temporal: TemporalLink | None, tally: CommandTally | None = None
) -> FastAPI:
    """The API over `engine`, sending commands through `temporal` once it is connected."""
    tally = tally or CommandTally()
    app = create_app(
        engine,
        temporal_ping=temporal.ping if temporal is not None else None,
        worker_pollers=temporal.pollers if temporal is not None else None,
        public_threshold=settings.public_threshold,
        command_tally=tally,
        heartbeat_stale_seconds=settings.heartbeat_stale_seconds,
        webhook_allow_http=settings.webhook_allow_http,
    )
    if temporal is not None:
        temporal.on_connected(lambda client: use_commands_client(app, certification_client(client, settings, tally)))
    return app


async def run_api(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Serves at once; connects to Temporal in the background (see TemporalLink)."""
    stop = stop or stop_on_signals()
    engine = create_engine(settings.resolved_database_url)
    temporal = TemporalLink(settings)
    app = api_app(settings, engine, temporal)
    connecting = asyncio.create_task(temporal.connect(stop), name="api-temporal")
    try:
        await serve(app, settings.api_host, settings.api_port, stop)
    finally:
        connecting.cancel()
        await dispose_within(engine)


async def rebuild_read_models(settings: Settings, names: list[str]) -> None:
    engine = create_engine(settings.resolved_database_url, pool_size=5)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    try:
        with Progress(*columns) as progress:
            task = progress.add_task(f"rebuilding {', '.join(names)}", total=None)

            def advance(read: int, total: int) -> None:
                progress.update(task, completed=read, total=max(total, read))

            read = await rebuild(engine, names, advance)
            progress.update(task, completed=read, total=max(read, 1))
        log.info("read models rebuilt", read_models=names, events=read)
    finally:
        await engine.dispose()


FORGOTTEN_AFTER = timedelta(days=1)
ABANDON_AFTER_GRACE_SECONDS = 3.0
"""Then the worker stops anyway: the SDK keeps retrying a failing local activity after
shutdown was asked for (sdk-rust #709), so a worker whose appends fail (the database is down)
would never stop. The workflow task it abandons times out and runs again elsewhere; the
append's deterministic event ids make that retry harmless."""


@asynccontextmanager
async def heartbeat(engine: AsyncEngine, health: AppendHealth, every_seconds: float) -> AsyncIterator[None]:
    """Beats (projections/heartbeats.py) with the append counts while the block runs; a beat
    that fails (the database is down) is skipped, not fatal. The row stays when the worker
    stops, and goes stale: /readyz sees that sooner than Temporal drops the worker's pollers."""
    holder = f"{socket.gethostname()}:{os.getpid()}"
    process = f"worker {holder}"

    async def beating() -> None:
        try:
            async with asyncio.timeout(every_seconds * 2), engine.begin() as conn:
                await forget_older_than(conn, ProcessKind.WORKER, FORGOTTEN_AFTER)
        except (*DATABASE_ERRORS, TimeoutError):
            pass
        while True:
            try:
                async with asyncio.timeout(every_seconds * 2), engine.begin() as conn:
                    await beat(conn, process, ProcessKind.WORKER, holder, health.appends, health.append_failures)
            except (*DATABASE_ERRORS, TimeoutError):
                pass  # the append state says what is wrong; the stale beat shows it to /readyz
            await asyncio.sleep(every_seconds)

    task = asyncio.create_task(beating(), name="worker-heartbeat")
    try:
        yield
    finally:
        task.cancel()


async def run_worker(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Runs until `stop` (default: SIGINT or SIGTERM), then lets running activities finish
    within a bound. Waits for Temporal if it is not up yet."""
    stop = stop or stop_on_signals()
    engine = create_engine(settings.resolved_database_url)
    state = StateLog("worker")
    try:
        client = await connect_when_up(settings, stop, state)
        if client is None:
            return
        health = AppendHealth()
        grace = timedelta(seconds=settings.worker_grace_seconds)
        worker = build_worker(client, engine, settings.task_queue, health, grace)
        running = asyncio.create_task(worker.run(), name="worker")
        async with heartbeat(engine, health, every_seconds=settings.heartbeat_stale_seconds / 5):
            state.enter("polling", task_queue=settings.task_queue)
            stopping = asyncio.create_task(stop.wait())
            await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            state.enter("stopping")
            await _shut_down(worker, running, grace.total_seconds() + ABANDON_AFTER_GRACE_SECONDS)
        state.enter("stopped")
    finally:
        await dispose_within(engine)


async def _shut_down(worker: Worker, running: "asyncio.Task[None]", bound_seconds: float) -> None:
    try:
        async with asyncio.timeout(bound_seconds):
            if not running.done():
                await worker.shutdown()
            await running
    except TimeoutError:
        log.warning("worker shutdown took too long: stopping anyway", seconds=bound_seconds)
        running.cancel()
