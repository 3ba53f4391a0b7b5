"""An audit's steps and their order."""

from datetime import date

import pytest

from domain import commands as cmd
from domain.audits import AuditStatus, AuditType, Finding, FindingKind
from domain.errors import NotPermitted, RuleViolation
from tests.scenario import AUDITOR, EPOCH, FIRM, MEMBER, OTHER_AUDITOR, SECRETARIAT, SMELTER, Story, findings


async def test_the_initial_audit_needs_the_self_assessment(story: Story) -> None:
    await story.on(EPOCH)
    await story.apply()
    await story.send(cmd.AcceptApplication(actor=SECRETARIAT))
    await story.send(cmd.AssignAuditFirm(actor=MEMBER, firm=FIRM))
    with pytest.raises(RuleViolation, match="self-assessment.submitted"):
        await story.plan(AuditType.CERTIFICATION, date(2040, 3, 1))


async def test_an_initial_audit_at_a_smelter_is_planned_six_weeks_ahead(story: Story) -> None:
    await story.admit(facilities=(SMELTER,))
    with pytest.raises(
        RuleViolation, match=r"audit-plan.lead-time: .*\(smelting\) .* 6 weeks .* earliest start 2040-02-13"
    ):
        await story.plan(AuditType.CERTIFICATION, date(2040, 2, 12))
    assert await story.plan(AuditType.CERTIFICATION, date(2040, 2, 13)) == "A1"


async def test_an_initial_audit_without_high_risk_activities_needs_no_lead_time(story: Story) -> None:
    await story.admit()
    assert await story.plan(AuditType.CERTIFICATION, EPOCH) == "A1"


async def test_only_auditors_of_the_assigned_firm_audit(story: Story) -> None:
    await story.admit()
    command = story.plan_command(AuditType.CERTIFICATION, date(2040, 3, 1))
    with pytest.raises(NotPermitted, match=r"access.assigned-firm: only auditors of the assigned firm \(firm-a\)"):
        await story.send(command.model_copy(update={"actor": OTHER_AUDITOR}))


async def test_one_audit_is_open_at_a_time(story: Story) -> None:
    await story.admit()
    await story.plan(AuditType.CERTIFICATION, date(2040, 3, 1))
    with pytest.raises(RuleViolation, match="audit.one-at-a-time: audit A1 is still open"):
        await story.plan(AuditType.CERTIFICATION, date(2040, 4, 1))


async def test_an_audit_cannot_start_before_its_planned_start(story: Story) -> None:
    await story.admit()
    await story.plan(AuditType.CERTIFICATION, date(2040, 3, 1))
    with pytest.raises(RuleViolation, match="audit.not-before-start: audit A1 starts on 2040-03-01"):
        await story.send(cmd.StartAudit(actor=AUDITOR, audit_id="A1"))


async def test_findings_are_recorded_only_while_the_audit_is_in_progress(story: Story) -> None:
    await story.admit()
    await story.plan(AuditType.CERTIFICATION, EPOCH)
    with pytest.raises(RuleViolation, match="audit.order: audit A1 is planned"):
        await story.send(cmd.RecordFindings(actor=AUDITOR, audit_id="A1", findings=findings()))


async def test_findings_name_facilities_in_scope(story: Story) -> None:
    await story.admit()
    await story.plan(AuditType.CERTIFICATION, EPOCH)
    await story.send(cmd.StartAudit(actor=AUDITOR, audit_id="A1"))
    stray = Finding(criterion="1.1", facility_id="elsewhere", kind=FindingKind.MAJOR_NC)
    with pytest.raises(RuleViolation, match="findings.facility-in-scope: facilities not in scope: elsewhere"):
        await story.send(cmd.RecordFindings(actor=AUDITOR, audit_id="A1", findings=(stray,)))


async def test_the_report_follows_the_findings(story: Story) -> None:
    await story.admit()
    await story.plan(AuditType.CERTIFICATION, EPOCH)
    await story.send(cmd.StartAudit(actor=AUDITOR, audit_id="A1"))
    with pytest.raises(RuleViolation, match="audit.order: audit A1 is in-progress"):
        await story.send(cmd.SubmitReport(actor=AUDITOR, audit_id="A1", on_site_ended_on=EPOCH, summary="r"))


async def test_the_on_site_audit_cannot_end_in_the_future(story: Story) -> None:
    await story.admit()
    await story.plan(AuditType.CERTIFICATION, EPOCH)
    await story.send(cmd.StartAudit(actor=AUDITOR, audit_id="A1"))
    await story.send(cmd.RecordFindings(actor=AUDITOR, audit_id="A1", findings=findings()))
    with pytest.raises(RuleViolation, match="report.on-site-dates"):
        await story.send(cmd.SubmitReport(actor=AUDITOR, audit_id="A1", on_site_ended_on=date(2040, 1, 3), summary="r"))


async def test_a_returned_report_is_corrected_and_submitted_again(story: Story) -> None:
    await story.admit()
    audit_id = await story.report(AuditType.CERTIFICATION, EPOCH, findings(majors=1))
    await story.send(cmd.ReturnReport(actor=SECRETARIAT, audit_id=audit_id, reason="criterion 1.1 evidence missing"))
    audit = (await story.state()).audit
    assert audit is not None and audit.status == AuditStatus.RETURNED
    assert audit.return_reason == "criterion 1.1 evidence missing"
    corrected = Finding(criterion="1.1", facility_id="mill", kind=FindingKind.CONFORMANCE)
    await story.send(cmd.RecordFindings(actor=AUDITOR, audit_id=audit_id, findings=(corrected,)))
    await story.send(
        cmd.SubmitReport(actor=AUDITOR, audit_id=audit_id, on_site_ended_on=date(2040, 1, 4), summary="v2")
    )
    events = await story.send(cmd.AcceptReport(actor=SECRETARIAT, audit_id=audit_id))
    assert [e.type for e in events][:2] == ["ReportAccepted", "CertificateGranted"]
    assert events[0].major_ncs == 0


async def test_only_the_secretariat_reviews_reports(story: Story) -> None:
    await story.admit()
    audit_id = await story.report(AuditType.CERTIFICATION, EPOCH)
    with pytest.raises(NotPermitted, match="access.role: an auditor may not accept an audit report"):
        await story.send(cmd.AcceptReport(actor=AUDITOR, audit_id=audit_id))
