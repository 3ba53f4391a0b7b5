"""Programme figures, like ASI's outcomes dashboard: for the Secretariat, unabridged."""

from pydantic import BaseModel


class CertificateCount(BaseModel):
    standard_code: str
    certificate_status: str
    certificates: int


class CountryCount(BaseModel):
    country: str
    facilities: int
    entities: int
    members: int


class AuditFirmReach(BaseModel):
    audit_firm_id: str
    audit_firm_name: str | None
    certifications: int
    countries: list[str]


class AuditsInMonth(BaseModel):
    month: str
    """YYYY-MM of the audit's start."""
    audit_type: str
    audits: int


class CriterionCount(BaseModel):
    criterion: str
    major: int
    minor: int
    open: int


class SurveyResponses(BaseModel):
    """The certification survey in one scheme: invitations sent, responses, their rate."""

    standard_code: str
    sent: int
    completed: int
    response_rate: float | None
    """completed / sent; None before any was sent."""


class ProgrammeMetrics(BaseModel):
    members: int
    """Members with at least one certification."""
    certifications: int
    certified: int
    """Certifications with a live (active or suspended) certificate."""
    certificates: list[CertificateCount]
    countries: list[CountryCount]
    """Countries with facilities under a live certificate."""
    leveraging_external: int
    leveraging_external_share: float | None
    """Of the certified: the share leveraging at least one external certification."""
    audit_firms: list[AuditFirmReach]
    audits_per_month: list[AuditsInMonth]
    median_days_to_certification: float | None
    """From application to first certificate, over the certified so far."""
    nonconformities: list[CriterionCount]
    surveys: list[SurveyResponses] = []
    """Per standard with surveys sent."""
