"""One row per certification: who, what, where, its certificate, its audit, what is next.
Its `settle` step, after the deadlines and non-conformities projections have taken the same
page, reads their rows for the open NC counts and the next scheduled audit."""

from typing import ClassVar

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.audits import AuditStatus, AuditType
from domain.certificates import CertificateKind, CertificateStatus, refusal_ends_certification
from domain.deadlines import DeadlineKind
from domain.nonconformities import Severity
from domain.state import Phase
from eventstore import RecordedEvent
from projections.fields import AUDIT_STEPS, ENDING_EVENTS, day, occurred_at
from projections.projection import Row, RowsPerCertification

_CERTIFICATE_STATUS = {
    "CertificateSuspended": CertificateStatus.SUSPENDED,
    "CertificateReinstated": CertificateStatus.ACTIVE,
    "CertificateWithdrawn": CertificateStatus.WITHDRAWN,
    "CertificateRevoked": CertificateStatus.REVOKED,
    "CertificateExpired": CertificateStatus.EXPIRED,
}
# Which deadline announces which audit, when no audit is planned.
_AUDIT_FOR_DEADLINE = {
    DeadlineKind.SURVEILLANCE: AuditType.SURVEILLANCE,
    DeadlineKind.RECERTIFICATION: AuditType.RECERTIFICATION,
    DeadlineKind.EXPIRY: AuditType.CERTIFICATION,
}


def _applied(event: RecordedEvent) -> Row:
    data = event.data
    facilities = data["facilities"]
    return {
        "certification_id": event.stream_id,
        "member_id": data["member_id"],
        "member_name": data["member_name"],
        "entity_name": data["entity_name"],
        "standard_code": data["standard"]["code"],
        "standard_version": data["standard"]["version"],
        "policy_id": data["policy_id"],
        "phase": Phase.APPLIED,
        "certificate_kind": None,
        "certificate_status": None,
        "valid_from": None,
        "valid_until": None,
        "facilities": facilities,
        "countries": sorted({f["country"] for f in facilities}),
        "activities": sorted({a for f in facilities for a in f["activities"]}),
        "external_certifications": len(data["external_certifications"]),
        "audit_firm_id": None,
        "audit_firm_name": None,
        "lead_auditor": None,
        "current_audit_id": None,
        "current_audit_status": None,
        "next_audit_type": None,
        "next_audit_due": None,
        "open_majors": 0,
        "open_minors": 0,
        "applied_on": occurred_at(event).date(),
        "first_certified_on": None,
    }


def _earliest(calls: dict[str, tuple], *kinds: DeadlineKind) -> tuple | None:
    return min((calls[k] for k in kinds if k in calls), key=lambda call: call[1], default=None)


