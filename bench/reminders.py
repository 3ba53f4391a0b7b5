"""Reminders at scale on one worker: its memory with 10,000 open certifications asleep, and
one day's reminders delivered end to end, from the workflow to a mail accepted by SMTP.

One local Temporal dev server (in-memory), one fresh database, and one certflow worker in a
process of its own (`certflow worker`, so its memory is its own), all in the same run:

1. Memory. Certifications are started with the state of a certified entity carried in (built
   by the pure decider: applied, admitted, audited once without findings; open deadlines for
   surveillance, re-certification and expiry years ahead), as continue-as-new would start
   them, so each one's first workflow task finds nothing due and sleeps on a timer. The
   worker's RSS (/proc/<pid>/status VmRSS) is read before any (the baseline) and after every
   1,000 started and asleep (each one's first workflow task completed and its timer set).
   Target: flat once past the workflow cache (temporalio's max_cached_workflows).
2. One day's reminders. N more certifications carry a corrective action plan due in 14 days
   with no reminder sent yet: their 14-day reminder is due the moment they start, as after a
   night the worker was down. Timed from the first start until the sink has accepted the N-th
   mail: workflow -> `record_notice` activity -> notices, inbox and delivery rows -> the
   dispatcher (notifications/dispatcher.py) -> SMTP (an aiosmtpd server in this process).
   Each certification's member is an organisation of its own with one member user with an
   address. Baselines in the same run, against the same servers: the same number of
   certifications with nothing due started and asleep (from part 1), and raw aiosmtplib sends
   of the very messages the sink accepted, to the same sink, with as many connections as the
   dispatcher's senders.
"""

import argparse
import asyncio
import inspect
import itertools
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosmtplib
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.worker import Worker

from bench.database import add_database_option, fresh_database, server_url
from certflow.binaries import installed
from certflow.logs import configure_logging
from certflow.temporal import pollers
from domain.actors import Role
from domain.audits import AuditType
from domain.deadlines import DeadlineKind
from domain.state import CertificationState
from eventstore.database import create_engine
from identity.principal import OrganisationKind
from identity.tables import organisations, users
from notifications.dispatcher import Dispatcher
from notifications.mail import MailSettings
from notifications.tables import deliveries, notices
from tests.api.serving import free_port
from tests.faults.process import Process, command
from tests.scenario import EPOCH, Story, days_after, findings
from tests.temporal import dev_server
from workflows.certification import CertificationWorkflow
from workflows.messages import CertificationParams

TASK_QUEUE = "certflow-bench-reminders"
WORKFLOW_CACHE = inspect.signature(Worker).parameters["max_cached_workflows"].default
"""worker.py's build_worker sets no max_cached_workflows: temporalio's default holds."""
DONE_TIMEOUT = timedelta(minutes=5)
"""The longest wait for one step (workflows asleep, rows recorded, mails accepted)."""


# --- the certifications ---------------------------------------------------------------------


async def certified() -> CertificationState:
    """A certified entity, by the pure decider: applied and admitted on EPOCH (2040), audited
    once without findings. Its open deadlines (surveillance, re-certification, expiry) fall in
    2041-2043, so none of its reminders is due for years."""
    story = Story("bench-certified")
    await story.admit()
    await story.audit(AuditType.CERTIFICATION, days_after(EPOCH, 14))
    return await story.state()


async def cap_due(in_days: int, today: datetime) -> CertificationState:
    """Audited with one major non-conformity (a provisional certificate), whose corrective
    action plan is due `in_days` from `today`: the policy's reminder that many days before it
    is due at once."""
    story = Story("bench-cap-due")
    await story.admit()
    await story.audit(AuditType.CERTIFICATION, days_after(EPOCH, 14), findings(majors=1))
    state = await story.state()
    cap = next(d for d in state.deadlines.values() if d.kind == DeadlineKind.CAP)
    moved = cap.model_copy(update={"due": today.date() + timedelta(days=in_days)})
    return state.model_copy(update={"deadlines": {**state.deadlines, cap.deadline_id: moved}})


