"""Append throughput: EventStore.append against raw asyncpg INSERTs of the same rows.

Workload: `--writers` concurrent asyncio tasks share `--commands` commands. Each command appends
`--events-per-command` events to one stream at its correct expected version; a writer keeps a
stream for 5..15 commands (mean `--commands-per-stream`, seeded), then moves to a new stream of
its own. The events are real domain events written down by domain.records.to_record, as the
append activity does: ~300-500 bytes of JSON data, metadata with actor, reason and command_id.
Every run writes the same rows.

Project: EventStore.append over certflow's engine (eventstore.database.create_engine, orjson,
pool_size = writers): one guarded INSERT ... SELECT ... RETURNING per command, in a
transaction of its own.
Baseline: an asyncpg pool of `writers` connections; per command BEGIN, one multi-row
INSERT ... RETURNING global_position (JSON by the same orjson dumps), COMMIT; into events_raw,
made by `CREATE TABLE events_raw (LIKE events INCLUDING ALL)` plus copies of events' triggers
(same columns, defaults, identity, constraints, indexes and triggers: checked before the runs).

Both run on one fresh database, `--rounds` times each in alternating order, after a warm-up;
both tables are emptied and a CHECKPOINT taken before every run. Printed: commands/s, events/s
and this process's CPU time per command (the database's is not in it) of each run; then the
totals and project/raw. Target: project/raw >= 0.8.
"""

import argparse
import asyncio
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from random import Random
from uuid import UUID

import asyncpg

from bench.database import BenchDatabase, add_database_option, fresh_database, server_url
from domain import events as ev
from domain.audits import Finding, FindingKind
from domain.records import to_record
from eventstore import EventStore, NewEvent
from eventstore.database import create_engine, dumps
from tests.scenario import AUDITOR, MEMBER

WORDS = [
    "aluminium",
    "smelter",
    "rolling",
    "mill",
    "facility",
    "criterion",
    "evidence",
    "interview",
    "sampled",
    "records",
    "emissions",
    "scope",
    "energy",
    "water",
    "waste",
    "biodiversity",
    "supplier",
    "traceability",
    "remediation",
    "plan",
    "verified",
    "corrective",
    "action",
    "due",
    "diligence",
    "human",
    "rights",
    "grievance",
    "mechanism",
    "assessed",
]

CREATE_RAW_TABLE = "CREATE TABLE events_raw (LIKE events INCLUDING ALL)"
INSERTED = ("stream_id", "version", "event_id", "event_type", "data", "metadata")


# --- workload -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    stream_id: str
    expected_version: int
    events: tuple[NewEvent, ...]


def _text(rng: Random, length: int) -> str:
    words: list[str] = []
    written = 0
    while written < length:
        words.append(rng.choice(WORDS))
        written += len(words[-1]) + 1
    return " ".join(words)


def _domain_events(rng: Random, count: int, occurred_at: datetime) -> list[ev.Event]:
    """Recording an audit's outcome: findings, the report, a corrective action plan, ..."""
    made: list[ev.Event] = []
    for i in range(count):
        match i % 3:
            case 0:
                found = tuple(
                    Finding(
                        criterion=f"{rng.randint(1, 12)}.{rng.randint(1, 9)}",
                        facility_id="mill",
                        kind=rng.choice(list(FindingKind)),
                        note=_text(rng, rng.randint(30, 70)),
                    )
                    for _ in range(3)
                )
                made.append(ev.FindingsRecorded(actor=AUDITOR, occurred_at=occurred_at, audit_id="A1", findings=found))
            case 1:
                made.append(
                    ev.ReportSubmitted(
                        actor=AUDITOR,
                        occurred_at=occurred_at,
                        audit_id="A1",
                        on_site_ended_on=date(2026, 11, 20),
                        summary=_text(rng, rng.randint(180, 380)),
                    )
                )
            case _:
                made.append(
                    ev.CorrectiveActionPlanSubmitted(
                        actor=MEMBER,
                        occurred_at=occurred_at,
                        nc_id=f"NC-{i}",
                        plan=_text(rng, rng.randint(200, 400)),
                    )
                )
    return made


def _command(rng: Random, stream_id: str, expected_version: int, events: int, at: datetime) -> Command:
    """A command's events as the append activity writes them down (deterministic ids and all)."""
    command_id = str(UUID(int=rng.getrandbits(128), version=4))
    records = [to_record(stream_id, command_id, i, e) for i, e in enumerate(_domain_events(rng, events, at))]
    new_events = tuple(NewEvent(r.event_id, r.event_type, r.data, r.metadata) for r in records)
    return Command(stream_id, expected_version, new_events)


