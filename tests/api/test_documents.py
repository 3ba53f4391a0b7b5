"""Audit documents over HTTP: the assigned firm uploads PDFs (checked, size-limited, stored
under their SHA-256), those who see the certification download them, and the public
downloads summary reports of certified entities from the register."""

import hashlib
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from domain import commands as cmd
from domain.audits import AuditType
from projections.projector import Projector
from tests.api.journey import Journey
from tests.api.serving import served
from tests.scenario import EPOCH, MEMBER, OTHER_MEMBER, SECRETARIAT, findings, pdf
from workflows.client import CertificationClient


async def test_the_assigned_firm_uploads_the_audit_report_and_the_member_downloads_it(
    journey: Journey, engine: AsyncEngine
) -> None:
    await journey.admit()
    audit_id = await journey.report(AuditType.CERTIFICATION, EPOCH, findings())
    content = pdf("the full report")
    uploaded = await journey.upload(audit_id, "audit-report", content, filename="Rapport d’audit.pdf")

    assert uploaded.status_code == 201, uploaded.text
    assert [e["type"] for e in uploaded.json()["events"]] == ["DocumentAttached"]
    assert uploaded.json()["events"][0]["sha256"] == hashlib.sha256(content).hexdigest()
    await Projector(engine).catch_up()
    listed = await journey.http.get(
        f"/api/v1/certifications/{journey.certification_id}/documents", headers=journey.people.bearer(MEMBER)
    )
    [entry] = listed.json()["items"]
    assert (entry["kind"], entry["filename"], entry["size_bytes"]) == (
        "audit-report",
        "Rapport d’audit.pdf",
        len(content),
    )
    downloaded = await journey.http.get(entry["url"], headers=journey.people.bearer(MEMBER))
    assert downloaded.status_code == 200 and downloaded.content == content
    assert downloaded.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''Rapport%20d%E2%80%99audit.pdf" in downloaded.headers["content-disposition"]
    assert uploaded.headers["Location"] == entry["url"]
    assert (await journey.http.get(entry["url"], headers=journey.people.bearer(OTHER_MEMBER))).status_code == 404
    assert (await journey.http.get(entry["url"])).status_code == 401


async def test_a_file_that_is_not_a_pdf_is_422_naming_the_file_and_records_nothing(journey: Journey) -> None:
    await journey.admit()
    audit_id = await journey.report(AuditType.CERTIFICATION, EPOCH, findings())
    before = await journey.stored()
    refused = await journey.upload(audit_id, "audit-report", b"MZ\x90\x00 not a pdf")
    empty = await journey.upload(audit_id, "audit-report", b"")
    bad_kind = await journey.upload(audit_id, "minutes", pdf())

    assert refused.status_code == 422 and refused.json()["detail"].startswith("file: is not a PDF")
    assert empty.status_code == 422 and "file: is empty" in empty.json()["detail"]
    assert bad_kind.status_code == 422 and bad_kind.json()["detail"][0]["loc"] == ["body", "kind"]
    assert await journey.stored() == before


async def test_only_the_assigned_firm_attaches_documents(journey: Journey) -> None:
    await journey.admit()
    audit_id = await journey.report(AuditType.CERTIFICATION, EPOCH, findings())
    by_member = await journey.upload(audit_id, "audit-report", pdf(), actor=MEMBER)
    by_other = await journey.upload(audit_id, "audit-report", pdf(), actor=OTHER_MEMBER)

    assert (by_member.status_code, by_member.json()["rule"]) == (403, "access.role")
    assert by_other.status_code == 404


async def test_an_attached_document_is_refused_a_second_time_naming_the_rule(journey: Journey) -> None:
    await journey.admit()
    audit_id = await journey.report(AuditType.CERTIFICATION, EPOCH, findings())
    first = await journey.upload(audit_id, "audit-report", pdf("once"))
    again = await journey.upload(audit_id, "audit-report", pdf("once"))

    assert (first.status_code, again.status_code, again.json()["rule"]) == (201, 409, "document.once")


@pytest.fixture
async def small_uploads(engine: AsyncEngine, certifications: CertificationClient) -> AsyncIterator[httpx.AsyncClient]:
    """The API with a 1 KiB document limit."""
    app = create_app(engine, commands_client=certifications, max_document_bytes=1024)
    async with served(app, client_timeout=30) as client:
        yield client


async def test_a_file_over_the_size_limit_is_413_and_records_nothing(
    journey: Journey, small_uploads: httpx.AsyncClient
) -> None:
    await journey.admit()
    audit_id = await journey.report(AuditType.CERTIFICATION, EPOCH, findings())
    before = await journey.stored()
    journey.http = small_uploads
    too_big = await journey.upload(audit_id, "audit-report", pdf("x" * 2000))
    fits = await journey.upload(audit_id, "audit-report", pdf("small"))

    assert too_big.status_code == 413 and "over the limit of 1,024 bytes" in too_big.json()["detail"]
    assert fits.status_code == 201
    assert len(await journey.stored()) == len(before) + 1


async def test_a_certified_entitys_public_summary_is_downloadable_from_the_register(
    journey: Journey, engine: AsyncEngine
) -> None:
    await journey.admit()
    audit_id = await journey.report(AuditType.CERTIFICATION, EPOCH, findings())
    summary, report = pdf("public summary"), pdf("confidential report")
    await journey.upload(audit_id, "public-summary", summary, filename="summary.pdf")
    await journey.upload(audit_id, "audit-report", report, filename="report.pdf")
    await journey.send(cmd.AcceptReport(actor=SECRETARIAT, audit_id=audit_id))
    await Projector(engine).catch_up()

    register = await journey.http.get("/api/v1/register", params={"limit": 500})
    [entry] = [e for e in register.json()["items"] if e["certification_id"] == journey.certification_id]
    [published] = entry["summary_reports"]
    assert (published["filename"], published["audit_id"]) == ("summary.pdf", audit_id)
    downloaded = await journey.http.get(published["url"])
    assert downloaded.status_code == 200 and downloaded.content == summary
    report_sha = hashlib.sha256(report).hexdigest()
    secret = await journey.http.get(f"/api/v1/register/{journey.certification_id}/summary-reports/{report_sha}")
    assert secret.status_code == 404
