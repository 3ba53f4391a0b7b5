"""Audits: their types, the steps they go through, and the findings they record."""

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.limits import NAME_LENGTH, Note


class AuditType(StrEnum):
    PROVISIONAL_CERTIFICATION = "provisional-certification"
    CERTIFICATION = "certification"
    SURVEILLANCE = "surveillance"
    RECERTIFICATION = "re-certification"
    SCOPE_CHANGE = "scope-change"
    SPECIAL = "special"


INITIAL_AUDITS = frozenset({AuditType.PROVISIONAL_CERTIFICATION, AuditType.CERTIFICATION})
"""Audits that can lead to a first certificate."""


class AuditStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in-progress"
    FINDINGS_RECORDED = "findings-recorded"
    REPORT_SUBMITTED = "report-submitted"
    RETURNED = "returned"
    CLOSED = "closed"


class FindingKind(StrEnum):
    CONFORMANCE = "conformance"
    MINOR_NC = "minor-nc"
    MAJOR_NC = "major-nc"
    NOT_APPLICABLE = "not-applicable"
    CRITICAL_BREACH = "critical-breach"


class Finding(BaseModel):
    """One criterion's finding at one facility."""

    model_config = ConfigDict(frozen=True)

    criterion: str = Field(min_length=1, max_length=NAME_LENGTH, description="criterion reference, e.g. '5.1'")
    facility_id: str = Field(min_length=1, max_length=NAME_LENGTH)
    kind: FindingKind
    note: Note = ""


class FindingSummary(BaseModel):
    """What the findings add up to. An NC at one facility counts for the whole scope,
    so NCs are counted per criterion, not per facility."""

    model_config = ConfigDict(frozen=True)

    major_criteria: tuple[str, ...]
    minor_criteria: tuple[str, ...]
    critical_breach: bool

    @property
    def majors(self) -> int:
        return len(self.major_criteria)

    @classmethod
    def of(cls, findings: tuple[Finding, ...]) -> "FindingSummary":
        def criteria(kind: FindingKind) -> tuple[str, ...]:
            return tuple(sorted({f.criterion for f in findings if f.kind == kind}))

        majors = criteria(FindingKind.MAJOR_NC)
        minors = tuple(c for c in criteria(FindingKind.MINOR_NC) if c not in majors)
        critical = any(f.kind == FindingKind.CRITICAL_BREACH for f in findings)
        return cls(major_criteria=majors, minor_criteria=minors, critical_breach=critical)


class Audit(BaseModel):
    """The audit in hand: at most one is open at a time."""

    model_config = ConfigDict(frozen=True)

    audit_id: str
    audit_type: AuditType
    status: AuditStatus
    starts_on: date
    ends_on: date
    lead_auditor: str
    findings: tuple[Finding, ...] = ()
    on_site_ended_on: date | None = None
    return_reason: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status != AuditStatus.CLOSED
