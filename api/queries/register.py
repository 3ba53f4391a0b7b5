"""The public register: certified entities, and aggregates safe to publish."""

from sqlalchemy import RowMapping, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from api.models.register import PublicCertificateCount, PublicCountry, RegisterSummary
from api.params import RegisterQuery
from api.queries import certifications as q
from api.queries.programme import certificates, countries
from projections.tables import certifications


async def register_page(conn: AsyncConnection, query: RegisterQuery) -> tuple[list[RowMapping], str | None]:
    """Certified entities (active or suspended certificates) by entity name."""
    where = [q.live(), *q.scope(query.standard)]
    if query.country is not None:
        where.append(certifications.c.countries.contains([query.country]))
    return await q.page(conn, where, "entity_name", False, query.limit, query.cursor)


async def register_summary(conn: AsyncConnection, standard: str | None, threshold: int) -> RegisterSummary:
    """Public aggregates. A country shows only when at least `threshold` distinct members hold
    certificates there, so no single member's figures can be read off a country's row."""
    certified = await conn.scalar(select(func.count()).where(q.live(), *q.scope(standard))) or 0
    return RegisterSummary(
        certified_entities=certified,
        certificates=[
            PublicCertificateCount.model_validate(r._mapping)
            for r in await certificates(conn, standard, live_only=True)
        ],
        countries=[
            PublicCountry(country=r.country, entities=r.entities, facilities=r.facilities)
            for r in await countries(conn, standard, min_members=threshold)
        ],
        public_threshold=threshold,
    )
