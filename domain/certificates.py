"""Certificates: full or provisional, and the states they pass through."""

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class CertificateKind(StrEnum):
    FULL = "full"
    PROVISIONAL = "provisional"


class CertificateStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    REVOKED = "revoked"
    EXPIRED = "expired"


LIVE_STATUSES = frozenset({CertificateStatus.ACTIVE, CertificateStatus.SUSPENDED})


class Certificate(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: CertificateKind
    status: CertificateStatus
    valid_from: date
    valid_until: date
    cycle: int
    granted_on: date
    suspended_on: date | None = None

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES


class Validity(BaseModel):
    """The days a granted certificate covers, both ends included."""

    model_config = ConfigDict(frozen=True)

    valid_from: date
    valid_until: date

    def covers_a_day_of(self, year: int) -> bool:
        return self.valid_from.year <= year <= self.valid_until.year
