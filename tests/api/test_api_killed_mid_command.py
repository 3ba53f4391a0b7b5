"""The API process killed (SIGKILL) while a command is in flight: its Idempotency-Key stays
claimed and never gets an answer. A repeat with the same key, to another API process, is
answered within a few seconds with the command's own events, recorded exactly once."""

import asyncio
import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from eventstore import EventStore
from identity.tables import idempotency_keys
from tests.api.journey import http_call
from tests.api.serving import free_port, served
from tests.people import People
from tests.scenario import MEMBER, Lifecycle
from worker import build_worker
from workflows.client import CertificationClient

CERTFLOW = Path(sys.executable).with_name("certflow")


@contextmanager
def api_process(
    database_url: str, env: WorkflowEnvironment, task_queue: str, port: int
) -> Iterator["subprocess.Popen[bytes]"]:
    """`certflow api` as deployed, on this test's database, Temporal server and task queue."""
    settings = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CERTFLOW_TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
        "CERTFLOW_TASK_QUEUE": task_queue,
        "CERTFLOW_API_PORT": str(port),
        "CERTFLOW_COMMAND_TIMEOUT_SECONDS": "60",  # still waiting when it is killed
        "CERTFLOW_LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen([str(CERTFLOW), "api"], env=settings, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)


async def _claimed(engine: AsyncEngine, key: str) -> bool:
    async with engine.connect() as conn:
        return (
            await conn.execute(select(idempotency_keys.c.user_id).where(idempotency_keys.c.idempotency_key == key))
        ).first() is not None


async def test_a_repeat_after_the_api_was_killed_mid_command_gets_its_events_once(
    env: WorkflowEnvironment, engine: AsyncEngine, database_url: str, store: EventStore, people: People
) -> None:
    task_queue, port = f"certflow-test-{uuid.uuid4()}", free_port()  # no worker yet: the command waits
    client = CertificationClient(env.client, task_queue)
    path, body = http_call(Lifecycle.apply_command(Lifecycle(env, client, store)), None)
    key = f"apply-{uuid.uuid4()}"
    headers = {"Idempotency-Key": key, **people.bearer(MEMBER)}
    with api_process(database_url, env, task_queue, port) as process:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as first_api:
            for _ in range(300):
                try:
                    if (await first_api.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            else:
                raise AssertionError(f"certflow api did not come up: {process.stderr.read() if process.stderr else ''}")
            in_flight = asyncio.create_task(first_api.post(path, json=body, headers=headers))
            for _ in range(200):
                if await _claimed(engine, key):
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(1.0)  # the update is on its way to Temporal
            process.kill()
            with contextlib.suppress(httpx.TransportError):
                await in_flight

    async with (
        build_worker(env.client, engine, task_queue=task_queue),
        served(create_app(engine, commands_client=client), client_timeout=30) as second_api,
    ):
        started = time.monotonic()
        repeated = await second_api.post(path, json=body, headers=headers)
        waited = time.monotonic() - started

    assert repeated.status_code == 201, repeated.text
    assert waited < 10, f"the repeat took {waited:.1f} s"
    assert [e["type"] for e in repeated.json()["events"]] == ["ApplicationSubmitted"]
    stored = await store.read_stream(repeated.json()["certification_id"])
    assert [e.event_type for e in stored] == ["ApplicationSubmitted"]
