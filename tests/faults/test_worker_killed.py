"""kill -9 the worker while commands are in flight, then start a new one."""

import time

import pytest

from tests.faults.bounds import START_WITHIN
from tests.faults.outcome import Outcome
from tests.faults.promises import assess_recovery, said_not_ready
from tests.faults.service import Service

pytestmark = pytest.mark.faults
FAULT = "worker killed (kill -9) mid-command"


async def test_a_worker_killed_mid_command_loses_and_doubles_nothing_once_another_starts(
    service: Service, outcome: Outcome
) -> None:
    async with service.load(certifications=8, label="worker") as load:
        await load.until_acknowledged(6, within=START_WITHIN)
        before = service.pids()
        outcome.check(load.in_flight > 0, "no command was in flight when the worker was killed")
        service.worker.kill()
        await said_not_ready(service, outcome, "the worker was killed")
        repaired_at = time.monotonic()
        service.worker.start()
        await assess_recovery(service, outcome, load, repaired_at, before, replaced=(service.worker,))
    assert not outcome.violations, outcome.explain()
