"""Every HTML page carries the security headers: a Content-Security-Policy allowing no
inline script nor framing, nosniff, a Referrer-Policy, and (all but the public register)
`Cache-Control: no-store`, so a shared computer's back button shows no one's data. Walked
over every GET route the app has, signed in as each kind of user and as no one."""

import re

import httpx
import pytest
from fastapi.routing import iter_route_contexts
from sqlalchemy.ext.asyncio import AsyncEngine

from api.access import SESSION_COOKIE
from api.app import create_app
from domain.actors import Actor
from tests.people import People
from tests.scenario import AUDITOR, MEMBER, SECRETARIAT, VIEWER

MACHINE_PREFIXES = ("/api/", "/static", "/healthz", "/readyz", "/metrics", "/openapi.json")
PUBLIC_PAGES = ("/register",)


def page_paths(engine: AsyncEngine) -> list[str]:
    """Every GET route outside the API and the probes, path parameters filled with an id
    no one has (the 404 page is a page too)."""
    paths = set()
    for route in iter_route_contexts(create_app(engine).routes):
        if route.path and "GET" in (route.methods or ()) and not route.path.startswith(MACHINE_PREFIXES):
            paths.add(re.sub(r"\{[^}]+\}", "none", route.path))
    return sorted(paths)


def assert_secured(response: httpx.Response) -> None:
    where = f"{response.request.url} ({response.status_code})"
    policy = response.headers.get("content-security-policy", "")
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives.get("frame-ancestors") == "'none'", where
    assert directives.get("script-src") == "'self'" and "unsafe-inline" not in policy, where
    assert directives.get("object-src") == "'none'" and directives.get("base-uri") == "'none'", where
    assert response.headers.get("x-content-type-options") == "nosniff", where
    assert response.headers.get("referrer-policy") == "same-origin", where
    if not response.url.path.startswith(PUBLIC_PAGES):
        assert response.headers.get("cache-control") == "no-store", where


@pytest.mark.parametrize(
    "actor", [SECRETARIAT, VIEWER, MEMBER, AUDITOR, None], ids=lambda a: a.user_id if a else "no one"
)
async def test_every_page_carries_the_security_headers(
    engine: AsyncEngine, base_url: str, people: People, actor: Actor | None
) -> None:
    cookies = {SESSION_COOKIE: people.sessions[actor.user_id][0]} if actor else {}
    pages = 0
    async with httpx.AsyncClient(base_url=base_url, timeout=10, cookies=cookies, follow_redirects=True) as client:
        for path in page_paths(engine):
            response = await client.get(path)
            assert response.status_code < 500, (path, response.text[:300])
            if response.headers["content-type"].startswith("text/html"):
                assert_secured(response)
                pages += 1
    assert pages >= 10


async def test_an_api_answer_is_not_sniffed(http: httpx.AsyncClient) -> None:
    response = await http.get("/api/v1/certifications")
    assert response.headers["x-content-type-options"] == "nosniff"
