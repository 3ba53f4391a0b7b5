"""The Secretariat's view of certifications: a list row, and one certification in full."""

from datetime import date, datetime

from pydantic import BaseModel


class Facility(BaseModel):
    facility_id: str
    name: str
    country: str
    activities: list[str]


class CertificationSummary(BaseModel):
    certification_id: str
    member_id: str
    member_name: str
    entity_name: str
    standard_code: str
    standard_version: str
    phase: str
    certificate_kind: str | None
    certificate_status: str | None
    valid_from: date | None
    valid_until: date | None
    countries: list[str]
    activities: list[str]
    external_certifications: int
    audit_firm_id: str | None
    audit_firm_name: str | None
    next_audit_type: str | None
    next_audit_due: date | None
    next_deadline_due: date | None
    """The earliest open deadline's due date."""
    overdue: bool
    """An open deadline is past due."""
    open_majors: int
    open_minors: int
    applied_on: date
    first_certified_on: date | None
    last_changed_at: datetime


class CertificationPage(BaseModel):
    items: list[CertificationSummary]
    next_cursor: str | None
    """Pass as `cursor` for the next page; null on the last page."""


class OpenDeadline(BaseModel):
    deadline_id: str
    kind: str
    due: date
    opens: date | None
    owner: str
    owner_organisation_id: str
    subject: str | None
    overdue: bool


class AuditRecord(BaseModel):
    audit_id: str
    audit_type: str
    status: str
    starts_on: date
    ends_on: date
    lead_auditor: str
    audit_firm_id: str | None
    report_submitted_at: datetime | None
    decided_at: datetime | None
    major_ncs: int | None
    minor_ncs: int | None


class NonConformity(BaseModel):
    nc_id: str
    audit_id: str
    criterion: str
    severity: str
    raised_on: date
    cap_submitted_on: date | None
    closed_on: date | None


class TimelineEntry(BaseModel):
    version: int
    occurred_at: datetime
    event_type: str
    actor_user_id: str
    actor_organisation_id: str
    actor_role: str
    summary: str
    reason: str | None


class CertificationDetail(CertificationSummary):
    version: int
    policy_id: str
    facilities: list[Facility]
    lead_auditor: str | None
    current_audit_id: str | None
    current_audit_status: str | None
    last_event_type: str
    deadlines: list[OpenDeadline]
    audits: list[AuditRecord]
    nonconformities: list[NonConformity]
    timeline: list[TimelineEntry]
    """Every event, oldest first."""
