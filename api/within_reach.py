"""One certification in full (deadlines, audits, NCs, timeline) as a caller reads it: only
within the caller's reach; outside it, 404, as if it did not exist. The API's detail, the
Secretariat's certification page and the members' and firms' pages all read it so."""

from datetime import date

from fastapi import HTTPException
from sqlalchemy.ext.asyncio import AsyncConnection

from api.models.certifications import CertificationDetail
from api.queries import certifications as q
from api.rows import detail
from api.visibility import visible_to
from identity.principal import Principal


async def certification_within_reach(
    conn: AsyncConnection, caller: Principal, certification_id: str, today: date
) -> CertificationDetail:
    row = await q.one(conn, certification_id, visible_to(caller))
    if row is None:
        raise HTTPException(status_code=404, detail=f"no certification {certification_id}")
    return detail(
        row,
        today,
        await q.deadlines_of(conn, certification_id),
        await q.audits_of(conn, certification_id),
        await q.nonconformities_of(conn, certification_id),
        await q.timeline_of(conn, certification_id),
    )
