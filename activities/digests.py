"""The digest clock's activity: composing and recording the digests due at one hour
(notifications/digest.py), once each whatever the retries."""

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity

from activities.digest_messages import COMPOSE_DIGESTS, ComposeDigestsInput, ComposeDigestsOutput
from notifications.digest import compose_digests

log = structlog.get_logger("certflow.activities")


class DigestActivities:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @activity.defn(name=COMPOSE_DIGESTS)
    async def compose(self, request: ComposeDigestsInput) -> ComposeDigestsOutput:
        async with self._engine.begin() as conn:
            recorded = await compose_digests(conn, request.hour)
        log.info("digests composed", hour=request.hour.isoformat(), recorded=recorded)
        return ComposeDigestsOutput(recorded=recorded)
