"""From read-model rows to response models; shared by the JSON API and the dashboard."""

from collections.abc import Callable
from datetime import UTC, date
from typing import Any

from sqlalchemy import RowMapping

from api.models.certifications import (
    AuditRecord,
    CertificationDetail,
    CertificationSummary,
    Facility,
    NonConformity,
    OpenDeadline,
    TimelineEntry,
)
from api.models.documents import PublicSummaryReport
from api.models.oversight import DeadlineItem, ReviewItem
from api.models.register import PublicFacility, RegisterEntry


def _overdue(due: date | None, today: date) -> bool:
    return due is not None and due < today


def summary(row: RowMapping, today: date) -> CertificationSummary:
    return CertificationSummary.model_validate({**row, "overdue": _overdue(row["next_deadline_due"], today)})


def detail(
    row: RowMapping,
    today: date,
    deadlines: list[RowMapping],
    audits: list[RowMapping],
    nonconformities: list[RowMapping],
    timeline: list[RowMapping],
) -> CertificationDetail:
    return CertificationDetail.model_validate(
        {
            **row,
            "overdue": _overdue(row["next_deadline_due"], today),
            "facilities": [Facility.model_validate(f) for f in row["facilities"]],
            "deadlines": [OpenDeadline.model_validate(_with_overdue(d, today)) for d in deadlines],
            "audits": [AuditRecord.model_validate(dict(a)) for a in audits],
            "nonconformities": [NonConformity.model_validate(dict(n)) for n in nonconformities],
            "timeline": [TimelineEntry.model_validate(dict(t)) for t in timeline],
        }
    )


def _with_overdue(row: RowMapping, today: date) -> dict[str, Any]:
    return {**row, "overdue": row["due"] < today}


def deadline(row: RowMapping, today: date) -> DeadlineItem:
    return DeadlineItem.model_validate({**_with_overdue(row, today), "days_left": (row["due"] - today).days})


def review(row: RowMapping, today: date) -> ReviewItem:
    submitted = row["report_submitted_at"]
    age = (today - submitted.astimezone(UTC).date()).days if submitted is not None else None
    return ReviewItem.model_validate({**row, "age_days": age})


def register_entries(
    rows: list[RowMapping], summaries: dict[str, list[RowMapping]], link: Callable[[str, str], str]
) -> list[RegisterEntry]:
    """The register's rows with their public summary reports; `link(certification_id, sha256)`
    is a report's download address."""
    return [
        register_entry(
            row,
            [
                PublicSummaryReport.model_validate({**s, "url": link(s["certification_id"], s["sha256"])})
                for s in summaries.get(row["certification_id"], [])
            ],
        )
        for row in rows
    ]


def register_entry(row: RowMapping, summary_reports: list[PublicSummaryReport]) -> RegisterEntry:
    # Build the public facility from named fields only: facility ids stay internal.
    facilities = [_public_facility(f) for f in row["facilities"]]
    return RegisterEntry.model_validate({**row, "facilities": facilities, "summary_reports": summary_reports})


def _public_facility(facility: dict[str, Any]) -> PublicFacility:
    return PublicFacility(name=facility["name"], country=facility["country"], activities=facility["activities"])
