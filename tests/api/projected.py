"""Waiting for the read models to show a certification as its log has it, before a page
that reads them is opened (the `projector` fixture follows the log meanwhile)."""

from sqlalchemy.ext.asyncio import AsyncEngine

from api.queries.freshness import caught_up
from tests.scenario import Lifecycle


async def projected(engine: AsyncEngine, lifecycle: Lifecycle) -> None:
    # The version from the log itself, not a workflow query: a query sent while the
    # workflow continues as new can wait on the new run's first task.
    version = len(await lifecycle.stored())
    async with engine.connect() as conn:
        assert await caught_up(conn, lifecycle.certification_id, version, within_seconds=10), (
            "the projector fell behind"
        )
