"""The PostgreSQL event log: append to a stream with optimistic concurrency, read a stream,
read everything by global position. It knows streams and events, nothing of workflows."""

from eventstore.records import AppendResult, ConcurrencyError, LogPosition, NewEvent, RecordedEvent
from eventstore.store import DuplicateEventError, EventStore, log_head, read_settled

__all__ = [
    "AppendResult",
    "ConcurrencyError",
    "DuplicateEventError",
    "EventStore",
    "LogPosition",
    "NewEvent",
    "RecordedEvent",
    "log_head",
    "read_settled",
]
