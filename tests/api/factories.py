"""Scripted read-model rows, inserted through projections.tables. Each `Programme` writes
under a standard code of its own, so a test sees only its rows (filter by `standard=`) even
when other tests fill the same database; `remove()` takes them away again."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from projections.tables import (
    READ_MODELS,
    audits,
    certifications,
    deadlines,
    documents,
    material_flows,
    nonconformities,
    timeline,
)

TODAY = date(2031, 3, 14)
"""The app under test is pinned to this day (see conftest), so dates here are exact."""


def days(n: int) -> date:
    """The day n days from TODAY (negative: before)."""
    return TODAY + timedelta(days=n)


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def facility(name: str, country: str, *activities: str) -> dict[str, Any]:
    return {
        "facility_id": f"fac-{uuid.uuid4().hex[:6]}",
        "name": name,
        "country": country,
        "activities": list(activities or ("casting",)),
    }


NOT_CERTIFIED: dict[str, Any] = {
    "phase": "in-certification",
    "certificate_kind": None,
    "certificate_status": None,
    "valid_from": None,
    "valid_until": None,
    "first_certified_on": None,
}


@dataclass
class Programme:
    engine: AsyncEngine
    standard: str = field(default_factory=lambda: f"STD-{uuid.uuid4().hex[:8].upper()}")
    ids: list[str] = field(default_factory=list)

    async def certification(self, entity_name: str, **fields: Any) -> str:
        """A certified entity (full, active) unless `fields` say otherwise."""
        number = len(self.ids) + 1
        certification_id = str(fields.pop("certification_id", f"{self.standard.lower()}-{number}"))
        facilities = fields.pop("facilities", [facility(f"{entity_name} plant", "DE")])
        row = {
            "certification_id": certification_id,
            "version": 7,
            "member_id": f"{self.standard.lower()}-member-{number}",
            "member_name": f"{entity_name} Group",
            "entity_name": entity_name,
            "standard_code": self.standard,
            "standard_version": "V3",
            "policy_id": "asi",
            "phase": "certified",
            "certificate_kind": "full",
            "certificate_status": "active",
            "valid_from": days(-400),
            "valid_until": days(700),
            "facilities": facilities,
            "countries": sorted({f["country"] for f in facilities}),
            "activities": sorted({a for f in facilities for a in f["activities"]}),
            "external_certifications": 0,
            "audit_firm_id": None,
            "audit_firm_name": None,
            "lead_auditor": None,
            "current_audit_id": None,
            "current_audit_status": None,
            "next_audit_type": "surveillance",
            "next_audit_due": days(150),
            "open_majors": 0,
            "open_minors": 0,
            "applied_on": days(-600),
            "first_certified_on": days(-400),
            "last_event_type": "CertificateGranted",
            "last_changed_at": at(days(-400)),
        } | fields
        await self._insert(certifications, row)
        self.ids.append(certification_id)
        return certification_id

    async def deadline(self, certification_id: str, kind: str, due: date, **fields: Any) -> str:
        deadline_id = str(fields.pop("deadline_id", f"{kind}-{uuid.uuid4().hex[:6]}"))
        row = {
            "certification_id": certification_id,
            "deadline_id": deadline_id,
            "kind": kind,
            "due": due,
            "opens": None,
            "owner": "member",
            "owner_organisation_id": "member-org",
            "subject": None,
        } | fields
        await self._insert(deadlines, row)
        return deadline_id

    async def audit(self, certification_id: str, audit_type: str, starts_on: date, **fields: Any) -> str:
        audit_id = str(fields.pop("audit_id", f"audit-{uuid.uuid4().hex[:6]}"))
        row = {
            "certification_id": certification_id,
            "audit_id": audit_id,
            "audit_type": audit_type,
            "status": "closed",
            "starts_on": starts_on,
            "ends_on": starts_on + timedelta(days=3),
            "lead_auditor": "auditor-ada",
            "audit_firm_id": None,
            "report_submitted_at": None,
            "decided_at": None,
            "major_ncs": None,
            "minor_ncs": None,
        } | fields
        await self._insert(audits, row)
        return audit_id

    async def nonconformity(self, certification_id: str, criterion: str, severity: str, **fields: Any) -> None:
        row = {
            "certification_id": certification_id,
            "nc_id": f"nc-{uuid.uuid4().hex[:6]}",
            "audit_id": "audit-1",
            "criterion": criterion,
            "severity": severity,
            "raised_on": days(-100),
            "cap_submitted_on": None,
            "closed_on": None,
        } | fields
        await self._insert(nonconformities, row)

    async def event(self, certification_id: str, version: int, event_type: str, summary: str, **fields: Any) -> None:
        row = {
            "certification_id": certification_id,
            "version": version,
            "occurred_at": at(days(-500 + version)),
            "event_type": event_type,
            "actor_user_id": "user-sam",
            "actor_organisation_id": "secretariat",
            "actor_role": "secretariat",
            "summary": summary,
            "reason": None,
        } | fields
        await self._insert(timeline, row)

    async def material_flow(
        self, certification_id: str, year: int, category: str, tonnes_in: str, tonnes_out: str, **fields: Any
    ) -> None:
        """A reported year's figures for one category, by the certification's member."""
        async with self.engine.connect() as conn:
            member_id = await conn.scalar(
                select(certifications.c.member_id).where(certifications.c.certification_id == certification_id)
            )
        row = {
            "certification_id": certification_id,
            "member_id": member_id,
            "year": year,
            "category": category,
            "tonnes_in": Decimal(tonnes_in),
            "tonnes_out": Decimal(tonnes_out),
            "reported_at": at(days(-30)),
        } | fields
        await self._insert(material_flows, row)

    async def document(self, certification_id: str, audit_id: str, kind: str, sha256: str, **fields: Any) -> None:
        """An attached document's row (its bytes belong in the document store)."""
        row = {
            "certification_id": certification_id,
            "audit_id": audit_id,
            "kind": kind,
            "sha256": sha256,
            "filename": f"{audit_id}-{kind}.pdf",
            "size_bytes": 100,
            "media_type": "application/pdf",
            "attached_at": at(days(-10)),
            "attached_by_user": "arno",
            "attached_by_organisation": "firm-a",
        } | fields
        await self._insert(documents, row)

    async def remove(self) -> None:
        async with self.engine.begin() as conn:
            for table in READ_MODELS.values():
                await conn.execute(delete(table).where(table.c.certification_id.in_(self.ids)))

    async def _insert(self, table: Any, row: dict[str, Any]) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(insert(table), [row])
