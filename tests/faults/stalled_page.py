"""`stalled_page`: holds the projector inside a page, so that it can be killed mid-page for
certain rather than by luck. A transaction of the suite's own locks the certifications read
model against writes (SHARE mode: readers pass); the projector's next page takes its
checkpoints, reads the events and then waits on that lock with its transaction open, until
`release` (or the end of the block)."""

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from projections.tables import SCHEMA, certifications

TABLE = f"{SCHEMA}.{certifications.name}"


class Stall:
    def __init__(self, holder: AsyncConnection, watcher: AsyncConnection) -> None:
        self._holder = holder
        self._watcher = watcher

    async def until_projector_waits(self, within: float) -> None:
        """Until a page transaction waits on the lock (only the projector writes read models)."""
        # Asked from another session than the holder's, whose own lock is granted anyway.
        waiting = text("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = CAST(:t AS regclass)")
        deadline = time.monotonic() + within
        while not await self._watcher.scalar(waiting.bindparams(t=TABLE)):
            if time.monotonic() > deadline:
                raise RuntimeError(f"no projector page waited on {TABLE} within {within} s")
            await asyncio.sleep(0.05)

    async def release(self) -> None:
        if self._holder.in_transaction():
            await self._holder.rollback()


@asynccontextmanager
async def stalled_page(database_url: str) -> AsyncIterator[Stall]:
    """The projector's pages wait inside their transaction until `release` or the block's end."""
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with engine.connect() as holder, engine.connect() as watcher:
            await holder.execute(text(f"LOCK TABLE {TABLE} IN SHARE MODE"))
            stall = Stall(holder, watcher)
            try:
                yield stall
            finally:
                await stall.release()
    finally:
        await engine.dispose()
