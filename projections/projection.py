"""A projection turns a page of events into read-model rows, inside the projector's
transaction. Most keep a set of rows per certification: load the rows of the certifications
the page touches, apply the events in memory, write those certifications' rows back in one
go. Batching per page, not per event, is what makes a rebuild fast."""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection

from eventstore import RecordedEvent
from eventstore.database import dumps

Row = dict[str, Any]


async def copy_rows(conn: AsyncConnection, table: Table, rows: list[Row]) -> None:
    """Writes rows with COPY in the caller's transaction: a rebuild writes millions, and
    per-row statement parameters would cost more than everything else it does."""
    if not rows:
        return
    columns = [c.name for c in table.columns]
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSONB)}
    records = [tuple(dumps(row[c]) if c in json_columns else row[c] for c in columns) for row in rows]
    driver = (await conn.get_raw_connection()).driver_connection
    assert driver is not None, "a checked-out connection has its driver's"
    await driver.copy_records_to_table(table.name, schema_name=table.schema, columns=columns, records=records)


class Projection:
    """Named after the read model it fills. `tables` holds every read model's table of the
    same generation (fresh copies during a rebuild), for projections that read another."""

    name: ClassVar[str]

    def __init__(self, tables: Mapping[str, Table]) -> None:
        self.tables = tables
        self.table = tables[self.name]

    async def apply(self, conn: AsyncConnection, page: Sequence[RecordedEvent]) -> None:
        raise NotImplementedError

    async def settle(self, conn: AsyncConnection, certification_ids: list[str]) -> None:
        """After every projection has taken the page: fill in what depends on the others."""


async def apply_and_settle(conn: AsyncConnection, pages: Sequence[tuple[Projection, Sequence[RecordedEvent]]]) -> None:
    """Each projection takes its events, in order; then every one settles the certifications
    they touched (none touched: nothing to settle)."""
    touched: set[str] = set()
    for target, page in pages:
        if page:
            await target.apply(conn, page)
            touched.update(e.stream_id for e in page)
    if not touched:
        return
    certification_ids = sorted(touched)
    for target, _ in pages:
        await target.settle(conn, certification_ids)


class RowsPerCertification(Projection):
    """Rows keyed within a certification by `key_columns`."""

    key_columns: ClassVar[tuple[str, ...]]

    def evolve(self, rows: dict[tuple, Row], event: RecordedEvent) -> None:
        """Change the certification's rows for one event, in place."""
        raise NotImplementedError

    async def finish(self, conn: AsyncConnection, rows: dict[str, dict[tuple, Row]]) -> None:
        """Fill in fields that other read models hold, before writing (default: nothing)."""

    async def apply(self, conn: AsyncConnection, page: Sequence[RecordedEvent]) -> None:
        touched = sorted({e.stream_id for e in page})
        rows = await self._load(conn, touched)
        for event in page:
            self.evolve(rows[event.stream_id], event)
        await self.finish(conn, rows)
        await conn.execute(delete(self.table).where(self.table.c.certification_id.in_(touched)))
        await copy_rows(conn, self.table, [row for certification in rows.values() for row in certification.values()])

    async def _load(self, conn: AsyncConnection, touched: list[str]) -> dict[str, dict[tuple, Row]]:
        rows: dict[str, dict[tuple, Row]] = defaultdict(dict)
        result = await conn.execute(select(self.table).where(self.table.c.certification_id.in_(touched)))
        for row in result.mappings():
            rows[row["certification_id"]][tuple(row[c] for c in self.key_columns)] = dict(row)
        return rows
