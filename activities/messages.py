"""What a workflow sends its activities and gets back: I/O-free models, so the workflow's
imports pull in no database driver (the activities that use them live beside this module)."""

from typing import Literal
from uuid import UUID

from pydantic import BaseModel

from domain.events import Event


class AppendEventsInput(BaseModel):
    stream_id: str
    expected_version: int
    command_id: str
    events: list[Event]


class StreamEvent(BaseModel):
    """An event as the stream holds it, with the command that recorded it."""

    version: int
    command_id: str | None
    event: Event


class AppendEventsOutput(BaseModel):
    version: int
    positions: list[int]
    duplicate: bool
    stored: list[Event] = []
    """For a repeat of an append that had committed (a workflow task lost after the commit):
    the events as the log holds them, which the workflow evolves rather than its own copies
    decided again (their times may differ)."""
    ahead: list[StreamEvent] = []
    """When the stream had moved past `expected_version` (a lost task had appended another
    command): the events after it, for the workflow to catch up on. Nothing was written."""


class Notification(BaseModel):
    notification_id: UUID
    certification_id: str
    kind: Literal["reminder", "escalation"]
    deadline_id: str | None
    recipients: list[str]
    subject: str
    body: str
