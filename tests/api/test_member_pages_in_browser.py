"""A member's pages in headless Chromium: its own certifications, open deadlines and NCs, and
its submissions through the forms to the real workflow (the self-assessment, a corrective
action plan); another organisation's certification is never shown, nor open to its forms.
Set CERTFLOW_SCREENSHOTS to a directory to keep screenshots of the member's pages there."""

import os
from pathlib import Path

from playwright.async_api import expect
from sqlalchemy.ext.asyncio import AsyncEngine

from domain import commands as cmd
from domain import events as ev
from domain.audits import AuditType
from projections.projector import Projector
from tests.api.conftest import Tab
from tests.api.factories import Programme, days
from tests.api.journey import Journey
from tests.api.projected import projected
from tests.people import MEMBER_VIEWER, People
from tests.scenario import EPOCH, FIRM, MEMBER, OTHER_MEMBER, SECRETARIAT, findings
from workflows.client import CertificationClient


async def ours_and_theirs(programme: Programme) -> tuple[str, str]:
    """Nordic's certification with an overdue CAP and an open major NC; Other's beside it."""
    ours = await programme.certification("Nordic Rolling", member_id=MEMBER.organisation_id, audit_firm_id="firm-a")
    await programme.deadline(ours, "cap", days(-3))
    await programme.nonconformity(ours, "4.2", "major", raised_on=days(-40))
    theirs = await programme.certification("Other Casting", member_id=OTHER_MEMBER.organisation_id)
    await programme.nonconformity(theirs, "7.7", "minor")
    return ours, theirs


async def test_the_member_page_shows_its_certifications_with_overdue_deadlines_and_open_ncs(
    tab: Tab, base_url: str, programme: Programme
) -> None:
    await ours_and_theirs(programme)
    page = await tab(MEMBER)

    await page.goto(f"{base_url}/member")

    await expect(page).to_have_title("Your certifications · certflow")
    await expect(page.get_by_role("link", name="Your certifications")).to_have_attribute("aria-current", "page")
    row = page.locator("section", has=page.locator("#certifications")).locator("tbody tr", has_text="Nordic Rolling")
    await expect(row).to_contain_text("certified")
    await expect(row).to_contain_text(f"{days(-400).isoformat()} to {days(700).isoformat()}")
    await expect(row).to_contain_text(f"{days(-3).isoformat()} overdue")
    deadlines = page.locator("section", has=page.locator("#deadlines")).locator("tbody tr", has_text="Nordic Rolling")
    await expect(deadlines).to_contain_text("cap overdue")
    ncs = page.locator("section", has=page.locator("#ncs")).locator("tbody tr", has_text="Nordic Rolling")
    await expect(ncs).to_contain_text("4.2 major")
    await expect(ncs.get_by_role("link", name="due: submit one")).to_be_visible()
    if screenshots := os.environ.get("CERTFLOW_SCREENSHOTS"):
        await page.screenshot(path=Path(screenshots) / "member.png", full_page=True)


async def test_a_member_never_sees_another_organisations_certification(
    tab: Tab, base_url: str, people: People, programme: Programme
) -> None:
    _, theirs = await ours_and_theirs(programme)
    page = await tab(MEMBER)
    _, csrf_token = people.sessions[MEMBER.user_id]

    await page.goto(f"{base_url}/member")
    opened = await page.goto(f"{base_url}/member/{theirs}")
    posted = await page.request.post(
        f"{base_url}/member/{theirs}/submit-cap",
        form={"csrf_token": csrf_token, "nc_id": "x", "plan": "mine now"},
        max_redirects=0,
    )

    assert opened is not None and opened.status == 404
    assert posted.status == 404
    await expect(page).to_have_title("Not found · certflow")
    await expect(page.get_by_role("alert")).to_contain_text(f"no certification {theirs}")
    await page.goto(f"{base_url}/member")
    await expect(page.locator("main")).not_to_contain_text("Other Casting")
    await expect(page.locator("main")).not_to_contain_text("7.7")


