"""Rebuilding a read model from the first event into a fresh table, then swapping it in.

The swap happens in one transaction that holds the projection's checkpoint (so the live
projector waits), catches the fresh table up to the live position, and renames tables:
readers see the old model or the new one, never a half-built one."""

from collections.abc import Callable

from sqlalchemy import MetaData, Table, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from eventstore import LogPosition, log_head, read_settled
from projections import NAMES, checkpoints, projection
from projections.fields import CERTIFICATION_EVENTS
from projections.projection import Projection
from projections.tables import READ_MODELS, SCHEMA

Progress = Callable[[int, int], None]
"""Called with (events applied so far, events in the log)."""


async def rebuild_all(engine: AsyncEngine, progress: Progress | None = None, page_size: int = 5000) -> None:
    for name in NAMES:
        await rebuild(engine, name, progress, page_size)


async def rebuild(engine: AsyncEngine, name: str, progress: Progress | None = None, page_size: int = 5000) -> int:
    """Returns the events applied into the fresh table."""
    if name not in READ_MODELS:
        raise ValueError(f"no read model {name!r}; there are: {', '.join(NAMES)}")
    fresh = await _fresh_table(engine, name)
    target = projection(name, fresh)
    async with engine.connect() as conn:
        total = await log_head(conn)
    position, applied = LogPosition(), 0
    while True:
        async with engine.begin() as conn:
            moved = await _apply_next(conn, target, position, page_size)
        if moved is None:
            break
        position, count = moved
        applied += count
        if progress:
            progress(applied, total)
    async with engine.begin() as conn:
        applied += await _swap(conn, target, name, position, page_size)
    return applied


async def _fresh_table(engine: AsyncEngine, name: str) -> Table:
    fresh_name = f"{name}__rebuild"
    async with engine.begin() as conn:
        await conn.execute(text(f'DROP TABLE IF EXISTS {SCHEMA}."{fresh_name}"'))
        await conn.execute(text(f'CREATE TABLE {SCHEMA}."{fresh_name}" (LIKE {SCHEMA}."{name}" INCLUDING ALL)'))
    return READ_MODELS[name].to_metadata(MetaData(), name=fresh_name)


async def _apply_next(
    conn: AsyncConnection, target: Projection, after: LogPosition, page_size: int, until: LogPosition | None = None
) -> tuple[LogPosition, int] | None:
    page = await read_settled(conn, after, page_size)
    if until is not None:
        page = [e for e in page if e.position <= until]
    if not page:
        return None
    ours = [e for e in page if e.event_type in CERTIFICATION_EVENTS]
    if ours:
        await target.apply(conn, ours)
        await target.settle(conn, sorted({e.stream_id for e in ours}))
    return page[-1].position, len(page)


async def _swap(conn: AsyncConnection, target: Projection, name: str, position: LogPosition, page_size: int) -> int:
    live = (await checkpoints.lock(conn, [name]))[name]
    applied = 0
    while (moved := await _apply_next(conn, target, position, page_size, until=live)) is not None:
        position, count = moved
        applied += count
    await conn.execute(text(f'ALTER TABLE {SCHEMA}."{name}" RENAME TO "{name}__old"'))
    await conn.execute(text(f'ALTER TABLE {SCHEMA}."{name}__rebuild" RENAME TO "{name}"'))
    await conn.execute(text(f'DROP TABLE {SCHEMA}."{name}__old"'))
    # Ahead of the live projector, the rebuilt model keeps its own place: nothing twice.
    await checkpoints.save(conn, name, max(position, live), 0)
    return applied
