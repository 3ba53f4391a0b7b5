"""Reading one's own writes: after a form's command, the page it returns to waits a moment
for the projector to show the certification at the version the command recorded, so the
person sees their change (the read models trail the log by a moment)."""

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from projections.tables import certifications

C = certifications.c
POLL_SECONDS = 0.05


async def caught_up(conn: AsyncConnection, certification_id: str, version: int, within_seconds: float = 2.0) -> bool:
    """Whether the read models show the certification at `version` or later, waiting up to
    `within_seconds`. Every read model is projected in one transaction with the
    certifications row, so its version speaks for all of them."""
    loop = asyncio.get_running_loop()
    give_up_at = loop.time() + within_seconds
    while True:
        # Each statement sees what was committed before it began (READ COMMITTED).
        seen = await conn.scalar(select(C.version).where(C.certification_id == certification_id))
        if seen is not None and seen >= version:
            return True
        if loop.time() >= give_up_at:
            return False
        await asyncio.sleep(POLL_SECONDS)