class CertificationsProjection(RowsPerCertification):
    name = "certifications"
    key_columns: ClassVar = ("certification_id",)

    def evolve(self, rows: dict[tuple, Row], event: RecordedEvent) -> None:
        if event.event_type == "ApplicationSubmitted":
            rows[(event.stream_id,)] = _applied(event)
        row = rows.get((event.stream_id,))
        if row is None:
            return  # not a certification stream: nothing to show, and no reason to halt
        self._change(row, event)
        row.update(version=event.version, last_event_type=event.event_type, last_changed_at=occurred_at(event))

    def _change(self, row: Row, event: RecordedEvent) -> None:
        data, kind = event.data, event.event_type
        match kind:
            case "ApplicationAccepted":
                row["phase"] = Phase.IN_CERTIFICATION
            case "ApplicationRejected":
                row["phase"] = Phase.APPLICATION_REJECTED
            case "AuditFirmAssigned":
                row.update(audit_firm_id=data["firm_id"], audit_firm_name=data["firm_name"])
            case "AuditPlanned":
                row.update(
                    current_audit_id=data["audit_id"],
                    current_audit_status=AuditStatus.PLANNED,
                    lead_auditor=data["lead_auditor"],
                    next_audit_type=data["audit_type"],
                    next_audit_due=day(data["starts_on"]),
                )
            case "CertificateGranted":
                row.update(
                    phase=Phase.CERTIFIED,
                    certificate_kind=data["kind"],
                    certificate_status=CertificateStatus.ACTIVE,
                    valid_from=day(data["valid_from"]),
                    valid_until=day(data["valid_until"]),
                    first_certified_on=row["first_certified_on"] or occurred_at(event).date(),
                )
            case "CertificationRefused" if refusal_ends_certification(row["certificate_status"]):
                row["phase"] = Phase.REFUSED
            case _ if kind in AUDIT_STEPS:
                row["current_audit_status"] = AUDIT_STEPS[kind]
            case _ if kind in _CERTIFICATE_STATUS:
                row["certificate_status"] = _CERTIFICATE_STATUS[kind]
                if kind in ENDING_EVENTS:
                    row["phase"] = Phase.ENDED

    async def settle(self, conn: AsyncConnection, certification_ids: list[str]) -> None:
        """Open NC counts and the next scheduled audit, from the other read models."""
        nonconformities = self.tables["nonconformities"]
        open_ncs = await conn.execute(
            select(nonconformities.c.certification_id, nonconformities.c.severity, func.count())
            .where(nonconformities.c.certification_id.in_(certification_ids), nonconformities.c.closed_on.is_(None))
            .group_by(nonconformities.c.certification_id, nonconformities.c.severity)
        )
        counts = {(c, s): n for c, s, n in open_ncs}
        announced = await self._announced_audits(conn, self.tables["deadlines"], certification_ids)
        current = await conn.execute(
            select(
                self.table.c.certification_id,
                self.table.c.phase,
                self.table.c.certificate_kind,
                self.table.c.current_audit_status,
                self.table.c.next_audit_type,
                self.table.c.next_audit_due,
            ).where(self.table.c.certification_id.in_(certification_ids))
        )
        changes = []
        for certification_id, phase, kind, audit_status, next_type, next_due in current:
            if audit_status in (None, AuditStatus.CLOSED):
                # No audit under way: the next is the one an open deadline calls for; a
                # provisional certificate needs its certification audit before it expires.
                calls = announced.get(certification_id, {})
                upcoming = (
                    calls.get(DeadlineKind.EXPIRY)
                    if kind == CertificateKind.PROVISIONAL
                    else _earliest(calls, DeadlineKind.SURVEILLANCE, DeadlineKind.RECERTIFICATION)
                )
                next_type, next_due = upcoming if phase == Phase.CERTIFIED and upcoming else (None, None)
            changes.append(
                {
                    "id": certification_id,
                    "majors": counts.get((certification_id, Severity.MAJOR), 0),
                    "minors": counts.get((certification_id, Severity.MINOR), 0),
                    "next_type": next_type,
                    "next_due": next_due,
                }
            )
        if changes:
            await conn.execute(
                update(self.table)
                .where(self.table.c.certification_id == bindparam("id"))
                .values(
                    open_majors=bindparam("majors"),
                    open_minors=bindparam("minors"),
                    next_audit_type=bindparam("next_type"),
                    next_audit_due=bindparam("next_due"),
                ),
                changes,
            )

    @staticmethod
    async def _announced_audits(
        conn: AsyncConnection, deadlines: Table, certification_ids: list[str]
    ) -> dict[str, dict[str, tuple]]:
        """Per certification, per deadline kind that calls for an audit: (audit type, due)."""
        due = await conn.execute(
            select(deadlines.c.certification_id, deadlines.c.kind, func.min(deadlines.c.due))
            .where(deadlines.c.certification_id.in_(certification_ids), deadlines.c.kind.in_(list(_AUDIT_FOR_DEADLINE)))
            .group_by(deadlines.c.certification_id, deadlines.c.kind)
        )
        announced: dict[str, dict[str, tuple]] = {}
        for certification_id, kind, when in due:
            announced.setdefault(certification_id, {})[kind] = (_AUDIT_FOR_DEADLINE[DeadlineKind(kind)], when)
        return announced
