"""Restart PostgreSQL under load: every process stays up and carries on once it is back."""

import asyncio
import time

import pytest

from tests.faults.bounds import START_WITHIN
from tests.faults.outcome import Outcome
from tests.faults.promises import assess_recovery, said_not_ready
from tests.faults.service import Service

pytestmark = pytest.mark.faults
FAULT = "PostgreSQL restarted under load"
DOWN_FOR = 2.0
"""Seconds PostgreSQL stays down at least, so that commands in flight meet the outage."""


async def test_after_a_postgresql_restart_under_load_every_process_carries_on_by_itself(
    service: Service, outcome: Outcome
) -> None:
    async with service.load(certifications=8, label="postgres") as load:
        await load.until_acknowledged(6, within=START_WITHIN)
        before = service.pids()
        outcome.check(load.in_flight > 0, "no command was in flight when PostgreSQL stopped")
        stopped_at = time.monotonic()
        await asyncio.to_thread(service.postgres.stop)  # the clients carry on meanwhile
        await said_not_ready(service, outcome, "PostgreSQL stopped")
        await asyncio.sleep(max(0.0, stopped_at + DOWN_FOR - time.monotonic()))
        repaired_at = time.monotonic()
        await asyncio.to_thread(service.postgres.start)
        await assess_recovery(service, outcome, load, repaired_at, before)
    assert not outcome.violations, outcome.explain()
