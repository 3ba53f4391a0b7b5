"""The projector: follows the log and keeps every read model current.

One instance leads at a time (a session advisory lock); others wait and take over when the
leader's connection dies. Each page of events is applied to every projection together with
its checkpoint in one transaction, so after any crash it resumes without skipping or
double-applying. It wakes on NOTIFY from the append trigger and polls as a fallback. The
leader beats (projections/heartbeats.py) every poll; it outlives a database restart."""

import asyncio
import os
import socket
import time
from collections.abc import Sequence

import asyncpg
import structlog
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from eventstore import read_settled
from health.backoff import Backoff
from health.state_log import StateLog
from projections import checkpoints, heartbeats, projections
from projections.fields import CERTIFICATION_EVENTS
from projections.projection import Projection, apply_and_settle

log = structlog.get_logger("certflow.projector")

LEADER_LOCK = 0x63657274666C6F77  # "certflow"
CHANNEL = "certflow_events"
DATABASE_ERRORS = (SQLAlchemyError, asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError, OSError)
"""What losing (or a hiccup of) the database raises: retried. Anything else is a bug: raised."""
STEP_DOWN_SECONDS = 2.0


async def project_page(conn: AsyncConnection, projections: Sequence[Projection], page_size: int) -> int:
    """Applies the next page to each projection still behind it; the caller's transaction
    holds rows and checkpoints together. Returns how many events the page held."""
    positions = await checkpoints.lock(conn, [p.name for p in projections])
    start = min(positions.values())
    page = await read_settled(conn, start, page_size)
    if not page:
        return 0
    end = page[-1].position
    ours = [e for e in page if e.event_type in CERTIFICATION_EVENTS]
    pages = []
    for target in projections:
        # Every event of the page is after `start`: only a projection further on has some.
        seen = positions[target.name]
        pages.append((target, ours if seen == start else [e for e in ours if e.position > seen]))
    await apply_and_settle(conn, pages)
    for target, theirs in pages:
        if positions[target.name] < end:
            await checkpoints.save(conn, target.name, end, len(theirs))
    return len(page)


class Projector:
    def __init__(self, engine: AsyncEngine, page_size: int = 1000, poll_seconds: float = 1.0) -> None:
        self._engine = engine
        self._page_size = page_size
        self._poll_seconds = poll_seconds
        self._projections = projections()
        self._wake = asyncio.Event()
        self._holder = f"{socket.gethostname()}:{os.getpid()}"
        self._last_beat = float("-inf")
        self.leading = asyncio.Event()
        self.state = StateLog("projector")

    async def catch_up(self, leader: AsyncConnection | None = None) -> int:
        """Applies pages until none is left; returns the events applied. With the `leader`
        connection, beats after every page, so a long catch-up still shows it is alive."""
        total = 0
        while True:
            async with self._engine.begin() as conn:
                applied = await project_page(conn, self._projections, self._page_size)
            if leader is not None:
                await self._beat(leader)
            if not applied:
                return total
            total += applied

    async def run(self, stop: asyncio.Event) -> None:
        """Leads (or waits to) and follows the log until `stop`. Losing the database does not
        end it: it retries with backoff and takes the lead again, since the lock went with the
        session."""
        backoff = Backoff(initial=min(0.1, self._poll_seconds), maximum=max(5.0, self._poll_seconds))
        while not stop.is_set():
            try:
                await self._lead_and_follow(stop, backoff)
            except DATABASE_ERRORS as error:
                self.state.enter("lost the database", healthy=False, error=f"{type(error).__name__}: {error}")
                if not await backoff.wait(stop):
                    break
            finally:
                self.leading.clear()
        self.state.enter("stopped")

    async def _lead_and_follow(self, stop: asyncio.Event, backoff: Backoff) -> None:
        async with self._engine.connect() as leader:
            if not await self._lead(leader, stop):
                return
            raw = (await leader.get_raw_connection()).driver_connection
            assert raw is not None, "a checked-out connection has its driver's"
            await raw.add_listener(CHANNEL, self._on_notify)
            backoff.reset()
            self.state.enter("leading", holder=self._holder)
            self.leading.set()
            try:
                await self._follow(leader, stop)
            finally:
                self.leading.clear()
                await self._step_down(leader, raw)

    async def _step_down(self, leader: AsyncConnection, raw: asyncpg.Connection) -> None:
        """Lets go of the lock before the connection goes back to the pool. When the
        connection is broken (the database went away under it) that cannot be done: the
        connection is thrown away instead, and the session's end releases the lock."""
        try:
            if raw.is_closed():
                raise ConnectionError("the leader connection is closed")
            async with asyncio.timeout(STEP_DOWN_SECONDS):
                await raw.remove_listener(CHANNEL, self._on_notify)
                await leader.rollback()
                await leader.execute(select(func.pg_advisory_unlock(LEADER_LOCK)))
                await leader.commit()
        except (*DATABASE_ERRORS, TimeoutError):
            await leader.invalidate()

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    async def _lead(self, leader: AsyncConnection, stop: asyncio.Event) -> bool:
        """Waits for the leader lock (held by this session until it ends)."""
        while not stop.is_set():
            if await leader.scalar(select(func.pg_try_advisory_lock(LEADER_LOCK))):
                await leader.commit()
                return True
            await leader.rollback()
            self.state.enter("waiting for leadership")
            await _wait(stop, self._poll_seconds)
        return False

    async def _beat(self, leader: AsyncConnection) -> None:
        """A sign of life on the connection that holds the lock: when that connection is dead,
        another instance may lead now, and this fails instead of beating. At most twice a
        poll interval: under load NOTIFY wakes the projector for every command."""
        now = time.monotonic()
        if now - self._last_beat < self._poll_seconds / 2:
            return
        await heartbeats.beat(leader, heartbeats.PROJECTOR, heartbeats.ProcessKind.PROJECTOR, self._holder)
        await leader.commit()
        self._last_beat = now

    async def _follow(self, leader: AsyncConnection, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self._wake.clear()
            applied = await self.catch_up(leader)
            if applied:
                log.info("events projected", count=applied)
            await _wait(stop, self._poll_seconds, self._wake)


async def _wait(stop: asyncio.Event, seconds: float, wake: asyncio.Event | None = None) -> None:
    waiters = [asyncio.create_task(stop.wait())] + ([asyncio.create_task(wake.wait())] if wake else [])
    _, pending = await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
