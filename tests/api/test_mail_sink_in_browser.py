"""The Mail page in headless Chromium: a reminder sent with aiosmtplib to the local SMTP sink
shows in the list, and opens to its text and its HTML in a sandboxed frame, under the CSP."""

import uuid
from collections.abc import AsyncIterator
from email.message import EmailMessage

import aiosmtplib
import pytest
from playwright.async_api import expect
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from notifications.mail_sink import SINK_HOST, mail_sink
from tests.api.conftest import Tab, pinned
from tests.api.serving import free_port, serving
from tests.api.test_pages_under_csp_in_browser import violations_on


@pytest.fixture
async def sink_url(engine: AsyncEngine) -> AsyncIterator[str]:
    """The app with the Mail page on, as `certflow dev` runs it."""
    async with serving(pinned(create_app(engine, mail_sink=True))) as url:
        yield url


async def test_a_reminder_sent_to_the_sink_shows_on_the_mail_page(engine: AsyncEngine, sink_url: str, tab: Tab) -> None:
    subject = f"Reminder: CAP for Fjord Rolling due in 7 days ({uuid.uuid4().hex[:6]})"
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "certflow@asi.example", "ola@fjord.example", subject
    message["Message-ID"] = f"<{uuid.uuid4()}@certflow>"
    message.set_content("The corrective action plan is due on 2031-03-21.\n")
    message.add_alternative("<p>The corrective action plan is due on <b>2031-03-21</b>.</p>", subtype="html")
    port = free_port()
    async with mail_sink(engine, port):
        await aiosmtplib.send(message, hostname=SINK_HOST, port=port)

    page = await tab(url=sink_url)
    violations = violations_on(page)
    await page.goto(f"{sink_url}/")
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Mail").click()
    await expect(page).to_have_title("Mail · certflow")
    await page.get_by_role("link", name=subject).click()

    await expect(page.get_by_role("heading", level=1)).to_have_text(subject)
    await expect(page.locator("pre.mail-text").first).to_have_text("The corrective action plan is due on 2031-03-21.")
    frame = page.frame_locator("iframe.mail-html")
    await expect(frame.locator("b")).to_have_text("2031-03-21")
    assert violations == [], "the page and its frame run under the CSP"
