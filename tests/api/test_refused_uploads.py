"""An upload whose command is refused leaves nothing stored: its bytes go with the refusal.
A document some command attached stays, however often the same bytes are refused later."""

import hashlib
import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from documents.store import DocumentStore
from documents.tables import documents
from domain.audits import AuditType
from projections.projector import Projector
from tests.api.journey import Journey
from tests.api.projected import projected
from tests.scenario import AUDITOR, EPOCH, findings, pdf


async def _stored(engine: AsyncEngine, content: bytes) -> int:
    async with engine.connect() as conn:
        return (
            await conn.scalar(select(func.count()).where(documents.c.sha256 == hashlib.sha256(content).hexdigest()))
            or 0
        )


async def test_an_upload_to_an_audit_that_does_not_exist_leaves_no_stored_document(
    journey: Journey, engine: AsyncEngine
) -> None:
    await journey.admit()
    content = pdf(f"a large report {uuid.uuid4()}") + b"0" * (5 * 1024 * 1024)
    refused = await journey.upload("A-nowhere", "audit-report", content)

    assert refused.status_code == 409, refused.text
    assert await _stored(engine, content) == 0


async def test_an_attached_document_stays_when_the_same_bytes_are_refused_again(
    journey: Journey, engine: AsyncEngine
) -> None:
    await journey.admit()
    audit_id = await journey.report(AuditType.CERTIFICATION, EPOCH, findings())
    content = pdf(f"the report {uuid.uuid4()}")
    first = await journey.upload(audit_id, "audit-report", content)
    again = await journey.upload(audit_id, "audit-report", content)
    elsewhere = await journey.upload("A-nowhere", "audit-report", content)

    assert (first.status_code, again.status_code, elsewhere.status_code) == (201, 409, 409)
    assert await _stored(engine, content) == 1
    kept = await DocumentStore(engine).get(hashlib.sha256(content).hexdigest())
    assert kept is not None and kept[1] == content


async def test_an_upload_refused_through_the_worklist_form_leaves_no_stored_document(
    journey: Journey, engine: AsyncEngine, projector: Projector
) -> None:
    await journey.admit()
    await projected(engine, journey)  # the refusal is shown on the audit's page, read from the read models
    content = pdf(f"a form's report {uuid.uuid4()}")
    refused = await journey.http.post(
        f"/worklist/{journey.certification_id}/attach-document",
        data={"audit_id": "A-nowhere", "kind": "audit-report"},
        files={"file": ("report.pdf", content, "application/pdf")},
        headers=journey.people.bearer(AUDITOR),
    )

    assert refused.status_code == 409, refused.text
    assert await _stored(engine, content) == 0
