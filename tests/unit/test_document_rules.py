"""Audit documents: the assigned firm attaches an audit's report until the Secretariat accepts
it, and its public summary once the report is submitted, each document once."""

from datetime import date

import pytest
from pydantic import ValidationError

from domain import commands as cmd
from domain.audits import AuditType
from domain.documents import AttachedDocument, DocumentKind
from domain.errors import NotPermitted, RuleViolation
from tests.scenario import AUDITOR, EPOCH, MEMBER, OTHER_AUDITOR, SECRETARIAT, Story, findings, pdf

REPORT, SUMMARY = DocumentKind.AUDIT_REPORT, DocumentKind.PUBLIC_SUMMARY


async def started(story: Story) -> str:
    """An admitted certification whose initial audit is on site."""
    await story.admit()
    audit_id = await story.plan(AuditType.CERTIFICATION, EPOCH)
    await story.send(cmd.StartAudit(actor=AUDITOR, audit_id=audit_id))
    return audit_id


async def test_an_auditor_attaches_the_report_of_an_audit_on_site(story: Story) -> None:
    audit_id = await started(story)
    command = story.attach_command(audit_id, REPORT, pdf("draft report"))
    [attached] = await story.send(command)
    assert attached.type == "DocumentAttached"
    assert (
        attached.audit_id,
        attached.kind,
        attached.sha256,
        attached.filename,
        attached.size_bytes,
        attached.media_type,
    ) == (audit_id, REPORT, command.sha256, "A1-audit-report.pdf", command.size_bytes, "application/pdf")
    assert (await story.state()).documents == (AttachedDocument(audit_id=audit_id, kind=REPORT, sha256=command.sha256),)


async def test_an_auditor_of_another_firm_may_not_attach_a_report(story: Story) -> None:
    audit_id = await started(story)
    with pytest.raises(NotPermitted, match=r"access.assigned-firm: only auditors of the assigned firm \(firm-a\)"):
        await story.send(story.attach_command(audit_id, actor=OTHER_AUDITOR))


async def test_a_member_may_not_attach_an_audit_document(story: Story) -> None:
    audit_id = await started(story)
    with pytest.raises(NotPermitted, match="access.role: a member may not attach an audit document"):
        await story.send(story.attach_command(audit_id, actor=MEMBER))


async def test_a_document_belongs_to_an_audit_of_the_certification(story: Story) -> None:
    await started(story)
    with pytest.raises(RuleViolation, match="document.audit-known: audit A9 is not an audit of this certification"):
        await story.attach("A9")


async def test_a_planned_audit_takes_no_documents_before_it_starts(story: Story) -> None:
    await story.admit()
    audit_id = await story.plan(AuditType.CERTIFICATION, date(2040, 3, 1))
    with pytest.raises(RuleViolation, match="document.audit-started: audit A1 has not started"):
        await story.attach(audit_id)


async def test_the_audit_report_can_be_attached_until_the_secretariat_accepts_it(story: Story) -> None:
    await story.admit()
    audit_id = await story.report(AuditType.CERTIFICATION, EPOCH)
    await story.attach(audit_id, REPORT, pdf("report under review"))
    await story.send(cmd.AcceptReport(actor=SECRETARIAT, audit_id=audit_id))
    with pytest.raises(RuleViolation, match="document.report-open: the report of audit A1 is accepted"):
        await story.attach(audit_id, REPORT, pdf("a late correction"))


async def test_a_public_summary_follows_the_submitted_report(story: Story) -> None:
    audit_id = await started(story)
    with pytest.raises(RuleViolation, match="document.report-submitted: audit A1 is in-progress"):
        await story.attach(audit_id, SUMMARY)
    await story.send(cmd.RecordFindings(actor=AUDITOR, audit_id=audit_id, findings=findings()))
    await story.on(date(2040, 1, 11))
    await story.send(
        cmd.SubmitReport(actor=AUDITOR, audit_id=audit_id, on_site_ended_on=date(2040, 1, 4), summary="report")
    )
    [attached] = await story.attach(audit_id, SUMMARY)
    assert attached.kind == SUMMARY


async def test_a_past_audit_takes_a_public_summary_but_no_new_report(story: Story) -> None:
    await story.admit()
    await story.audit(AuditType.CERTIFICATION, EPOCH)
    await story.on(date(2041, 5, 1))
    await story.plan(AuditType.SURVEILLANCE, date(2041, 5, 1))
    [attached] = await story.attach("A1", SUMMARY)
    assert attached.audit_id == "A1"
    with pytest.raises(RuleViolation, match="document.report-open"):
        await story.attach("A1", REPORT)


async def test_a_document_is_attached_to_an_audit_once(story: Story) -> None:
    audit_id = await started(story)
    await story.attach(audit_id, REPORT, pdf("v1"))
    with pytest.raises(RuleViolation, match="document.once: this audit-report .* is already attached to audit A1"):
        await story.attach(audit_id, REPORT, pdf("v1"))
    [revised] = await story.attach(audit_id, REPORT, pdf("v2"))
    assert revised.filename == "A1-audit-report.pdf"
    assert len((await story.state()).documents) == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sha256", "A" * 64),
        ("sha256", "a" * 63),
        ("filename", "../../etc/passwd"),
        ("filename", "dir\\report.pdf"),
        ("filename", ".."),
        ("filename", "x" * 201),
        ("size_bytes", 0),
        ("media_type", "image/png"),
    ],
)
def test_an_attached_document_is_named_by_its_digest_and_a_plain_file_name(field: str, value: object) -> None:
    valid = {
        "actor": AUDITOR,
        "audit_id": "A1",
        "kind": REPORT,
        "sha256": "a" * 64,
        "filename": "report.pdf",
        "size_bytes": 1,
    }
    cmd.AttachDocument(**valid)
    with pytest.raises(ValidationError, match=field):
        cmd.AttachDocument(**{**valid, field: value})
