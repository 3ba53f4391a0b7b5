"""Every audit with its step; the review queue is the reports awaiting the Secretariat."""

from typing import ClassVar

from eventstore import RecordedEvent
from projections.fields import AUDIT_STEPS, actor, day, occurred_at
from projections.projection import Row, RowsPerCertification


class AuditsProjection(RowsPerCertification):
    name = "audits"
    key_columns: ClassVar = ("audit_id",)

    def evolve(self, rows: dict[tuple, Row], event: RecordedEvent) -> None:
        data = event.data
        if event.event_type == "AuditPlanned":
            rows[(data["audit_id"],)] = {
                "certification_id": event.stream_id,
                "audit_id": data["audit_id"],
                "audit_type": data["audit_type"],
                "status": "planned",
                "starts_on": day(data["starts_on"]),
                "ends_on": day(data["ends_on"]),
                "lead_auditor": data["lead_auditor"],
                "audit_firm_id": actor(event).get("organisation_id"),
                "report_submitted_at": None,
                "decided_at": None,
                "major_ncs": None,
                "minor_ncs": None,
            }
            return
        step = AUDIT_STEPS.get(event.event_type)
        row = rows.get((data.get("audit_id"),))
        if step is None or row is None:
            return
        row["status"] = step
        if event.event_type == "ReportSubmitted":
            row["report_submitted_at"] = occurred_at(event)
        if event.event_type == "ReportAccepted":
            row.update(decided_at=occurred_at(event), major_ncs=data["major_ncs"], minor_ncs=data["minor_ncs"])
