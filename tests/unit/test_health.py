"""A process's state log: one line per change of state, however many failures repeat it; and
the backoff between its attempts to reconnect."""

import asyncio

from health.backoff import Backoff
from health.state_log import StateLog
from tests.logs import captured_logs


def test_a_state_is_logged_once_when_it_changes_not_once_per_failure() -> None:
    state = StateLog("worker appends")
    with captured_logs() as logs:
        state.enter("appending")
        for _ in range(5500):
            state.enter("appends failing", healthy=False, error="InterfaceError: connection is closed")
        state.enter("appending")

    assert [(e["state"], e["log_level"]) for e in logs] == [
        ("appending", "info"),
        ("appends failing", "warning"),
        ("appending", "info"),
    ]
    assert logs[2]["previous_failures"] == 5500


def test_the_backoff_doubles_up_to_its_maximum_with_jitter_and_starts_over_after_a_success() -> None:
    backoff = Backoff(initial=0.1, maximum=1.0)
    delays = [backoff.next_delay() for _ in range(8)]
    ceilings = [0.1, 0.2, 0.4, 0.8, 1.0, 1.0, 1.0, 1.0]
    assert all(c / 2 <= d <= c for d, c in zip(delays, ceilings, strict=True))
    backoff.reset()
    assert backoff.next_delay() <= 0.1


async def test_waiting_out_a_backoff_ends_at_once_when_told_to_stop() -> None:
    stop = asyncio.Event()
    stop.set()
    assert await asyncio.wait_for(Backoff(initial=60, maximum=60).wait(stop), 1) is False
