"""Each certification's reported material flows: per year and material category, the tonnes
in and out, for the programme's public figures."""

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection

from eventstore import RecordedEvent
from projections.fields import actor, occurred_at
from projections.projection import Projection, Row, copy_rows


def _flows(event: RecordedEvent) -> list[Row]:
    data = event.data
    # Only the certification's own member reports (access.own-organisation): its organisation
    # is the member. Tonnes are Decimal strings in the event's JSON, never floats.
    member_id = actor(event).get("organisation_id", "?")
    return [
        {
            "certification_id": event.stream_id,
            "member_id": member_id,
            "year": data["year"],
            "category": flow["category"],
            "tonnes_in": Decimal(flow["tonnes_in"]),
            "tonnes_out": Decimal(flow["tonnes_out"]),
            "reported_at": occurred_at(event),
        }
        for flow in data["flows"]
    ]


class MaterialFlowsProjection(Projection):
    """Append-only: a year is reported once (material-flow.once-a-year), so an event's flows
    are new rows and nothing is read back."""

    name = "material_flows"

    async def apply(self, conn: AsyncConnection, page: Sequence[RecordedEvent]) -> None:
        rows = [row for event in page if event.event_type == "MaterialFlowReported" for row in _flows(event)]
        await copy_rows(conn, self.table, rows)
