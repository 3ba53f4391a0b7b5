"""The Secretariat's work lists: open deadlines and reports awaiting review."""

from datetime import datetime

from pydantic import BaseModel

from api.models.certifications import OpenDeadline


class DeadlineItem(OpenDeadline):
    """An open deadline in the Secretariat's list: which certification it belongs to."""

    certification_id: str
    entity_name: str | None
    standard_code: str | None
    days_left: int
    """Negative when overdue."""


class DeadlinePage(BaseModel):
    items: list[DeadlineItem]
    next_cursor: str | None


class ReviewItem(BaseModel):
    certification_id: str
    entity_name: str | None
    standard_code: str | None
    audit_firm_name: str | None
    audit_id: str
    audit_type: str
    lead_auditor: str
    report_submitted_at: datetime | None
    age_days: int | None
    """Whole days since the report was submitted."""


class ReviewQueue(BaseModel):
    items: list[ReviewItem]
    """Oldest report first."""
