"""Each projection's place in the log, written in the same transaction as its rows."""

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from eventstore import LogPosition
from projections.tables import checkpoints


async def lock(conn: AsyncConnection, names: list[str]) -> dict[str, LogPosition]:
    """The projections' positions, locked until the transaction ends: page transactions and
    rebuild swaps of the same projection take turns, so no event is applied twice."""
    await conn.execute(
        insert(checkpoints)
        .values([{"projection": n, "transaction_id": 0, "global_position": 0, "events_applied": 0} for n in names])
        .on_conflict_do_nothing()
    )
    rows = await conn.execute(
        select(checkpoints.c.projection, checkpoints.c.transaction_id, checkpoints.c.global_position)
        .where(checkpoints.c.projection.in_(names))
        .order_by(checkpoints.c.projection)
        .with_for_update()
    )
    return {name: LogPosition(tx, position) for name, tx, position in rows}


async def save(conn: AsyncConnection, name: str, position: LogPosition, applied: int) -> None:
    await conn.execute(
        checkpoints.update()
        .where(checkpoints.c.projection == name)
        .values(
            transaction_id=position.transaction_id,
            global_position=position.global_position,
            events_applied=checkpoints.c.events_applied + applied,
            updated_at=func.now(),
        )
    )
