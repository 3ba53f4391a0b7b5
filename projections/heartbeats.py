"""Heartbeats: each long-running process's latest sign of life, in the database, where the API
reads them for /readyz and /metrics. The leading projector beats every poll (a projector that
died, or lost its lead, stops beating: the log's lag alone never shows that while nothing is
written); each worker beats with its append counts, which the API cannot see otherwise.
Not a read model: nothing here comes from the event log, and a rebuild leaves it alone."""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import BigInteger, Column, DateTime, Float, MetaData, Table, Text, delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

process_heartbeats = Table(
    "process_heartbeats",
    MetaData(),
    Column("process", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("holder", Text, nullable=False),
    Column("beat_at", DateTime(timezone=True), nullable=False),
    Column("appends", BigInteger, nullable=False),
    Column("append_failures", BigInteger, nullable=False),
)

PROJECTOR = "projector"
"""The leading projector's row: one leader at a time, so one row, whoever holds the lead."""


class ProcessKind(StrEnum):
    PROJECTOR = "projector"
    WORKER = "worker"


@dataclass(frozen=True)
class Heartbeat:
    process: str
    kind: ProcessKind
    holder: str
    """Which host and process id beat last."""
    age_seconds: float
    """By the database's clock, so the API's and the beating process's clocks need not agree."""
    appends: int
    append_failures: int


async def beat(
    conn: AsyncConnection, process: str, kind: ProcessKind, holder: str, appends: int = 0, append_failures: int = 0
) -> None:
    """Records a sign of life now (in the caller's transaction)."""
    values = {
        "process": process,
        "kind": str(kind),
        "holder": holder,
        "beat_at": func.now(),
        "appends": appends,
        "append_failures": append_failures,
    }
    statement = insert(process_heartbeats).values(values)
    changed = {k: statement.excluded[k] for k in values if k != "process"}
    await conn.execute(statement.on_conflict_do_update(index_elements=[process_heartbeats.c.process], set_=changed))


async def forget_older_than(conn: AsyncConnection, kind: ProcessKind, age: timedelta) -> None:
    """Rows of processes long gone (a worker's row stays, stale, after it stops: that is how
    /readyz learns it stopped, sooner than from Temporal's pollers)."""
    await conn.execute(
        delete(process_heartbeats).where(
            process_heartbeats.c.kind == str(kind), process_heartbeats.c.beat_at < func.now() - age
        )
    )


async def heartbeats(conn: AsyncConnection, kind: ProcessKind | None = None) -> list[Heartbeat]:
    age = func.extract("epoch", func.now() - process_heartbeats.c.beat_at).cast(Float).label("age_seconds")
    query = select(process_heartbeats, age).order_by(process_heartbeats.c.process)
    if kind is not None:
        query = query.where(process_heartbeats.c.kind == str(kind))
    return [
        Heartbeat(r.process, ProcessKind(r.kind), r.holder, max(0.0, r.age_seconds), r.appends, r.append_failures)
        for r in await conn.execute(query)
    ]
