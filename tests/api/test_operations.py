"""Probes and Prometheus: liveness, readiness naming what failed, the projector's lag (with
the real projector leading, so its heartbeat is fresh; see test_readiness.py for the rest)."""

import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from api.app import create_app
from eventstore import EventStore, NewEvent
from eventstore.store import log_head
from projections.projector import Projector
from projections.tables import checkpoints
from tests.api.serving import readiness_becomes, served
from workflows.tally import CommandTally


async def always(answer: bool) -> bool:
    return answer


async def temporal_down() -> bool:
    raise ConnectionRefusedError("temporal is down")


@pytest.fixture
async def projection(engine: AsyncEngine, store: EventStore) -> AsyncIterator[str]:
    """A projection of this test's own, three events behind the log since two minutes ago."""
    name = f"api-test-{uuid.uuid4().hex[:8]}"
    events = [NewEvent(uuid.uuid4(), "Happened", {"n": n}, {}) for n in range(3)]
    await store.append(f"stream-{uuid.uuid4()}", 0, events)
    async with engine.begin() as conn:
        head = await log_head(conn)
        await conn.execute(
            insert(checkpoints).values(
                projection=name,
                transaction_id=0,
                global_position=head - 3,
                events_applied=42,
                updated_at=datetime.now(UTC) - timedelta(minutes=2),
            )
        )
    yield name
    async with engine.begin() as conn:
        await conn.execute(delete(checkpoints).where(checkpoints.c.projection == name))


async def test_healthz_says_the_process_is_alive(http: httpx.AsyncClient) -> None:
    response = await http.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "alive"})


async def test_prometheus_metrics_report_each_projections_lag_and_events_projected(
    http: httpx.AsyncClient, projection: str
) -> None:
    response = await http.get("/metrics")

    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = dict(re.findall(rf'^(\w+){{projection="{projection}"}} (\S+)$', response.text, re.MULTILINE))
    assert samples["certflow_projector_lag_events"] == "3"
    assert 119 <= float(samples["certflow_projector_lag_seconds"]) < 300
    assert samples["certflow_events_projected_total"] == "42"
    assert "# TYPE certflow_events_projected_total counter" in response.text


async def test_readyz_is_ready_when_database_temporal_and_projector_are(
    engine: AsyncEngine, projection: str, projector: Projector
) -> None:
    app = create_app(engine, temporal_ping=lambda: always(True), max_projector_lag_events=10**9)
    async with served(app) as http:
        ready = await readiness_becomes(http, 200)
    assert ready == {
        "status": "ready",
        "checks": {"database": "ok", "temporal": "ok", "projector": "ok"},
        "failed": [],
    }


@pytest.mark.parametrize("ping", [lambda: always(False), temporal_down], ids=["answers-false", "raises"])
async def test_readyz_is_503_naming_temporal_when_its_ping_fails(
    engine: AsyncEngine, projection: str, ping: Callable[[], Awaitable[bool]], projector: Projector
) -> None:
    app = create_app(engine, temporal_ping=ping, max_projector_lag_events=10**9)
    async with served(app) as http:
        response = await http.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["temporal"]
    assert response.json()["checks"]["database"] == "ok"


async def test_readyz_is_503_naming_the_projection_that_lags_too_far(
    engine: AsyncEngine, projection: str, projector: Projector
) -> None:
    app = create_app(engine, max_projector_lag_events=2)
    async with served(app) as http:
        body = (await http.get("/readyz")).json()
    assert body["failed"] == ["projector"]
    assert f"{projection} is 3 events behind" in body["checks"]["projector"]
    assert body["checks"]["temporal"] == "not configured"


async def test_readyz_is_503_naming_the_database_when_it_cannot_be_reached() -> None:
    nowhere = create_async_engine("postgresql+asyncpg://certflow@127.0.0.1:9/none")
    try:
        async with served(create_app(nowhere, temporal_ping=lambda: always(True))) as http:
            response = await http.get("/readyz")
    finally:
        await nowhere.dispose()
    assert response.status_code == 503
    assert response.json()["failed"] == ["database", "projector"]
    assert response.json()["checks"]["database"].startswith("unreachable")


async def test_prometheus_metrics_count_the_commands_sent_by_type_and_outcome(engine: AsyncEngine) -> None:
    tally = CommandTally()
    tally.record_accepted("plan-audit")
    tally.record_accepted("plan-audit")
    tally.record_refused("plan-audit", "RuleViolation", "audit-plan.lead-time")
    async with served(create_app(engine, command_tally=tally)) as http:
        text = (await http.get("/metrics")).text
    assert "# TYPE certflow_commands_total counter" in text
    assert 'certflow_commands_total{type="plan-audit",outcome="accepted"} 2' in text
    assert (
        'certflow_commands_total{type="plan-audit",outcome="refused",kind="RuleViolation",'
        'rule="audit-plan.lead-time"} 1'
    ) in text
