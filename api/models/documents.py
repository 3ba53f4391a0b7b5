"""Audit documents as the API lists them; the public register shows only summary reports."""

from datetime import datetime

from pydantic import BaseModel


class DocumentEntry(BaseModel):
    audit_id: str
    kind: str
    sha256: str
    filename: str
    size_bytes: int
    media_type: str
    attached_at: datetime
    attached_by_user: str
    attached_by_organisation: str
    url: str


class DocumentList(BaseModel):
    items: list[DocumentEntry]


class PublicSummaryReport(BaseModel):
    """A public summary audit report, as the register offers it for download."""

    audit_id: str
    filename: str
    size_bytes: int
    attached_at: datetime
    url: str
