"""How far each projection trails the event log, from its checkpoint."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from eventstore import log_head
from projections.tables import checkpoints


@dataclass(frozen=True)
class ProjectionLag:
    projection: str
    lag_events: int
    """Positions written to the log past the checkpoint."""
    lag_seconds: float
    """Since the checkpoint last moved, while behind; 0 when caught up."""
    events_applied: int


async def projection_lags(conn: AsyncConnection, now: datetime) -> tuple[int, list[ProjectionLag]]:
    """The log's head position and each projection's lag. Positions can commit out of order,
    so a lag counted in positions is an estimate; it is exact once the log is quiet."""
    head = await log_head(conn)
    rows = await conn.execute(select(checkpoints).order_by(checkpoints.c.projection))
    lags = []
    for row in rows:
        behind = max(0, head - row.global_position)
        seconds = max(0.0, (now - row.updated_at).total_seconds()) if behind else 0.0
        lags.append(ProjectionLag(row.projection, behind, seconds, row.events_applied))
    return head, lags
