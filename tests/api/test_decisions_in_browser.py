"""The Secretariat decides from a certification's page in headless Chromium: a report
returned without a reason sends nothing, a report accepted grants the certificate, a
suspension is recorded with its reason; the Secretariat's viewers see no decision forms."""

from playwright.async_api import Locator, expect
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.audits import AuditType
from projections.projector import Projector
from tests.api.conftest import Tab
from tests.api.journey import Journey
from tests.api.projected import projected
from tests.scenario import EPOCH, SECRETARIAT, VIEWER, days_after, findings


async def suspension_limit(form: Locator) -> str:
    """The label of the deadline a suspension sets (its kind in words)."""
    labels = await form.get_by_label("Deadline").locator("option").all_inner_texts()
    return next(label for label in labels if label.startswith("suspension"))


async def test_the_secretariat_accepts_a_report_and_suspends_the_certificate_from_its_page(
    journey: Journey, service_url: str, tab: Tab, projector: Projector, engine: AsyncEngine
) -> None:
    await journey.admit()
    await journey.report(AuditType.CERTIFICATION, EPOCH, findings())
    await projected(engine, journey)
    later = days_after(EPOCH, 400)  # past the 6-month suspension limit
    page = await tab(SECRETARIAT, service_url)
    await page.goto(f"{service_url}/certifications/{journey.certification_id}")

    await expect(page.get_by_role("form", name="Accept the application")).to_have_count(0)
    give_back = page.get_by_role("form", name="Return the report")
    await give_back.get_by_label("What the firm must correct").fill("   ")
    await give_back.get_by_role("button", name="Return report").click()
    await expect(page.get_by_role("alert")).to_contain_text("reason")

    await page.get_by_role("form", name="Accept the report").get_by_role("button").click()
    await expect(page.locator("p.done[role=status]")).to_have_text("Report accepted; the decision is recorded.")
    await expect(page.locator(".lede")).to_contain_text("active")

    suspend = page.get_by_role("form", name="Suspend the certificate")
    await suspend.get_by_label("Why it is suspended").fill("Complaint under investigation")
    await suspend.get_by_role("button", name="Suspend").click()
    await expect(page.locator("p.done[role=status]")).to_have_text("Certificate suspended.")
    await expect(page.get_by_role("form", name="Reinstate the certificate")).to_be_visible()

    extend = page.get_by_role("form", name="Extend a deadline")
    await extend.get_by_label("Deadline").select_option(label=await suspension_limit(extend))
    await extend.get_by_label("New due date").fill(later.isoformat())
    await extend.get_by_label("Why it is extended").fill("Investigation needs longer")
    await extend.get_by_role("button", name="Extend deadline").click()
    await expect(page.locator("p.done[role=status]")).to_have_text("Deadline extended.")

    stored = await journey.stored()
    suspended = [e for e in stored if e.type == "CertificateSuspended"]
    assert [(e.actor.user_id, e.reason) for e in suspended] == [(SECRETARIAT.user_id, "Complaint under investigation")]
    assert "ReportReturned" not in [e.type for e in stored]
    [extended] = [e for e in stored if e.type == "DeadlineExtended"]
    assert (extended.new_due, extended.reason) == (later, "Investigation needs longer")

    viewer = await tab(VIEWER, service_url)
    await viewer.goto(f"{service_url}/certifications/{journey.certification_id}")
    await expect(viewer.get_by_role("heading", name="Decisions")).to_have_count(0)
