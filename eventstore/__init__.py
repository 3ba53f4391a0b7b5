"""The PostgreSQL event log: append to a stream with optimistic concurrency, read a stream,
read everything by global position. It knows streams and events, nothing of workflows."""

from eventstore.records import AppendResult, ConcurrencyError, NewEvent, RecordedEvent
from eventstore.store import DuplicateEventError, EventStore

__all__ = ["AppendResult", "ConcurrencyError", "DuplicateEventError", "EventStore", "NewEvent", "RecordedEvent"]
