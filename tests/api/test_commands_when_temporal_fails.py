"""Commands while Temporal cannot answer: no worker polls the certification's task queue (the
worker was killed), or the Temporal server itself is down. Every caller gets an answer within
a bounded time, 503 with `Retry-After`, and a repeat with the same Idempotency-Key, once
Temporal answers again, applies the command exactly once."""

import uuid
from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from eventstore import EventStore
from tests.api.journey import http_call
from tests.api.serving import served
from tests.people import People
from tests.scenario import MEMBER, Lifecycle
from tests.temporal import time_skipping
from worker import build_worker
from workflows.client import CertificationClient

PATIENCE = 8.0
"""The client's own timeout: a command still unanswered by then hung (the bug)."""


def _undelivered(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert int(response.headers["Retry-After"]) >= 1
    assert "Idempotency-Key" in response.json()["detail"]


async def test_a_command_no_worker_takes_is_503_and_applied_once_when_repeated_with_its_key(
    env: WorkflowEnvironment, engine: AsyncEngine, store: EventStore, people: People
) -> None:
    task_queue = f"certflow-test-{uuid.uuid4()}"  # no worker polls it yet: as if it was killed
    client = CertificationClient(env.client, task_queue, command_timeout=timedelta(seconds=1))
    path, body = http_call(Lifecycle.apply_command(Lifecycle(env, client, store)), None)
    key = {"Idempotency-Key": f"apply-{uuid.uuid4()}", **people.bearer(MEMBER)}
    async with served(create_app(engine, commands_client=client), client_timeout=PATIENCE) as http:
        unanswered = await http.post(path, json=body, headers=key)
        _undelivered(unanswered)

        async with build_worker(env.client, engine, task_queue=task_queue):
            repeated = await http.post(path, json=body, headers=key)
            again = await http.post(path, json=body, headers=key)

    assert repeated.status_code == 201, repeated.text
    assert [e["type"] for e in repeated.json()["events"]] == ["ApplicationSubmitted"]
    assert again.json()["events"] == repeated.json()["events"]
    stored = await store.read_stream(repeated.json()["certification_id"])
    assert [e.event_type for e in stored] == ["ApplicationSubmitted"]


async def test_a_command_while_the_temporal_server_is_down_is_503_within_a_bounded_time(
    engine: AsyncEngine, store: EventStore, people: People
) -> None:
    down = await time_skipping()
    client = CertificationClient(down.client, "certflow-nowhere", command_timeout=timedelta(seconds=1))
    path, body = http_call(Lifecycle.apply_command(Lifecycle(down, client, store)), None)
    await down.shutdown()
    async with served(create_app(engine, commands_client=client), client_timeout=PATIENCE) as http:
        answer = await http.post(
            path, json=body, headers={"Idempotency-Key": f"k-{uuid.uuid4()}", **people.bearer(MEMBER)}
        )

    _undelivered(answer)
