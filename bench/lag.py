"""Projection lag: from a command's acceptance (its Update returned) to its event being
visible in the `certifications` read model, under a sustained command load, with the
projector following the log (LISTEN/NOTIFY, polling fallback). Baseline in the same run:
how long PostgreSQL takes to deliver the append trigger's NOTIFY to a listener, the floor
under any projector woken that way. Target: p99 lag under 200 ms; the load is printed."""

import argparse
import asyncio
import random
import statistics
import time
from dataclasses import dataclass
from uuid import uuid4

import asyncpg
from sqlalchemy import select

from bench.database import BenchDatabase, add_database_option, fresh_database, server_url
from bench.percentile import percentile_ms
from bench.roundtrip import accepted_certifications
from certflow.logs import configure_logging
from domain import commands as cmd
from eventstore import EventStore, NewEvent
from eventstore.database import create_engine
from projections.projector import CHANNEL, Projector
from projections.tables import certifications
from tests.scenario import MEMBER
from tests.temporal import dev_server
from worker import build_worker
from workflows.client import CertificationClient

TASK_QUEUE = "certflow-bench-lag"


@dataclass(frozen=True)
class Distribution:
    samples: list[float]

    def quantile(self, q: float) -> float:
        return percentile_ms(self.samples, q)

    def line(self, label: str) -> str:
        return (
            f"{label:<26} median {statistics.median(self.samples) * 1000:7.1f} ms   "
            f"p95 {self.quantile(0.95):7.1f} ms   p99 {self.quantile(0.99):7.1f} ms   (n={len(self.samples)})"
        )


class Visibility:
    """One poller for every command in flight: which versions the read model shows."""

    def __init__(self, engine) -> None:  # type: ignore[no-untyped-def]
        self._engine = engine
        self._waiting: dict[tuple[str, int], asyncio.Future[float]] = {}

    def wait_for(self, certification_id: str, version: int) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting[(certification_id, version)] = future
        return future

    async def poll(self, stop: asyncio.Event, every: float = 0.002) -> None:
        while not stop.is_set():
            if self._waiting:
                ids = sorted({c for c, _ in self._waiting})
                async with self._engine.connect() as conn:
                    shown = dict(
                        (
                            await conn.execute(
                                select(certifications.c.certification_id, certifications.c.version).where(
                                    certifications.c.certification_id.in_(ids)
                                )
                            )
                        ).all()
                    )
                seen = time.perf_counter()
                for key in [k for k in self._waiting if shown.get(k[0], 0) >= k[1]]:
                    self._waiting.pop(key).set_result(seen)
            await asyncio.sleep(every)


async def one_command(client: CertificationClient, ids: list[str], visibility: Visibility) -> float:
    certification_id = random.choice(ids)
    outcome = await client.send(certification_id, cmd.SubmitSelfAssessment(actor=MEMBER, summary="revised"))
    accepted = time.perf_counter()
    return await visibility.wait_for(certification_id, outcome.version) - accepted


async def sustained_load(
    client: CertificationClient, ids: list[str], visibility: Visibility, rate: float, seconds: float
) -> tuple[list[float], float]:
    """Starts a command every 1/rate s for `seconds`; returns lags and the rate achieved."""
    tasks, started = [], time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        tasks.append(asyncio.create_task(one_command(client, ids, visibility)))
        await asyncio.sleep(max(0.0, len(tasks) / rate - elapsed))
    lags = await asyncio.gather(*tasks)
    return list(lags), len(tasks) / (time.perf_counter() - started)


async def notify_floor(db: BenchDatabase, samples: int) -> list[float]:
    """Append, then wait for the trigger's NOTIFY on a listening connection."""
    listener = await asyncpg.connect(**db.asyncpg_arguments)
    heard = asyncio.Event()
    await listener.add_listener(CHANNEL, lambda *_: heard.set())
    engine = create_engine(db.url, pool_size=1)
    store, delays = EventStore(engine), []
    try:
        for _ in range(samples):
            heard.clear()
            began = time.perf_counter()
            await store.append(f"floor-{uuid4()}", 0, [NewEvent(uuid4(), "Probe", {"n": 1})])
            await heard.wait()
            delays.append(time.perf_counter() - began)
    finally:
        await listener.close()
        await engine.dispose()
    return delays


async def main(args: argparse.Namespace) -> None:
    configure_logging("json", "WARNING")
    async with fresh_database(server_url(args.database_url), "certflow_bench_lag") as db:
        engine = create_engine(db.url, pool_size=20)
        env = await dev_server()
        stop = asyncio.Event()
        try:
            async with build_worker(env.client, engine, TASK_QUEUE):
                client = CertificationClient(env.client, TASK_QUEUE)
                ids = await accepted_certifications(client, args.certifications, "lag")
                projector = asyncio.create_task(Projector(engine).run(stop))
                visibility = Visibility(engine)
                poller = asyncio.create_task(visibility.poll(stop))
                await sustained_load(client, ids, visibility, args.rate, 3)  # warm-up
                lags, achieved = await sustained_load(client, ids, visibility, args.rate, args.seconds)
                stop.set()
                await asyncio.gather(projector, poller)
            floor = await notify_floor(db, 200)
        finally:
            await env.shutdown()
            await engine.dispose()
    print(
        f"load: {achieved:.1f} commands/s for {args.seconds:.0f} s over {args.certifications} certifications"
        f" (each a SubmitSelfAssessment Update appending one event), PostgreSQL {db.server_version}"
    )
    print(Distribution(lags).line("accepted -> read model"))
    print(Distribution(floor).line("append -> NOTIFY (floor)"))
    p99 = Distribution(lags).quantile(0.99)
    print(f"ratio p99 lag / p99 floor: {p99 / Distribution(floor).quantile(0.99):.1f}")
    print(f"target p99 < 200 ms: {'met' if p99 < 200 else 'MISSED'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=20.0, help="commands started per second")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--certifications", type=int, default=20)
    add_database_option(parser)
    asyncio.run(main(parser.parse_args()))
