"""A person's contact details and notice preferences over real HTTP (GET/PATCH /api/v1/me,
PUT /api/v1/me/preferences) and on the command line: bad values are refused naming the
field, and nothing changes; the preferences decide how a recorded notice reaches them."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from certflow.cli import app as cli
from domain.notices import Channel, Delivery, NoticeKind
from notifications.tables import deliveries, notice_recipients
from tests.api.conftest import base_url, pinned  # noqa: F401  (fixtures)
from tests.notifications.newcomer import Newcomer, moment, newcomer, tell_members


@pytest.fixture
async def person(engine: AsyncEngine) -> Newcomer:
    return await newcomer(engine, email="nora@example.org")


@pytest.fixture
async def me(base_url: str, person: Newcomer) -> AsyncIterator[httpx.AsyncClient]:  # noqa: F811
    async with httpx.AsyncClient(base_url=base_url, timeout=10, headers=person.bearer) as client:
        yield client


async def _profile(me: httpx.AsyncClient) -> dict[str, Any]:
    response = await me.get("/api/v1/me")
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_a_person_sees_their_profile_with_every_kind_at_the_default(
    me: httpx.AsyncClient, person: Newcomer
) -> None:
    profile = await _profile(me)

    assert profile["user_id"] == person.user_id
    assert profile["organisation_id"] == person.actor.organisation_id
    assert (profile["role"], profile["organisation_kind"]) == ("member", "member")
    assert (profile["email"], profile["time_zone"], profile["digest_hour"]) == ("nora@example.org", "UTC", 7)
    assert profile["default_delivery"] == "email"
    assert [p["kind"] for p in profile["preferences"]] == list(NoticeKind)
    assert all(p["delivery"] == "email" and not p["chosen"] for p in profile["preferences"])


async def test_a_person_changes_their_address_time_zone_and_digest_hour(me: httpx.AsyncClient) -> None:
    changed = await me.patch("/api/v1/me", json={"email": "nora@nordic.example", "time_zone": "Europe/Oslo"})
    hour = await me.patch("/api/v1/me", json={"digest_hour": 6})

    assert changed.status_code == 200, changed.text
    assert hour.status_code == 200, hour.text
    profile = await _profile(me)
    assert (profile["email"], profile["time_zone"], profile["digest_hour"]) == ("nora@nordic.example", "Europe/Oslo", 6)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "nora-at-example.org"}, "email"),
        ({"email": "nora@localhost"}, "email"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"time_zone": "../../etc/passwd"}, "time_zone"),
        ({"digest_hour": 24}, "digest_hour"),
        ({"email": "nora@nordic.example", "digest_hour": -1}, "digest_hour"),
        ({"contact": True}, "contact"),
    ],
)
async def test_a_bad_value_is_422_naming_its_field_and_nothing_changes(
    me: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    before = await _profile(me)

    refused = await me.patch("/api/v1/me", json=body)

    assert refused.status_code == 422, refused.text
    assert [e["loc"] for e in refused.json()["detail"]] == [["body", field]]
    assert await _profile(me) == before


async def test_a_person_chooses_how_each_kind_reaches_them_and_the_rest_go_back_to_the_default(
    me: httpx.AsyncClient,
) -> None:
    first = await me.put("/api/v1/me/preferences", json={"reminder": "digest", "survey": "none", "expired": "email"})
    second = await me.put("/api/v1/me/preferences", json={"reminder": "webhook-only"})

    assert first.status_code == 200, first.text
    assert second.status_code == 200, second.text
    chosen = {p["kind"]: (p["delivery"], p["chosen"]) for p in (await _profile(me))["preferences"]}
    assert chosen["reminder"] == ("webhook-only", True)
    assert chosen["survey"] == ("email", False)
    assert chosen["expired"] == ("email", False)


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"reminder": "digest", "birthday": "email"}, ["body", "birthday", "[key]"]),
        ({"reminder": "carrier-pigeon"}, ["body", "reminder"]),
    ],
)
async def test_an_unknown_kind_or_delivery_is_422_naming_it_and_nothing_changes(
    me: httpx.AsyncClient, body: dict[str, str], loc: list[str]
) -> None:
    assert (await me.put("/api/v1/me/preferences", json={"survey": "none"})).status_code == 200
    before = await _profile(me)

    refused = await me.put("/api/v1/me/preferences", json=body)

    assert refused.status_code == 422, refused.text
    assert [e["loc"] for e in refused.json()["detail"]] == [loc]
    assert await _profile(me) == before


async def test_a_notice_reaches_a_person_as_they_chose(
    me: httpx.AsyncClient, person: Newcomer, engine: AsyncEngine
) -> None:
    assert (await me.put("/api/v1/me/preferences", json={"reminder": "digest"})).status_code == 200
    colleague = await newcomer(engine, organisation_id=person.actor.organisation_id, email="carl@example.org")

    notice = await tell_members(engine, person.actor.organisation_id, "Due in 14 days: CAP", moment(1))

    async with engine.connect() as conn:
        R = notice_recipients.c
        inboxes = dict((await conn.execute(select(R.user_id, R.delivery).where(R.notice_id == notice.notice_id))).all())
        mailed = (
            await conn.scalars(
                select(deliveries.c.target).where(
                    deliveries.c.notice_id == notice.notice_id, deliveries.c.channel == Channel.EMAIL
                )
            )
        ).all()
    assert inboxes == {person.user_id: Delivery.DIGEST, colleague.user_id: Delivery.EMAIL}
    assert mailed == ["carl@example.org"]


def _run(database_url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"DATABASE_URL": database_url, "CERTFLOW_LOG_LEVEL": "WARNING"})
    return result.exit_code, result.output


def test_the_command_line_creates_a_person_with_an_address_and_changes_their_details(
    database_url: str, person: Newcomer
) -> None:
    created = _run(
        database_url,
        *("users", "create", "noor", "--name", "Noor", "--organisation", person.actor.organisation_id),
        *("--organisation-name", "Nordic", "--kind", "member", "--role", "member"),
        *("--email", "noor@example.org", "--time-zone", "Asia/Tokyo", "--contact"),
    )
    changed = _run(database_url, "users", "set", "noor", "--digest-hour", "18", "--no-contact")
    preferred = _run(database_url, "users", "prefer", "noor", "reminder", "digest")

    assert created[0] == 0, created[1]
    assert changed == (0, "user noor: e-mail noor@example.org, time zone Asia/Tokyo, digest at 18:00, not a contact\n")
    assert preferred == (0, "user noor gets reminder notices by digest\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("users", "set", "{user}", "--email", "not an address"), "error: email: value is not a valid email address"),
        (("users", "set", "{user}", "--time-zone", "Atlantis/Capital"), "error: time_zone: Value error, 'Atlantis/"),
        (("users", "set", "{user}", "--digest-hour", "25"), "error: digest_hour: Input should be less than or equal"),
        (("users", "set", "{user}"), "error: nothing to change"),
        (("users", "set", "nobody-at-all", "--digest-hour", "5"), "error: user_id: no user nobody-at-all"),
        (("users", "prefer", "{user}", "birthday", "email"), "error: kind: 'birthday' is not one of reminder,"),
        (("users", "prefer", "{user}", "reminder", "fax"), "error: delivery: 'fax' is not one of email, digest,"),
        (
            (
                *("users", "create", "x1", "--name", "X", "--organisation", "o", "--organisation-name", "O"),
                *("--kind", "member", "--role", "member", "--email", "x@@example.org"),
            ),
            "error: email: value is not a valid email address",
        ),
    ],
)
def test_the_command_line_refuses_a_bad_value_naming_the_field_and_exits_2(
    database_url: str, person: Newcomer, args: tuple[str, ...], message: str
) -> None:
    before = _run(database_url, "users", "set", person.user_id, "--digest-hour", "7")

    code, output = _run(database_url, *(a.format(user=person.user_id) for a in args))

    assert code == 2, output
    assert output.startswith(message), output
    assert _run(database_url, "users", "set", person.user_id, "--digest-hour", "7") == before
