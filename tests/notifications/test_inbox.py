"""A person's inbox over real HTTP (GET /api/v1/notifications, marking read): the notices
recorded for them, newest first, paged, with the unread count; another person's notice is
404 and stays unread."""

import uuid
from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from api import cursor
from domain.notices import NoticeKind
from tests.api.conftest import base_url, pinned  # noqa: F401  (fixtures)
from tests.notifications.newcomer import Newcomer, moment, newcomer, tell_members


@pytest.fixture
async def person(engine: AsyncEngine) -> Newcomer:
    return await newcomer(engine)


@pytest.fixture
async def inbox(base_url: str, person: Newcomer) -> AsyncIterator[httpx.AsyncClient]:  # noqa: F811
    async with httpx.AsyncClient(base_url=base_url, timeout=10, headers=person.bearer) as client:
        yield client


async def _three_notices(engine: AsyncEngine, person: Newcomer) -> list[str]:
    """Oldest first: a reminder, an escalation, a decision."""
    organisation = person.actor.organisation_id
    told = [
        await tell_members(engine, organisation, "Due in 14 days: CAP", moment(1), due=date(2031, 3, 15)),
        await tell_members(engine, organisation, "Missed: CAP", moment(16), NoticeKind.ESCALATION),
        await tell_members(engine, organisation, "Decision made", moment(20), NoticeKind.DECISION_MADE),
    ]
    return [str(n.notice_id) for n in told]


async def test_a_person_reads_their_notices_newest_first_with_the_unread_count(
    inbox: httpx.AsyncClient, engine: AsyncEngine, person: Newcomer
) -> None:
    oldest, middle, newest = await _three_notices(engine, person)

    listed = (await inbox.get("/api/v1/notifications")).json()

    assert [n["notice_id"] for n in listed["items"]] == [newest, middle, oldest]
    assert listed["unread"] == 3 and listed["next_cursor"] is None
    reminder = listed["items"][2]
    assert reminder["kind"] == "reminder" and reminder["subject"] == "Due in 14 days: CAP"
    assert (reminder["due"], reminder["days_left"], reminder["deadline_kind"]) == ("2031-03-15", 14, "cap")
    assert reminder["at"] == "2031-03-01T09:00:00Z" and reminder["read_at"] is None
    assert reminder["delivery"] == "email"


async def test_the_inbox_pages_by_cursor_without_skipping_or_repeating(
    inbox: httpx.AsyncClient, engine: AsyncEngine, person: Newcomer
) -> None:
    oldest, middle, newest = await _three_notices(engine, person)

    first = (await inbox.get("/api/v1/notifications", params={"limit": 2})).json()
    second = (await inbox.get("/api/v1/notifications", params={"limit": 2, "cursor": first["next_cursor"]})).json()

    assert [n["notice_id"] for n in first["items"]] == [newest, middle]
    assert [n["notice_id"] for n in second["items"]] == [oldest]
    assert second["next_cursor"] is None and second["unread"] == 3


async def test_marking_one_read_leaves_the_others_unread(
    inbox: httpx.AsyncClient, engine: AsyncEngine, person: Newcomer
) -> None:
    oldest, middle, newest = await _three_notices(engine, person)

    marked = await inbox.post(f"/api/v1/notifications/{middle}/read")
    again = await inbox.post(f"/api/v1/notifications/{middle}/read")

    assert marked.json() == {"marked": 1, "unread": 2}
    assert again.json() == {"marked": 0, "unread": 2}
    unread = (await inbox.get("/api/v1/notifications", params={"unread": "true"})).json()
    assert [n["notice_id"] for n in unread["items"]] == [newest, oldest]
    everything = (await inbox.get("/api/v1/notifications")).json()["items"]
    assert [n["read_at"] is not None for n in everything] == [False, True, False]


async def test_marking_all_read_empties_the_unread_list(
    inbox: httpx.AsyncClient, engine: AsyncEngine, person: Newcomer
) -> None:
    await _three_notices(engine, person)

    marked = await inbox.post("/api/v1/notifications/read")

    assert marked.json() == {"marked": 3, "unread": 0}
    assert (await inbox.get("/api/v1/notifications", params={"unread": "true"})).json()["items"] == []


async def test_another_persons_notice_is_404_and_stays_unread_for_them(
    inbox: httpx.AsyncClient,
    engine: AsyncEngine,
    base_url: str,  # noqa: F811
) -> None:
    stranger = await newcomer(engine)
    [theirs, *_] = await _three_notices(engine, stranger)

    refused = await inbox.post(f"/api/v1/notifications/{theirs}/read")
    unknown = await inbox.post(f"/api/v1/notifications/{uuid.uuid4()}/read")

    assert refused.status_code == 404 and unknown.status_code == 404
    assert refused.json()["detail"] == f"notice_id: no notice {theirs} among yours"
    assert (await inbox.get("/api/v1/notifications")).json() == {"items": [], "unread": 0, "next_cursor": None}
    async with httpx.AsyncClient(base_url=base_url, headers=stranger.bearer) as theirs_client:
        assert (await theirs_client.get("/api/v1/notifications")).json()["unread"] == 3


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": cursor.encode(["2031-03-01T09:00:00+00:00", "not-a-uuid"])}, "cursor"),
        ({"cursor": cursor.encode(["yesterday", str(uuid.uuid4())])}, "cursor"),
        ({"limit": 0}, "limit"),
        ({"unread": "perhaps"}, "unread"),
    ],
)
async def test_a_bad_query_is_422_naming_the_field(
    inbox: httpx.AsyncClient, params: dict[str, str | int], field: str
) -> None:
    refused = await inbox.get("/api/v1/notifications", params=params)

    assert refused.status_code == 422, refused.text
    assert [e["loc"] for e in refused.json()["detail"]] == [["query", field]]


async def test_without_credentials_the_inbox_is_401(base_url: str) -> None:  # noqa: F811
    async with httpx.AsyncClient(base_url=base_url) as anonymous:
        assert (await anonymous.get("/api/v1/notifications")).status_code == 401
        assert (await anonymous.post(f"/api/v1/notifications/{uuid.uuid4()}/read")).status_code == 401


async def test_without_a_session_the_inbox_and_settings_pages_send_a_person_to_sign_in(base_url: str) -> None:  # noqa: F811
    async with httpx.AsyncClient(base_url=base_url) as browser_like:
        inbox_page = await browser_like.get("/notifications")
        settings_page = await browser_like.get("/settings")

    assert (inbox_page.status_code, inbox_page.headers["location"]) == (303, f"{base_url}/login?next=%2Fnotifications")
    assert (settings_page.status_code, settings_page.headers["location"]) == (303, f"{base_url}/login?next=%2Fsettings")
