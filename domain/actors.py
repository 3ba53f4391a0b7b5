"""Who gives a command: a user with one role in one organisation."""

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.limits import NAME_LENGTH


class Role(StrEnum):
    SECRETARIAT = "secretariat"
    AUDITOR = "auditor"
    MEMBER = "member"
    VIEWER = "viewer"
    SYSTEM = "system"


class Actor(BaseModel):
    """Recorded on every event: who did it."""

    model_config = ConfigDict(frozen=True)

    user_id: str = Field(min_length=1, max_length=NAME_LENGTH)
    organisation_id: str = Field(min_length=1, max_length=NAME_LENGTH)
    role: Role


SYSTEM = Actor(user_id="certflow", organisation_id="certflow", role=Role.SYSTEM)
