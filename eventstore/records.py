"""What goes into the log and what comes out of it."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class NewEvent:
    event_id: UUID
    event_type: str
    data: dict[str, Any]
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, order=True)
class LogPosition:
    """Where a reader stands in the log's commit-safe order."""

    transaction_id: int = 0
    global_position: int = 0


@dataclass(frozen=True)
class RecordedEvent:
    global_position: int
    stream_id: str
    version: int
    event_id: UUID
    event_type: str
    data: dict[str, Any]
    metadata: dict[str, Any]
    recorded_at: datetime
    transaction_id: int = 0

    @property
    def position(self) -> LogPosition:
        return LogPosition(self.transaction_id, self.global_position)


@dataclass(frozen=True)
class AppendResult:
    stream_id: str
    version: int
    """The stream's version after the append."""
    positions: tuple[int, ...]
    duplicate: bool = False
    """True when every event was already stored by an earlier attempt: nothing was written."""


class ConcurrencyError(Exception):
    """The stream moved on since the writer read it."""

    def __init__(self, stream_id: str, expected: int, actual: int) -> None:
        super().__init__(f"stream {stream_id}: expected version {expected}, but the stream is at version {actual}")
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual
