"""/readyz and /metrics tell the truth about the parts the API does not see itself: whether a
worker polls the task queue, whether the projector still leads (its heartbeat), and what a
source that cannot be read says (a sample, never a 500). The worker and the projector here
are the real ones (run_worker, Projector) on a local Temporal dev server."""

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from certflow.processes import TemporalLink, api_app, run_worker
from certflow.settings import Settings
from projections.heartbeats import PROJECTOR, ProcessKind, beat, process_heartbeats
from projections.projector import Projector
from tests.api.serving import readiness_becomes, served

STALE_SECONDS = 2.0
BOUND_SECONDS = 15


@pytest.fixture
def settings(database_url: str, dev_server: WorkflowEnvironment) -> Settings:
    """This run's database, the dev server, a task queue of this test's own."""
    return Settings(
        DATABASE_URL=database_url,
        temporal_address=dev_server.client.service_client.config.target_host,
        task_queue=f"certflow-readiness-{uuid.uuid4()}",
        heartbeat_stale_seconds=STALE_SECONDS,
    )


@asynccontextmanager
async def running_worker(settings: Settings) -> AsyncIterator["asyncio.Task[None]"]:
    stop = asyncio.Event()
    task = asyncio.create_task(run_worker(settings, stop))
    try:
        yield task
    finally:
        stop.set()
        await asyncio.wait_for(task, BOUND_SECONDS)


async def readiness_fails_only(http: httpx.AsyncClient, failed: list[str]) -> dict:
    """The /readyz body once it is 503 for `failed` alone, within BOUND_SECONDS."""
    async with asyncio.timeout(BOUND_SECONDS):
        while True:
            response = await http.get("/readyz")
            if response.status_code == 503 and response.json()["failed"] == failed:
                return response.json()
            await asyncio.sleep(0.2)


async def test_readyz_is_503_while_no_worker_polls_the_task_queue_and_ready_while_one_does(
    engine: AsyncEngine, settings: Settings, dev_server: WorkflowEnvironment, projector: Projector
) -> None:
    app = api_app(settings, engine, TemporalLink(settings, dev_server.client))
    async with served(app) as http:
        # The projector fixture leads before its first beat: until then an earlier test's stale
        # heartbeat may fail the projector's check too, so wait for the worker's alone.
        nobody = await readiness_fails_only(http, ["worker"])
        assert f"no worker polls task queue {settings.task_queue}" in nobody["checks"]["worker"]

        async with running_worker(settings):
            ready = await readiness_becomes(http, 200)
            assert ready["checks"] == {"database": "ok", "temporal": "ok", "projector": "ok", "worker": "ok"}

        # Temporal still lists the stopped worker's pollers: its heartbeat is what goes stale.
        gone = await readiness_becomes(http, 503)
        assert gone["failed"] == ["worker"] and "heartbeat" in gone["checks"]["worker"]


async def test_readyz_is_503_naming_the_projector_while_its_heartbeat_is_stale(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await beat(conn, PROJECTOR, ProcessKind.PROJECTOR, "elsewhere:1")
        await conn.execute(
            update(process_heartbeats)
            .where(process_heartbeats.c.process == PROJECTOR)
            .values(beat_at=process_heartbeats.c.beat_at - timedelta(seconds=STALE_SECONDS * 30))
        )
    app = create_app(engine, heartbeat_stale_seconds=STALE_SECONDS, max_projector_lag_events=10**9)
    async with served(app) as http:
        stale = await http.get("/readyz")
        assert stale.status_code == 503
        assert stale.json()["failed"] == ["projector"]
        # Backdated 60 s; the app's start-up under load may add a second or two.
        age = re.search(r"last heartbeat is (\d+) s old", stale.json()["checks"]["projector"])
        assert age is not None and 60 <= int(age.group(1)) < 70, stale.json()

        following, stop = Projector(engine, poll_seconds=0.1), asyncio.Event()
        running = asyncio.create_task(following.run(stop))
        try:
            assert (await readiness_becomes(http, 200))["checks"]["projector"] == "ok"
            samples = (await http.get("/metrics")).text
            assert "certflow_projector_leading 1" in samples
        finally:
            stop.set()
            await running


async def test_metrics_show_the_workers_presence_and_appends_and_the_projectors_lead(
    engine: AsyncEngine, settings: Settings, dev_server: WorkflowEnvironment, projector: Projector
) -> None:
    app = api_app(settings, engine, TemporalLink(settings, dev_server.client))
    async with served(app) as http, running_worker(settings):
        await readiness_becomes(http, 200)
        text = (await http.get("/metrics")).text

    queue = settings.task_queue
    assert re.search(rf'^certflow_worker_pollers{{task_queue="{queue}",type="workflow"}} [1-9]', text, re.M)
    assert re.search(rf'^certflow_worker_pollers{{task_queue="{queue}",type="activity"}} [1-9]', text, re.M)
    assert re.search(r'^certflow_worker_append_failures_total{worker="[^"]+"} \d+$', text, re.M)
    assert re.search(r"^certflow_worker_heartbeat_age_seconds{worker=", text, re.M)
    assert "certflow_projector_leading 1" in text
    assert re.search(r"^certflow_projector_heartbeat_age_seconds \d", text, re.M)
    assert 'certflow_source_up{source="database"} 1' in text and 'certflow_source_up{source="temporal"} 1' in text


async def test_metrics_answer_200_with_the_database_source_down_when_it_cannot_be_reached() -> None:
    nowhere = create_async_engine("postgresql+asyncpg://certflow@127.0.0.1:9/none")
    try:
        async with served(create_app(nowhere)) as http:
            response = await http.get("/metrics")
    finally:
        await nowhere.dispose()
    assert response.status_code == 200
    assert 'certflow_source_up{source="database"} 0' in response.text
