"""Commands: what members, auditors, the Secretariat and the system ask a certification to do.

Each carries its actor; malformed input (a blank reason, a bad country code) fails validation
before the domain sees it.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.actors import Actor
from domain.audits import AuditType, Finding
from domain.documents import DocumentKind, Filename, Sha256
from domain.firms import AuditFirm
from domain.limits import (
    COMMAND_BYTES,
    EXTERNAL_CERTIFICATIONS,
    FACILITIES,
    FINDINGS_PER_COMMAND,
    CalendarDate,
    Identifier,
    Text,
)
from domain.materials import MaterialCategory, MaterialFlow
from domain.scope import ExternalCertification, Facility, StandardRef
from domain.text import check_storable

Reason = Text


class _Command(BaseModel):
    model_config = ConfigDict(frozen=True)

    actor: Actor

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, data: object) -> object:
        # Refused here, named, rather than failing (and retrying) when the event is appended.
        return check_storable(data)

    @model_validator(mode="after")
    def _fits_a_payload(self) -> "_Command":
        # Each field is bounded, but together they could still outgrow what Temporal carries.
        size = len(self.model_dump_json())
        if size > COMMAND_BYTES:
            raise ValueError(f"the command takes {size:,} bytes encoded; at most {COMMAND_BYTES:,} are accepted")
        return self


class Apply(_Command):
    type: Literal["apply"] = "apply"
    member_id: Identifier
    member_name: Identifier
    entity_name: Identifier
    standard: StandardRef
    facilities: tuple[Facility, ...] = Field(min_length=1, max_length=FACILITIES)
    external_certifications: tuple[ExternalCertification, ...] = Field(default=(), max_length=EXTERNAL_CERTIFICATIONS)

    @model_validator(mode="after")
    def _facility_ids_unique(self) -> "Apply":
        ids = [f.facility_id for f in self.facilities]
        if len(ids) != len(set(ids)):
            raise ValueError("facility ids must be unique")
        return self


class AcceptApplication(_Command):
    type: Literal["accept-application"] = "accept-application"


class RejectApplication(_Command):
    type: Literal["reject-application"] = "reject-application"
    reason: Reason


class SubmitSelfAssessment(_Command):
    type: Literal["submit-self-assessment"] = "submit-self-assessment"
    summary: Reason


class AssignAuditFirm(_Command):
    type: Literal["assign-audit-firm"] = "assign-audit-firm"
    firm: AuditFirm


class PlanAudit(_Command):
    type: Literal["plan-audit"] = "plan-audit"
    audit_id: Identifier
    audit_type: AuditType
    starts_on: CalendarDate
    ends_on: CalendarDate
    lead_auditor: Identifier

    @model_validator(mode="after")
    def _ends_after_start(self) -> "PlanAudit":
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        return self


class StartAudit(_Command):
    type: Literal["start-audit"] = "start-audit"
    audit_id: Identifier


class RecordFindings(_Command):
    type: Literal["record-findings"] = "record-findings"
    audit_id: Identifier
    findings: tuple[Finding, ...] = Field(min_length=1, max_length=FINDINGS_PER_COMMAND)


class SubmitReport(_Command):
    type: Literal["submit-report"] = "submit-report"
    audit_id: Identifier
    on_site_ended_on: CalendarDate
    summary: Reason


class AcceptReport(_Command):
    type: Literal["accept-report"] = "accept-report"
    audit_id: Identifier


class ReturnReport(_Command):
    type: Literal["return-report"] = "return-report"
    audit_id: Identifier
    reason: Reason


class AttachDocument(_Command):
    """The content is already in the document store under `sha256`; the event names it."""

    type: Literal["attach-document"] = "attach-document"
    audit_id: Identifier
    kind: DocumentKind
    sha256: Sha256
    filename: Filename
    size_bytes: int = Field(gt=0, lt=2**63)
    media_type: Literal["application/pdf"] = "application/pdf"


class SubmitCorrectiveActionPlan(_Command):
    type: Literal["submit-cap"] = "submit-cap"
    nc_id: Identifier
    plan: Reason


class CloseNonConformity(_Command):
    type: Literal["close-nc"] = "close-nc"
    nc_id: Identifier
    verification: Reason


class Suspend(_Command):
    type: Literal["suspend"] = "suspend"
    reason: Reason


class Reinstate(_Command):
    type: Literal["reinstate"] = "reinstate"
    reason: Reason


class Withdraw(_Command):
    type: Literal["withdraw"] = "withdraw"
    reason: Reason


class ReportMaterialFlow(_Command):
    type: Literal["report-material-flow"] = "report-material-flow"
    year: int = Field(ge=2000, le=2200)
    flows: tuple[MaterialFlow, ...] = Field(min_length=1, max_length=len(MaterialCategory))

    @model_validator(mode="after")
    def _categories_unique(self) -> "ReportMaterialFlow":
        categories = [f.category for f in self.flows]
        if len(categories) != len(set(categories)):
            raise ValueError("each material category is reported once")
        return self


class ExtendDeadline(_Command):
    type: Literal["extend-deadline"] = "extend-deadline"
    deadline_id: Identifier
    new_due: CalendarDate
    reason: Reason


class RecordMissedDeadline(_Command):
    """Given by the workflow's own timer, never by a person."""

    type: Literal["record-missed-deadline"] = "record-missed-deadline"
    deadline_id: Identifier


Command = Annotated[
    Apply
    | AcceptApplication
    | RejectApplication
    | SubmitSelfAssessment
    | AssignAuditFirm
    | PlanAudit
    | StartAudit
    | RecordFindings
    | SubmitReport
    | AcceptReport
    | ReturnReport
    | AttachDocument
    | SubmitCorrectiveActionPlan
    | CloseNonConformity
    | Suspend
    | Reinstate
    | Withdraw
    | ReportMaterialFlow
    | ExtendDeadline
    | RecordMissedDeadline,
    Field(discriminator="type"),
]
