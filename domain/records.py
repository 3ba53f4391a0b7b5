"""How an event is written down and read back: deterministic ids, data, and metadata that
carries the actor and the reason. Pure: the event store itself never sees domain types."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid5

from domain.events import EVENT_ADAPTER, Event

EVENT_ID_NAMESPACE = UUID("6f1d3c1e-8a0b-4b8e-9d2f-5c3a7e9b1f00")


def event_id(stream_id: str, command_id: str, index: int) -> UUID:
    """The same command's events get the same ids on every retry, so a retry stores nothing twice."""
    return uuid5(EVENT_ID_NAMESPACE, f"{stream_id}/{command_id}/{index}")


@dataclass(frozen=True)
class EventRecord:
    event_id: UUID
    event_type: str
    data: dict[str, Any]
    metadata: dict[str, Any]


def to_record(stream_id: str, command_id: str, index: int, event: Event) -> EventRecord:
    data = event.model_dump(mode="json", exclude={"actor", "type"})
    metadata = {
        "actor": event.actor.model_dump(mode="json"),
        "reason": getattr(event, "reason", None),
        "command_id": command_id,
    }
    return EventRecord(event_id(stream_id, command_id, index), event.type, data, metadata)


def from_record(event_type: str, data: dict[str, Any], metadata: dict[str, Any]) -> Event:
    return EVENT_ADAPTER.validate_python({**data, "type": event_type, "actor": metadata["actor"]})
