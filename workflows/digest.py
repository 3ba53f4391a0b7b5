"""The digest clock: one workflow per deployment (id "digest-clock") that wakes at every full
hour on a durable timer and has the digests due at that hour composed. After downtime it
catches up on the hours missed (the last day's at most); each digest's id derives from its
person and local date, so a repeated hour sends nothing twice."""

from datetime import UTC, datetime, timedelta

from pydantic import BaseModel
from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.digest_messages import COMPOSE_DIGESTS, ComposeDigestsInput, ComposeDigestsOutput

DIGEST_CLOCK_ID = "digest-clock"
HOUR = timedelta(hours=1)
CATCH_UP = 24
"""The most hours done after downtime: older ones' digests would tell of a day gone."""
HOURS_PER_RUN = 24
"""Hours done before continuing as new, which bounds the history (about 10 events an hour)."""
COMPOSING = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))


class DigestClockInput(BaseModel):
    last_hour: datetime | None = None
    """The last hour whose digests were composed (None: none yet, start with the current one)."""


def full_hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def hours_due(last_hour: datetime | None, now: datetime) -> list[datetime]:
    """The hours after `last_hour` up to `now`'s, the newest CATCH_UP of them."""
    current = full_hour(now)
    first = current if last_hour is None else max(full_hour(last_hour) + HOUR, current - (CATCH_UP - 1) * HOUR)
    return [first + i * HOUR for i in range(int((current - first) / HOUR) + 1)] if first <= current else []


@workflow.defn(name="DigestClock")
class DigestClock:
    @workflow.run
    async def run(self, state: DigestClockInput) -> None:
        last_hour, done = state.last_hour, 0
        while True:
            for hour in hours_due(last_hour, workflow.now()):
                await workflow.execute_activity(
                    COMPOSE_DIGESTS,
                    ComposeDigestsInput(hour=hour),
                    result_type=ComposeDigestsOutput,
                    start_to_close_timeout=timedelta(minutes=5),
                    retry_policy=COMPOSING,
                )
                last_hour, done = hour, done + 1
            if done >= HOURS_PER_RUN or workflow.info().is_continue_as_new_suggested():
                workflow.continue_as_new(DigestClockInput(last_hour=last_hour))
            await workflow.sleep(full_hour(workflow.now()) + HOUR - workflow.now())
