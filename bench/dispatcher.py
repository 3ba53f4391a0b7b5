"""Dispatcher throughput: notices mailed by the dispatcher against raw aiosmtplib sends of the
same messages, to the same SMTP sink, in the same run.

One fresh database holds N e-mail deliveries (`--notices` notices to a member of `--people`
people), recorded by notifications.recording.record_notice as the workflows record them. The
sink is aiosmtpd's own server (`python -m aiosmtpd -c aiosmtpd.handlers.Sink`) in a process
of its own, accepting and dropping every message, so its CPU is not this process's.
- project: Dispatcher.deliver_due, which claims batches (FOR UPDATE SKIP LOCKED and a lease),
  composes each message from the templates, sends it and marks it sent in a transaction of
  its own, `--senders` at once, each over one SMTP connection per batch;
- raw: the same messages (the same bytes, composed beforehand, untimed) sent with aiosmtplib's
  sendmail in batches of the same size, `--senders` at once, each over one connection per
  batch: no database, no templates, no MIME.
Rounds alternate (project, raw, raw, project, ...); between project rounds every delivery is
made pending again. Target: project >= 0.8 of raw (messages/s, the median rounds).
"""

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections import deque
from dataclasses import dataclass
from datetime import UTC, date, datetime

import aiosmtplib
import httpx
from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.database import add_database_option, fresh_database, server_url
from certflow.logs import configure_logging
from domain.actors import Role
from domain.deadlines import Party
from domain.notices import Audience, Notice, NoticeKind, notice_id
from eventstore.database import create_engine
from identity.directory import Directory, NewUser
from identity.principal import OrganisationKind
from identity.tables import users
from notifications import claims
from notifications.dispatcher import Dispatcher, Pacing
from notifications.mail import MailSettings, Outgoing, compose
from notifications.recording import record_notice
from notifications.status import DeliveryStatus
from notifications.tables import deliveries
from tests.api.serving import free_port

MEMBER = "bench-member"


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    add_database_option(parser)
    parser.add_argument("--notices", type=int, default=100)
    parser.add_argument("--people", type=int, default=20, help="deliveries = notices x people")
    parser.add_argument("--senders", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2, help="of each, alternating")
    return parser.parse_args(argv)


async def record(engine: AsyncEngine, args: argparse.Namespace) -> None:
    directory = Directory(engine)
    for i in range(args.people):
        user_id = f"{MEMBER}-{i}"
        await directory.create_user(
            NewUser(
                user_id=user_id,
                name=f"Person {i}",
                organisation_id=MEMBER,
                organisation_name="Bench Aluminium",
                organisation_kind=OrganisationKind.MEMBER,
                role=Role.MEMBER,
            )
        )
        async with engine.begin() as conn:
            await conn.execute(update(users).where(users.c.user_id == user_id).values(email=f"{user_id}@example.org"))
    for n in range(args.notices):
        certification_id = f"C-{n:05d}"
        notice = Notice(
            notice_id=notice_id(certification_id, f"bench/{uuid.uuid4()}"),
            kind=NoticeKind.REMINDER,
            certification_id=certification_id,
            at=datetime(2026, 12, 2, 9, tzinfo=UTC),
            audience=Audience(parties=frozenset({Party.MEMBER}), member_id=MEMBER),
            subject=f"Surveillance audit window closes in 7 days ({certification_id})",
            body="The surveillance audit window closes soon: plan the audit with your audit firm.",
            due=date(2026, 12, 9),
            days_left=7,
        )
        async with engine.begin() as conn:
            await record_notice(conn, notice)


async def make_pending(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            update(deliveries).values(
                status=DeliveryStatus.PENDING, attempts=0, sent_at=None, lease_until=None, next_attempt_at=func.now()
            )
        )


async def messages(engine: AsyncEngine, mail: MailSettings, count: int) -> list[Outgoing]:
    """The messages the dispatcher sends, composed from the same claimed rows (then given back)."""
    async with engine.begin() as conn:
        claimed = await claims.claim(conn, count, 60)
        await claims.release(conn, [c.delivery_id for c in claimed])
    return [compose(c, mail) for c in claimed]


