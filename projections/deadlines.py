"""Every open deadline, with its owner and due date; a missed one that is still owed (its
policy only escalates) stays, overdue, until the step that meets it."""

from typing import ClassVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.certificates import CertificateStatus, refusal_ends_certification
from domain.deadlines import DeadlineKind, Party
from eventstore import RecordedEvent
from projections.fields import ENDING_EVENTS, day
from projections.projection import Row, RowsPerCertification


class DeadlinesProjection(RowsPerCertification):
    name = "deadlines"
    key_columns: ClassVar = ("deadline_id",)

    def evolve(self, rows: dict[tuple, Row], event: RecordedEvent) -> None:
        data = event.data
        match event.event_type:
            case "DeadlineSet":
                d = data["deadline"]
                rows[(d["deadline_id"],)] = {
                    "certification_id": event.stream_id,
                    "deadline_id": d["deadline_id"],
                    "kind": d["kind"],
                    "due": day(d["due"]),
                    "opens": day(d.get("opens")),
                    "owner": d["owner"],
                    "owner_organisation_id": "secretariat",
                    "subject": d.get("subject"),
                }
            case "DeadlineMissed" if data.get("outstanding"):
                pass
            case "DeadlineMet" | "DeadlineMissed":
                rows.pop((data["deadline_id"],), None)
            case "DeadlineExtended" if (data["deadline_id"],) in rows:
                rows[(data["deadline_id"],)]["due"] = day(data["new_due"])
            case "ApplicationRejected":
                rows.clear()
            case "CertificationRefused" if refusal_ends_certification(_live_certificate(rows)):
                rows.clear()
            case kind if kind in ENDING_EVENTS:
                rows.clear()

    async def finish(self, conn: AsyncConnection, rows: dict[str, dict[tuple, Row]]) -> None:
        """Who must act, from facts that never change (so a rebuild agrees): the member that
        applied, or the firm that planned the audit the deadline is about."""
        ids = [c for c, r in rows.items() if r]
        if not ids:
            return
        certifications, audits = self.tables["certifications"], self.tables["audits"]
        members = dict(
            (
                await conn.execute(
                    select(certifications.c.certification_id, certifications.c.member_id).where(
                        certifications.c.certification_id.in_(ids)
                    )
                )
            ).all()
        )
        firms = {
            (c, a): f
            for c, a, f in await conn.execute(
                select(audits.c.certification_id, audits.c.audit_id, audits.c.audit_firm_id).where(
                    audits.c.certification_id.in_(ids)
                )
            )
        }
        for certification_id, keyed in rows.items():
            for row in keyed.values():
                if row["owner"] == Party.MEMBER:
                    row["owner_organisation_id"] = members.get(certification_id, "secretariat")
                elif row["owner"] == Party.AUDIT_FIRM:
                    row["owner_organisation_id"] = firms.get((certification_id, row["subject"])) or "secretariat"


def _live_certificate(rows: dict[tuple, Row]) -> CertificateStatus | None:
    """What the deadlines tell of the certificate: a live one always has its expiry deadline open."""
    return CertificateStatus.ACTIVE if any(r["kind"] == DeadlineKind.EXPIRY for r in rows.values()) else None