def carried(state: CertificationState, certification_id: str, member_id: str | None = None) -> CertificationParams:
    """The workflow's input with `state` carried in, as continue-as-new passes it."""
    update: dict[str, object] = {"certification_id": certification_id}
    if member_id is not None:
        update["member_id"] = member_id
    return CertificationParams(
        certification_id=certification_id,
        state=state.model_copy(update=update),
        notices_to_people=True,
        append_as_local_activity=True,
    )


async def start(client: Client, inputs: Sequence[CertificationParams], concurrency: int) -> None:
    gate = asyncio.Semaphore(concurrency)

    async def one(params: CertificationParams) -> None:
        async with gate:
            await client.start_workflow(
                CertificationWorkflow.run,
                params,
                id=params.certification_id,
                task_queue=TASK_QUEUE,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )

    await asyncio.gather(*(one(p) for p in inputs))


ASLEEP_HISTORY = 5
"""Started, workflow task scheduled, started and completed, timer started."""


async def asleep(client: Client, workflow_ids: Sequence[str]) -> None:
    """Until every one of them has had its first workflow task completed and sleeps on its
    timer. Asked one at a time in the order they started (the worker takes them in about that
    order), so asking adds next to no load to the server the worker shares."""
    async with asyncio.timeout(DONE_TIMEOUT.total_seconds()):
        for workflow_id in workflow_ids:
            handle = client.get_workflow_handle(workflow_id)
            while True:
                raw = (await handle.describe()).raw_description
                info = raw.workflow_execution_info
                if not raw.HasField("pending_workflow_task") and info.history_length >= ASLEEP_HISTORY:
                    break
                await asyncio.sleep(0.1)


# --- the worker, a process of its own ---------------------------------------------------------


@dataclass(frozen=True)
class Usage:
    rss_mib: float
    peak_rss_mib: float
    cpu_seconds: float


def usage(pid: int) -> Usage:
    """The process's resident memory now and at its peak (/proc/<pid>/status) and its CPU time."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    kib = {key: int(status[key].split()[0]) for key in ("VmRSS", "VmHWM")}
    # /proc/<pid>/stat: utime and stime are fields 14 and 15, after the parenthesised name.
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    ticks = int(fields[11]) + int(fields[12])
    return Usage(kib["VmRSS"] / 1024, kib["VmHWM"] / 1024, ticks / os.sysconf("SC_CLK_TCK"))


def worker_process(database_url: str, temporal_address: str, log_dir: Path, log_level: str) -> Process:
    """`certflow worker` (certflow/processes.py run_worker) on the run's database and server."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("CERTFLOW_") and k != "DATABASE_URL"}
    env = inherited | {
        "DATABASE_URL": database_url,
        "CERTFLOW_TEMPORAL_ADDRESS": temporal_address,
        "CERTFLOW_TASK_QUEUE": TASK_QUEUE,
        "CERTFLOW_LOG_LEVEL": log_level,
        "PYTHONUNBUFFERED": "1",
    }
    return Process("worker", command([installed("certflow"), "worker"], env, Path.cwd()), log_dir)


async def polling(client: Client, worker: Process) -> None:
    """Until the worker polls the task queue for workflow and activity tasks."""
    async with asyncio.timeout(60):
        while True:
            if not worker.alive:
                raise RuntimeError(f"the worker stopped:\n{worker.tail()}")
            counts = await pollers(client, TASK_QUEUE)
            if counts.workflow and counts.activity:
                return
            await asyncio.sleep(0.2)


# --- 1. memory --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemoryStep:
    asleep: int
    usage: Usage
    seconds: float
    """To start this step's certifications and see them all asleep."""
    cpu_seconds: float
    """The worker's CPU time over the step."""


