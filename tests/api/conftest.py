"""The API under test: the app over this run's database (tests/conftest.py's `engine`),
pinned to a known day, served by uvicorn on a free port in the tests' event loop and called
over real HTTP; a read-model dataset per test; headless Chromium for the browser tests."""

import asyncio
import fcntl
import os
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Protocol

import httpx
import pytest
from fastapi import FastAPI
from playwright.async_api import Browser, BrowserContext, Page, async_playwright
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from api.access import SESSION_COOKIE
from api.app import create_app
from api.deps import today
from domain.actors import Actor
from eventstore import EventStore
from projections.projector import Projector
from tests.api.factories import TODAY, Programme
from tests.api.journey import Journey
from tests.api.serving import serving
from tests.people import People
from tests.scenario import SECRETARIAT
from workflows.client import CertificationClient


def pinned(app: FastAPI) -> FastAPI:
    """Deadlines and ages count from TODAY, so the scripted dates give exact answers."""
    app.dependency_overrides[today] = lambda: TODAY
    return app


@pytest.fixture(scope="session")
async def base_url(engine: AsyncEngine) -> AsyncIterator[str]:
    async with serving(pinned(create_app(engine))) as url:
        yield url


@pytest.fixture
async def http(base_url: str, people: People) -> AsyncIterator[httpx.AsyncClient]:
    """Calls as the Secretariat, who sees everything."""
    async with httpx.AsyncClient(base_url=base_url, timeout=10, headers=people.bearer(SECRETARIAT)) as client:
        yield client


@pytest.fixture
async def anonymous(base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """Calls with no credentials, as the public does."""
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
        yield client


@pytest.fixture
async def service_url(engine: AsyncEngine, certifications: CertificationClient) -> AsyncIterator[str]:
    """The app sending commands to real workflows (this test's time-skipping server and
    worker), served for `service` and for a browser alike."""
    async with serving(create_app(engine, commands_client=certifications)) as url:
        yield url


@pytest.fixture
async def service(service_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """`service_url`'s API, called with no credentials of its own: pass a person's `bearer` headers."""
    async with httpx.AsyncClient(base_url=service_url, timeout=30) as client:
        yield client


@pytest.fixture
async def projector(engine: AsyncEngine) -> AsyncIterator[Projector]:
    """The projector following the log while the test runs, as it does beside the app, so
    the pages show what the test's commands recorded."""
    following, stop = Projector(engine, poll_seconds=0.1), asyncio.Event()
    running = asyncio.create_task(following.run(stop))
    await asyncio.wait_for(following.leading.wait(), 10)
    yield following
    stop.set()
    await running


@pytest.fixture
def journey(
    env: WorkflowEnvironment,
    certifications: CertificationClient,
    store: EventStore,
    service: httpx.AsyncClient,
    people: People,
) -> Journey:
    """A certification's life over HTTP; see tests/api/journey.py."""
    return Journey(env, certifications, store, service, people)


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
        # One install at a time: test workers (pytest-xdist) may all need it at once.
        with open(Path(tempfile.gettempdir()) / "certflow-chromium-install.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if shutil.which("chromium") is None:
                _install_chromium()
        found = shutil.which("chromium")
        assert found, "apt-get installed chromium, but it is not on PATH"
    yield found


def _install_chromium() -> None:
    quiet = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        done = subprocess.run(command, env=quiet, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")


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


class Tab(Protocol):
    async def __call__(self, actor: Actor | None = SECRETARIAT, url: str | None = None) -> Page: ...


@pytest.fixture
async def tab(browser: Browser, base_url: str, people: People) -> AsyncIterator[Tab]:
    """Opens a tab in a browser context of its own, holding `actor`'s session cookie for
    `url` (default `base_url`; no one's when `actor` is None). Every context it opened is
    closed at teardown, whether the test passed or not."""
    contexts: list[BrowserContext] = []

    async def open_tab(actor: Actor | None = SECRETARIAT, url: str | None = None) -> Page:
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        if actor is not None:
            cookie, _ = people.sessions[actor.user_id]
            await context.add_cookies([{"name": SESSION_COOKIE, "value": cookie, "url": url or base_url}])
        return await context.new_page()

    yield open_tab
    for context in contexts:
        await context.close()


@pytest.fixture
async def page(tab: Tab) -> Page:
    """A tab signed in as the Secretariat."""
    return await tab()
