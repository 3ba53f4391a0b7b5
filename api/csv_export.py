"""Certifications as CSV for analysis, streamed from a server-side cursor so an export of the
whole programme never sits in memory."""

import csv
import io
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncEngine

COLUMNS = (
    "certification_id",
    "member_id",
    "member_name",
    "entity_name",
    "standard_code",
    "standard_version",
    "phase",
    "certificate_kind",
    "certificate_status",
    "valid_from",
    "valid_until",
    "countries",
    "activities",
    "external_certifications",
    "audit_firm_id",
    "audit_firm_name",
    "next_audit_type",
    "next_audit_due",
    "next_deadline_due",
    "open_majors",
    "open_minors",
    "applied_on",
    "first_certified_on",
)
BATCH = 500
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str | int:
    """One value as a spreadsheet reads it safely: lists joined by ';', and text that a
    spreadsheet would run as a formula (member-supplied names) prefixed with a quote."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = ";".join(str(v) for v in value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, int):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _lines(rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


async def certifications_csv(engine: AsyncEngine, query: Select[Any]) -> AsyncIterator[str]:
    yield _lines([COLUMNS])
    async with engine.connect() as conn:
        result = await conn.stream(query.execution_options(yield_per=BATCH))
        async for batch in result.mappings().partitions(BATCH):
            yield _lines([cell(row[c]) for c in COLUMNS] for row in batch)
