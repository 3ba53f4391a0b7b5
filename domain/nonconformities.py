"""Non-conformities raised by accepted audits, their corrective action plans and closure."""

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Severity(StrEnum):
    MINOR = "minor"
    MAJOR = "major"


class NonConformity(BaseModel):
    model_config = ConfigDict(frozen=True)

    nc_id: str
    audit_id: str
    criterion: str
    severity: Severity
    raised_on: date
    cap_submitted_on: date | None = None
    closed_on: date | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_on is None
