"""Reading stored events' JSON: dates, times and the acting user, parsed once here."""

from datetime import date, datetime
from typing import Any, get_args

from domain.audits import AuditStatus
from domain.events import Event
from eventstore import RecordedEvent

CERTIFICATION_EVENTS = frozenset(kind.model_fields["type"].default for kind in get_args(get_args(Event)[0]))
"""The event types read models are made of; anything else in the log is stepped over."""

ENDING_EVENTS = frozenset({"CertificateWithdrawn", "CertificateRevoked", "CertificateExpired"})

AUDIT_STEPS: dict[str, str] = {
    "AuditStarted": AuditStatus.IN_PROGRESS.value,
    "FindingsRecorded": AuditStatus.FINDINGS_RECORDED.value,
    "ReportSubmitted": AuditStatus.REPORT_SUBMITTED.value,
    "ReportReturned": AuditStatus.RETURNED.value,
    "ReportAccepted": AuditStatus.CLOSED.value,
}
"""The audit status each step's event leaves an audit in."""


def day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def occurred_at(event: RecordedEvent) -> datetime:
    return datetime.fromisoformat(event.data["occurred_at"])


def actor(event: RecordedEvent) -> dict[str, Any]:
    return event.metadata.get("actor") or {}