async def memory(client: Client, pid: int, total: int, step: int, concurrency: int) -> list[MemoryStep]:
    state = await certified()
    await asyncio.sleep(2)  # let the worker's start-up settle before the baseline
    steps = [MemoryStep(0, usage(pid), 0.0, 0.0)]
    print(f"baseline: worker RSS {steps[0].usage.rss_mib:.1f} MiB with no certification")
    for done in range(step, total + 1, step):
        ids = [f"bench-asleep-{i:05d}" for i in range(done - step, done)]
        before, started = usage(pid), time.perf_counter()
        await start(client, [carried(state, i) for i in ids], concurrency)
        await asleep(client, ids)
        seconds = time.perf_counter() - started
        now = usage(pid)
        steps.append(MemoryStep(done, now, seconds, now.cpu_seconds - before.cpu_seconds))
        print(
            f"{done:6,} asleep: RSS {now.rss_mib:7.1f} MiB (peak {now.peak_rss_mib:7.1f}),"
            f" {step:,} started and asleep in {seconds:5.1f} s, worker CPU {steps[-1].cpu_seconds:5.1f} s"
        )
    return steps


# --- 2. one day's reminders -------------------------------------------------------------------


@dataclass
class MailSink:
    """An SMTP server's handler (aiosmtpd, in its own thread) keeping each accepted message and
    the moment it was accepted."""

    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    accepted_at: list[float] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content
        assert isinstance(content, bytes) and envelope.mail_from is not None
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), content))
        self.accepted_at.append(time.perf_counter())
        return "250 OK"

    def clear(self) -> None:
        self.messages.clear()
        self.accepted_at.clear()


async def members(engine: AsyncEngine, count: int) -> list[str]:
    """`count` member organisations, each with one member user who has an address."""
    ids = [f"bench-member-{i:05d}" for i in range(count)]
    organisation_rows = [
        {"organisation_id": m, "name": f"Member {m[-5:]}", "kind": OrganisationKind.MEMBER} for m in ids
    ]
    user_rows = [
        {
            "user_id": f"contact-{m[-5:]}",
            "organisation_id": m,
            "role": Role.MEMBER,
            "name": f"Contact {m[-5:]}",
            "email": f"contact@{m}.example",
        }
        for m in ids
    ]
    async with engine.begin() as conn:
        await conn.execute(insert(organisations), organisation_rows)
        await conn.execute(insert(users), user_rows)
    return ids


async def until(condition: Callable[[], Awaitable[bool]], every: float = 0.05) -> float:
    """Polls `condition` until true; returns the moment it was first seen true."""
    async with asyncio.timeout(DONE_TIMEOUT.total_seconds()):
        while not await condition():  # noqa: ASYNC110 - polls the database and the sink; no event to wait on
            await asyncio.sleep(every)
    return time.perf_counter()


@dataclass(frozen=True)
class Delivered:
    reminders: int
    start_seconds: float
    """Until the last start_workflow call returned."""
    recorded_seconds: float
    """Until every delivery row was recorded (the database's clock, aligned to this process's)."""
    mailed_seconds: float
    """Until the sink accepted the last mail."""
    duplicates: int
    raw_seconds: float
    """Raw aiosmtplib sends of the same messages to the same sink."""
    senders: int
    worker_cpu_seconds: float
    """The worker's CPU time from the first start until the last mail."""


async def delivery_rows(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(deliveries)) or 0)


async def last_recorded(engine: AsyncEngine) -> tuple[datetime, datetime]:
    """When the last notice and the last delivery row were recorded (the database's clock)."""
    async with engine.connect() as conn:
        notice = await conn.scalar(select(func.max(notices.c.recorded_at)))
        delivery = await conn.scalar(select(func.max(deliveries.c.created_at)))
    assert notice is not None and delivery is not None
    return notice, delivery


async def raw_sends(port: int, messages: Sequence[tuple[str, list[str], bytes]], connections: int) -> float:
    """Seconds to send `messages` as they are with aiosmtplib over `connections` connections
    (each a queue's worth, one after another), the dispatcher's own way of sending."""
    queue = list(messages)

    async def sender() -> None:
        async with aiosmtplib.SMTP(hostname="127.0.0.1", port=port) as smtp:
            while queue:
                sender_address, recipients, content = queue.pop()
                await smtp.sendmail(sender_address, recipients, content)

    started = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(connections)))
    return time.perf_counter() - started