def writer_workload(writer: int, commands: int, events_per_command: int, per_stream: int, seed: int) -> list[Command]:
    """One writer's commands, in order, over streams of its own."""
    rng = Random(seed * 1000 + writer)
    at = datetime(2026, 11, 23, 9, tzinfo=UTC)
    made: list[Command] = []
    stream = 0
    while len(made) < commands:
        stream_id = f"cert-{seed}-w{writer}-{stream:06d}"
        length = rng.randint(max(1, per_stream // 2), per_stream + per_stream // 2)
        for n in range(min(length, commands - len(made))):
            at += timedelta(seconds=rng.randint(1, 600))
            made.append(_command(rng, stream_id, n * events_per_command, events_per_command, at))
        stream += 1
    return made


def workload(writers: int, commands: int, events_per_command: int, per_stream: int, seed: int) -> list[list[Command]]:
    shares = [commands // writers + (1 if w < commands % writers else 0) for w in range(writers)]
    return [writer_workload(w, n, events_per_command, per_stream, seed) for w, n in enumerate(shares)]


# --- the two writers ------------------------------------------------------------------------


Writer = Callable[[Sequence[Command]], Awaitable[None]]


def project_writer(store: EventStore) -> Writer:
    async def write(commands: Sequence[Command]) -> None:
        for c in commands:
            result = await store.append(c.stream_id, c.expected_version, c.events)
            assert not result.duplicate and result.version == c.expected_version + len(c.events), result

    return write


def raw_insert(events_per_command: int) -> str:
    width = len(INSERTED)
    rows = ", ".join(
        "(" + ", ".join(f"${r * width + c + 1}" for c in range(width)) + ")" for r in range(events_per_command)
    )
    return f"INSERT INTO events_raw ({', '.join(INSERTED)}) VALUES {rows} RETURNING global_position"


def raw_writer(pool: asyncpg.Pool, events_per_command: int) -> Writer:
    statement = raw_insert(events_per_command)

    async def write(commands: Sequence[Command]) -> None:
        for c in commands:
            arguments: list[object] = []
            for version, e in enumerate(c.events, start=c.expected_version + 1):
                arguments += (c.stream_id, version, e.event_id, e.event_type, dumps(e.data), dumps(e.metadata))
            async with pool.acquire() as connection, connection.transaction():
                positions = await connection.fetch(statement, *arguments)
            assert len(positions) == len(c.events)

    return write


# --- running --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunResult:
    target: str
    round: int
    commands: int
    events: int
    seconds: float
    cpu_seconds: float
    """This process's CPU time (the writers, their driver and pool): the database's is not in it."""

    @property
    def commands_per_second(self) -> float:
        return self.commands / self.seconds

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds

    @property
    def cpu_ms_per_command(self) -> float:
        return 1000 * self.cpu_seconds / self.commands


@dataclass(frozen=True)
class Summary:
    target: str
    commands: int
    events: int
    seconds: float

    @classmethod
    def of(cls, target: str, runs: Sequence[RunResult]) -> "Summary":
        mine = [r for r in runs if r.target == target]
        return cls(target, sum(r.commands for r in mine), sum(r.events for r in mine), sum(r.seconds for r in mine))

    @property
    def commands_per_second(self) -> float:
        return self.commands / self.seconds

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds


async def reset_tables(admin: asyncpg.Connection) -> None:
    await admin.execute("TRUNCATE events, events_raw RESTART IDENTITY")
    await admin.execute("CHECKPOINT")


async def timed_run(target: str, round_: int, writer: Writer, work: list[list[Command]]) -> RunResult:
    started, cpu_started = time.perf_counter(), time.process_time()
    await asyncio.gather(*(writer(commands) for commands in work))
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    commands = sum(len(c) for c in work)
    events = sum(len(cmd.events) for c in work for cmd in c)
    return RunResult(target, round_, commands, events, seconds, cpu_seconds)


async def _index_shapes(admin: asyncpg.Connection, table: str) -> list[str]:
    rows = await admin.fetch("SELECT indexdef FROM pg_indexes WHERE tablename = $1", table)
    return sorted(re.sub(r"INDEX \S+ ON \S+", "INDEX ON", r["indexdef"]) for r in rows)


async def _constraint_shapes(admin: asyncpg.Connection, table: str) -> list[str]:
    rows = await admin.fetch(
        "SELECT contype, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass", table
    )
    return sorted(f"{r['contype']} {r['def']}" for r in rows)


async def _trigger_definitions(admin: asyncpg.Connection, table: str) -> list[str]:
    rows = await admin.fetch(
        "SELECT pg_get_triggerdef(oid) AS def FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal",
        table,
    )
    return sorted(r["def"] for r in rows)


def _on_table(trigger_definition: str, table: str) -> str:
    return re.sub(r" ON (\S+\.)?\S+ ", lambda m: f" ON {m.group(1) or ''}{table} ", trigger_definition, count=1)


async def _shape(admin: asyncpg.Connection, table: str) -> tuple[list[str], list[str], list[str]]:
    triggers = [_on_table(t, "events") for t in await _trigger_definitions(admin, table)]
    return await _index_shapes(admin, table), await _constraint_shapes(admin, table), triggers


async def create_raw_table(admin: asyncpg.Connection) -> str:
    """events_raw as a copy of events: columns, defaults, identity, constraints and indexes by
    LIKE, then the same triggers (the NOTIFY on append); refuses to go on if anything differs."""
    await admin.execute(CREATE_RAW_TABLE)
    for trigger in await _trigger_definitions(admin, "events"):
        await admin.execute(_on_table(trigger, "events_raw"))
    indexes, constraints, triggers = await _shape(admin, "events")
    if await _shape(admin, "events_raw") != (indexes, constraints, triggers):
        raise RuntimeError("events_raw does not have the indexes, constraints and triggers of events")
    return f"{len(indexes)} indexes, {len(constraints)} constraints, {len(triggers)} trigger(s)"


async def alternate(
    writers: dict[str, Writer], work: list[list[Command]], rounds: int, admin: asyncpg.Connection
) -> list[RunResult]:
    """Each writer once per round, in reverse order every other round, on emptied tables."""
    results: list[RunResult] = []
    for round_ in range(1, rounds + 1):
        for target in list(writers) if round_ % 2 else reversed(writers):
            await reset_tables(admin)
            result = await timed_run(target, round_, writers[target], work)
            print(
                f"  round {round_} {target:8} {result.seconds:6.2f} s"
                f"  {result.commands_per_second:6.0f} commands/s  {result.events_per_second:6.0f} events/s"
                f"  client CPU {result.cpu_ms_per_command:.2f} ms/command",
                flush=True,
            )
            results.append(result)
    return results


async def run(args: argparse.Namespace, database: BenchDatabase) -> list[RunResult]:
    shape = (args.events_per_command, args.commands_per_stream)
    work = workload(args.writers, args.commands, *shape, seed=args.seed)
    warmup = workload(args.writers, args.warmup, *shape, seed=args.seed + 1)
    data, metadata = payload_sizes(work)
    print(f"payload per event: {data:.0f} bytes of data, {metadata:.0f} bytes of metadata (JSON)")
    engine = create_engine(database.url, pool_size=args.writers)
    pool = await asyncpg.create_pool(min_size=args.writers, max_size=args.writers, **database.asyncpg_arguments)
    admin = await asyncpg.connect(**database.asyncpg_arguments)
    try:
        print(f"events_raw: same {await create_raw_table(admin)} as events")
        writers = {
            "project": project_writer(EventStore(engine)),
            "raw": raw_writer(pool, args.events_per_command),
        }
        for target, writer in writers.items():
            await timed_run(target, 0, writer, warmup)
        return await alternate(writers, work, args.rounds, admin)
    finally:
        await admin.close()
        await pool.close()
        await engine.dispose()


def payload_sizes(work: list[list[Command]]) -> tuple[float, float]:
    events = [e for commands in work for c in commands for e in c.events]
    data = sum(len(dumps(e.data)) for e in events) / len(events)
    metadata = sum(len(dumps(e.metadata)) for e in events) / len(events)
    return data, metadata


def round_ratio(results: Sequence[RunResult], round_: int) -> float:
    """project/raw throughput in one round (both wrote the same rows)."""
    seconds = {r.target: r.seconds for r in results if r.round == round_}
    return seconds["raw"] / seconds["project"]


def report(results: Sequence[RunResult]) -> None:
    project, raw = Summary.of("project", results), Summary.of("raw", results)
    print()
    print(f"{'':8} {'commands/s':>11} {'events/s':>10}")
    for s in (project, raw):
        print(f"{s.target:8} {s.commands_per_second:11.0f} {s.events_per_second:10.0f}")
    per_round = [round_ratio(results, n) for n in sorted({r.round for r in results})]
    ratio = project.commands_per_second / raw.commands_per_second
    verdict = "met" if ratio >= 0.8 else "MISSED"
    rounds = ", ".join(f"{r:.2f}" for r in per_round)
    print(f"ratio project/raw: {ratio:.2f} (per round: {rounds}; target >= 0.8: {verdict})")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=20_000, help="commands per run (default 20000)")
    parser.add_argument("--writers", type=int, default=8, help="concurrent writers and pool size (default 8)")
    parser.add_argument("--events-per-command", type=int, default=3, help="events per command (default 3)")
    parser.add_argument("--commands-per-stream", type=int, default=10, help="mean commands per stream (default 10)")
    parser.add_argument("--rounds", type=int, default=2, help="timed runs of each, alternating (default 2)")
    parser.add_argument("--warmup", type=int, default=400, help="untimed commands of each first (default 400)")
    parser.add_argument("--seed", type=int, default=1)
    add_database_option(parser)
    return parser.parse_args()


async def main() -> None:
    args = parse_args()
    server = server_url(args.database_url)
    async with fresh_database(server, "certflow_bench_append") as database:
        print(
            f"PostgreSQL {database.server_version}; {args.commands} commands x {args.events_per_command} events,"
            f" {args.writers} writers, ~{args.commands_per_stream} commands per stream, {args.rounds} rounds"
        )
        results = await run(args, database)
    report(results)


if __name__ == "__main__":
    asyncio.run(main())
