"""Long-running processes besides the worker: the API, the projector, read-model rebuilds."""

import asyncio
import signal

import structlog
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest
from temporalio.client import Client

from api.app import create_app
from api.server import serve
from certflow.settings import Settings
from certflow.temporal import certification_client, connect
from workflows.tally import CommandTally
from eventstore.database import create_engine
from projections.projector import Projector
from projections.rebuild import rebuild

log = structlog.get_logger("certflow.processes")


def stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    return stop


async def run_projector(settings: Settings) -> None:
    engine = create_engine(settings.resolved_database_url, pool_size=5)
    try:
        await Projector(engine).run(stop_on_signals())
    finally:
        await engine.dispose()


def api_app(
    settings: Settings, engine: AsyncEngine, temporal: Client | None, tally: CommandTally | None = None
) -> FastAPI:
    async def temporal_ping() -> bool:
        if temporal is None:
            return False
        await temporal.workflow_service.get_system_info(GetSystemInfoRequest(), timeout=timedelta(seconds=2))
        return True

    tally = tally or CommandTally()
    return create_app(
        engine,
        temporal_ping=temporal_ping,
        public_threshold=settings.public_threshold,
        command_tally=tally,
        commands_client=certification_client(temporal, settings, tally) if temporal is not None else None,
    )


async def run_api(settings: Settings) -> None:
    engine = create_engine(settings.resolved_database_url)
    try:
        temporal = await connect(settings)
    except RuntimeError:
        log.warning("Temporal unreachable: /readyz will say so", address=settings.temporal_address)
        temporal = None
    try:
        await serve(api_app(settings, engine, temporal), settings.api_host, settings.api_port, stop_on_signals())
    finally:
        await engine.dispose()


async def rebuild_read_models(settings: Settings, names: list[str]) -> None:
    engine = create_engine(settings.resolved_database_url, pool_size=5)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    try:
        with Progress(*columns) as progress:
            task = progress.add_task(f"rebuilding {', '.join(names)}", total=None)

            def advance(read: int, total: int) -> None:
                progress.update(task, completed=read, total=max(total, read))

            read = await rebuild(engine, names, advance)
            progress.update(task, completed=read, total=max(read, 1))
        log.info("read models rebuilt", read_models=names, events=read)
    finally:
        await engine.dispose()
