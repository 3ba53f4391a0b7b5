"""The certflow worker: certification workflows and the activities they call, on one task
queue, with an interceptor that counts its appends. `certflow worker` runs it
(certflow/processes.py run_worker), with its connections, heartbeat and shutdown."""

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

from activities.digests import DigestActivities
from activities.events import EventActivities
from activities.notifications import NotificationActivities
from eventstore import EventStore
from health.state_log import StateLog
from workflows.certification import CertificationWorkflow
from workflows.digest import DigestClock

log = structlog.get_logger("certflow.worker")

# Pure, deterministic modules: loaded once, not re-imported into every workflow sandbox.
PASSTHROUGH = ("domain", "pydantic", "pydantic_core", "annotated_types", "structlog")

WORKFLOW_RUNNER = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH)
)
GRACEFUL_SHUTDOWN = timedelta(seconds=10)
"""Running activities' time to finish once stopping (settings.worker_grace_seconds); each
append also ends by its own 10 s timeout."""
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
    client: Client,
    engine: AsyncEngine,
    task_queue: str,
    health: AppendHealth | None = None,
    graceful_shutdown: timedelta = GRACEFUL_SHUTDOWN,
) -> Worker:
    events = EventActivities(EventStore(engine))
    notifications = NotificationActivities(engine)
    digests = DigestActivities(engine)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[CertificationWorkflow, DigestClock],
        activities=[events.append_events, notifications.record, notifications.deliver, digests.compose],
        workflow_runner=WORKFLOW_RUNNER,
        graceful_shutdown_timeout=graceful_shutdown,
        interceptors=[health] if health is not None else [],
    )
