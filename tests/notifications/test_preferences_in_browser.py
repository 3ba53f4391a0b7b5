"""The settings page in headless Chromium: a person saves their contact details (a bad
address is refused naming the field, and nothing changes), chooses how each kind of notice
reaches them, and creates, replaces and revokes their calendar feed's address.
Set CERTFLOW_SCREENSHOTS to a directory to keep a screenshot of the page there."""

import os
from pathlib import Path

import httpx
from playwright.async_api import expect
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.notices import Delivery, NoticeKind
from identity.contact import Contacts
from tests.api.conftest import base_url, browser, chromium, pinned  # noqa: F401  (fixtures)
from tests.notifications.newcomer import newcomer
from tests.notifications.tabs import Opener


async def test_a_person_saves_their_contact_details_and_a_bad_address_changes_nothing(
    signed_in: Opener,
    engine: AsyncEngine,
    base_url: str,  # noqa: F811
) -> None:
    person = await newcomer(engine, email="nora@example.org")
    page = await signed_in(person)
    await page.goto(f"{base_url}/settings")
    await expect(page).to_have_title("Settings · certflow")

    await page.get_by_label("E-mail address").fill("nora at example")
    await page.get_by_label("Time zone").fill("Europe/Oslo")
    await page.get_by_role("button", name="Save contact details").click()

    await expect(page.get_by_role("alert")).to_contain_text("email: value is not a valid email address")
    await expect(page.get_by_label("E-mail address")).to_have_value("nora at example")  # as entered, to correct
    details = await Contacts(engine).details(person.user_id)
    assert details is not None and (details.email, details.time_zone) == ("nora@example.org", "UTC")

    await page.get_by_label("E-mail address").fill("nora@nordic.example")
    await page.get_by_label("Daily digest at (hour, 0-23)").fill("6")
    await page.get_by_role("button", name="Save contact details").click()

    await expect(page.get_by_role("status")).to_have_text("Contact details saved.")
    await expect(page.get_by_label("E-mail address")).to_have_value("nora@nordic.example")
    await expect(page.get_by_label("Time zone")).to_have_value("Europe/Oslo")
    details = await Contacts(engine).details(person.user_id)
    assert details is not None
    assert (details.email, details.time_zone, details.digest_hour) == ("nora@nordic.example", "Europe/Oslo", 6)


async def test_a_person_chooses_how_each_kind_of_notice_reaches_them(
    signed_in: Opener,
    engine: AsyncEngine,
    base_url: str,  # noqa: F811
) -> None:
    person = await newcomer(engine)
    page = await signed_in(person)
    await page.goto(f"{base_url}/settings")

    await page.get_by_label("reminder", exact=True).select_option("digest")
    await page.get_by_label("survey", exact=True).select_option("none")
    await page.get_by_role("button", name="Save notice preferences").click()

    await expect(page.get_by_role("status")).to_have_text("Notice preferences saved.")
    await expect(page.get_by_label("reminder", exact=True)).to_have_value("digest")
    details = await Contacts(engine).details(person.user_id)
    assert details is not None
    assert details.preferences[NoticeKind.REMINDER] == Delivery.DIGEST
    assert details.preferences[NoticeKind.SURVEY] == Delivery.NONE


async def test_a_person_creates_and_revokes_their_calendar_feed(
    signed_in: Opener,
    engine: AsyncEngine,
    base_url: str,  # noqa: F811
) -> None:
    person = await newcomer(engine)
    page = await signed_in(person)
    await page.goto(f"{base_url}/settings")

    await page.get_by_role("button", name="Create a feed address").click()
    first = await page.get_by_label("Feed address").input_value()
    await page.get_by_role("button", name="Replace the feed address").click()
    second = await page.get_by_label("Feed address").input_value()

    async with httpx.AsyncClient() as calendar_app:
        assert (await calendar_app.get(first)).status_code == 404
        assert (await calendar_app.get(second)).status_code == 200
        await page.get_by_role("button", name="Revoke the feed address").click()
        await expect(page.get_by_role("status")).to_have_text("The calendar feed's address no longer works.")
        assert (await calendar_app.get(second)).status_code == 404
    await expect(page.get_by_role("button", name="Create a feed address")).to_be_visible()
    await expect(page.get_by_label("Feed address")).to_have_count(0)


async def test_the_settings_page_shows_every_kind_with_the_default_marked(
    signed_in: Opener,
    engine: AsyncEngine,
    base_url: str,  # noqa: F811
) -> None:
    page = await signed_in(await newcomer(engine))

    await page.goto(f"{base_url}/settings")

    await expect(page.locator("select")).to_have_count(len(NoticeKind))
    await expect(page.get_by_label("escalation", exact=True).locator("option:checked")).to_have_text(
        "E-mail straight away (default)"
    )
    if screenshots := os.environ.get("CERTFLOW_SCREENSHOTS"):
        await page.screenshot(path=Path(screenshots) / "settings.png", full_page=True)
