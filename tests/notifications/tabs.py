"""A newcomer's browser tab: a context of its own holding that person's session cookie."""

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from playwright.async_api import Browser, Page

from api.access import SESSION_COOKIE
from tests.notifications.newcomer import Newcomer

Opener = Callable[[Newcomer], Awaitable[Page]]


@pytest.fixture
async def signed_in(browser: Browser, base_url: str) -> AsyncIterator[Opener]:
    """Opens a tab as the person (`browser` and `base_url` from tests/api/conftest.py)."""
    contexts = []

    async def open_tab(person: Newcomer) -> Page:
        context = await browser.new_context(viewport={"width": 1280, "height": 1200})
        contexts.append(context)
        await context.add_cookies([{"name": SESSION_COOKIE, "value": person.cookie, "url": base_url}])
        return await context.new_page()

    yield open_tab
    for context in contexts:
        await context.close()
