"""Each certification's history in plain words: who, what, why, when."""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from eventstore import RecordedEvent
from projections.describe import describe
from projections.fields import actor, occurred_at
from projections.projection import Projection, copy_rows


class TimelineProjection(Projection):
    """Append-only: a page's events become rows, nothing is read back."""

    name = "timeline"

    async def apply(self, conn: AsyncConnection, page: Sequence[RecordedEvent]) -> None:
        rows = []
        for event in page:
            who = actor(event)
            rows.append(
                {
                    "certification_id": event.stream_id,
                    "version": event.version,
                    "occurred_at": occurred_at(event),
                    "event_type": event.event_type,
                    "actor_user_id": who.get("user_id", "?"),
                    "actor_organisation_id": who.get("organisation_id", "?"),
                    "actor_role": who.get("role", "?"),
                    "summary": describe(event.event_type, event.data),
                    "reason": event.metadata.get("reason"),
                }
            )
        await copy_rows(conn, self.table, rows)
