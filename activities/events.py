"""Appending a command's events to the certification's stream."""

import asyncpg
import sqlalchemy.exc
import structlog
from pydantic import BaseModel
from temporalio import activity
from temporalio.exceptions import ApplicationError

from domain.events import Event
from domain.records import to_record
from eventstore import ConcurrencyError, DuplicateEventError, EventStore, NewEvent

log = structlog.get_logger("certflow.activities")


class AppendEventsInput(BaseModel):
    stream_id: str
    expected_version: int
    command_id: str
    events: list[Event]


class AppendEventsOutput(BaseModel):
    version: int
    positions: list[int]
    duplicate: bool


class EventActivities:
    def __init__(self, store: EventStore) -> None:
        self._store = store

    @activity.defn(name="append_events")
    async def append_events(self, request: AppendEventsInput) -> AppendEventsOutput:
        records = [
            to_record(request.stream_id, request.command_id, i, e) for i, e in enumerate(request.events)
        ]
        new_events = [NewEvent(r.event_id, r.event_type, r.data, r.metadata) for r in records]
        try:
            result = await self._store.append(request.stream_id, request.expected_version, new_events)
        except (ConcurrencyError, DuplicateEventError) as error:
            # Retrying cannot help: the stream moved on without this workflow.
            raise ApplicationError(str(error), type=type(error).__name__, non_retryable=True) from None
        except (asyncpg.DataError, sqlalchemy.exc.DataError) as error:
            # Nor here: PostgreSQL refuses the data itself, so the command fails rather than
            # retrying for ever (commands refuse what is known to be unstorable, domain/text.py).
            raise ApplicationError(str(error), type="UnstorableEvent", non_retryable=True) from None
        info = activity.info()
        log.info(
            "events appended",
            certification_id=request.stream_id,
            workflow_id=info.workflow_id,
            run_id=info.workflow_run_id,
            command_id=request.command_id,
            types=[r.event_type for r in records],
            version=result.version,
            duplicate=result.duplicate,
        )
        return AppendEventsOutput(
            version=result.version, positions=list(result.positions), duplicate=result.duplicate
        )
