"""Page cursors come back from callers, anyone among them (the register is public): a cursor
that is not one this API handed out, whatever it holds, is refused naming `cursor` (422 for
the API, an error page for the public register page), never a 500."""

import base64
import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.access import SESSION_COOKIE
from tests.people import People
from tests.scenario import SECRETARIAT

LISTINGS = ("/api/v1/register", "/api/v1/certifications", "/api/v1/deadlines", "/api/v1/material-flows")
PAGES = ("/register", "/certifications")
PUBLIC = ("/api/v1/register", "/register")


def forged(*key: object) -> str:
    """A cursor as a caller could write one: URL-safe base64 of a JSON list."""
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


TAMPERED = [
    forged("entity_name", 5, "cert-1"),
    forged("entity_name", "Acme", 5),
    forged("entity_name", "Acme", None),
    forged("entity_name", "Ac\u0000me", "cert-1"),
    forged("entity_name", "Acme", "cert\u0000-1"),
    forged("entity_name", "\ud800", "cert-1"),
    forged("entity_name", "A" * 2000, "cert-1"),
    forged("entity_name", "A" * 20_000, "cert-1"),
    forged("entity_name", True, "cert-1"),
    forged("valid_until", "not a date", "cert-1"),
    forged("-last_changed_at", "2040-01-01", "cert-1"),
    forged("-last_changed_at", "0001-01-01T00:00:00+14:00", "cert-1"),
    forged("open_majors", 10**30, "cert-1"),
    forged("open_majors", "many", "cert-1"),
    forged("2040-01-01", 5, "deadline-1"),
    forged("2040-13-01", "cert-1", "deadline-1"),
    forged("2040", "cert-1", "primary-aluminium"),
    forged(None, "cert-1", "primary-aluminium"),
    forged(10**30, "cert-1", "primary-aluminium"),
    forged(-(2**31) - 1, "cert-1", "primary-aluminium"),
    forged(2040, "cert-1", 7),
    forged([1], {"a": 1}, 2.5),
    forged("entity_name", "Acme"),
    forged(),
    "not-a-cursor",
    "",
    "%%%",
    "A" * 10_000,
]


FLOWS_CURSOR = forged(2040, "cert-1", "primary-aluminium")
"""Well formed for the material flows, and for no other listing."""


def assert_refused_naming_cursor(response: httpx.Response) -> None:
    assert response.status_code in (400, 422), (response.request.url, response.status_code, response.text[:300])
    if response.headers["content-type"].startswith("application/json"):
        assert ["query", "cursor"] in [error["loc"] for error in response.json()["detail"]], response.text
    else:
        assert "cursor" in response.text


@pytest.mark.parametrize("path", LISTINGS + PAGES)
async def test_every_tampered_cursor_is_refused_naming_it(base_url: str, people: People, path: str) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=10, headers=people.bearer(SECRETARIAT)) as client:
        if path in PAGES:
            client.cookies.set(SESSION_COOKIE, people.sessions[SECRETARIAT.user_id][0])
        for cursor in TAMPERED + ([] if path.endswith("material-flows") else [FLOWS_CURSOR]):
            response = await client.get(path, params={"cursor": cursor})
            if cursor == "":
                assert response.status_code == 200, response.text  # a blank field is "not given"
                continue
            assert_refused_naming_cursor(response)


@pytest.mark.parametrize("path", PUBLIC)
async def test_anyone_may_try_a_tampered_cursor_on_the_register_and_is_refused(
    anonymous: httpx.AsyncClient, path: str
) -> None:
    for cursor in TAMPERED:
        if cursor:
            assert_refused_naming_cursor(await anonymous.get(path, params={"cursor": cursor}))


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
    | st.dates().map(str)
    | st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)
CURSORS = (
    st.lists(JSON_VALUES, min_size=0, max_size=4).map(lambda key: forged(*key))
    | st.tuples(
        st.sampled_from(("entity_name", "-valid_until", "open_majors", "-last_changed_at")), JSON_VALUES, JSON_VALUES
    ).map(lambda key: forged(*key))
    | st.text(min_size=1, max_size=200)
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cursor=CURSORS, path=st.sampled_from(LISTINGS))
async def test_no_cursor_whatsoever_gives_a_server_error(http: httpx.AsyncClient, cursor: str, path: str) -> None:
    response = await http.get(path, params={"cursor": cursor})
    assert response.status_code < 500, (path, cursor, response.text[:300])
    if response.status_code != 200:
        assert_refused_naming_cursor(response)