@dataclass(frozen=True)
class Rate:
    per_second: float
    cpu_ms: float
    """This process's CPU time per message (not the sink's, not PostgreSQL's)."""


def rate(count: int, started: float, cpu_started: float) -> Rate:
    return Rate(count / (time.perf_counter() - started), (time.process_time() - cpu_started) * 1000 / count)


async def project(engine: AsyncEngine, mail: MailSettings, pacing: Pacing, expected: int) -> Rate:
    await make_pending(engine)
    dispatcher = Dispatcher(engine, pacing, mail)
    async with httpx.AsyncClient() as http:
        started, cpu = time.perf_counter(), time.process_time()
        await dispatcher.deliver_due(http, asyncio.Event())
        measured = rate(expected, started, cpu)
    assert dispatcher.tally.sent == expected, f"sent {dispatcher.tally.sent} of {expected}"
    return measured


async def raw(all_messages: list[Outgoing], mail: MailSettings, pacing: Pacing) -> Rate:
    async def sender(waiting: deque[Outgoing]) -> None:
        smtp = aiosmtplib.SMTP(hostname=mail.host, port=mail.port, start_tls=False, local_hostname=socket.gethostname())
        await smtp.connect()
        while waiting:
            message = waiting.popleft()
            await smtp.sendmail(message.sender, [message.recipient], message.data)
        await smtp.quit()

    started, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(all_messages), pacing.batch_size):
        waiting = deque(all_messages[start : start + pacing.batch_size])
        await asyncio.gather(*(sender(waiting) for _ in range(min(pacing.senders, len(waiting)))))
    return rate(len(all_messages), started, cpu)


async def wait_for_port(port: int) -> None:
    for _ in range(200):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.05)
    raise RuntimeError(f"the SMTP sink did not listen on {port}")


async def main(args: argparse.Namespace) -> None:
    configure_logging("console", "WARNING")
    port = free_port()
    sink = subprocess.Popen(  # noqa: ASYNC220 - started once, before anything is timed
        [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l", f"127.0.0.1:{port}"]
    )
    try:
        await wait_for_port(port)
        async with fresh_database(server_url(args.database_url), "certflow_bench_dispatcher") as database:
            engine = create_engine(database.url, pool_size=args.senders + 2)
            try:
                await record(engine, args)
                total = args.notices * args.people
                mail = MailSettings(port=port, public_url="https://certflow.example")
                pacing = Pacing(batch_size=args.batch_size, senders=args.senders, lease_seconds=600)
                composed = await messages(engine, mail, total)
                print(
                    f"{total} e-mails, {args.senders} senders, batches of {args.batch_size}; "
                    f"PostgreSQL {database.server_version}; sink: aiosmtpd Sink in its own process"
                )
                rates: dict[str, list[Rate]] = {"project": [], "raw": []}
                for r in range(args.rounds):
                    order = ("project", "raw") if r % 2 == 0 else ("raw", "project")
                    for side in order:
                        if side == "project":
                            measured = await project(engine, mail, pacing, total)
                        else:
                            measured = await raw(composed, mail, pacing)
                        rates[side].append(measured)
                        print(
                            f"  round {r + 1} {side:8} {measured.per_second:8.0f} messages/s"
                            f"  {measured.cpu_ms:.2f} ms CPU per message"
                        )
            finally:
                await engine.dispose()
        ours = statistics.median(r.per_second for r in rates["project"])
        theirs = statistics.median(r.per_second for r in rates["raw"])
        cpu_ours = statistics.median(r.cpu_ms for r in rates["project"])
        cpu_theirs = statistics.median(r.cpu_ms for r in rates["raw"])
        print(
            f"project {ours:.0f}/s ({cpu_ours:.2f} ms CPU each), raw {theirs:.0f}/s ({cpu_theirs:.2f} ms CPU each): "
            f"ratio {ours / theirs:.2f} (target >= 0.8)"
        )
    finally:
        sink.terminate()
        sink.wait(10)


if __name__ == "__main__":
    asyncio.run(main(parse()))
