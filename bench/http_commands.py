"""A command over HTTP against the same command sent straight through the Temporal client:
what the API adds (HTTP, the bearer token's lookup, the caller's reach in the read model,
the Idempotency-Key record).

On one local Temporal dev server and one fresh database, one call at a time, rotating:
- direct: CertificationClient.send(SubmitSelfAssessment) (bench/roundtrip.py's "local activity");
- http: POST /api/v1/certifications/{id}/submit-self-assessment with the member's token, to
  the API served by uvicorn in this process (as `certflow api` serves it);
- http + key: the same with a fresh Idempotency-Key on every call (one more claim and
  completion in PostgreSQL);
- http floor: GET /healthz, what any HTTP call costs here (httpx and uvicorn share this
  process and its event loop, so the client's CPU counts too, as it would not in production).
Each command is accepted and appends one event. Target: http + key median <= 1.5x direct.
"""

import argparse
import asyncio
from collections.abc import Sequence
from itertools import count, cycle

import httpx
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from bench.database import add_database_option, fresh_database, server_url
from bench.roundtrip import TASK_QUEUE, Latencies, Probe, accepted_certifications, command_probe, measure
from certflow.logs import configure_logging
from projections.projector import Projector
from tests.api.serving import served
from tests.people import register
from tests.scenario import MEMBER
from tests.temporal import dev_server
from worker import build_worker
from workflows.client import CertificationClient


def http_probe(http: httpx.AsyncClient, certification_ids: Sequence[str], with_key: bool) -> Probe:
    ids, keys = cycle(certification_ids), count()
    body = {"summary": "all criteria assessed again"}

    async def probe() -> object:
        headers = {"Idempotency-Key": f"bench-{next(keys)}"} if with_key else {}
        response = await http.post(
            f"/api/v1/certifications/{next(ids)}/submit-self-assessment", json=body, headers=headers
        )
        assert response.status_code == 200, response.text
        return response

    return probe


def floor_probe(http: httpx.AsyncClient) -> Probe:
    async def probe() -> object:
        return await http.get("/healthz")

    return probe


async def run(args: argparse.Namespace, env: WorkflowEnvironment, database_url: str) -> list[Latencies]:
    from eventstore.database import create_engine

    engine = create_engine(database_url)
    try:
        async with build_worker(env.client, engine, TASK_QUEUE):
            certifications = CertificationClient(env.client, TASK_QUEUE, append_as_local_activity=True)
            ids = await accepted_certifications(certifications, args.certifications, "http")
            await Projector(engine).catch_up()  # the caller's reach is then read, not asked of the workflow
            headers = (await register(engine)).bearer(MEMBER)
            async with served(create_app(engine, commands_client=certifications), headers=headers) as http:
                probes = {
                    "direct": command_probe(certifications, ids),
                    "http": http_probe(http, ids, with_key=False),
                    "http + key": http_probe(http, ids, with_key=True),
                    "http floor": floor_probe(http),
                }
                await measure(probes, args.warmup)
                return await measure(probes, args.commands)
    finally:
        await engine.dispose()


def report(results: Sequence[Latencies]) -> None:
    direct = next(r for r in results if r.name == "direct")
    print()
    print(f"{'':12} {'median ms':>10} {'p99 ms':>8} {'median/direct':>14} {'p99/direct':>11} {'CPU ms/call':>12}")
    for r in results:
        print(
            f"{r.name:12} {r.median_ms:10.2f} {r.p99_ms:8.2f} {r.median_ms / direct.median_ms:14.2f}"
            f" {r.p99_ms / direct.p99_ms:11.2f} {r.cpu_ms_per_call:12.2f}"
        )
    keyed = next(r for r in results if r.name == "http + key")
    floor = next(r for r in results if r.name == "http floor")
    added = keyed.median_ms - direct.median_ms - floor.median_ms
    print(f"the API's own work (token, reach, key record): {added:.2f} ms of the median beyond HTTP itself")
    ratio = keyed.median_ms / direct.median_ms
    print(f"http + key: median {ratio:.2f}x direct (target <= 1.5x: {'met' if ratio <= 1.5 else 'MISSED'})")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=300, help="timed calls of each kind (default 300)")
    parser.add_argument("--warmup", type=int, default=30, help="untimed calls of each kind first (default 30)")
    parser.add_argument("--certifications", type=int, default=5, help="certifications the calls go round")
    parser.add_argument("--log-level", default="WARNING", help="certflow's log level (default WARNING)")
    add_database_option(parser)
    return parser.parse_args()


async def main() -> None:
    args = parse_args()
    configure_logging("json", args.log_level)
    async with fresh_database(server_url(args.database_url), "certflow_bench_http") as database:
        env = await dev_server()
        try:
            print(
                f"PostgreSQL {database.server_version}; Temporal dev server; {args.commands} timed calls of each"
                f" kind after {args.warmup} untimed, sequential"
            )
            results = await run(args, env, database.url)
        finally:
            await env.shutdown()
    report(results)


if __name__ == "__main__":
    asyncio.run(main())
