"""The workflow's input, its update's input and output: one model each, so fields can be added."""

from pydantic import BaseModel, Field

from domain.commands import Command
from domain.events import Event
from domain.notices import Notice
from domain.state import CertificationState

MAX_HISTORY_LENGTH = 10_000
"""History events past which a run continues as new: the default for new certifications."""
APPEND_AS_LOCAL_ACTIVITY = True
"""How new certifications append: as a local activity, a command's median round trip is 1.56x
a no-op Update's, as a regular one 4.06x (bench/README.md)."""


class CertificationParams(BaseModel):
    certification_id: str
    state: CertificationState | None = None
    """Carried over by continue-as-new; None for a new certification."""
    reminders_sent: list[str] = []
    applied_commands: list[str] = []
    """Ids of the latest commands applied, so a command re-sent after continue-as-new
    (Temporal dedupes update ids within one run only) is not applied twice."""
    append_as_local_activity: bool = False
    """Fixed for the run's life (replay depends on it), and always given when a certification
    starts (APPEND_AS_LOCAL_ACTIVITY unless set otherwise). False here, not that default: runs
    recorded before the field existed appended with regular activities, and their inputs,
    which lack it, must replay the same way."""
    notices_to_people: bool = False
    """Carried over by a run that gave notices to people (workflows/certification.py
    NOTICES_TO_PEOPLE): False for a run continued from one on the old schedule."""
    pending_notices: list[Notice] = []
    """Notices the previous run gave but did not record: it continued as new at once (a run
    closing late widens the window in which a query reaches a run that is gone)."""
    max_history_length: int = Field(default=MAX_HISTORY_LENGTH, ge=100)
    """Continue as new past this many history events (besides at each new certificate cycle)."""


class CommandRequest(BaseModel):
    command: Command


class CommandOutcome(BaseModel):
    version: int
    events: list[Event]
    state: CertificationState
    duplicate: bool = False
    """True when this command id was applied before: nothing was recorded now."""
