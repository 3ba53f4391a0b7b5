"""A certification's event stream as lines a person reads: when, who, what, why."""

import typer

from certflow.settings import Settings
from eventstore import EventStore, RecordedEvent
from eventstore.database import create_engine


def line(record: RecordedEvent) -> str:
    actor = record.metadata.get("actor", {})
    who = f"{actor.get('user_id', '?')} ({actor.get('role', '?')}, {actor.get('organisation_id', '?')})"
    details = {k: v for k, v in record.data.items() if k not in ("occurred_at", "reason")}
    why = f" because {record.metadata['reason']}" if record.metadata.get("reason") else ""
    when = record.data.get("occurred_at", record.recorded_at.isoformat())[:16].replace("T", " ")
    return f"{record.version:>3}  {when}  {record.event_type:<30} by {who}{why}  {details}"


async def print_timeline(settings: Settings, certification_id: str) -> int:
    """Exit code 0, or 1 when the certification has no events."""
    engine = create_engine(settings.resolved_database_url, pool_size=1)
    try:
        records = await EventStore(engine).read_stream(certification_id)
    finally:
        await engine.dispose()
    if not records:
        typer.echo(f"no events for certification {certification_id}", err=True)
        return 1
    for record in records:
        typer.echo(line(record))
    return 0