async def test_a_member_submits_its_self_assessment_and_a_corrective_action_plan_through_the_forms(
    journey: Journey, service_url: str, tab: Tab, projector: Projector, engine: AsyncEngine
) -> None:
    await journey.on(EPOCH)
    await journey.apply()
    await journey.send(cmd.AcceptApplication(actor=SECRETARIAT))
    await projected(engine, journey)
    page = await tab(MEMBER, service_url)

    await page.goto(f"{service_url}/member/{journey.certification_id}")
    assessment = page.get_by_role("form", name="Submit the self-assessment")
    await assessment.get_by_label("Summary of the self-assessment").fill("All criteria assessed at the mill.")
    await assessment.get_by_role("button", name="Submit self-assessment").click()
    await expect(page.locator("p.done[role=status]")).to_have_text("Self-assessment submitted.")
    await expect(page.get_by_role("form", name="Submit the self-assessment")).to_have_count(0)

    await journey.send(cmd.AssignAuditFirm(actor=MEMBER, firm=FIRM))
    await projected(engine, journey)  # the firm's reach is read from the read model
    await journey.audit(AuditType.CERTIFICATION, EPOCH, findings(majors=1))
    await projected(engine, journey)
    await page.goto(f"{service_url}/member")
    await (
        page.locator("section", has=page.locator("#ncs"))
        .locator(f'a[href$="/member/{journey.certification_id}#ncs"]')
        .click()
    )
    cap = page.get_by_role("form", name="NC 1.1: major")
    if screenshots := os.environ.get("CERTFLOW_SCREENSHOTS"):
        await page.screenshot(path=Path(screenshots) / "member-certification.png", full_page=True)
    await cap.get_by_label("Corrective action plan").fill("Retrain the shift leads; audit monthly.")
    await cap.get_by_role("button", name="Submit corrective action plan").click()
    await expect(page.locator("p.done[role=status]")).to_have_text("Corrective action plan submitted.")
    await expect(page.locator("#ncs").locator("xpath=..")).to_contain_text("Corrective action plan submitted")

    stored = await journey.stored()
    assessed = next(e for e in stored if isinstance(e, ev.SelfAssessmentSubmitted))
    planned = next(e for e in stored if isinstance(e, ev.CorrectiveActionPlanSubmitted))
    assert (assessed.actor, assessed.summary) == (MEMBER, "All criteria assessed at the mill.")
    assert (planned.actor, planned.plan) == (MEMBER, "Retrain the shift leads; audit monthly.")


async def test_a_members_viewer_reads_its_certification_without_the_forms(
    tab: Tab, base_url: str, programme: Programme
) -> None:
    ours, _ = await ours_and_theirs(programme)
    page = await tab(MEMBER_VIEWER)

    await page.goto(f"{base_url}/member/{ours}")

    await expect(page.get_by_role("heading", name="NC 4.2: major")).to_be_visible()
    await expect(page.get_by_role("button", name="Submit corrective action plan")).to_have_count(0)


async def test_a_member_applies_through_the_form_and_lands_on_its_new_certification(
    service_url: str, tab: Tab, projector: Projector, certifications: CertificationClient
) -> None:
    page = await tab(MEMBER, service_url)
    await page.goto(f"{service_url}/member")
    form = page.get_by_role("form", name="Apply for certification")
    await form.get_by_label("Entity to certify").fill("Nordic Casthouse")
    await form.get_by_label("Standard", exact=True).select_option("ASI-CoC")
    await form.get_by_label("Facility name, row 1").fill("Casthouse")
    await form.get_by_label("Country, row 1").fill("N1")
    await form.get_by_label("Activity, row 1").select_option("casting")
    await form.get_by_role("button", name="Apply").click()
    await expect(page.get_by_role("alert")).to_contain_text("facilities row 1 country")
    await expect(form.get_by_label("Entity to certify")).to_have_value("Nordic Casthouse")

    await form.get_by_label("Country, row 1").fill("no")
    await form.get_by_role("button", name="Apply").click()
    await expect(page.locator("p.done[role=status]")).to_have_text(
        "Application submitted: the Secretariat reviews it next."
    )
    await expect(page.locator(".lede")).to_contain_text("applied")
    certification_id = page.url.split("/member/")[1].split("?")[0]
    state = await certifications.state(certification_id)
    assert (state.member_id, state.entity_name, [f.country for f in state.facilities]) == (
        MEMBER.organisation_id,
        "Nordic Casthouse",
        ["NO"],
    )