async def one_day(client: Client, engine: AsyncEngine, pid: int, count: int, concurrency: int) -> Delivered:
    now = datetime.now(UTC)
    state = await cap_due(14, now)
    member_ids = await members(engine, count)
    inputs = [carried(state, f"bench-due-{i:05d}", member) for i, member in enumerate(member_ids)]
    sink = MailSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    stop = asyncio.Event()
    dispatcher = Dispatcher(engine, mail=MailSettings(host="127.0.0.1", port=port))
    dispatching = asyncio.create_task(dispatcher.run(stop), name="dispatcher")
    try:
        await asyncio.sleep(1)  # listening before the first start
        cpu_before = usage(pid).cpu_seconds
        wall_start, started = time.time(), time.perf_counter()
        await start(client, inputs, concurrency)
        start_seconds = time.perf_counter() - started

        async def all_rows() -> bool:
            return await delivery_rows(engine) >= count

        await until(all_rows)
        _, last_row = await last_recorded(engine)
        recorded_seconds = last_row.timestamp() - wall_start

        async def all_mailed() -> bool:
            return len(sink.messages) >= count or dispatching.done()

        await until(all_mailed)
        if dispatching.done():
            dispatching.result()  # what stopped it
        mailed_seconds = sink.accepted_at[count - 1] - started
        worker_cpu_seconds = usage(pid).cpu_seconds - cpu_before
        await asyncio.sleep(0.5)  # a repeat would show here
        accepted = list(sink.messages)
        sink.clear()
        raw_seconds = await raw_sends(port, accepted[:count], dispatcher.pacing.senders)
        assert len(sink.messages) == count, (len(sink.messages), count)
    finally:
        stop.set()
        await asyncio.wait_for(dispatching, 30)
        controller.stop()
    return Delivered(
        count,
        start_seconds,
        recorded_seconds,
        mailed_seconds,
        len(accepted) - count,
        raw_seconds,
        dispatcher.pacing.senders,
        worker_cpu_seconds,
    )


# --- the report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Floor:
    """What a certification with nothing due costs, started and asleep (part 1): the baseline
    of part 2, taken past the workflow cache when part 1 went past it (as part 2 runs)."""

    seconds: float
    cpu_seconds: float


def report_memory(steps: Sequence[MemoryStep]) -> Floor:
    baseline = steps[0].usage.rss_mib
    print()
    print(f"worker RSS (workflow cache: {WORKFLOW_CACHE:,} workflows, temporalio's default; build_worker sets none)")
    print(
        f"{'asleep':>8} {'RSS MiB':>9} {'over baseline':>14} {'MiB per 1,000 this step':>24}"
        f" {'s per 1,000':>12} {'worker CPU ms each':>19}"
    )
    for before, after in itertools.pairwise(steps):
        added = after.asleep - before.asleep
        per_thousand = (after.usage.rss_mib - before.usage.rss_mib) * 1000 / added
        print(
            f"{after.asleep:8,} {after.usage.rss_mib:9.1f} {after.usage.rss_mib - baseline:14.1f}"
            f" {per_thousand:24.1f} {after.seconds * 1000 / added:12.1f} {after.cpu_seconds * 1000 / added:19.1f}"
        )
    last = steps[-1]
    within = [s for s in steps if 0 < s.asleep <= WORKFLOW_CACHE]
    beyond = [s for s in steps if s.asleep > WORKFLOW_CACHE]
    total = (last.usage.rss_mib - baseline) * 1000 / last.asleep
    print(
        f"baseline {baseline:.1f} MiB; {last.asleep:,} asleep: {last.usage.rss_mib:.1f} MiB"
        f" (peak {last.usage.peak_rss_mib:.1f}), {total:.1f} MiB per 1,000 on average"
    )
    settled = [s for s in steps if s.asleep >= 2 * WORKFLOW_CACHE]
    if within and settled and settled[0] is not last:
        # Filling the cache, then the first cache's worth of evictions (whose memory the
        # allocator keeps for the next ones); from there on, memory must not grow.
        at_cache, first = within[-1], settled[0]
        slope = (last.usage.rss_mib - first.usage.rss_mib) * 1000 / (last.asleep - first.asleep)
        verdict = "flat" if slope < 1.0 else "NOT flat"
        print(
            f"cache filled ({at_cache.asleep:,}): {at_cache.usage.rss_mib - baseline:.1f} MiB over the baseline;"
            f" {first.asleep:,}: {first.usage.rss_mib - baseline:.1f}; from {first.asleep:,} to {last.asleep:,}:"
            f" {slope:.2f} MiB per 1,000 more (target flat, < 1 MiB per 1,000: {verdict})"
        )
    counted = beyond or within
    added = sum(after.asleep - before.asleep for before, after in itertools.pairwise(steps) if after in counted)
    return Floor(sum(s.seconds for s in counted) / added, sum(s.cpu_seconds for s in counted) / added)


