"""Events: the immutable facts of a certification's life, each carrying who and when."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from domain.actors import Actor
from domain.audits import AuditType, Finding
from domain.certificates import Certificate, CertificateKind, CertificateStatus
from domain.deadlines import Deadline, DeadlineKind
from domain.documents import DocumentKind
from domain.materials import MaterialFlow
from domain.nonconformities import Severity
from domain.scope import ExternalCertification, Facility, StandardRef


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True)

    actor: Actor
    occurred_at: datetime


class ApplicationSubmitted(_Event):
    type: Literal["ApplicationSubmitted"] = "ApplicationSubmitted"
    member_id: str
    member_name: str
    entity_name: str
    standard: StandardRef
    policy_id: str
    facilities: tuple[Facility, ...]
    external_certifications: tuple[ExternalCertification, ...]


class ApplicationAccepted(_Event):
    type: Literal["ApplicationAccepted"] = "ApplicationAccepted"


class ApplicationRejected(_Event):
    type: Literal["ApplicationRejected"] = "ApplicationRejected"
    reason: str


class SelfAssessmentSubmitted(_Event):
    type: Literal["SelfAssessmentSubmitted"] = "SelfAssessmentSubmitted"
    summary: str


class AuditFirmAssigned(_Event):
    type: Literal["AuditFirmAssigned"] = "AuditFirmAssigned"
    firm_id: str
    firm_name: str


class AuditPlanned(_Event):
    type: Literal["AuditPlanned"] = "AuditPlanned"
    audit_id: str
    audit_type: AuditType
    starts_on: date
    ends_on: date
    lead_auditor: str


class AuditStarted(_Event):
    type: Literal["AuditStarted"] = "AuditStarted"
    audit_id: str


class FindingsRecorded(_Event):
    type: Literal["FindingsRecorded"] = "FindingsRecorded"
    audit_id: str
    findings: tuple[Finding, ...]


class ReportSubmitted(_Event):
    type: Literal["ReportSubmitted"] = "ReportSubmitted"
    audit_id: str
    on_site_ended_on: date
    summary: str


class ReportReturned(_Event):
    type: Literal["ReportReturned"] = "ReportReturned"
    audit_id: str
    reason: str


class ReportAccepted(_Event):
    type: Literal["ReportAccepted"] = "ReportAccepted"
    audit_id: str
    audit_type: AuditType
    major_ncs: int
    minor_ncs: int
    critical_breach: bool


class DocumentAttached(_Event):
    type: Literal["DocumentAttached"] = "DocumentAttached"
    audit_id: str
    kind: DocumentKind
    sha256: str
    filename: str
    size_bytes: int
    media_type: str


class CertificateGranted(_Event):
    type: Literal["CertificateGranted"] = "CertificateGranted"
    audit_id: str
    kind: CertificateKind
    valid_from: date
    valid_until: date
    cycle: int
    reason: str

    def certificate(self) -> Certificate:
        """The certificate this grants: active from the day it was granted."""
        return Certificate(
            kind=self.kind,
            status=CertificateStatus.ACTIVE,
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            cycle=self.cycle,
            granted_on=self.occurred_at.date(),
        )


class CertificationDeferred(_Event):
    type: Literal["CertificationDeferred"] = "CertificationDeferred"
    audit_id: str
    reason: str


class CertificationRefused(_Event):
    type: Literal["CertificationRefused"] = "CertificationRefused"
    audit_id: str
    reason: str


class NonConformityRaised(_Event):
    type: Literal["NonConformityRaised"] = "NonConformityRaised"
    nc_id: str
    audit_id: str
    criterion: str
    severity: Severity


class CorrectiveActionPlanSubmitted(_Event):
    type: Literal["CorrectiveActionPlanSubmitted"] = "CorrectiveActionPlanSubmitted"
    nc_id: str
    plan: str


class NonConformityClosed(_Event):
    type: Literal["NonConformityClosed"] = "NonConformityClosed"
    nc_id: str
    verification: str


class CertificateSuspended(_Event):
    type: Literal["CertificateSuspended"] = "CertificateSuspended"
    reason: str


class CertificateReinstated(_Event):
    type: Literal["CertificateReinstated"] = "CertificateReinstated"
    reason: str


class CertificateWithdrawn(_Event):
    type: Literal["CertificateWithdrawn"] = "CertificateWithdrawn"
    reason: str


class CertificateRevoked(_Event):
    type: Literal["CertificateRevoked"] = "CertificateRevoked"
    audit_id: str
    reason: str


class CertificateExpired(_Event):
    type: Literal["CertificateExpired"] = "CertificateExpired"
    valid_until: date
    reason: str


class MaterialFlowReported(_Event):
    type: Literal["MaterialFlowReported"] = "MaterialFlowReported"
    year: int
    flows: tuple[MaterialFlow, ...]


class DeadlineSet(_Event):
    type: Literal["DeadlineSet"] = "DeadlineSet"
    deadline: Deadline


class DeadlineMet(_Event):
    type: Literal["DeadlineMet"] = "DeadlineMet"
    deadline_id: str


class DeadlineMissed(_Event):
    type: Literal["DeadlineMissed"] = "DeadlineMissed"
    deadline_id: str
    kind: DeadlineKind
    due: date
    outstanding: bool = False
    """Still owed: the policy only escalates, so the deadline stays overdue until the step
    that meets it (False for misses recorded before this was told)."""


class DeadlineExtended(_Event):
    type: Literal["DeadlineExtended"] = "DeadlineExtended"
    deadline_id: str
    previous_due: date
    new_due: date
    reason: str


Event = Annotated[
    ApplicationSubmitted
    | ApplicationAccepted
    | ApplicationRejected
    | SelfAssessmentSubmitted
    | AuditFirmAssigned
    | AuditPlanned
    | AuditStarted
    | FindingsRecorded
    | ReportSubmitted
    | ReportReturned
    | ReportAccepted
    | DocumentAttached
    | CertificateGranted
    | CertificationDeferred
    | CertificationRefused
    | NonConformityRaised
    | CorrectiveActionPlanSubmitted
    | NonConformityClosed
    | CertificateSuspended
    | CertificateReinstated
    | CertificateWithdrawn
    | CertificateRevoked
    | CertificateExpired
    | MaterialFlowReported
    | DeadlineSet
    | DeadlineMet
    | DeadlineMissed
    | DeadlineExtended,
    Field(discriminator="type"),
]

EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
"""Parses a stored event (its JSON data) back into its model."""
