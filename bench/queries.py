"""Dashboard list and deadline queries at 100,000 certifications: p95 latency over real
HTTP against the real API, against the same server's /healthz (HTTP + framework floor) in
the same run. Target: p95 under 50 ms for every query.

The overview's counts are cached for a few seconds (api/queries/overview_cache.py), so its
repeated requests here mostly hit the cache; it is timed cold as well, with the cache emptied
before each request, and that figure is printed beside the target's.

The read models are filled directly (COPY) with a programme's worth of rows: certifications
spread over standards, states, countries and audit firms, their open deadlines and audits."""

import argparse
import asyncio
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from api.queries.overview_cache import counts_cache
from bench.database import add_database_option, fresh_database, server_url
from bench.percentile import percentile_ms
from certflow.logs import configure_logging
from eventstore.database import create_engine
from projections.projection import copy_rows
from projections.tables import audits, certifications, deadlines
from tests.api.serving import served
from tests.people import register
from tests.scenario import SECRETARIAT

STANDARDS = ("ASI-PS", "ASI-CoC", "ISO-14001")
COUNTRIES = ("DE", "NO", "CL", "ES", "AT", "LT", "CH", "AU", "CA", "CN", "IN", "BR", "GH", "GN", "ZA", "US")
PHASES = [("certified", "active")] * 6 + [
    ("certified", "suspended"),
    ("in-certification", None),
    ("applied", None),
    ("ended", "expired"),
    ("refused", None),
]
DEADLINE_KINDS = ("surveillance", "recertification", "expiry", "cap", "major-closure", "report")

QUERIES = {
    "list, default order": "/api/v1/certifications?limit=50",
    "list, certified in DE": "/api/v1/certifications?state=certified&country=DE&limit=50",
    "list, ASI-CoC by next audit": "/api/v1/certifications?standard=ASI-CoC&sort=next_audit_due&limit=50",
    "list, overdue": "/api/v1/certifications?overdue=true&limit=50",
    "list, due within 30 days": "/api/v1/certifications?due_within_days=30&limit=50",
    "list, by audit firm": "/api/v1/certifications?audit_firm=firm-7&sort=-last_changed_at&limit=50",
    "deadlines, due within 30 days": "/api/v1/deadlines?due_within_days=30",
    "deadlines, overdue": "/api/v1/deadlines?overdue=true",
    "review queue": "/api/v1/review-queue",
    "dashboard overview page": "/",
}
COLD = {"dashboard overview page, cold": "/"}
"""Timed with the overview's counts cache emptied before each request."""


def certification_rows(count: int, rng: random.Random, today: date) -> list[dict]:
    rows = []
    for n in range(count):
        phase, status = rng.choice(PHASES)
        country = rng.choice(COUNTRIES)
        valid_from = today - timedelta(days=rng.randint(0, 1000)) if status else None
        rows.append(
            {
                "certification_id": f"cert-{n:06d}",
                "version": rng.randint(5, 80),
                "member_id": f"member-{n % 3000}",
                "member_name": f"Member {n % 3000}",
                "entity_name": f"Entity {n:06d}",
                "standard_code": rng.choice(STANDARDS),
                "standard_version": "V3",
                "policy_id": "asi-2022",
                "phase": phase,
                "certificate_kind": "full" if status else None,
                "certificate_status": status,
                "valid_from": valid_from,
                "valid_until": valid_from + timedelta(days=1095) if valid_from else None,
                "facilities": [{"facility_id": "f1", "name": "Site", "country": country, "activities": ["rolling"]}],
                "countries": [country],
                "activities": ["rolling"],
                "external_certifications": rng.randint(0, 1),
                "audit_firm_id": f"firm-{n % 40}",
                "audit_firm_name": f"Firm {n % 40}",
                "lead_auditor": "a",
                "current_audit_id": "A1",
                "current_audit_status": "closed",
                "next_audit_type": "surveillance" if status else None,
                "next_audit_due": today + timedelta(days=rng.randint(-30, 700)) if status else None,
                "open_majors": rng.choice((0, 0, 0, 1, 2)),
                "open_minors": rng.randint(0, 3),
                "applied_on": today - timedelta(days=rng.randint(100, 1500)),
                "first_certified_on": valid_from,
                "last_event_type": "DeadlineSet",
                "last_changed_at": datetime.now(UTC) - timedelta(minutes=rng.randint(0, 10**6)),
            }
        )
    return rows


