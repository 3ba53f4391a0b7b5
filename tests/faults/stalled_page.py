"""`stalled_page`: holds the projector inside a page, so that it can be killed mid-page for
certain rather than by luck. A transaction of the suite's own locks the certifications read
model against writes (SHARE mode: readers pass); the projector's next page takes its
checkpoints, reads the events and then waits on that lock with its transaction open."""

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from projections.tables import SCHEMA, certifications


class Stall:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def until_projector_waits(self, within: float) -> None:
        """Until a page transaction waits on the lock (only the projector writes read models)."""
        waiting = text(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = CAST(:table AS regclass)"
        ).bindparams(table=f"{SCHEMA}.{certifications.name}")
        deadline = time.monotonic() + within
        while not await self._conn.scalar(waiting):
            if time.monotonic() > deadline:
                raise RuntimeError(f"no projector page waited on {SCHEMA}.{certifications.name} within {within} s")
            await asyncio.sleep(0.05)


@asynccontextmanager
async def stalled_page(database_url: str) -> AsyncIterator[Stall]:
    """The projector's pages wait inside their transaction until the block ends."""
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            await conn.execute(text(f"LOCK TABLE {SCHEMA}.{certifications.name} IN SHARE MODE"))
            # pg_locks is read from another session: this one's own lock must not be counted.
            async with engine.connect() as watcher:
                yield Stall(watcher)
            await conn.rollback()
    finally:
        await engine.dispose()
