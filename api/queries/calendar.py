"""The open deadlines of a person's calendar feed: those of the certifications they see
(api/visibility.py), with what the feed's events need to update in place."""

from sqlalchemy import RowMapping, select
from sqlalchemy.ext.asyncio import AsyncConnection

from api.visibility import visible_to
from identity.principal import Principal
from projections.tables import certifications, deadlines

C, D = certifications.c, deadlines.c


async def calendar_deadlines(conn: AsyncConnection, caller: Principal) -> list[RowMapping]:
    """Soonest first. `sequence` is the certification's stream version: it rises with every
    event of the certification, so with every move of its deadlines (and, needlessly but
    harmlessly, with other events). The deadlines read model keeps no version of its own;
    with a `version` column there (the event that last set the due date), SEQUENCE would
    rise only when the deadline itself changes."""
    statement = (
        select(
            D.certification_id,
            D.deadline_id,
            D.kind,
            D.due,
            C.entity_name,
            C.version.label("sequence"),
            C.last_changed_at.label("changed_at"),
        )
        .select_from(deadlines.join(certifications, C.certification_id == D.certification_id))
        .where(*visible_to(caller))
        .order_by(D.due, D.certification_id, D.deadline_id)
    )
    return list((await conn.execute(statement)).mappings())
