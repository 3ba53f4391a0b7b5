"""Programme figures over the read models, optionally for one standard. Aggregates run in
PostgreSQL; only the small results come back."""

from sqlalchemy import ColumnElement, Float, Integer, Row, Select, cast, distinct, func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection

from api.models.programme import (
    AuditFirmReach,
    AuditsInMonth,
    CertificateCount,
    CountryCount,
    CriterionCount,
    ProgrammeMetrics,
    SurveyResponses,
)
from api.queries.certifications import live, scope
from domain.nonconformities import Severity
from notifications.surveys import responses_per_scheme
from projections.tables import audits, certifications, nonconformities

C = certifications.c


def _in_scope(certification_id: ColumnElement[str], standard: str | None) -> list[ColumnElement[bool]]:
    """For tables beside `certifications`: rows of certifications against the standard."""
    if not standard:
        return []
    return [certification_id.in_(select(C.certification_id).where(*scope(standard)))]


async def headline(conn: AsyncConnection, standard: str | None) -> Row[int, int, int, int]:
    """(members, certifications, certified, certified leveraging external certifications)."""
    statement = select(
        func.count(distinct(C.member_id)),
        func.count(),
        func.count().filter(live()),
        func.count().filter(live(), C.external_certifications > 0),
    ).where(*scope(standard))
    return (await conn.execute(statement)).one()


async def certificates(
    conn: AsyncConnection, standard: str | None, live_only: bool = False
) -> list[Row[str, str, int]]:
    """Certificates per standard and certificate status."""
    where = [*scope(standard), live() if live_only else C.certificate_status.is_not(None)]
    statement = (
        select(C.standard_code, C.certificate_status, func.count().label("certificates"))
        .where(*where)
        .group_by(C.standard_code, C.certificate_status)
        .order_by(C.standard_code, C.certificate_status)
    )
    return list(await conn.execute(statement))


def _certified_facilities(standard: str | None) -> Select[str, str, object]:
    facility = func.jsonb_array_elements(C.facilities, type_=JSONB).label("facility")
    return select(C.certification_id, C.member_id, facility).where(live(), *scope(standard))


async def countries(conn: AsyncConnection, standard: str | None, min_members: int = 1) -> list[Row[str, int, int, int]]:
    """Countries with certified facilities: facilities, entities and distinct members there.
    `min_members` drops countries where fewer members contribute (public aggregates)."""
    facilities = _certified_facilities(standard).subquery()
    country = facilities.c.facility["country"].astext.label("country")
    members = func.count(distinct(facilities.c.member_id))
    statement = (
        select(
            country,
            func.count().label("facilities"),
            func.count(distinct(facilities.c.certification_id)).label("entities"),
            members.label("members"),
        )
        .group_by(country)
        .having(members >= min_members)
        .order_by(country)
    )
    return list(await conn.execute(statement))


async def audit_firms(conn: AsyncConnection, standard: str | None) -> list[Row[str, str, int, list[str]]]:
    """Each assigned audit firm, how many certifications it audits, and their countries."""
    assigned = (
        select(C.audit_firm_id, C.audit_firm_name, C.certification_id, func.unnest(C.countries).label("country"))
        .where(C.audit_firm_id.is_not(None), *scope(standard))
        .subquery()
    )
    statement = (
        select(
            assigned.c.audit_firm_id,
            func.max(assigned.c.audit_firm_name).label("audit_firm_name"),
            func.count(distinct(assigned.c.certification_id)).label("certifications"),
            func.array_agg(distinct(assigned.c.country)).label("countries"),
        )
        .group_by(assigned.c.audit_firm_id)
        .order_by(assigned.c.audit_firm_id)
    )
    return list(await conn.execute(statement))


async def audits_per_month(conn: AsyncConnection, standard: str | None) -> list[Row[str, str, int]]:
    month = func.to_char(audits.c.starts_on, "YYYY-MM").label("month")
    statement = (
        select(month, audits.c.audit_type, func.count().label("audits"))
        .where(*_in_scope(audits.c.certification_id, standard))
        .group_by(month, audits.c.audit_type)
        .order_by(month, audits.c.audit_type)
    )
    return list(await conn.execute(statement))


async def median_days_to_certification(conn: AsyncConnection, standard: str | None) -> float | None:
    days = cast(C.first_certified_on - C.applied_on, Integer)
    median = cast(func.percentile_cont(0.5).within_group(days), Float)
    return await conn.scalar(select(median).where(C.first_certified_on.is_not(None), *scope(standard)))


async def nonconformities_per_criterion(conn: AsyncConnection, standard: str | None) -> list[Row[str, int, int, int]]:
    N = nonconformities.c
    total = func.count()
    statement = (
        select(
            N.criterion,
            func.count().filter(N.severity == Severity.MAJOR).label("major"),
            func.count().filter(N.severity == Severity.MINOR).label("minor"),
            func.count().filter(N.closed_on.is_(None)).label("open"),
        )
        .where(*_in_scope(N.certification_id, standard))
        .group_by(N.criterion)
        .order_by(total.desc(), N.criterion)
    )
    return list(await conn.execute(statement))


async def programme_metrics(conn: AsyncConnection, standard: str | None) -> ProgrammeMetrics:
    members, total, certified, leveraging = await headline(conn, standard)
    return ProgrammeMetrics(
        members=members,
        certifications=total,
        certified=certified,
        certificates=[CertificateCount.model_validate(r._mapping) for r in await certificates(conn, standard)],
        countries=[CountryCount.model_validate(r._mapping) for r in await countries(conn, standard)],
        leveraging_external=leveraging,
        leveraging_external_share=leveraging / certified if certified else None,
        audit_firms=[
            AuditFirmReach.model_validate({**r._mapping, "countries": sorted(r.countries)})
            for r in await audit_firms(conn, standard)
        ],
        audits_per_month=[AuditsInMonth.model_validate(r._mapping) for r in await audits_per_month(conn, standard)],
        median_days_to_certification=await median_days_to_certification(conn, standard),
        nonconformities=[
            CriterionCount.model_validate(r._mapping) for r in await nonconformities_per_criterion(conn, standard)
        ],
        surveys=[
            SurveyResponses(
                standard_code=r.standard_code,
                sent=r.sent,
                completed=r.completed,
                response_rate=r.completed / r.sent if r.sent else None,
            )
            for r in await responses_per_scheme(conn, standard)
        ],
    )
