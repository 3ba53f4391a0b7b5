"""Documents attached to certifications' audits (readmodel.documents); the bytes are in the
document store."""

from collections.abc import Sequence

from sqlalchemy import ColumnElement, RowMapping, select
from sqlalchemy.ext.asyncio import AsyncConnection

from api.queries import certifications as q
from domain.documents import DocumentKind
from projections.tables import certifications, documents

D = documents.c


async def attached_documents(conn: AsyncConnection, certification_id: str) -> list[RowMapping]:
    """The certification's documents, oldest first, for a caller already known to see it."""
    query = select(documents).where(D.certification_id == certification_id).order_by(D.attached_at, D.sha256)
    return list((await conn.execute(query)).mappings())


async def documents_of(
    conn: AsyncConnection, certification_id: str, visible: Sequence[ColumnElement[bool]]
) -> list[RowMapping] | None:
    """The certification's documents, oldest first; None when the caller cannot see it."""
    if await q.one(conn, certification_id, visible) is None:
        return None
    return await attached_documents(conn, certification_id)


async def document(
    conn: AsyncConnection, certification_id: str, sha256: str, visible: Sequence[ColumnElement[bool]]
) -> RowMapping | None:
    """One of the certification's documents, if the caller can see the certification."""
    query = (
        select(documents)
        .join(certifications, certifications.c.certification_id == D.certification_id)
        .where(D.certification_id == certification_id, D.sha256 == sha256, *visible)
        .limit(1)
    )
    return (await conn.execute(query)).mappings().first()


async def public_summaries(conn: AsyncConnection, certification_ids: Sequence[str]) -> dict[str, list[RowMapping]]:
    """Public summary reports of these certifications, by certification, oldest first."""
    query = (
        select(documents)
        .where(D.certification_id.in_(certification_ids), D.kind == DocumentKind.PUBLIC_SUMMARY)
        .order_by(D.certification_id, D.attached_at, D.sha256)
    )
    found: dict[str, list[RowMapping]] = {}
    for row in (await conn.execute(query)).mappings():
        found.setdefault(row["certification_id"], []).append(row)
    return found


async def public_summary(conn: AsyncConnection, certification_id: str, sha256: str) -> RowMapping | None:
    """A public summary report of a certification on the register (its certificate live)."""
    query = (
        select(documents)
        .join(certifications, certifications.c.certification_id == D.certification_id)
        .where(
            D.certification_id == certification_id, D.sha256 == sha256, D.kind == DocumentKind.PUBLIC_SUMMARY, q.live()
        )
        .limit(1)
    )
    return (await conn.execute(query)).mappings().first()
