"""The dashboard in headless Chromium, as the Secretariat and the public use it.
Set CERTFLOW_SCREENSHOTS to a directory to keep a screenshot of the overview there."""

import os
from pathlib import Path

from playwright.async_api import Page, expect

from tests.api.factories import NOT_CERTIFIED, Programme, at, days, facility


async def a_small_programme(programme: Programme) -> dict[str, str]:
    ids = {
        "nordic": await programme.certification(
            "Nordic Smelter",
            facilities=[facility("Potline", "NO", "smelting")],
            audit_firm_id="firm-a",
            audit_firm_name="Aurora Audits",
        ),
        "rhine": await programme.certification(
            "Rhine Rolling",
            facilities=[facility("Mill", "DE", "rolling")],
            certificate_status="suspended",
            audit_firm_id="firm-b",
            audit_firm_name="Baltic Assurance",
        ),
        "iberia": await programme.certification(
            "Iberia Extrusion",
            facilities=[facility("Press", "ES", "extrusion")],
            phase="ended",
            certificate_status="withdrawn",
        ),
        "applicant": await programme.certification(
            "Andes Applicant", facilities=[facility("Mine", "CL", "bauxite-mining")], **NOT_CERTIFIED
        ),
    }
    await programme.deadline(ids["rhine"], "cap", days(-4))
    await programme.deadline(ids["nordic"], "surveillance", days(21), owner="audit-firm")
    await programme.audit(
        ids["applicant"], "certification", days(-30), status="report-submitted", report_submitted_at=at(days(-9))
    )
    return ids


async def test_the_overview_shows_what_is_overdue_due_soon_and_awaiting_review(
    page: Page, base_url: str, programme: Programme
) -> None:
    await a_small_programme(programme)
    await page.goto(f"{base_url}/?standard={programme.standard}")

    await expect(page).to_have_title("Overview · certflow")
    await expect(page.locator("section", has=page.locator("#overdue")).locator("tbody tr")).to_have_text(
        [f"{days(-4).isoformat()} cap overdue Rhine Rolling member -4"]
    )
    await expect(page.locator("section", has=page.locator("#due-soon"))).to_contain_text("Nordic Smelter")
    queue = page.locator("section", has=page.locator("#review-queue")).locator("tbody tr")
    await expect(queue).to_have_count(1)
    await expect(queue).to_contain_text("Andes Applicant")
    await expect(page.get_by_role("img", name="Certifications by phase")).to_contain_text("certified")
    if screenshots := os.environ.get("CERTFLOW_SCREENSHOTS"):
        await page.screenshot(path=Path(screenshots) / "dashboard.png", full_page=True)


async def test_the_filter_form_narrows_the_certifications_list(page: Page, base_url: str, programme: Programme) -> None:
    await a_small_programme(programme)
    await page.goto(f"{base_url}/certifications?standard={programme.standard}")
    rows = page.locator("table tbody tr")
    await expect(rows).to_have_count(4)

    await page.get_by_label("State").select_option("suspended")
    await page.get_by_role("button", name="Filter").click()

    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text("Rhine Rolling")
    assert "state=suspended" in page.url and f"standard={programme.standard}" in page.url

    await page.get_by_label("State").select_option("")
    await page.get_by_label("Audit firm").select_option("firm-a")
    await page.get_by_role("button", name="Filter").click()
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text("Nordic Smelter")


async def test_a_certification_page_shows_its_timeline(page: Page, base_url: str, programme: Programme) -> None:
    ids = await a_small_programme(programme)
    await programme.event(
        ids["rhine"],
        1,
        "ApplicationSubmitted",
        "Applied for the Performance Standard V3.",
        actor_user_id="user-rhine",
        actor_role="member",
        actor_organisation_id="rhine",
    )
    await programme.event(ids["rhine"], 2, "CertificateGranted", "Full certificate granted for 3 years.")
    await programme.event(
        ids["rhine"],
        3,
        "CertificateSuspended",
        "The certificate was suspended.",
        reason="surveillance audit not held in its window",
    )

    await page.goto(f"{base_url}/certifications?standard={programme.standard}")
    await page.get_by_role("link", name="Rhine Rolling").click()

    await expect(page).to_have_title("Rhine Rolling · certflow")
    events = page.locator("ol.timeline li")
    await expect(events.locator(".what")).to_have_text(
        [
            "Applied for the Performance Standard V3.",
            "Full certificate granted for 3 years.",
            "The certificate was suspended.",
        ]
    )
    await expect(events.first.locator(".who")).to_have_text("by user-rhine (member, rhine)")
    await expect(events.last.locator(".why")).to_have_text("Reason: surveillance audit not held in its window")


async def test_the_public_register_lists_only_certified_entities(
    page: Page, base_url: str, programme: Programme
) -> None:
    await a_small_programme(programme)
    await page.goto(f"{base_url}/register?standard={programme.standard}")

    await expect(page).to_have_title("Certified entities · Certification register")
    entities = page.locator("table tbody tr th")
    await expect(entities).to_have_text(["Nordic Smelter", "Rhine Rolling"])
    await expect(page.get_by_role("link", name="Overview")).to_have_count(0)
    await expect(page.locator("body")).not_to_contain_text("Aurora Audits")
