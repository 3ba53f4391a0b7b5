"""Every non-conformity, its corrective action plan and closure."""

from typing import ClassVar

from eventstore import RecordedEvent
from projections.fields import occurred_at
from projections.projection import Row, RowsPerCertification


class NonConformitiesProjection(RowsPerCertification):
    name = "nonconformities"
    key_columns: ClassVar = ("nc_id",)

    def evolve(self, rows: dict[tuple, Row], event: RecordedEvent) -> None:
        data = event.data
        match event.event_type:
            case "NonConformityRaised":
                rows[(data["nc_id"],)] = {
                    "certification_id": event.stream_id,
                    "nc_id": data["nc_id"],
                    "audit_id": data["audit_id"],
                    "criterion": data["criterion"],
                    "severity": data["severity"],
                    "raised_on": occurred_at(event).date(),
                    "cap_submitted_on": None,
                    "closed_on": None,
                }
            case "CorrectiveActionPlanSubmitted" if (data["nc_id"],) in rows:
                rows[(data["nc_id"],)]["cap_submitted_on"] = occurred_at(event).date()
            case "NonConformityClosed" if (data["nc_id"],) in rows:
                rows[(data["nc_id"],)]["closed_on"] = occurred_at(event).date()
