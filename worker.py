"""The certflow worker: runs certification workflows and the activities they call."""

import asyncio
from datetime import timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.events import EventActivities
from activities.notifications import NotificationActivities
from certflow.logs import configure_logging
from certflow.processes import stop_on_signals
from certflow.settings import Settings
from certflow.temporal import connect
from eventstore import EventStore
from eventstore.database import create_engine
from workflows.certification import CertificationWorkflow

log = structlog.get_logger("certflow.worker")

# Pure, deterministic modules: loaded once, not re-imported into every workflow sandbox.
PASSTHROUGH = ("domain", "pydantic", "pydantic_core", "annotated_types", "structlog")

WORKFLOW_RUNNER = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH)
)


def build_worker(client: Client, engine: AsyncEngine, task_queue: str) -> Worker:
    events = EventActivities(EventStore(engine))
    notifications = NotificationActivities(engine)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[CertificationWorkflow],
        activities=[events.append_events, notifications.deliver],
        workflow_runner=WORKFLOW_RUNNER,
        graceful_shutdown_timeout=timedelta(seconds=10),
    )


async def run_worker(settings: Settings) -> None:
    """Runs until SIGINT or SIGTERM, then lets running activities finish."""
    engine = create_engine(settings.resolved_database_url)
    worker = build_worker(await connect(settings), engine, settings.task_queue)
    stop = stop_on_signals()
    log.info("worker started", task_queue=settings.task_queue)
    async with worker:
        await stop.wait()
        log.info("worker stopping")
    await engine.dispose()


if __name__ == "__main__":
    settings = Settings()
    configure_logging(settings.log_format, settings.log_level)
    asyncio.run(run_worker(settings))
