"""kill -9 the projector mid-page (its page transaction open), then start another: the new
one takes the lead and the read models match the log, each event applied once."""

import time

import pytest

from tests.faults.bounds import START_WITHIN
from tests.faults.outcome import Outcome
from tests.faults.promises import assess_recovery, said_not_ready
from tests.faults.service import Service
from tests.faults.stalled_page import stalled_page

pytestmark = pytest.mark.faults
FAULT = "projector killed (kill -9) mid-page"


async def test_a_projector_killed_mid_page_is_followed_by_another_that_applies_each_event_once(
    service: Service, outcome: Outcome
) -> None:
    # The page is stalled before the load begins, so its first events are sure to start one.
    async with stalled_page(service.database_url) as stall, service.load(certifications=8, label="projector") as load:
        await stall.until_projector_waits(within=START_WITHIN)
        before = service.pids()
        service.projector.kill()
        await stall.release()  # the killed projector's page is rolled back
        await said_not_ready(service, outcome, "the projector was killed")
        repaired_at = time.monotonic()
        service.projector.start()
        await assess_recovery(service, outcome, load, repaired_at, before, replaced=(service.projector,))
    assert not outcome.violations, outcome.explain()
