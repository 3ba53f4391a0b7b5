"""The Secretariat's deliveries page in headless Chromium: a webhook whose receiver failed
every attempt shows as a dead letter with its last error; Retry sends it again (once) and
Discard gives one up; the forms carry the session's CSRF token."""

import uuid
from collections import Counter
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, expect

from api.access import SESSION_COOKIE
from api.app import create_app
from domain.actors import Role
from domain.notices import Channel
from identity.principal import OrganisationKind
from identity.sessions import Sessions
from notifications import webhooks
from notifications.recording import delivery_id
from notifications.status import DeliveryStatus
from tests.api.conftest import browser, chromium  # noqa: F401 (fixtures)
from tests.api.serving import serving
from tests.notifications.conftest import Notices, dispatching
from tests.notifications.receivers import mail_sink, webhook_receiver


@pytest.fixture
async def signed_in(notices: Notices, browser: Browser) -> AsyncIterator[tuple[str, Page]]:  # noqa: F811
    """The app over the module's database, and a tab signed in as a Secretariat officer."""
    officer = f"officer-{uuid.uuid4().hex[:8]}"
    await notices.user("asi", OrganisationKind.SECRETARIAT, Role.SECRETARIAT, officer, None)
    token = (await notices.directory.issue_token(officer, "tests")).token
    principal = await notices.directory.principal_for_token(token)
    assert principal is not None
    session = await Sessions(notices.engine).open(principal)
    async with serving(create_app(notices.engine)) as url:
        context = await browser.new_context()
        await context.add_cookies([{"name": SESSION_COOKIE, "value": session.cookie, "url": url}])
        yield url, await context.new_page()
        await context.close()


async def test_a_dead_letter_is_shown_with_its_error_and_retrying_it_from_the_page_delivers_it_once(
    notices: Notices, signed_in: tuple[str, Page]
) -> None:
    url, page = signed_in
    member = await notices.member(addresses=False)
    with webhook_receiver(script=[500] * 6) as receiver, mail_sink() as sink:
        async with notices.engine.begin() as conn:
            await webhooks.register(conn, member.organisation_id, receiver.url, allow_http=True)
        async with dispatching(notices.engine, sink.port):
            first = await notices.notice(member, subject="Corrective action plan due in 3 days")
            second = await notices.notice(member, subject="Audit report due in 14 days")
            assert await notices.settled([first.notice_id, second.notice_id]) == {DeliveryStatus.DEAD: 2}

            await page.goto(f"{url}/deliveries")
            await expect(page).to_have_title("Deliveries · certflow")
            await expect(page.get_by_role("link", name="Deliveries")).to_have_attribute("aria-current", "page")
            dead = page.locator("section", has=page.locator("#dead-letters")).locator("tbody tr")
            await expect(dead).to_have_count(2)
            retried = dead.filter(has_text="Corrective action plan due in 3 days")
            await expect(retried.locator("td.error")).to_have_text("RefusedByReceiver: HTTP 500: ")
            await retried.get_by_role("button", name="Retry").click()
            await expect(page.locator("p.done[role=status]")).to_have_text("Sent again: the dispatcher takes it now.")
            assert await notices.settled([first.notice_id]) == {DeliveryStatus.SENT: 1}

            await dead.filter(has_text="Audit report due in 14 days").get_by_role("button", name="Discard").click()
            await expect(page.locator("p.done[role=status]")).to_have_text("Discarded.")
            await expect(page.get_by_text("No dead letters")).to_be_visible()
            await page.goto(f"{url}/deliveries?status=sent")
            listed = page.locator("section", has=page.locator("#all-deliveries")).locator("tbody tr")
            await expect(listed.filter(has_text="Corrective action plan")).to_contain_text("sent")

    retried_id = str(delivery_id(first.notice_id, Channel.WEBHOOK, receiver.url))
    tries = Counter(p.headers["webhook-id"] for p in receiver.posts)
    assert tries == {retried_id: 4, str(delivery_id(second.notice_id, Channel.WEBHOOK, receiver.url)): 3}
    assert await notices.statuses([second.notice_id]) == {DeliveryStatus.DISCARDED: 1}


async def test_a_form_without_the_session_token_changes_nothing(notices: Notices, signed_in: tuple[str, Page]) -> None:
    url, page = signed_in
    member = await notices.member(addresses=False)
    with webhook_receiver(script=[500, 500, 500]) as receiver, mail_sink() as sink:
        async with notices.engine.begin() as conn:
            await webhooks.register(conn, member.organisation_id, receiver.url, allow_http=True)
        async with dispatching(notices.engine, sink.port):
            notice = await notices.notice(member)
            assert await notices.settled([notice.notice_id]) == {DeliveryStatus.DEAD: 1}
        await page.goto(f"{url}/deliveries")
        row = page.locator("section", has=page.locator("#dead-letters")).locator("tbody tr")
        await row.locator("input[name=csrf_token]").first.evaluate("input => input.value = 'forged'")
        await row.get_by_role("button", name="Retry").click()
        await expect(page.locator("main")).to_contain_text("csrf_token")
    assert await notices.statuses([notice.notice_id]) == {DeliveryStatus.DEAD: 1}
