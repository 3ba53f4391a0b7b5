"""Start the API and the worker while Temporal is down, and Temporal only later: both wait
for it and serve once it is up, without a restart; meanwhile commands are answered 503."""

import asyncio
import time

import pytest

from tests.faults.bounds import ANSWER_WITHIN, START_WITHIN
from tests.faults.outcome import Outcome
from tests.faults.promises import assess_recovery, said_not_ready
from tests.faults.service import Service

pytestmark = pytest.mark.faults
FAULT = "API and worker started before Temporal"
LATE_BY = 3.0
"""Seconds between starting the worker and starting Temporal."""


async def test_an_api_and_worker_started_before_temporal_serve_once_it_is_up(
    service: Service, outcome: Outcome
) -> None:
    service.api.kill()
    service.worker.kill()
    service.temporal.stop()
    service.worker.start()
    service.api.start()
    started_at = time.monotonic()
    await service.api_answers(within=START_WITHIN)
    async with service.load(certifications=3, label="temporal") as load:
        await said_not_ready(service, outcome, "starting without Temporal")
        outcome.check(await load.until_answered(within=ANSWER_WITHIN), "no command answered while Temporal was down")
        statuses = {a.status for a in load.attempts}
        outcome.check(statuses <= {503, None}, f"commands answered {statuses} while Temporal was down (503 expected)")
        await asyncio.sleep(max(0.0, started_at + LATE_BY - time.monotonic()))
        before = service.pids()
        repaired_at = time.monotonic()
        await service.temporal.start(START_WITHIN)
        await assess_recovery(service, outcome, load, repaired_at, before)
    assert not outcome.violations, outcome.explain()
