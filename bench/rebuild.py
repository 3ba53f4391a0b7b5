"""Rebuild throughput: every read model rebuilt from a generated log (default 1,000,000
events), against a raw read and JSON decode of the same events in the same run.
Target: at least 30,000 events/s into the real read models.

The log is made of real lifecycles (decided by the domain, written with the same records
the workflow writes), copied under many certification ids and members."""

import argparse
import asyncio
import json
import time
import uuid
from dataclasses import dataclass
from datetime import date

import asyncpg
import orjson

from bench.database import BenchDatabase, add_database_option, fresh_database, server_url
from domain import commands as cmd
from domain.audits import AuditType
from domain.records import to_record
from eventstore.database import create_engine
from projections.rebuild import rebuild
from tests.scenario import ROLLING_MILL, SECRETARIAT, SMELTER, Story, findings

COLUMNS = ("stream_id", "version", "event_id", "event_type", "data", "metadata")


async def lifecycles() -> list[list[tuple[str, dict, dict]]]:
    """A few different lives, as (type, data, metadata) per event."""
    lives = []
    for majors, suspend, renew in [
        (0, False, True),
        (1, False, True),
        (2, True, False),
        (0, True, False),
        (4, False, False),
    ]:
        story = Story()
        await story.admit(facilities=(ROLLING_MILL, SMELTER.model_copy(update={"facility_id": "s"})))
        await story.audit(AuditType.CERTIFICATION, date(2040, 2, 13), findings(majors=majors, minors=2))
        if majors and majors <= 3:
            await story.on(date(2040, 6, 1))
            await story.close_majors()
            await story.audit(AuditType.CERTIFICATION, date(2040, 9, 1))
        if suspend:
            await story.send(cmd.Suspend(actor=SECRETARIAT, reason="complaint"))
        elif renew and majors <= 3:
            await story.audit(AuditType.SURVEILLANCE, date(2042, 1, 10))
            await story.on(date(2043, 1, 10))
            await story.audit(AuditType.RECERTIFICATION, date(2043, 2, 1))
        records = [to_record(story.certification_id, "bench", i, e) for i, e in enumerate(story.history)]
        lives.append([(r.event_type, r.data, r.metadata) for r in records])
    return lives


async def write_log(db: BenchDatabase, events: int) -> int:
    """Copies the lives under fresh ids until `events` are written; returns how many."""
    lives = await lifecycles()
    rows, n = [], 0
    while n < events:
        life = lives[n % len(lives)]
        stream = f"bench-{n:08d}"
        for version, (event_type, data, metadata) in enumerate(life, start=1):
            if event_type == "ApplicationSubmitted":
                data = {**data, "member_id": f"member-{n % 997}", "member_name": f"Member {n % 997}"}
            rows.append((stream, version, uuid.uuid4(), event_type, json.dumps(data), json.dumps(metadata)))
        n += len(life)
    connection = await asyncpg.connect(**db.asyncpg_arguments)
    try:
        for start in range(0, len(rows), 50_000):
            await connection.copy_records_to_table("events", records=rows[start : start + 50_000], columns=COLUMNS)
        await connection.execute("ANALYZE events")
    finally:
        await connection.close()
    return len(rows)


async def raw_read(db: BenchDatabase, page: int) -> int:
    """The baseline: read every event in the projector's order and decode its JSON (with
    the same decoder the projector's engine uses)."""
    connection = await asyncpg.connect(**db.asyncpg_arguments)
    read, after = 0, (0, 0)
    try:
        while True:
            batch = await connection.fetch(
                "SELECT global_position, transaction_id::text::bigint AS tx, stream_id, version, event_type,"
                " data::text, metadata::text FROM events WHERE (transaction_id, global_position) > ($1::text::xid8, $2)"
                " ORDER BY transaction_id, global_position LIMIT $3",
                str(after[0]),
                after[1],
                page,
            )
            if not batch:
                return read
            for row in batch:
                orjson.loads(row["data"])
                orjson.loads(row["metadata"])
            read += len(batch)
            after = (batch[-1]["tx"], batch[-1]["global_position"])
    finally:
        await connection.close()


@dataclass(frozen=True)
class Rate:
    events: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.events / self.seconds


async def timed(work) -> Rate:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    events = await work
    return Rate(events, time.perf_counter() - started)


async def main(arguments: argparse.Namespace) -> None:
    async with fresh_database(server_url(arguments.database_url), "certflow_bench_rebuild") as db:
        written = await write_log(db, arguments.events)
        print(f"log: {written:,} events on PostgreSQL {db.server_version}")
        raw = await timed(raw_read(db, arguments.page_size))
        engine = create_engine(db.url, pool_size=2)
        projected = await timed(rebuild(engine, page_size=arguments.page_size))
        await engine.dispose()
    print(f"raw read + decode:        {raw.per_second:>10,.0f} events/s ({raw.seconds:.1f} s)")
    print(f"rebuild, all read models: {projected.per_second:>10,.0f} events/s ({projected.seconds:.1f} s)")
    print(f"ratio rebuild/raw:        {projected.per_second / raw.per_second:>10.3f}")
    print(f"target 30,000 events/s:   {'met' if projected.per_second >= 30_000 else 'MISSED'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--page-size", type=int, default=20_000)
    add_database_option(parser)
    asyncio.run(main(parser.parse_args()))
