"""The demo `certflow dev` seeds, on a time-skipping server of its own (whose clock starts at
the real time, as the dev server's does) and a database of its own: on a first start every
panel of the Secretariat's overview shows something: deadlines due within 7 and within 30
days, a report waiting for review, an application waiting for a decision."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from api.params import DeadlineQuery
from api.queries.freshness import caught_up
from api.queries.oversight import deadline_page, review_queue
from certflow import demo
from domain.state import Phase
from eventstore import EventStore
from eventstore.database import create_engine
from projections.projector import Projector
from projections.tables import certifications
from tests.databases import own_database
from tests.temporal import time_skipping
from worker import build_worker
from workflows.client import CertificationClient


@dataclass(frozen=True)
class Seeded:
    engine: AsyncEngine
    store: EventStore
    ids: list[str]
    today: date


async def _settled(store: EventStore, certification_id: str, event_type: str) -> None:
    """Until the imported certification's workflow has done what fell due before it started."""
    for _ in range(200):
        if any(r.event_type == event_type for r in await store.read_stream(certification_id)):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{certification_id}'s workflow recorded no {event_type} within 10 s")


@pytest.fixture(scope="module")
async def seeded(server_url: str) -> AsyncIterator[Seeded]:
    env = await time_skipping()
    try:
        async with own_database(server_url, "certflow_demo") as url:
            engine = create_engine(url)
            store, task_queue, stop = EventStore(engine), f"demo-{uuid.uuid4()}", asyncio.Event()
            projector = Projector(engine, poll_seconds=0.1)
            following = asyncio.create_task(projector.run(stop))
            try:
                async with build_worker(env.client, engine, task_queue):
                    ids = await demo.seed(env.client, CertificationClient(env.client, task_queue), store, task_queue)
                    await _settled(store, "demo-cap-overdue", "DeadlineMissed")
                    async with engine.connect() as conn:
                        for certification_id in ids:
                            version = len(await store.read_stream(certification_id))
                            assert await caught_up(conn, certification_id, version, within_seconds=10)
                    yield Seeded(engine, store, ids, datetime.now(UTC).date())
            finally:
                stop.set()
                await following
                await engine.dispose()
    finally:
        await env.shutdown()


async def test_the_overview_shows_deadlines_at_hand_a_report_to_review_and_an_application_to_decide(
    seeded: Seeded,
) -> None:
    today = seeded.today
    async with seeded.engine.connect() as conn:
        within_7, _ = await deadline_page(conn, DeadlineQuery(due_within_days=7), today)
        within_30, _ = await deadline_page(conn, DeadlineQuery(due_within_days=30), today)
        reviews = await review_queue(conn, None)
        applied = await conn.scalars(
            select(certifications.c.certification_id).where(certifications.c.phase == Phase.APPLIED)
        )
        applied_ids = list(applied)
    assert [(d["certification_id"], d["kind"]) for d in within_7] == [("demo-cap-due", "cap")]
    assert 0 < (within_7[0]["due"] - today).days <= 7
    assert ("demo-report-due", "report") in [(d["certification_id"], d["kind"]) for d in within_30]
    assert [r["certification_id"] for r in reviews] == ["demo-in-review"]
    assert applied_ids == ["demo-applied"]


async def test_a_cap_imported_past_due_is_recorded_missed_and_escalated_at_once(seeded: Seeded) -> None:
    stream = await seeded.store.read_stream("demo-cap-overdue")
    missed = [r.data for r in stream if r.event_type == "DeadlineMissed"]
    assert [(m["deadline_id"], m["kind"]) for m in missed] == [("cap:A1", "cap")]
    assert date.fromisoformat(missed[0]["due"]) < seeded.today


async def test_the_overview_shows_an_overdue_deadline(seeded: Seeded) -> None:
    async with seeded.engine.connect() as conn:
        overdue, _ = await deadline_page(conn, DeadlineQuery(overdue=True), seeded.today)
    assert overdue
