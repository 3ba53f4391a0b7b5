"""Reading stored events' JSON: dates, times and the acting user, parsed once here."""

from datetime import date, datetime
from typing import Any

from eventstore import RecordedEvent

ENDING_EVENTS = frozenset({"CertificateWithdrawn", "CertificateRevoked", "CertificateExpired"})


def day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def occurred_at(event: RecordedEvent) -> datetime:
    return datetime.fromisoformat(event.data["occurred_at"])


def actor(event: RecordedEvent) -> dict[str, Any]:
    return event.metadata.get("actor") or {}
