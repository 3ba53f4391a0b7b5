"""The overview's counts and the filter choices, read in one pass and by index skips, give what
the straightforward queries they replaced give (kept here as the reference); the counts cache
and the link helper behave as their docstrings say."""

from datetime import date
from typing import Any

from fastapi import FastAPI
from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from starlette.requests import Request

from api.app import create_app
from api.pages.templating import links
from api.queries import overview
from api.queries.certifications import live
from api.queries.overview_cache import CountsCache
from domain.certificates import CertificateStatus
from projections.tables import certifications, deadlines
from tests.api.factories import NOT_CERTIFIED, TODAY, Programme, days, facility

C = certifications.c


async def reference_count_by(conn: AsyncConnection, column: ColumnElement[Any], standard: str | None) -> list:
    statement = select(column, func.count()).group_by(column).order_by(func.count().desc(), column)
    if standard:
        statement = statement.where(C.standard_code == standard)
    return [tuple(r) for r in await conn.execute(statement)]


async def reference_figures(conn: AsyncConnection, standard: str | None, today: date) -> overview.Figures:
    past_due = exists().where(deadlines.c.certification_id == C.certification_id, deadlines.c.due < today)
    statement = select(
        func.count(),
        func.count().filter(live()),
        func.count().filter(C.certificate_status == CertificateStatus.SUSPENDED),
        func.count().filter(past_due),
    )
    if standard:
        statement = statement.where(C.standard_code == standard)
    return overview.Figures(*(await conn.execute(statement)).one())


async def reference_by_standard(conn: AsyncConnection) -> list:
    statement = (
        select(C.standard_code, func.count(), func.count().filter(live()))
        .group_by(C.standard_code)
        .order_by(C.standard_code)
    )
    return [tuple(r) for r in await conn.execute(statement)]


async def reference_choices(conn: AsyncConnection) -> dict[str, list[tuple[str, str]]]:
    country = func.unnest(C.countries)
    countries = await conn.scalars(select(country).distinct().order_by(country))
    firms = await conn.execute(
        select(C.audit_firm_id, func.max(C.audit_firm_name))
        .where(C.audit_firm_id.is_not(None))
        .group_by(C.audit_firm_id)
        .order_by(C.audit_firm_id)
    )
    standards = await conn.scalars(select(C.standard_code).distinct().order_by(C.standard_code))
    return {
        "standards": [(s, s) for s in standards],
        "countries": [(c, c) for c in countries],
        "audit_firms": [(firm_id, name or firm_id) for firm_id, name in firms],
    }


async def a_mixed_programme(programme: Programme) -> None:
    """Ties between counts, certifications without a certificate (NULL status), deadlines past
    due, due today and later, several countries and firms, a firm whose rows disagree on its
    name, and a deadline whose certification has no row (it must not count as overdue)."""
    nordic = await programme.certification(
        "Nordic", facilities=[facility("Potline", "NO"), facility("Mill", "DE")], audit_firm_id="firm-a"
    )
    rhine = await programme.certification(
        "Rhine", certificate_status="suspended", audit_firm_id="firm-a", audit_firm_name="Aurora Audits"
    )
    await programme.certification("Iberia", phase="ended", certificate_status="withdrawn", audit_firm_id="firm-b")
    applicant = await programme.certification("Andes", facilities=[facility("Mine", "CL")], **NOT_CERTIFIED)
    await programme.certification("Bauxite", **{**NOT_CERTIFIED, "phase": "applied"})
    await programme.deadline(nordic, "cap", days(-3))
    await programme.deadline(nordic, "report", days(-1))
    await programme.deadline(rhine, "surveillance", days(0))
    await programme.deadline(applicant, "report", days(-20))
    orphan = f"{programme.standard.lower()}-no-such-certification"
    await programme.deadline(orphan, "cap", days(-5))
    programme.ids.append(orphan)  # so remove() takes the orphan deadline away too


