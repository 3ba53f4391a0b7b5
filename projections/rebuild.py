"""Rebuilding read models from the first event into fresh tables, then swapping them in.

One pass over the log fills every named model's fresh table (reading each other's fresh
rows, never the live ones being replaced). The swap happens in one transaction that holds
their checkpoints (so the live projector waits), catches the fresh tables up to the live
position, and renames tables: readers see the old models or the new ones, never half-built."""

from collections.abc import Callable, Sequence

from sqlalchemy import MetaData, Table, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.schema import DropTable

from eventstore import LogPosition, log_head, read_settled
from projections import NAMES, checkpoints, projections
from projections.fields import CERTIFICATION_EVENTS
from projections.projection import Projection, apply_and_settle
from projections.tables import READ_MODELS, SCHEMA

Progress = Callable[[int, int], None]
"""Called with (events read so far, events in the log)."""


async def rebuild(
    engine: AsyncEngine, names: Sequence[str] = NAMES, progress: Progress | None = None, page_size: int = 20_000
) -> int:
    """Returns the events read from the log."""
    unknown = [n for n in names if n not in READ_MODELS]
    if unknown:
        raise ValueError(f"no read model {unknown[0]!r}; there are: {', '.join(NAMES)}")
    tables = {**READ_MODELS, **{n: await _fresh_table(engine, n) for n in names}}
    targets = projections(tables, tuple(names))
    async with engine.connect() as conn:
        total = await log_head(conn)
    position, read = LogPosition(), 0
    while True:
        async with engine.begin() as conn:
            moved = await _apply_next(conn, targets, position, page_size)
        if moved is None:
            break
        position, count = moved
        read += count
        if progress:
            progress(read, total)
    async with engine.begin() as conn:
        # Statistics before readers arrive: a just-filled table would be planned as empty.
        for name in names:
            await conn.execute(text(f"ANALYZE {_qualified(conn, _fresh(name))}"))
    async with engine.begin() as conn:
        read += await _swap(conn, targets, position, page_size)
    return read


def _fresh(name: str) -> str:
    return f"{name}__rebuild"


def _qualified(conn: AsyncConnection, table_name: str) -> str:
    """A read model's table, schema-qualified and quoted by the dialect, never by hand."""
    preparer = conn.dialect.identifier_preparer
    return f"{preparer.quote_schema(SCHEMA)}.{preparer.quote(table_name)}"


async def _fresh_table(engine: AsyncEngine, name: str) -> Table:
    fresh = READ_MODELS[name].to_metadata(MetaData(), name=_fresh(name))
    async with engine.begin() as conn:
        await conn.execute(DropTable(fresh, if_exists=True))
        # LIKE ... INCLUDING ALL: the live table's indexes and defaults too, which tables.py omits.
        await conn.execute(
            text(f"CREATE TABLE {_qualified(conn, fresh.name)} (LIKE {_qualified(conn, name)} INCLUDING ALL)")
        )
    return fresh


async def _apply_next(
    conn: AsyncConnection,
    targets: list[Projection],
    after: LogPosition,
    page_size: int,
    until: LogPosition | None = None,
) -> tuple[LogPosition, int] | None:
    page = await read_settled(conn, after, page_size)
    if until is not None:
        page = [e for e in page if e.position <= until]
    if not page:
        return None
    ours = [e for e in page if e.event_type in CERTIFICATION_EVENTS]
    await apply_and_settle(conn, [(target, ours) for target in targets])
    return page[-1].position, len(page)


async def _swap(conn: AsyncConnection, targets: list[Projection], position: LogPosition, page_size: int) -> int:
    names = [t.name for t in targets]
    live = max((await checkpoints.lock(conn, names)).values())
    read = 0
    while (moved := await _apply_next(conn, targets, position, page_size, until=live)) is not None:
        position, count = moved
        read += count
    for name in names:
        old, quote = f"{name}__old", conn.dialect.identifier_preparer.quote
        await conn.execute(text(f"ALTER TABLE {_qualified(conn, name)} RENAME TO {quote(old)}"))
        await conn.execute(text(f"ALTER TABLE {_qualified(conn, _fresh(name))} RENAME TO {quote(name)}"))
        await conn.execute(text(f"DROP TABLE {_qualified(conn, old)}"))
        # Ahead of the live projector, a rebuilt model keeps its own place: nothing twice.
        await checkpoints.save(conn, name, max(position, live), 0)
    return read
