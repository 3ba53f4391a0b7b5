"""The Secretariat overview's counts: certifications by phase, certificate status, standard."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Row, exists, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from api.queries.certifications import live
from domain.certificates import CertificateStatus
from projections.tables import certifications, deadlines

C = certifications.c


async def count_by(
    conn: AsyncConnection, column: ColumnElement[str | None], standard: str | None
) -> list[Row[str | None, int]]:
    statement = select(column, func.count()).group_by(column).order_by(func.count().desc(), column)
    if standard:
        statement = statement.where(C.standard_code == standard)
    return list(await conn.execute(statement))


@dataclass(frozen=True)
class Figures:
    certifications: int
    certified: int
    suspended: int
    overdue: int
    """Certifications with an open deadline past due."""


async def figures(conn: AsyncConnection, standard: str | None, today: date) -> Figures:
    past_due = exists().where(deadlines.c.certification_id == C.certification_id, deadlines.c.due < today)
    statement = select(
        func.count(),
        func.count().filter(live()),
        func.count().filter(C.certificate_status == CertificateStatus.SUSPENDED),
        func.count().filter(past_due),
    )
    if standard:
        statement = statement.where(C.standard_code == standard)
    return Figures(*(await conn.execute(statement)).one())


async def by_standard(conn: AsyncConnection) -> list[Row[str, int, int]]:
    """(standard, certifications, certified) per standard."""
    statement = (
        select(C.standard_code, func.count(), func.count().filter(live()))
        .group_by(C.standard_code)
        .order_by(C.standard_code)
    )
    return list(await conn.execute(statement))


async def standards(conn: AsyncConnection, live_only: bool = False) -> list[str]:
    statement = select(C.standard_code).distinct().order_by(C.standard_code)
    return list(await conn.scalars(statement.where(live()) if live_only else statement))


async def choices(conn: AsyncConnection) -> dict[str, list[tuple[str, str]]]:
    """Values the filter forms offer: standards, countries, audit firms (value, label)."""
    country = func.unnest(C.countries)
    countries = await conn.scalars(select(country).distinct().order_by(country))
    firms = await conn.execute(
        select(C.audit_firm_id, func.max(C.audit_firm_name))
        .where(C.audit_firm_id.is_not(None))
        .group_by(C.audit_firm_id)
        .order_by(C.audit_firm_id)
    )
    return {
        "standards": [(s, s) for s in await standards(conn)],
        "countries": [(c, c) for c in countries],
        "audit_firms": [(firm_id, name or firm_id) for firm_id, name in firms],
    }
