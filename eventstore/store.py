"""EventStore: append with optimistic concurrency and idempotency, read by stream or position."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from asyncpg import UniqueViolationError
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    Text,
    Uuid,
    bindparam,
    cast,
    func,
    insert,
    literal,
    literal_column,
    select,
    tuple_,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from eventstore.database import driver_connection, dumps
from eventstore.records import AppendResult, ConcurrencyError, LogPosition, NewEvent, RecordedEvent
from eventstore.schema import Xid8, events

_INSERTED = ("stream_id", "version", "event_id", "event_type", "data", "metadata")
# xid8 has no driver codec: read it as a number.
_TRANSACTION_ID = cast(cast(events.c.transaction_id, Text), BigInteger).label("transaction_id")
_COLUMNS = [c for c in events.c if c.name != "transaction_id"] + [_TRANSACTION_ID]


class DuplicateEventError(Exception):
    """An event id is already stored somewhere else than the append it came with."""


class EventStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def append(self, stream_id: str, expected_version: int, new_events: Sequence[NewEvent]) -> AppendResult:
        """Append in one transaction, if the stream is at `expected_version`.

        A retry of an append that already committed (same event ids) stores nothing and
        reports `duplicate=True`; any other mismatch raises ConcurrencyError."""
        if not new_events:
            raise ValueError("append needs at least one event")
        values = {
            "stream_id": stream_id,
            "expected_version": expected_version,
            "event_ids": [e.event_id for e in new_events],
            "event_types": [e.event_type for e in new_events],
            "data": [dumps(e.data) for e in new_events],
            "metadata": [dumps(e.metadata) for e in new_events],
        }
        try:
            async with self._engine.begin() as conn, driver_connection(conn) as driver:
                rows = await driver.fetch(_APPEND.sql, *(values[name] for name in _APPEND.parameters))
        except UniqueViolationError:
            rows = []
        if rows:
            positions = tuple(r["global_position"] for r in sorted(rows, key=lambda r: r["version"]))
            return AppendResult(stream_id, expected_version + len(new_events), positions)
        return await self._refused(stream_id, expected_version, new_events)

    async def _refused(self, stream_id: str, expected_version: int, new_events: Sequence[NewEvent]) -> AppendResult:
        ids = [e.event_id for e in new_events]
        async with self._engine.connect() as conn:
            stored = (
                await conn.execute(
                    select(events.c.stream_id, events.c.version, events.c.global_position)
                    .where(events.c.event_id.in_(ids))
                    .order_by(events.c.version)
                )
            ).all()
            actual: int | None = await conn.scalar(_current_version(stream_id))
        same_place = [(stream_id, expected_version + i) for i in range(1, len(ids) + 1)]
        if [(r.stream_id, r.version) for r in stored] == same_place:
            return AppendResult(stream_id, stored[-1].version, tuple(r.global_position for r in stored), duplicate=True)
        if stored:
            raise DuplicateEventError(
                f"{len(stored)} of {len(ids)} event ids are already stored, not as this append's"
                f" versions {expected_version + 1}..{expected_version + len(ids)} of {stream_id}"
            )
        raise ConcurrencyError(stream_id, expected_version, actual or 0)

    async def stream_version(self, stream_id: str) -> int:
        async with self._engine.connect() as conn:
            return await conn.scalar(_current_version(stream_id)) or 0

    async def read_stream(self, stream_id: str, after_version: int = 0) -> list[RecordedEvent]:
        query = (
            select(*_COLUMNS)
            .where(events.c.stream_id == stream_id, events.c.version > after_version)
            .order_by(events.c.version)
        )
        async with self._engine.connect() as conn:
            return [_recorded(r._mapping) for r in await conn.execute(query)]

    async def read_command(self, stream_id: str, command_id: str) -> list[RecordedEvent]:
        """The events one command recorded on the stream (the `command_id` in their metadata),
        in version order; none for a command that recorded nothing there. Found through the
        stream's own (stream_id, version) index: a stream is one certification's life."""
        query = (
            select(*_COLUMNS)
            .where(events.c.stream_id == stream_id, events.c["metadata"]["command_id"].astext == command_id)
            .order_by(events.c.version)
        )
        async with self._engine.connect() as conn:
            return [_recorded(r._mapping) for r in await conn.execute(query)]

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[RecordedEvent]:
        """One page of the whole log in global order. Positions can commit out of order:
        a reader that must not skip one (a projector) needs a snapshot horizon too."""
        query = (
            select(*_COLUMNS)
            .where(events.c.global_position > after_position)
            .order_by(events.c.global_position)
            .limit(limit)
        )
        async with self._engine.connect() as conn:
            return [_recorded(r._mapping) for r in await conn.execute(query)]


async def read_settled(conn: AsyncConnection, after: LogPosition, limit: int) -> list[RecordedEvent]:
    """The next events after `after` in (transaction, position) order, only from transactions
    older than every transaction still in flight. A position taken by a transaction that
    commits late is therefore never skipped (the gap problem); a long-open transaction holds
    readers back instead. Runs in the caller's transaction, so a projector can write its
    read models and checkpoint in the same one."""
    horizon = func.pg_snapshot_xmin(func.pg_current_snapshot())
    since = tuple_(cast(literal(str(after.transaction_id)), Xid8), literal(after.global_position))
    query = (
        select(*_COLUMNS)
        .where(events.c.transaction_id < horizon, tuple_(events.c.transaction_id, events.c.global_position) > since)
        .order_by(events.c.transaction_id, events.c.global_position)
        .limit(limit)
    )
    # The Core query runs on the driver itself: a rebuild reads millions of rows, and the
    # generic result processing cost more per row than everything a projection does with it.
    compiled = query.compile(dialect=conn.dialect)
    parameters = [compiled.params[name] for name in compiled.positiontup or ()]
    async with driver_connection(conn) as driver:
        return [_recorded(r) for r in await driver.fetch(str(compiled), *parameters)]


async def log_head(conn: AsyncConnection) -> int:
    """The highest global position written so far (0 for an empty log)."""
    return await conn.scalar(select(func.coalesce(func.max(events.c.global_position), 0))) or 0


def _current_version(stream_id: str | ColumnElement[str]) -> Select[tuple[int]]:
    """The stream's version (0 for a stream not yet written). A literal 0, not a bound one: the
    append statement embeds this and passes the driver only its own named parameters."""
    return select(func.coalesce(func.max(events.c.version), literal_column("0"))).where(events.c.stream_id == stream_id)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    parameters: tuple[str, ...]


def _append_statement() -> _Compiled:
    """One statement, whatever the number of events: insert them (unnested from arrays)
    only if the stream is still at the expected version; the unique (stream_id, version)
    constraint settles writers that both pass. Compiled once and run on the driver: a
    statement carrying multi-row VALUES is never cached by SQLAlchemy, and compiling it on
    every append cost several times the insert itself (bench/append.py)."""
    stream, expected = bindparam("stream_id", type_=Text), bindparam("expected_version", type_=Integer)
    new = (
        func.unnest(
            bindparam("event_ids", type_=ARRAY(Uuid)),
            bindparam("event_types", type_=ARRAY(Text)),
            bindparam("data", type_=ARRAY(JSONB)),
            bindparam("metadata", type_=ARRAY(JSONB)),
        )
        .table_valued("event_id", "event_type", "data", "metadata", with_ordinality="n")
        .render_derived("new_events")
    )
    source = select(stream, expected + new.c.n, new.c.event_id, new.c.event_type, new.c.data, new.c.metadata).where(
        _current_version(stream).scalar_subquery() == expected
    )
    statement = (
        insert(events).from_select(list(_INSERTED), source).returning(events.c.global_position, events.c.version)
    )
    compiled = statement.compile(dialect=asyncpg_dialect())
    return _Compiled(str(compiled), tuple(compiled.positiontup or ()))


_APPEND = _append_statement()


def _recorded(row: Mapping[Any, Any]) -> RecordedEvent:
    return RecordedEvent(
        global_position=row["global_position"],
        stream_id=row["stream_id"],
        version=row["version"],
        event_id=row["event_id"],
        event_type=row["event_type"],
        data=row["data"],
        metadata=row["metadata"],
        recorded_at=row["recorded_at"],
        transaction_id=row["transaction_id"],
    )