async def test_counts_match_the_queries_they_replaced(engine: AsyncEngine, programme: Programme) -> None:
    other = Programme(engine)
    try:
        await a_mixed_programme(programme)
        await other.certification("Elsewhere", **{**NOT_CERTIFIED, "phase": "refused"})
        await other.deadline(await other.certification("Late"), "expiry", days(-2))
        async with engine.connect() as conn:
            for standard in (programme.standard, other.standard, None, "NO-SUCH-STANDARD"):
                counts = await overview.counts(conn, standard, TODAY)
                assert counts.by_phase == await reference_count_by(conn, C.phase, standard)
                assert counts.by_status == await reference_count_by(conn, C.certificate_status, standard)
                assert counts.figures == await reference_figures(conn, standard, TODAY)
                assert counts.by_standard == await reference_by_standard(conn)
    finally:
        await other.remove()


async def test_the_counts_of_a_known_programme(engine: AsyncEngine, programme: Programme) -> None:
    await a_mixed_programme(programme)
    async with engine.connect() as conn:
        counts = await overview.counts(conn, programme.standard, TODAY)
    assert counts.by_phase == [("certified", 2), ("applied", 1), ("ended", 1), ("in-certification", 1)]
    assert counts.by_status == [(None, 2), ("active", 1), ("suspended", 1), ("withdrawn", 1)]
    assert counts.figures == overview.Figures(certifications=5, certified=2, suspended=1, overdue=2)
    assert (programme.standard, 5, 2) in counts.by_standard


async def test_choices_match_the_queries_they_replaced(engine: AsyncEngine, programme: Programme) -> None:
    await a_mixed_programme(programme)
    async with engine.connect() as conn:
        assert await overview.choices(conn) == await reference_choices(conn)
        live_standards = await conn.scalars(select(C.standard_code).distinct().where(live()).order_by(C.standard_code))
        assert await overview.standards(conn, live_only=True) == list(live_standards)


async def test_choices_of_an_empty_selection(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        nothing = overview.distinct_values(C.standard_code, C.standard_code == "NO-SUCH-STANDARD")
        assert list(await conn.scalars(nothing)) == []


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_the_counts_cache_serves_counts_until_they_are_ttl_old(engine: AsyncEngine, programme: Programme) -> None:
    clock = Clock()
    cache = CountsCache(ttl_seconds=5, clock=clock)
    await programme.certification("First")
    async with engine.connect() as conn:
        first = await cache.counts(conn, programme.standard, TODAY)
        await programme.certification("Second")
        clock.now += 4.9
        assert await cache.counts(conn, programme.standard, TODAY) is first
        assert (await cache.counts(conn, programme.standard, days(1))).figures.certifications == 2  # a new day
        clock.now += 0.1
        assert (await cache.counts(conn, programme.standard, TODAY)).figures.certifications == 2
        cache.clear()
        assert cache.entries == {}


async def test_the_counts_cache_drops_expired_entries(engine: AsyncEngine) -> None:
    clock = Clock()
    cache = CountsCache(ttl_seconds=5, clock=clock)
    async with engine.connect() as conn:
        await cache.counts(conn, "STANDARD-A", TODAY)
        clock.now += 6
        await cache.counts(conn, "STANDARD-B", TODAY)
    assert [standard for _, standard, _ in cache.entries] == ["STANDARD-B"]


def a_request(app: FastAPI, root_path: str = "") -> Request:
    scope = {
        "type": "http",
        "app": app,
        "router": app.router,
        "scheme": "https",
        "server": ("certflow.test", 8443),
        "path": "/",
        "root_path": root_path,
        "headers": [(b"host", b"certflow.test:8443")],
        "query_string": b"",
    }
    return Request(scope)


async def test_links_are_what_url_for_gives(engine: AsyncEngine) -> None:
    app = create_app(engine)
    for request in (a_request(app), a_request(app, "/oversight")):
        link = links(request, "certification_page", "certification_id")
        for value in ("cert-000001", "a b", "ünïcode", "50%", "x?y#z", "-"):
            assert link(value) == str(request.url_for("certification_page", certification_id=value))
