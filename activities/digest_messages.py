"""What the digest clock sends its activity and gets back: I/O-free models, so the workflow's
imports pull in no database driver (the activity lives in activities/digests.py)."""

from datetime import datetime

from pydantic import BaseModel

COMPOSE_DIGESTS = "compose_digests"
"""The activity's name: the workflow calls it by name, without importing it."""


class ComposeDigestsInput(BaseModel):
    hour: datetime
    """A full hour (UTC): the digests of everyone whose chosen hour it is then on their clock."""


class ComposeDigestsOutput(BaseModel):
    recorded: int
    """Digests recorded now (a retry of an hour already done records none)."""
