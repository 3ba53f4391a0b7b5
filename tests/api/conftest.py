"""The API under test: the app over this run's database (tests/conftest.py's `engine`),
pinned to a known day, served by uvicorn on a free port in the tests' event loop and called
over real HTTP; a read-model dataset per test; headless Chromium for the browser tests."""

import os
import shutil
import subprocess
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI
from playwright.async_api import Browser, Page, async_playwright
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from api.deps import today
from tests.api.factories import TODAY, Programme
from tests.api.serving import serving


def pinned(app: FastAPI) -> FastAPI:
    """Deadlines and ages count from TODAY, so the scripted dates give exact answers."""
    app.dependency_overrides[today] = lambda: TODAY
    return app


@pytest.fixture(scope="session")
async def base_url(engine: AsyncEngine) -> AsyncIterator[str]:
    async with serving(pinned(create_app(engine))) as url:
        yield url


@pytest.fixture
async def http(base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
        yield client


@pytest.fixture
async def programme(engine: AsyncEngine) -> AsyncIterator[Programme]:
    scripted = Programme(engine)
    yield scripted
    await scripted.remove()


@pytest.fixture(scope="session")
def chromium() -> Iterator[str]:
    """Debian's chromium, installed with apt when missing (playwright cannot download its
    own browser on these machines)."""
    found = shutil.which("chromium")
    if found is None:
        if os.geteuid() != 0 or shutil.which("apt-get") is None:
            pytest.skip("chromium is not installed and cannot be: apt-get needs root (apt-get install -y chromium)")
        quiet = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
            done = subprocess.run(command, env=quiet, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
        found = shutil.which("chromium")
        assert found, "apt-get installed chromium, but it is not on PATH"
    yield found


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
async def browser(chromium: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    opened = await context.new_page()
    yield opened
    await context.close()
