"""Long-running processes besides the worker: the projector and read-model rebuilds."""

import asyncio
import signal

import structlog
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from certflow.settings import Settings
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
