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


def refusal_ends_certification(status: CertificateStatus | None) -> bool:
    """Whether a refusal (too many majors, a critical breach, majors unverified in time) ends
    the certification: it does, unless a certificate granted before is still live, which goes
    on under its own rules (and its deadlines with it)."""
    return status not in LIVE_STATUSES
