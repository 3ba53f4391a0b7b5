"""An audit firm's worklist in headless Chromium: the audits assigned to the firm with their
next steps and due dates, and an auditor giving the audit's steps through the forms, to the
real workflow; a refused step names its rule, malformed input and a forged form send nothing.
Set CERTFLOW_SCREENSHOTS to a directory to keep a screenshot of an audit's page there."""

import os
from pathlib import Path

import pytest
from playwright.async_api import Page, expect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain import commands as cmd
from domain import events as ev
from domain.audits import AuditType
from projections.projector import Projector
from projections.tables import audits
from tests.api.conftest import Tab
from tests.api.factories import Programme, days
from tests.api.journey import Journey
from tests.api.projected import projected
from tests.people import AUDITOR_VIEWER, People
from tests.scenario import AUDITOR, EPOCH, MEMBER, days_after, findings, pdf


async def outcome(page: Page, message: str) -> None:
    await expect(page.locator("p.done[role=status]")).to_have_text(message)


async def test_the_worklist_shows_each_assigned_audit_with_its_next_step_and_due_date(
    tab: Tab, base_url: str, programme: Programme
) -> None:
    planned = await programme.certification(
        "Fjord Casting", audit_firm_id="firm-a", current_audit_id="A1", current_audit_status="planned"
    )
    await programme.audit(planned, "surveillance", days(3), audit_id="A1", status="planned")
    reported = await programme.certification(
        "Bergen Foils", audit_firm_id="firm-a", current_audit_id="A2", current_audit_status="report-submitted"
    )
    await programme.audit(reported, "surveillance", days(-20), audit_id="A2", status="report-submitted")
    await programme.deadline(planned, "report", days(-2), owner="audit-firm")
    await programme.certification("Not Ours", audit_firm_id="firm-b")
    page = await tab(AUDITOR)

    await page.goto(f"{base_url}/worklist")

    await expect(page).to_have_title("Worklist · certflow")
    await expect(page.get_by_role("link", name="Worklist")).to_have_attribute("aria-current", "page")
    rows = page.locator("section", has=page.locator("#audits")).locator("tbody tr")
    fjord, bergen = rows.filter(has_text="Fjord Casting"), rows.filter(has_text="Bergen Foils")
    await expect(fjord.locator("td.step")).to_have_text("start")
    await expect(fjord.locator("td.date")).to_have_text(f"{days(-2).isoformat()} overdue")
    await expect(bergen.locator("td.step")).to_have_text("awaiting Secretariat")
    await expect(page.locator("body")).not_to_contain_text("Not Ours")
    deadlines = page.locator("section", has=page.locator("#deadlines")).locator("tbody tr")
    await expect(deadlines.filter(has_text="Fjord Casting")).to_contain_text("report overdue")


