"""Command round trip through the Temporal Update: median and p99 latency, against a no-op.

On one local Temporal dev server (WorkflowEnvironment.start_local) and one fresh database,
one at a time, from the same client:

- no-op: the `noop` Update of NoopWorkflow (below), which returns at once: the floor of any
  Update (client -> server -> worker -> server -> client), on its own worker and task queue;
- activity: CertificationClient.send(SubmitSelfAssessment): the validator decides, the handler
  decides again, appends through the append_events activity, evolves the state and replies;
- local activity: the same, on certifications started with append_as_local_activity=True;
- no-op + activity, no-op + local activity: NoopWorkflow's updates that only await an activity
  that returns its input: what an activity (local or not) adds to any Update, whatever it does.

The certifications are made first (Apply, AcceptApplication); the member may then submit a
self-assessment again and again, so every measured command is accepted and appends one event.
After a warm-up, one of each kind is timed at a time, in rotating order, so drift hits all
kinds alike. Target: the command's median <= 2x the no-op's.
"""

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from itertools import cycle
from uuid import uuid4

from temporalio import activity, workflow

with workflow.unsafe.imports_passed_through():
    from sqlalchemy.ext.asyncio import AsyncEngine
    from temporalio.client import Client
    from temporalio.worker import Worker

    from bench.database import add_database_option, fresh_database, server_url
    from certflow.binaries import installed
    from certflow.logs import configure_logging
    from domain import commands as cmd
    from eventstore.database import create_engine
    from tests.scenario import MEMBER, SECRETARIAT, Story
    from tests.temporal import dev_server
    from worker import WORKFLOW_RUNNER, build_worker
    from workflows.client import CertificationClient

TASK_QUEUE = "certflow-bench"
NOOP_TASK_QUEUE = "certflow-bench-noop"
ECHO_TIMEOUT = timedelta(seconds=10)


@activity.defn(name="bench_echo")
async def echo(value: str) -> str:
    return value


@workflow.defn(name="BenchNoop")
class NoopWorkflow:
    """Waits for updates that do (next to) nothing, until told to finish."""

    def __init__(self) -> None:
        self._finished = False

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: self._finished)

    @workflow.update
    async def noop(self, value: str) -> str:
        return value

    @workflow.update
    async def with_activity(self, value: str) -> str:
        return await workflow.execute_activity(echo, value, start_to_close_timeout=ECHO_TIMEOUT)

    @workflow.update
    async def with_local_activity(self, value: str) -> str:
        return await workflow.execute_local_activity(echo, value, start_to_close_timeout=ECHO_TIMEOUT)

    @workflow.signal
    def finish(self) -> None:
        self._finished = True


# --- what is timed --------------------------------------------------------------------------

Probe = Callable[[], Awaitable[object]]
NoopUpdate = Callable[[NoopWorkflow, str], Awaitable[str]]


def noop_probe(client: Client, workflow_ids: Sequence[str], update: NoopUpdate) -> Probe:
    handles = cycle([client.get_workflow_handle(i) for i in workflow_ids])

    async def probe() -> object:
        return await next(handles).execute_update(update, "ping")

    return probe


def command_probe(certifications: CertificationClient, certification_ids: Sequence[str]) -> Probe:
    ids = cycle(certification_ids)
    command = cmd.SubmitSelfAssessment(actor=MEMBER, summary="all criteria assessed again")

    async def probe() -> object:
        return await certifications.send(next(ids), command)

    return probe


