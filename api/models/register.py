"""The public register: certified entities and public aggregates. Only what a certificate
holder publishes; nothing of members' internal work (deadlines, NCs, auditors, ids)."""

from datetime import date

from pydantic import BaseModel

from api.models.documents import PublicSummaryReport


class PublicFacility(BaseModel):
    name: str
    country: str
    activities: list[str]


class RegisterEntry(BaseModel):
    certification_id: str
    entity_name: str
    member_name: str
    standard_code: str
    standard_version: str
    certificate_kind: str
    certificate_status: str
    valid_from: date | None
    valid_until: date | None
    facilities: list[PublicFacility]
    countries: list[str]
    next_audit_type: str | None
    next_audit_due: date | None
    summary_reports: list[PublicSummaryReport] = []


class RegisterPage(BaseModel):
    items: list[RegisterEntry]
    next_cursor: str | None


class PublicCertificateCount(BaseModel):
    standard_code: str
    certificate_status: str
    certificates: int


class PublicCountry(BaseModel):
    country: str
    entities: int
    facilities: int


class RegisterSummary(BaseModel):
    certified_entities: int
    certificates: list[PublicCertificateCount]
    countries: list[PublicCountry]
    """Only countries where at least `public_threshold` distinct members hold certificates."""
    public_threshold: int
