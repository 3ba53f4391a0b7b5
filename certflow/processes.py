"""Long-running processes besides the worker: the projector and read-model rebuilds."""

import asyncio
import signal

import structlog
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.ext.asyncio import create_async_engine

from certflow.settings import Settings
from projections.projector import Projector
from projections.rebuild import rebuild

log = structlog.get_logger("certflow.processes")


def stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    return stop


async def run_projector(settings: Settings) -> None:
    engine = create_async_engine(settings.resolved_database_url, pool_size=5)
    try:
        await Projector(engine).run(stop_on_signals())
    finally:
        await engine.dispose()


async def rebuild_read_models(settings: Settings, names: list[str]) -> None:
    engine = create_async_engine(settings.resolved_database_url, pool_size=5)
    columns = (TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    try:
        with Progress(*columns) as progress:
            for name in names:
                task = progress.add_task(name, total=None)

                def advance(applied: int, total: int, task: int = task) -> None:
                    progress.update(task, completed=applied, total=max(total, applied))

                applied = await rebuild(engine, name, advance)
                progress.update(task, completed=applied, total=max(applied, 1))
                log.info("read model rebuilt", read_model=name, events=applied)
    finally:
        await engine.dispose()