async def test_an_auditor_plans_starts_records_findings_and_submits_the_report_through_the_forms(
    journey: Journey, service_url: str, tab: Tab, projector: Projector, engine: AsyncEngine
) -> None:
    await journey.admit()
    await projected(engine, journey)
    admitted = len(await journey.stored())
    page = await tab(AUDITOR, service_url)

    await page.goto(f"{service_url}/worklist")
    listed = page.locator(f'a[href$="/worklist/{journey.certification_id}"]')
    await expect(listed.locator("xpath=ancestor::tr").locator("td.step")).to_have_text("plan")
    await listed.click()

    plan = page.get_by_role("form", name="Plan an audit")
    await plan.get_by_label("Audit id").fill("A1")
    await plan.get_by_label("Audit type").select_option("certification")
    await plan.get_by_label("Starts on").fill(EPOCH.isoformat())
    await plan.get_by_label("Ends on").fill(days_after(EPOCH, 2).isoformat())
    await plan.get_by_role("button", name="Plan audit").click()
    await outcome(page, "Audit planned.")
    await expect(page.locator(".next-step")).to_have_text("start")

    await page.get_by_role("form", name="Start the audit").get_by_role("button", name="Start audit").click()
    await outcome(page, "Audit started.")

    findings = page.get_by_role("form", name="Record findings")
    await findings.get_by_label("Criterion, row 1").fill("5.1")
    await findings.get_by_label("Finding, row 1").select_option("minor-nc")
    await findings.get_by_label("Criterion, row 2").fill("10.1")
    await findings.get_by_role("button", name="Record findings").click()
    await outcome(page, "Findings recorded.")
    await expect(page.locator(".next-step")).to_have_text("submit report")
    if screenshots := os.environ.get("CERTFLOW_SCREENSHOTS"):
        await page.screenshot(path=Path(screenshots) / "audit.png", full_page=True)

    report = page.get_by_role("form", name="Submit the report")
    await report.get_by_label("On-site audit ended on").fill(days_after(EPOCH, -1).isoformat())
    await report.get_by_label("Summary").fill("Rolling mill audited on site.")
    await report.get_by_role("button", name="Submit report").click()
    await expect(page.get_by_role("alert")).to_contain_text("report.on-site-dates")
    await expect(report.get_by_label("Summary")).to_have_value("Rolling mill audited on site.")

    await report.get_by_label("On-site audit ended on").fill(EPOCH.isoformat())
    await report.get_by_role("button", name="Submit report").click()
    await outcome(page, "Report submitted to the Secretariat.")
    await expect(page.locator(".next-step")).to_have_text("awaiting Secretariat")

    given = (await journey.stored())[admitted:]
    assert [e.type for e in given if e.type not in ("DeadlineSet", "DeadlineMet")] == [
        "AuditPlanned",
        "AuditStarted",
        "FindingsRecorded",
        "ReportSubmitted",
    ]
    assert {e.actor.user_id for e in given} == {AUDITOR.user_id}
    async with engine.connect() as conn:
        row = (await conn.execute(select(audits).where(audits.c.certification_id == journey.certification_id))).one()
    assert (row.audit_id, row.status, row.lead_auditor) == ("A1", "report-submitted", AUDITOR.user_id)


async def test_an_auditor_verifies_and_closes_a_major_nc_once_the_member_has_planned_its_correction(
    journey: Journey, service_url: str, tab: Tab, projector: Projector, engine: AsyncEngine
) -> None:
    await journey.admit()
    await projected(engine, journey)
    await journey.audit(AuditType.CERTIFICATION, EPOCH, findings(majors=1))
    [major] = (await journey.state()).open_majors()
    await journey.send(cmd.SubmitCorrectiveActionPlan(actor=MEMBER, nc_id=major.nc_id, plan="retrain the shift"))
    await projected(engine, journey)
    page = await tab(AUDITOR, service_url)

    await page.goto(f"{service_url}/worklist/{journey.certification_id}")
    close = page.get_by_role("form", name="NC 1.1: major")
    await close.get_by_label("How it was verified").fill("Training records checked on site.")
    await close.get_by_role("button", name="Close non-conformity").click()

    await outcome(page, "Non-conformity closed.")
    await expect(page.locator("section", has=page.locator("#ncs"))).to_contain_text("No open non-conformities.")
    closed = next(e for e in await journey.stored() if isinstance(e, ev.NonConformityClosed))
    assert (closed.actor, closed.nc_id) == (AUDITOR, major.nc_id)


async def test_a_form_without_the_sessions_csrf_token_changes_nothing(
    journey: Journey, service_url: str, tab: Tab, projector: Projector, engine: AsyncEngine
) -> None:
    await journey.admit()
    await projected(engine, journey)
    before = await journey.stored()
    page = await tab(AUDITOR, service_url)
    plan = {
        "audit_id": "A1",
        "audit_type": "certification",
        "starts_on": EPOCH.isoformat(),
        "ends_on": EPOCH.isoformat(),
        "lead_auditor": "arno",
    }
    target = f"{service_url}/worklist/{journey.certification_id}/plan-audit"

    forged = await page.request.post(target, form={**plan, "csrf_token": "forged"}, max_redirects=0)
    missing = await page.request.post(target, form=plan, max_redirects=0)

    assert (forged.status, missing.status) == (403, 403)
    assert "csrf_token" in await forged.text()
    assert await journey.stored() == before