def deadline_rows(certs: list[dict], rng: random.Random, today: date) -> list[dict]:
    rows = []
    for cert in certs:
        for kind in rng.sample(DEADLINE_KINDS, rng.randint(1, 4)):
            rows.append(
                {
                    "certification_id": cert["certification_id"],
                    "deadline_id": f"{kind}:1",
                    "kind": kind,
                    "due": today + timedelta(days=rng.randint(-60, 900)),
                    "opens": None,
                    "owner": "member",
                    "owner_organisation_id": cert["member_id"],
                    "subject": None,
                }
            )
    return rows


def audit_rows(certs: list[dict], rng: random.Random, today: date) -> list[dict]:
    rows = []
    for cert in certs:
        submitted = rng.random() < 0.01
        starts = today - timedelta(days=rng.randint(10, 400))
        rows.append(
            {
                "certification_id": cert["certification_id"],
                "audit_id": "A1",
                "audit_type": "certification",
                "status": "report-submitted" if submitted else "closed",
                "starts_on": starts,
                "ends_on": starts + timedelta(days=2),
                "lead_auditor": "a",
                "audit_firm_id": cert["audit_firm_id"],
                "report_submitted_at": datetime.now(UTC) - timedelta(days=rng.randint(0, 40)) if submitted else None,
                "decided_at": None,
                "major_ncs": None,
                "minor_ncs": None,
            }
        )
    return rows


@dataclass(frozen=True)
class Timing:
    label: str
    seconds: list[float]

    def p(self, q: float) -> float:
        return percentile_ms(self.seconds, q)

    def line(self, floor: "Timing") -> str:
        median = statistics.median(self.seconds) * 1000
        verdict = "ok" if self.p(0.95) < 50 else "OVER 50 ms"
        return (
            f"{self.label:<32} median {median:6.1f} ms  p95 {self.p(0.95):6.1f} ms  "
            f"x{self.p(0.95) / floor.p(0.95):5.1f} of floor  {verdict}"
        )


async def time_query(
    client: httpx.AsyncClient, label: str, path: str, samples: int, before: Callable[[], None] = lambda: None
) -> Timing:
    for _ in range(5):
        before()
        (await client.get(path)).raise_for_status()
    seconds = []
    for _ in range(samples):
        before()
        began = time.perf_counter()
        (await client.get(path)).raise_for_status()
        seconds.append(time.perf_counter() - began)
    return Timing(label, seconds)


async def load(engine: AsyncEngine, count: int, rng: random.Random, today: date) -> None:
    """Fills the read models. The rows are built here and are gone once this returns: the API
    is served from this process, and a real API process does not hold 100,000 certifications'
    worth of rows (600,000 objects) for every full garbage collection to walk."""
    certs = certification_rows(count, rng, today)
    async with engine.begin() as conn:
        await copy_rows(conn, certifications, certs)
        await copy_rows(conn, deadlines, deadline_rows(certs, rng, today))
        await copy_rows(conn, audits, audit_rows(certs, rng, today))


async def main(args: argparse.Namespace) -> None:
    configure_logging("json", "WARNING")
    rng, today = random.Random(7), datetime.now(UTC).date()
    async with fresh_database(server_url(args.database_url), "certflow_bench_queries") as db:
        engine = create_engine(db.url, pool_size=10)
        await load(engine, args.certifications, rng, today)
        async with engine.begin() as conn:
            await (await conn.get_raw_connection()).driver_connection.execute("ANALYZE")
        headers = (await register(engine)).bearer(SECRETARIAT)  # the Secretariat sees every certification
        async with served(create_app(engine), client_timeout=30, headers=headers) as client:
            floor = await time_query(client, "GET /healthz (floor)", "/healthz", args.samples)
            timings = [await time_query(client, label, path, args.samples) for label, path in QUERIES.items()]
            cold = [
                await time_query(client, label, path, args.samples, before=counts_cache.clear)
                for label, path in COLD.items()
            ]
        await engine.dispose()
    print(f"{args.certifications:,} certifications, PostgreSQL {db.server_version}, {args.samples} requests each")
    print(f"{floor.label:<32} median {statistics.median(floor.seconds) * 1000:6.1f} ms  p95 {floor.p(0.95):6.1f} ms")
    for timing in timings:
        print(timing.line(floor))
    for timing in cold:
        print(timing.line(floor))
    worst = max(timings, key=lambda t: t.p(0.95))
    verdict = "met" if worst.p(0.95) < 50 else "MISSED"
    print(f"target p95 < 50 ms: {verdict} (worst: {worst.label}, {worst.p(0.95):.1f} ms)")
    worst_cold = max(cold, key=lambda t: t.p(0.95))
    print(
        f"cold, counts cache emptied before each request: p95 {worst_cold.p(0.95):.1f} ms "
        f"({'under' if worst_cold.p(0.95) < 50 else 'OVER'} 50 ms)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--certifications", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=100)
    add_database_option(parser)
    asyncio.run(main(parser.parse_args()))
