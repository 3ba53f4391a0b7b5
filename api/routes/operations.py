"""For probes and Prometheus: liveness, readiness, the projector's lag and heartbeat, the
workers' presence and append health. Neither probe answers 500: a check or a source that
fails is reported as such."""

import asyncio
from datetime import UTC, datetime

from fastapi import APIRouter, Response
from fastapi.responses import PlainTextResponse
from sqlalchemy import literal_column, select
from sqlalchemy.ext.asyncio import AsyncConnection

from api.deps import AppOptions, Engine, Options
from api.models.operations import Liveness, Pollers, Readiness
from api.prometheus import CONTENT_TYPE, Sources, exposition
from api.queries.projector import ProjectionLag, projection_lags
from projections.heartbeats import PROJECTOR, Heartbeat, ProcessKind, heartbeats

router = APIRouter(tags=["operations"])
CHECK_TIMEOUT = 3.0
"""A probe must answer before the orchestrator's own timeout, even when a dependency hangs."""
OK, NOT_CONFIGURED = "ok", "not configured"


@router.get("/healthz")
async def healthz() -> Liveness:
    """The process is alive and serving."""
    return Liveness(status="alive")


async def _temporal(options: Options) -> str:
    if options.temporal_ping is None:
        return NOT_CONFIGURED
    try:
        return OK if await asyncio.wait_for(options.temporal_ping(), CHECK_TIMEOUT) else "unreachable"
    except Exception as error:  # a failing ping of any kind means not ready, never a 500
        return f"unreachable: {type(error).__name__}"


async def _pollers(options: Options) -> Pollers | str:
    """The task queue's pollers, or why they could not be asked for."""
    if options.worker_pollers is None:
        return NOT_CONFIGURED
    try:
        return await asyncio.wait_for(options.worker_pollers(), CHECK_TIMEOUT)
    except Exception as error:  # Temporal down or not connected yet: the temporal check names it
        return f"unknown: {type(error).__name__}: {error}"


async def _writable(conn: AsyncConnection) -> str:
    """The primary, accepting writes (a replica or a read-only database cannot take an append)."""
    writable = await conn.scalar(
        select(literal_column("NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off'"))
    )
    return OK if writable else "read-only"


def _projector(lags: list[ProjectionLag], head: int, leader: Heartbeat | None, options: Options) -> str:
    if leader is None:
        return "no projector has led yet (no heartbeat)"
    if leader.age_seconds > options.heartbeat_stale_seconds:
        return f"no leading projector: the last heartbeat is {leader.age_seconds:.0f} s old"
    if head > 0 and not lags:
        return "no projection has a checkpoint yet"
    behind = [lag for lag in lags if lag.lag_events > options.max_projector_lag_events]
    if behind:
        named = ", ".join(f"{lag.projection} is {lag.lag_events} events behind" for lag in behind)
        return f"{named} (at most {options.max_projector_lag_events} allowed)"
    return OK


def _worker(pollers: Pollers | str, workers: list[Heartbeat], options: Options) -> str:
    if isinstance(pollers, str):
        return pollers
    if not (pollers.workflow and pollers.activity):
        return (
            f"no worker polls task queue {pollers.task_queue}"
            f" (workflow pollers: {pollers.workflow}, activity pollers: {pollers.activity})"
        )
    # Temporal lists a worker's pollers for a minute or more after it died; a worker beats
    # from its start and stops beating at once. Both, then: pollers alone would say "ready"
    # about a worker killed a minute ago.
    if not any(w.age_seconds <= options.heartbeat_stale_seconds for w in workers):
        return f"no worker's heartbeat in the last {options.heartbeat_stale_seconds:.0f} s"
    return OK


@router.get("/readyz", responses={503: {"model": Readiness, "description": "a check failed"}})
async def readyz(engine: Engine, options: AppOptions, response: Response) -> Readiness:
    """Ready when the database takes writes, Temporal answers and a worker polls its task
    queue (if configured), and the projector leads (a fresh heartbeat) and keeps up."""

    async def database() -> tuple[str, str, list[Heartbeat]]:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT), engine.connect() as conn:
                writable = await _writable(conn)
                head, lags = await projection_lags(conn, datetime.now(UTC))
                beats = await heartbeats(conn)
        except Exception as error:  # any failure to reach PostgreSQL means not ready
            return f"unreachable: {type(error).__name__}", "unknown: database unreachable", []
        leader = next((b for b in beats if b.process == PROJECTOR), None)
        return writable, _projector(lags, head, leader, options), [b for b in beats if b.kind == ProcessKind.WORKER]

    (database_check, projector, workers), temporal, pollers = await asyncio.gather(
        database(), _temporal(options), _pollers(options)
    )
    checks = {"database": database_check, "temporal": temporal, "projector": projector}
    if options.worker_pollers is not None:
        checks["worker"] = _worker(pollers, workers, options)
    failed = [name for name, outcome in checks.items() if outcome not in (OK, NOT_CONFIGURED)]
    if failed:
        response.status_code = 503
    return Readiness(status="not ready" if failed else "ready", checks=checks, failed=failed)


@router.get("/metrics", response_class=PlainTextResponse)
async def metrics(engine: Engine, options: AppOptions) -> PlainTextResponse:
    """Projector lag, heartbeat and leadership, events projected per projection, worker
    presence and append counts, commands sent by outcome; Prometheus text. A source that
    cannot be read is a `certflow_source_up 0` sample, never a 500."""
    sources = Sources()
    try:
        async with asyncio.timeout(CHECK_TIMEOUT), engine.connect() as conn:
            _, sources.lags = await projection_lags(conn, datetime.now(UTC))
            sources.heartbeats = await heartbeats(conn)
        sources.up["database"] = True
    except Exception:  # the database is down: say so in a sample
        sources.up["database"] = False
    polled = await _pollers(options)
    if isinstance(polled, Pollers):
        sources.pollers, sources.up["temporal"] = polled, True
    elif polled != NOT_CONFIGURED:
        sources.up["temporal"] = False
    sources.heartbeat_stale_seconds = options.heartbeat_stale_seconds
    return PlainTextResponse(exposition(sources, options.command_tally), media_type=CONTENT_TYPE)