def report_day(day: Delivered, floor: Floor) -> None:
    asleep = floor.seconds * day.reminders
    print()
    print(f"one day's reminders: {day.reminders:,} certifications, each with its 14-day CAP reminder due at start")
    print(f"  started (last start_workflow returned)   {day.start_seconds:7.1f} s")
    print(
        f"  every delivery row recorded               {day.recorded_seconds:7.1f} s"
        f"  ({day.reminders / day.recorded_seconds:,.1f} notices/s)"
    )
    cpu_each = day.worker_cpu_seconds / day.reminders
    print(
        f"  worker CPU per reminder {cpu_each * 1000:.1f} ms; baseline, per certification with nothing due"
        f" {floor.cpu_seconds * 1000:.1f} ms: {cpu_each / floor.cpu_seconds:.2f}x"
    )
    print(f"  baseline: as many with nothing due, started and asleep (part 1): {asleep:.1f} s")
    print(
        f"  last mail accepted by the sink            {day.mailed_seconds:7.1f} s"
        f"  ({day.reminders / day.mailed_seconds:,.1f} mails/s end to end; {day.duplicates} sent twice;"
        f" {day.mailed_seconds - day.recorded_seconds:.1f} s after the last row)"
    )
    print(
        f"  baseline: raw aiosmtplib sends of the same {day.reminders:,} messages over {day.senders} connections:"
        f" {day.raw_seconds:.1f} s ({day.reminders / day.raw_seconds:,.0f} mails/s)"
    )
    print(f"  end to end / (asleep baseline + raw sends): {day.mailed_seconds / (asleep + day.raw_seconds):.2f}x")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--certifications", type=int, default=10_000, help="certifications asleep on the worker (default 10,000)"
    )
    parser.add_argument("--step", type=int, default=1_000, help="RSS is read after every so many (default 1,000)")
    parser.add_argument(
        "--reminders", type=int, default=1_000, help="certifications whose reminder is due at start (default 1,000)"
    )
    parser.add_argument("--concurrency", type=int, default=64, help="workflow starts in flight (default 64)")
    parser.add_argument(
        "--log-level", default="WARNING", help="the worker's and this process's log level (default WARNING)"
    )
    add_database_option(parser)
    args = parser.parse_args()
    if not 0 < args.step <= args.certifications or args.reminders < 1:
        parser.error("--certifications >= --step > 0 and --reminders > 0, please")
    return args


async def main() -> None:
    args = parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress lines as they come
    configure_logging("json", args.log_level)
    server = server_url(args.database_url)
    async with fresh_database(server, "certflow_bench_reminders") as database:
        engine = create_engine(database.url)
        env = await dev_server()
        log_dir = Path(tempfile.mkdtemp(prefix="certflow-bench-reminders-"))
        worker = worker_process(database.url, env.client.service_client.config.target_host, log_dir, args.log_level)
        try:
            print(
                f"PostgreSQL {database.server_version}; Temporal dev server {installed('temporal')};"
                f" one worker process (`certflow worker`), its log in {log_dir}"
            )
            worker.start()
            await polling(env.client, worker)
            assert worker.pid is not None
            steps = await memory(env.client, worker.pid, args.certifications, args.step, args.concurrency)
            day = await one_day(env.client, engine, worker.pid, args.reminders, args.concurrency)
        except BaseException:
            print(worker.tail())
            raise
        finally:
            worker.stop()
            await env.shutdown()
            await engine.dispose()
    report_day(day, report_memory(steps))


if __name__ == "__main__":
    asyncio.run(main())
