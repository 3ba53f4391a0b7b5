"""A certification's state: everything its events add up to."""

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from domain.audits import Audit
from domain.certificates import Certificate, CertificateStatus, Validity
from domain.deadlines import Deadline
from domain.documents import AttachedDocument
from domain.nonconformities import NonConformity, Severity
from domain.scope import ExternalCertification, Facility, StandardRef


class Phase(StrEnum):
    NEW = "new"
    APPLIED = "applied"
    APPLICATION_REJECTED = "application-rejected"
    IN_CERTIFICATION = "in-certification"
    CERTIFIED = "certified"
    REFUSED = "refused"
    ENDED = "ended"


TERMINAL_PHASES = frozenset({Phase.APPLICATION_REJECTED, Phase.REFUSED, Phase.ENDED})


class FirmRef(BaseModel):
    model_config = ConfigDict(frozen=True)

    firm_id: str
    name: str


class CertificationState(BaseModel):
    model_config = ConfigDict(frozen=True)

    certification_id: str
    version: int = 0
    phase: Phase = Phase.NEW
    policy_id: str | None = None
    member_id: str | None = None
    member_name: str | None = None
    entity_name: str | None = None
    standard: StandardRef | None = None
    facilities: tuple[Facility, ...] = ()
    external_certifications: tuple[ExternalCertification, ...] = ()
    applied_on: date | None = None
    self_assessment_submitted: bool = False
    audit_firm: FirmRef | None = None
    audit: Audit | None = None
    past_audit_ids: tuple[str, ...] = ()
    certificate: Certificate | None = None
    granted_validities: tuple[Validity, ...] = ()
    """Every certificate granted, in order: which years the entity held one."""
    provisional_granted: bool = False
    deferred_audit_id: str | None = None
    surveillances_done: int = 0
    nonconformities: dict[str, NonConformity] = {}
    deadlines: dict[str, Deadline] = {}
    overdue: dict[str, Deadline] = {}
    """Missed but still owed (DeadlineMissed.outstanding): overdue until met. No timer waits
    on them: the miss was escalated once."""
    documents: tuple[AttachedDocument, ...] = ()
    material_flow_years: tuple[int, ...] = ()

    @property
    def is_terminal(self) -> bool:
        return self.phase in TERMINAL_PHASES

    @property
    def open_audit(self) -> Audit | None:
        return self.audit if self.audit is not None and self.audit.is_open else None

    @property
    def activities(self) -> frozenset[str]:
        return frozenset(a for f in self.facilities for a in f.activities)

    def open_majors(self, audit_id: str | None = None) -> list[NonConformity]:
        return [
            nc
            for nc in self.nonconformities.values()
            if nc.is_open and nc.severity == Severity.MAJOR and (audit_id is None or nc.audit_id == audit_id)
        ]

    def certificate_in(self, *statuses: CertificateStatus) -> bool:
        return self.certificate is not None and self.certificate.status in statuses
