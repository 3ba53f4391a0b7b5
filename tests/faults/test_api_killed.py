"""kill -9 the API mid-command; the clients send again with the same Idempotency-Key to a
restarted API and get each command's first answer."""

import time

import pytest

from tests.faults.bounds import START_WITHIN
from tests.faults.outcome import Outcome
from tests.faults.promises import assess_recovery, said_not_ready
from tests.faults.service import Service

pytestmark = pytest.mark.faults
FAULT = "API killed (kill -9) mid-command"


async def test_commands_sent_again_to_a_restarted_api_get_their_first_answer(
    service: Service, outcome: Outcome
) -> None:
    async with service.load(certifications=8, label="api") as load:
        await load.until_acknowledged(6, within=START_WITHIN)
        before = service.pids()
        outcome.check(load.in_flight > 0, "no command was in flight when the API was killed")
        service.api.kill()
        await said_not_ready(service, outcome, "the API was killed")
        repaired_at = time.monotonic()
        service.api.start()
        await assess_recovery(service, outcome, load, repaired_at, before, replaced=(service.api,))
    assert not outcome.violations, outcome.explain()