@dataclass(frozen=True)
class Latencies:
    name: str
    seconds: tuple[float, ...]
    cpu_seconds: float
    """This process's CPU time over all the calls (client, workers, SDK core; not the dev
    server's or the database's)."""

    @property
    def cpu_ms_per_call(self) -> float:
        return 1000 * self.cpu_seconds / len(self.seconds)

    @property
    def median_ms(self) -> float:
        return 1000 * statistics.median(self.seconds)

    @property
    def p99_ms(self) -> float:
        """Nearest rank: the smallest latency that 99% of the samples do not exceed."""
        ordered = sorted(self.seconds)
        return 1000 * ordered[max(0, -(-99 * len(ordered) // 100) - 1)]


async def measure(probes: dict[str, Probe], samples: int) -> list[Latencies]:
    """`samples` timed calls of each probe, one at a time, the order rotating each turn."""
    timed: dict[str, list[float]] = {name: [] for name in probes}
    cpu = dict.fromkeys(probes, 0.0)
    names = list(probes)
    for turn in range(samples):
        for name in names[turn % len(names) :] + names[: turn % len(names)]:
            started, cpu_started = time.perf_counter(), time.process_time()
            await probes[name]()
            timed[name].append(time.perf_counter() - started)
            cpu[name] += time.process_time() - cpu_started
    return [Latencies(name, tuple(seconds), cpu[name]) for name, seconds in timed.items()]


# --- set-up ---------------------------------------------------------------------------------


async def accepted_certifications(certifications: CertificationClient, count: int, label: str) -> list[str]:
    ids = [f"bench-{label}-{uuid4().hex[:10]}" for _ in range(count)]
    for certification_id in ids:
        await certifications.send(certification_id, Story().apply_command())
        await certifications.send(certification_id, cmd.AcceptApplication(actor=SECRETARIAT))
    return ids


async def noop_workflows(client: Client, count: int) -> list[str]:
    ids = [f"bench-noop-{uuid4().hex[:10]}" for _ in range(count)]
    for workflow_id in ids:
        await client.start_workflow(NoopWorkflow.run, id=workflow_id, task_queue=NOOP_TASK_QUEUE)
    return ids


async def run(args: argparse.Namespace, client: Client, engine: AsyncEngine) -> list[Latencies]:
    noop_worker = Worker(
        client,
        task_queue=NOOP_TASK_QUEUE,
        workflows=[NoopWorkflow],
        activities=[echo],
        workflow_runner=WORKFLOW_RUNNER,
    )
    async with build_worker(client, engine, TASK_QUEUE), noop_worker:
        regular = CertificationClient(client, TASK_QUEUE)
        local = CertificationClient(client, TASK_QUEUE, append_as_local_activity=True)
        noop_ids = await noop_workflows(client, args.certifications)
        regular_ids = await accepted_certifications(regular, args.certifications, "activity")
        local_ids = await accepted_certifications(local, args.certifications, "local")
        probes = {
            "no-op": noop_probe(client, noop_ids, NoopWorkflow.noop),
            "no-op + activity": noop_probe(client, noop_ids, NoopWorkflow.with_activity),
            "no-op + local activity": noop_probe(client, noop_ids, NoopWorkflow.with_local_activity),
            "activity": command_probe(regular, regular_ids),
            "local activity": command_probe(local, local_ids),
        }
        await measure(probes, args.warmup)
        results = await measure(probes, args.commands)
        for workflow_id in noop_ids:
            await client.get_workflow_handle(workflow_id).signal(NoopWorkflow.finish)
        return results


def report(results: Sequence[Latencies]) -> None:
    floor = next(r for r in results if r.name == "no-op")
    print()
    print(f"{'':22} {'median ms':>10} {'p99 ms':>8} {'median/no-op':>13} {'p99/no-op':>10} {'CPU ms/call':>12}")
    for r in results:
        print(
            f"{r.name:22} {r.median_ms:10.2f} {r.p99_ms:8.2f} {r.median_ms / floor.median_ms:13.2f}"
            f" {r.p99_ms / floor.p99_ms:10.2f} {r.cpu_ms_per_call:12.2f}"
        )
    for r in results:
        if not r.name.startswith("no-op"):
            ratio = r.median_ms / floor.median_ms
            verdict = "met" if ratio <= 2 else "MISSED"
            print(f"command, {r.name}: median {ratio:.2f}x the no-op's (target <= 2x: {verdict})")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=500, help="timed calls of each kind (default 500)")
    parser.add_argument("--warmup", type=int, default=30, help="untimed calls of each kind first (default 30)")
    parser.add_argument(
        "--certifications", type=int, default=5, help="workflows of each kind the calls go round (default 5)"
    )
    parser.add_argument(
        "--log-level",
        default="WARNING",
        help="certflow's log level (default WARNING: its 2 INFO lines per command are off)",
    )
    add_database_option(parser)
    return parser.parse_args()


async def main() -> None:
    args = parse_args()
    configure_logging("json", args.log_level)
    server = server_url(args.database_url)
    async with fresh_database(server, "certflow_bench_roundtrip") as database:
        engine = create_engine(database.url)
        env = await dev_server()
        try:
            print(
                f"PostgreSQL {database.server_version}; Temporal dev server {installed('temporal')};"
                f" {args.commands} timed calls of each kind after {args.warmup} untimed, sequential"
            )
            results = await run(args, env.client, engine)
        finally:
            await env.shutdown()
            await engine.dispose()
    report(results)


if __name__ == "__main__":
    asyncio.run(main())
