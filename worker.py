"""The certflow worker: runs certification workflows and the activities they call."""

import asyncio
import os
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import asyncpg
import structlog
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    Interceptor,
    Worker,
)
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.events import EventActivities
from activities.notifications import NotificationActivities
from certflow.health import StateLog
from certflow.logs import configure_logging
from certflow.processes import dispose_within, stop_on_signals
from certflow.settings import Settings
from certflow.temporal import connect_when_up
from eventstore import EventStore
from eventstore.database import create_engine
from projections.heartbeats import ProcessKind, beat, forget_older_than
from workflows.certification import CertificationWorkflow

log = structlog.get_logger("certflow.worker")

# Pure, deterministic modules: loaded once, not re-imported into every workflow sandbox.
PASSTHROUGH = ("domain", "pydantic", "pydantic_core", "annotated_types", "structlog")

WORKFLOW_RUNNER = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH)
)
GRACEFUL_SHUTDOWN = timedelta(seconds=10)
"""Running activities' time to finish once stopping (settings.worker_grace_seconds); each
append also ends by its own 10 s timeout."""
ABANDON_AFTER_GRACE_SECONDS = 3.0
"""Then the worker stops anyway: the SDK keeps retrying a failing local activity after
shutdown was asked for (sdk-rust #709), so a worker whose appends fail (the database is down)
would never stop. The workflow task it abandons times out and runs again elsewhere; the
append's deterministic event ids make that retry harmless."""
FORGOTTEN_AFTER = timedelta(days=1)
DATABASE_ERRORS = (SQLAlchemyError, asyncpg.PostgresError, asyncpg.InterfaceError, OSError)


class AppendHealth(Interceptor):
    """Counts this worker's appends and failed appends (for its heartbeat, which /metrics
    reads) and logs when appending starts or stops failing, not every failure. A database
    failure is raised again as a benign, retryable error: the SDK then logs it at debug level
    instead of a warning with a traceback for every retry."""

    def __init__(self) -> None:
        self.appends = 0
        self.append_failures = 0
        self.state = StateLog("worker appends")

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _CountingAppends(next, self)


class _CountingAppends(ActivityInboundInterceptor):
    def __init__(self, next: ActivityInboundInterceptor, health: AppendHealth) -> None:
        super().__init__(next)
        self._health = health

    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        if activity.info().activity_type != "append_events":
            return await super().execute_activity(input)
        try:
            result = await super().execute_activity(input)
        except DATABASE_ERRORS as error:
            self._health.append_failures += 1
            self._health.state.enter("appends failing", healthy=False, error=f"{type(error).__name__}: {error}")
            raise ApplicationError(
                f"{type(error).__name__}: {error}", type=type(error).__name__, category=ApplicationErrorCategory.BENIGN
            ) from error
        self._health.appends += 1
        self._health.state.enter("appending")
        return result


def build_worker(
    client: Client, engine: AsyncEngine, task_queue: str, health: AppendHealth | None = None,
    graceful_shutdown: timedelta = GRACEFUL_SHUTDOWN,
) -> Worker:
    events = EventActivities(EventStore(engine))
    notifications = NotificationActivities(engine)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[CertificationWorkflow],
        activities=[events.append_events, notifications.deliver],
        workflow_runner=WORKFLOW_RUNNER,
        graceful_shutdown_timeout=graceful_shutdown,
        interceptors=[health] if health is not None else [],
    )


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


if __name__ == "__main__":
    settings = Settings()
    configure_logging(settings.log_format, settings.log_level)
    asyncio.run(run_worker(settings))
