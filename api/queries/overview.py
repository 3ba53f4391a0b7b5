"""The Secretariat overview's counts (certifications by phase, certificate status, standard)
and the filter forms' choices.

At 100,000 certifications every pass over `certifications` costs 10-30 ms (less once vacuum has
set the visibility map), so the overview makes one: `counts()` tallies the table by (standard,
phase, certificate status), from certifications_counts_idx alone when it can, and folds those
few rows into every count it shows. The overdue figure is one semi-join on the deadlines' due
index. The choices are distinct values read by skipping through an index (`distinct_values`):
a few index probes instead of a pass over every row."""

from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy import BigInteger, ColumnElement, Select, cast, func, select, true, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from api.queries.certifications import live, scope
from domain.certificates import LIVE_STATUSES, CertificateStatus
from projections.tables import certifications, deadlines

C = certifications.c
T = TypeVar("T")
# GROUPING(standard_code, phase, certificate_status) of a row: bits set for columns not grouped on.
PER_STANDARD, PER_PHASE, PER_STATUS = 0b011, 0b101, 0b110


@dataclass(frozen=True)
class Figures:
    certifications: int
    certified: int
    suspended: int
    overdue: int
    """Certifications with an open deadline past due."""


@dataclass(frozen=True)
class Counts:
    by_phase: list[tuple[str, int]]
    """In scope, most first (ties in the database's order of the value)."""
    by_status: list[tuple[str | None, int]]
    """In scope, most first; None counts certifications without a certificate."""
    by_standard: list[tuple[str, int, int]]
    """(standard, certifications, certified) for every standard, whatever the scope."""
    figures: Figures


def _sum(n: ColumnElement[int], where: ColumnElement[bool] | None = None) -> ColumnElement[int]:
    """SUM(n) [FILTER (WHERE ...)] as a bigint, 0 over no rows (SUM of bigint is numeric)."""
    total = func.sum(n) if where is None else func.sum(n).filter(where)
    return cast(func.coalesce(total, 0), BigInteger)


def _tallies(standard: str | None) -> Select[tuple[str | None, str | None, str | None, int, int, int, int, int]]:
    """The one pass: a tally per (standard, phase, status), then summed per standard, per phase
    and per status (GROUPING SETS over those few rows). Ordered by the value, so each set comes
    in the database's collation order; in a row, the columns not grouped on are NULL and
    `not_grouped` has their bits set (standard 4, phase 2, status 1)."""
    tally = (
        select(C.standard_code, C.phase, C.certificate_status, func.count().label("n"))
        .group_by(C.standard_code, C.phase, C.certificate_status)
        .subquery("tally")
    )
    t = tally.c
    return (
        select(
            t.standard_code,
            t.phase,
            t.certificate_status,
            func.grouping(t.standard_code, t.phase, t.certificate_status).label("not_grouped"),
            _sum(t.n, t.standard_code == standard if standard else true()).label("in_scope"),
            _sum(t.n).label("total"),
            _sum(t.n, t.certificate_status.in_([str(s) for s in LIVE_STATUSES])).label("certified"),
            _sum(t.n, t.certificate_status == CertificateStatus.SUSPENDED).label("suspended"),
        )
        .group_by(func.grouping_sets(tuple_(t.standard_code), tuple_(t.phase), tuple_(t.certificate_status)))
        .order_by(t.standard_code, t.phase, t.certificate_status)
    )


def _most_first(counted: list[tuple[T, int]]) -> list[tuple[T, int]]:
    # A stable sort: equal counts keep the database's order of their values.
    return sorted(counted, key=lambda pair: -pair[1])


async def overdue_count(conn: AsyncConnection, standard: str | None, today: date) -> int:
    """Certifications (in scope) with an open deadline past due. IN (...), not a correlated
    EXISTS inside the count: PostgreSQL hashes the few past-due ids once (from the due index)
    instead of probing `deadlines` once per certification."""
    past_due = select(deadlines.c.certification_id).where(deadlines.c.due < today)
    statement = select(func.count()).where(C.certification_id.in_(past_due), *scope(standard))
    return await conn.scalar(statement) or 0


async def counts(conn: AsyncConnection, standard: str | None, today: date) -> Counts:
    """Everything the overview counts, for one standard or (None) all."""
    rows = list(await conn.execute(_tallies(standard)))
    per_standard = [r for r in rows if r.not_grouped == PER_STANDARD]
    scoped = [r for r in per_standard if not standard or r.standard_code == standard]
    # A phase or status with nothing in scope (in_scope 0) occurs only under other standards.
    by_phase = [(r.phase, r.in_scope) for r in rows if r.not_grouped == PER_PHASE and r.in_scope]
    by_status = [(r.certificate_status, r.in_scope) for r in rows if r.not_grouped == PER_STATUS and r.in_scope]
    figures = Figures(
        certifications=sum(r.total for r in scoped),
        certified=sum(r.certified for r in scoped),
        suspended=sum(r.suspended for r in scoped),
        overdue=await overdue_count(conn, standard, today),
    )
    by_standard = [(r.standard_code, r.total, r.certified) for r in per_standard]
    return Counts(_most_first(by_phase), _most_first(by_status), by_standard, figures)


def distinct_values(column: ColumnElement[T], *where: ColumnElement[bool]) -> Select[tuple[T]]:
    """The column's distinct non-NULL values (of rows matching `where`), in order, by a "loose
    index scan": each step asks the column's index for the least value above the last one, so
    the cost follows the number of values, not of rows. PostgreSQL does not plan this itself."""
    first = select(func.min(column)).where(*where).scalar_subquery()
    found = select(first.label("value")).cte("found", recursive=True)
    following = select(func.min(column)).where(column > found.c.value, *where).scalar_subquery()
    found = found.union_all(select(following).where(found.c.value.is_not(None)))
    return select(found.c.value).where(found.c.value.is_not(None)).order_by(found.c.value)


async def standards(conn: AsyncConnection, live_only: bool = False) -> list[str]:
    statement = distinct_values(C.standard_code, live()) if live_only else distinct_values(C.standard_code)
    return list(await conn.scalars(statement))


async def standard_choices(conn: AsyncConnection) -> list[tuple[str, str]]:
    """The standards a scope form offers (value, label): all a scoped page needs."""
    return [(s, s) for s in await standards(conn)]


async def choices(conn: AsyncConnection) -> dict[str, list[tuple[str, str]]]:
    """Values the filter forms offer: standards, countries, audit firms (value, label)."""
    # Distinct country lists are few (certifications_countries_btree_idx), their countries fewer.
    country_lists = distinct_values(C.countries).subquery()
    country = func.unnest(country_lists.c.value)
    countries = await conn.scalars(select(country).distinct().order_by(country))
    # Each firm's name: the last of its range in certifications_audit_firm_name_idx.
    firm_ids = distinct_values(C.audit_firm_id).subquery()
    name = select(func.max(C.audit_firm_name)).where(C.audit_firm_id == firm_ids.c.value).scalar_subquery()
    firms = await conn.execute(select(firm_ids.c.value, name).order_by(firm_ids.c.value))
    return {
        "standards": await standard_choices(conn),
        "countries": [(c, c) for c in countries],
        "audit_firms": [(firm_id, name or firm_id) for firm_id, name in firms],
    }
