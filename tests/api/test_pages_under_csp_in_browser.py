"""The pages work in headless Chromium under their Content-Security-Policy: the browser
reports no violation on any main page of each kind of user, and /docs renders its
operations from this app alone, with every other host unreachable."""

from urllib.parse import urlsplit

import pytest
from playwright.async_api import ConsoleMessage, Page, Route, expect

from domain.actors import Actor
from tests.api.conftest import Tab
from tests.api.factories import Programme
from tests.people import People
from tests.scenario import AUDITOR, MEMBER, SECRETARIAT


def violations_on(page: Page) -> list[str]:
    """Console errors the page logs from now on that tell of the CSP refusing something."""
    seen: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if message.type == "error" and ("Content Security Policy" in message.text or "Refused to" in message.text):
            seen.append(message.text)

    page.on("console", note)
    return seen


async def offline(page: Page, base_url: str) -> list[str]:
    """Aborts every request to another host than the app's; the URLs it refused."""
    ours, refused = urlsplit(base_url).netloc, []

    async def only_ours(route: Route) -> None:
        if urlsplit(route.request.url).netloc == ours:
            await route.continue_()
        else:
            refused.append(route.request.url)
            await route.abort("internetdisconnected")

    await page.context.route("**/*", only_ours)
    return refused


@pytest.mark.parametrize(
    ("actor", "paths"),
    [
        (SECRETARIAT, ["/", "/certifications", "/certifications/{id}", "/review-queue", "/programme"]),
        (MEMBER, ["/member"]),
        (AUDITOR, ["/worklist"]),
        (None, ["/register", "/login"]),
    ],
    ids=["secretariat", "member", "auditor", "public"],
)
async def test_the_main_pages_run_under_their_csp_without_a_violation(
    tab: Tab, base_url: str, people: People, programme: Programme, actor: Actor | None, paths: list[str]
) -> None:
    certification_id = await programme.certification("Casthouse under CSP")
    page = await tab(actor)
    violations = violations_on(page)
    for path in paths:
        response = await page.goto(base_url + path.format(id=certification_id))
        assert response is not None and response.status == 200, path
        assert "frame-ancestors 'none'" in (await response.all_headers())["content-security-policy"]
    await page.wait_for_load_state("load")

    assert violations == []


async def test_the_api_docs_render_without_internet_and_under_the_csp(tab: Tab, base_url: str) -> None:
    page = await tab(None)
    refused = await offline(page, base_url)
    violations = violations_on(page)

    await page.goto(f"{base_url}/docs")

    await expect(page.locator(".opblock").first).to_be_visible(timeout=15_000)
    assert await page.locator(".opblock").count() > 20
    one = page.locator(".opblock-summary-path", has_text="/api/v1/certifications/{certification_id}")
    await expect(one.first).to_be_visible()
    assert refused == [] and violations == []
