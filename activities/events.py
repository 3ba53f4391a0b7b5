"""Appending a command's events to the certification's stream."""

import asyncpg
import sqlalchemy.exc
import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.messages import AppendEventsInput, AppendEventsOutput, StreamEvent
from domain.events import Event
from domain.records import from_record, to_record
from eventstore import ConcurrencyError, DuplicateEventError, EventStore, NewEvent, RecordedEvent

log = structlog.get_logger("certflow.activities")


def _stream_event(record: RecordedEvent) -> StreamEvent:
    event = from_record(record.event_type, record.data, record.metadata)
    return StreamEvent(version=record.version, command_id=record.metadata.get("command_id"), event=event)


class EventActivities:
    def __init__(self, store: EventStore) -> None:
        self._store = store

    @activity.defn(name="append_events")
    async def append_events(self, request: AppendEventsInput) -> AppendEventsOutput:
        records = [to_record(request.stream_id, request.command_id, i, e) for i, e in enumerate(request.events)]
        new_events = [NewEvent(r.event_id, r.event_type, r.data, r.metadata) for r in records]
        try:
            result = await self._store.append(request.stream_id, request.expected_version, new_events)
        except ConcurrencyError as error:
            # The log is the record: a workflow behind its own stream catches up, never fails.
            ahead = await self._store.read_stream(request.stream_id, after_version=request.expected_version)
            log.warning(
                "workflow behind its stream",
                certification_id=request.stream_id,
                expected_version=request.expected_version,
                stream_version=error.actual,
            )
            return AppendEventsOutput(
                version=error.actual, positions=[], duplicate=False, ahead=[_stream_event(r) for r in ahead]
            )
        except DuplicateEventError as error:
            # Retrying cannot help: these ids were stored by another append than this one.
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
        stored = await self._stored(request, result.version) if result.duplicate else []
        return AppendEventsOutput(
            version=result.version, positions=list(result.positions), duplicate=result.duplicate, stored=stored
        )

    async def _stored(self, request: AppendEventsInput, version: int) -> list[Event]:
        records = await self._store.read_stream(request.stream_id, after_version=request.expected_version)
        return [_stream_event(r).event for r in records if r.version <= version]
