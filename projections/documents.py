"""Every document attached to an audit: which audit, what kind, its file, who attached it."""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from eventstore import RecordedEvent
from projections.fields import actor, occurred_at
from projections.projection import Projection, copy_rows


class DocumentsProjection(Projection):
    """Append-only: the domain attaches a document to an audit once (document.once), so an
    event is a new row and nothing is read back."""

    name = "documents"

    async def apply(self, conn: AsyncConnection, page: Sequence[RecordedEvent]) -> None:
        rows = []
        for event in page:
            if event.event_type != "DocumentAttached":
                continue
            data, who = event.data, actor(event)
            rows.append(
                {
                    "certification_id": event.stream_id,
                    "audit_id": data["audit_id"],
                    "kind": data["kind"],
                    "sha256": data["sha256"],
                    "filename": data["filename"],
                    "size_bytes": data["size_bytes"],
                    "media_type": data["media_type"],
                    "attached_at": occurred_at(event),
                    "attached_by_user": who.get("user_id", "?"),
                    "attached_by_organisation": who.get("organisation_id", "?"),
                }
            )
        await copy_rows(conn, self.table, rows)
