"""For probes and Prometheus: liveness, readiness, and the projector's lag."""

import asyncio
from datetime import UTC, datetime

from fastapi import APIRouter, Response
from fastapi.responses import PlainTextResponse
from sqlalchemy import literal, select

from api.deps import AppOptions, Engine
from api.models.operations import Liveness, Readiness
from api.prometheus import CONTENT_TYPE, exposition
from api.queries.projector import projection_lags

router = APIRouter(tags=["operations"])
CHECK_TIMEOUT = 3.0
"""A probe must answer before the orchestrator's own timeout, even when a dependency hangs."""


@router.get("/healthz")
async def healthz() -> Liveness:
    """The process is alive and serving."""
    return Liveness(status="alive")


async def _temporal(options: AppOptions) -> str:
    if options.temporal_ping is None:
        return "not configured"
    try:
        return "ok" if await asyncio.wait_for(options.temporal_ping(), CHECK_TIMEOUT) else "unreachable"
    except Exception as error:  # a failing ping of any kind means not ready, never a 500
        return f"unreachable: {type(error).__name__}"


async def _database_and_projector(engine: Engine, options: AppOptions) -> tuple[str, str]:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT), engine.connect() as conn:
            await conn.execute(select(literal(1)))
            head, lags = await projection_lags(conn, datetime.now(UTC))
    except Exception as error:  # any failure to reach PostgreSQL means not ready
        return f"unreachable: {type(error).__name__}", "unknown: database unreachable"
    if head > 0 and not lags:
        return "ok", "no projection has a checkpoint yet"
    behind = [lag for lag in lags if lag.lag_events > options.max_projector_lag_events]
    if behind:
        named = ", ".join(f"{lag.projection} is {lag.lag_events} events behind" for lag in behind)
        return "ok", f"{named} (at most {options.max_projector_lag_events} allowed)"
    return "ok", "ok"


@router.get("/readyz", responses={503: {"model": Readiness, "description": "a check failed"}})
async def readyz(engine: Engine, options: AppOptions, response: Response) -> Readiness:
    """Ready when the database answers, Temporal answers (if configured), projections keep up."""
    (database, projector), temporal = await asyncio.gather(_database_and_projector(engine, options), _temporal(options))
    checks = {"database": database, "temporal": temporal, "projector": projector}
    failed = [name for name, outcome in checks.items() if outcome not in ("ok", "not configured")]
    if failed:
        response.status_code = 503
    return Readiness(status="not ready" if failed else "ready", checks=checks, failed=failed)


@router.get("/metrics", response_class=PlainTextResponse)
async def metrics(engine: Engine, options: AppOptions) -> PlainTextResponse:
    """Projector lag and events projected per projection, commands sent by outcome; Prometheus text."""
    async with engine.connect() as conn:
        _, lags = await projection_lags(conn, datetime.now(UTC))
    return PlainTextResponse(exposition(lags, options.command_tally), media_type=CONTENT_TYPE)
