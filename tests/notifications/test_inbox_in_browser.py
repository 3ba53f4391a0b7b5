"""The inbox in headless Chromium: a person's notices with their certification, due date and
days left, the unread count in the header of every page they open, and marking read.
Set CERTFLOW_SCREENSHOTS to a directory to keep a screenshot of the inbox there."""

import os
from datetime import date
from pathlib import Path

from playwright.async_api import expect
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.notices import NoticeKind
from tests.api.conftest import base_url, browser, chromium, pinned  # noqa: F401  (fixtures)
from tests.notifications.newcomer import moment, newcomer, tell_members
from tests.notifications.tabs import Opener


async def test_the_inbox_lists_a_persons_notices_and_marks_them_read(
    signed_in: Opener,
    engine: AsyncEngine,
    base_url: str,  # noqa: F811
) -> None:
    person = await newcomer(engine)
    organisation = person.actor.organisation_id
    await tell_members(
        engine, organisation, "Due in 14 days: CAP", moment(1), due=date(2031, 3, 15), certification_id="cert-inbox-1"
    )
    await tell_members(engine, organisation, "Decision made", moment(10), NoticeKind.DECISION_MADE)
    page = await signed_in(person)

    await page.goto(f"{base_url}/notifications")

    await expect(page).to_have_title("Inbox · certflow")
    await expect(page.get_by_role("link", name="Inbox 2 unread")).to_have_attribute("aria-current", "page")
    reminder = page.locator("tbody tr", has_text="Due in 14 days: CAP")
    await expect(reminder).to_contain_text("reminder")
    await expect(reminder).to_contain_text("2031-03-15")
    await expect(reminder).to_contain_text("1 day left")  # the app is pinned to 2031-03-14
    await expect(reminder).to_contain_text("2031-03-01 09:00 UTC")
    await expect(reminder.get_by_role("link", name="cert-inbox-1")).to_have_attribute(
        "href", f"{base_url}/member/cert-inbox-1"
    )
    await expect(page.locator("tbody tr").first).to_contain_text("Decision made")  # newest first
    await expect(page.locator("tbody tr", has_text="Decision made")).to_contain_text("decision made")
    if screenshots := os.environ.get("CERTFLOW_SCREENSHOTS"):
        await page.screenshot(path=Path(screenshots) / "inbox.png", full_page=True)

    await reminder.get_by_role("button", name="Mark read: Due in 14 days: CAP").click()

    await expect(page.get_by_role("link", name="Inbox 1 unread")).to_be_visible()
    await expect(page.locator("tbody tr", has_text="Due in 14 days: CAP")).to_contain_text("read 20")
    await page.goto(f"{base_url}/member")
    await expect(page.get_by_role("link", name="Inbox 1 unread")).to_be_visible()  # on every page

    await page.goto(f"{base_url}/notifications")
    await page.get_by_role("button", name="Mark all read").click()

    await expect(page.get_by_role("link", name="Inbox", exact=True)).to_be_visible()
    await expect(page.locator("#unread-count")).to_have_count(0)
    await page.goto(f"{base_url}/notifications?unread=true")
    await expect(page.locator("main")).to_contain_text("Nothing unread.")


async def test_a_form_without_the_sessions_csrf_token_marks_nothing(
    signed_in: Opener,
    engine: AsyncEngine,
    base_url: str,  # noqa: F811
) -> None:
    person = await newcomer(engine)
    notice = await tell_members(engine, person.actor.organisation_id, "Missed: CAP", moment(2), NoticeKind.ESCALATION)
    stranger = await newcomer(engine)
    page = await signed_in(person)
    await page.goto(f"{base_url}/notifications")

    forged = await page.request.post(
        f"{base_url}/notifications/{notice.notice_id}/read", form={"csrf_token": "forged"}, max_redirects=0
    )
    theirs = await (await signed_in(stranger)).request.post(
        f"{base_url}/notifications/{notice.notice_id}/read", form={"csrf_token": stranger.csrf_token}, max_redirects=0
    )

    assert forged.status == 403 and theirs.status == 404
    await page.reload()
    await expect(page.get_by_role("link", name="Inbox 1 unread")).to_be_visible()
