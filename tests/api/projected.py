"""Waiting for the read models to show a certification as its workflow has it, before a
page that reads them is opened (the `projector` fixture follows the log meanwhile)."""

from sqlalchemy.ext.asyncio import AsyncEngine

from api.queries.freshness import caught_up
from tests.scenario import Scenario


async def projected(engine: AsyncEngine, scenario: Scenario) -> None:
    version = (await scenario.state()).version
    async with engine.connect() as conn:
        assert await caught_up(conn, scenario.certification_id, version, within_seconds=10), "the projector fell behind"