@pytest.mark.parametrize(
    ("entered", "problem"),
    [
        ({"starts_on": "soon"}, "starts_on: Input should be a valid date"),
        ({"lead_auditor": "nobody"}, "lead_auditor: nobody is not a registered auditor of firm-a"),
    ],
)
async def test_malformed_input_comes_back_naming_the_field_and_sends_nothing(
    tab: Tab, base_url: str, people: People, programme: Programme, entered: dict[str, str], problem: str
) -> None:
    assigned = await programme.certification("Fjord Casting", audit_firm_id="firm-a")
    page = await tab(AUDITOR)
    _, csrf_token = people.sessions[AUDITOR.user_id]
    form = {
        "csrf_token": csrf_token,
        "audit_id": "A7",
        "audit_type": "certification",
        "starts_on": days(1).isoformat(),
        "ends_on": days(3).isoformat(),
        "lead_auditor": "arno",
    } | entered

    # This app has no Temporal: a command that was sent would be a 503.
    answer = await page.request.post(f"{base_url}/worklist/{assigned}/plan-audit", form=form, max_redirects=0)

    assert answer.status == 422
    await page.set_content(await answer.text())
    await expect(page.get_by_role("alert")).to_contain_text(problem)
    await expect(page.get_by_role("alert")).to_contain_text("Nothing was sent")
    await expect(page.get_by_label("Audit id")).to_have_value("A7")


async def test_an_auditing_firms_viewer_reads_the_audit_without_its_forms(
    tab: Tab, base_url: str, programme: Programme
) -> None:
    assigned = await programme.certification("Fjord Casting", audit_firm_id="firm-a")
    page = await tab(AUDITOR_VIEWER)

    await page.goto(f"{base_url}/worklist/{assigned}")

    await expect(page.get_by_role("heading", name="Fjord Casting")).to_be_visible()
    await expect(page.get_by_text("You read along")).to_be_visible()
    await expect(page.get_by_role("form", name="Plan an audit")).to_have_count(0)


async def test_an_auditor_attaches_the_report_and_a_public_summary_through_the_upload_form(
    journey: Journey,
    service_url: str,
    tab: Tab,
    projector: Projector,
    engine: AsyncEngine,
    tmp_path: Path,
) -> None:
    await journey.admit()
    await journey.report(AuditType.CERTIFICATION, EPOCH, findings())
    await projected(engine, journey)
    report, not_a_pdf = tmp_path / "A1 report.pdf", tmp_path / "notes.pdf"
    report.write_bytes(pdf("the full report"))
    not_a_pdf.write_bytes(b"just text, named .pdf")
    page = await tab(AUDITOR, service_url)
    await page.goto(f"{service_url}/worklist/{journey.certification_id}")

    upload = page.get_by_role("form", name="Documents")
    await upload.get_by_label("PDF file").set_input_files(str(not_a_pdf))
    await upload.get_by_role("button", name="Attach document").click()
    await expect(page.get_by_role("alert")).to_contain_text("file: is not a PDF file")

    upload = page.get_by_role("form", name="Documents")
    await upload.get_by_label("Document").select_option("audit-report")
    await upload.get_by_label("PDF file").set_input_files(str(report))
    await upload.get_by_role("button", name="Attach document").click()
    await outcome(page, "Document attached.")
    await expect(page.get_by_role("link", name="A1 report.pdf")).to_be_visible()

    attached = [e for e in await journey.stored() if isinstance(e, ev.DocumentAttached)]
    assert [(e.kind, e.filename, e.actor.user_id) for e in attached] == [("audit-report", "A1 report.pdf", "arno")]
    members_tab = await tab(MEMBER, service_url)
    await members_tab.goto(f"{service_url}/member/{journey.certification_id}")
    await expect(members_tab.get_by_role("link", name="A1 report.pdf")).to_be_visible()
