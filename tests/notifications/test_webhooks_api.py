"""Webhook endpoints over HTTP: a member's member users register their own organisation's
(the secret shown once, never listed), rotate and disable them; the Secretariat any
organisation's; a URL that is not https is refused naming `url`, and nothing is stored."""

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from sqlalchemy import func, select
from standardwebhooks import Webhook

from api.app import create_app
from domain.actors import Role
from identity.principal import OrganisationKind
from notifications.tables import webhook_endpoints
from tests.api.serving import served
from tests.notifications.conftest import Member, Notices

Client = Callable[[str], Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def api(notices: Notices) -> AsyncIterator[Client]:
    """An httpx client per user, calling the app over the module's database with their token."""
    clients: list[httpx.AsyncClient] = []
    async with served(create_app(notices.engine)) as base:

        async def as_user(user_id: str) -> httpx.AsyncClient:
            token = (await notices.directory.issue_token(user_id, "tests")).token
            client = httpx.AsyncClient(
                base_url=str(base.base_url), headers={"Authorization": f"Bearer {token}"}, timeout=10
            )
            clients.append(client)
            return client

        yield as_user
        for client in clients:
            await client.aclose()


async def stored(notices: Notices, member: Member) -> int:
    async with notices.engine.connect() as conn:
        query = select(func.count()).where(webhook_endpoints.c.organisation_id == member.organisation_id)
        return int(await conn.scalar(query) or 0)


async def test_a_member_registers_an_endpoint_sees_its_secret_once_then_rotates_and_disables_it(
    notices: Notices, api: Client
) -> None:
    member = await notices.member()
    http = await api(member.user_ids[0])

    registered = await http.post("/api/v1/webhooks", json={"url": "https://hooks.example.org/certflow"})
    assert registered.status_code == 201
    body = registered.json()
    assert body["organisation_id"] == member.organisation_id and body["secret"].startswith("whsec_")
    Webhook(body["secret"])  # a secret the library takes
    listed = (await http.get("/api/v1/webhooks")).json()["items"]
    assert [e["endpoint_id"] for e in listed] == [body["endpoint_id"]] and "secret" not in listed[0]

    rotated = (await http.post(f"/api/v1/webhooks/{body['endpoint_id']}/rotate")).json()
    assert rotated["secret"] != body["secret"] and rotated["previous_secret_until"] is not None
    disabled = (await http.post(f"/api/v1/webhooks/{body['endpoint_id']}/disable")).json()
    assert disabled["disabled_at"] is not None
    assert (await http.post(f"/api/v1/webhooks/{body['endpoint_id']}/rotate")).status_code == 404


async def test_a_webhook_url_that_is_not_https_is_refused_naming_url_and_nothing_is_stored(
    notices: Notices, api: Client
) -> None:
    member = await notices.member()
    http = await api(member.user_ids[0])

    for url in ("http://hooks.example.org/certflow", "ftp://hooks.example.org", "hooks.example.org/certflow"):
        refused = await http.post("/api/v1/webhooks", json={"url": url})
        assert refused.status_code == 422, url
        [problem] = refused.json()["detail"]
        assert problem["loc"] == ["body", "url"] and "https://" in problem["msg"]
    assert await stored(notices, member) == 0


async def test_a_member_manages_only_its_own_organisation_and_the_secretariat_any(
    notices: Notices, api: Client
) -> None:
    ours, theirs = await notices.member(), await notices.member()
    await notices.user("asi", OrganisationKind.SECRETARIAT, Role.SECRETARIAT, f"sec-{ours.organisation_id}", None)
    member, secretariat = await api(ours.user_ids[0]), await api(f"sec-{ours.organisation_id}")
    url = "https://hooks.example.org/x"

    refused = await member.post("/api/v1/webhooks", json={"url": url, "organisation_id": theirs.organisation_id})
    assert refused.status_code == 403 and "organisation_id" in refused.json()["detail"]
    made = await secretariat.post("/api/v1/webhooks", json={"url": url, "organisation_id": theirs.organisation_id})
    assert made.status_code == 201
    endpoint_id = made.json()["endpoint_id"]
    assert (await member.post(f"/api/v1/webhooks/{endpoint_id}/disable")).status_code == 404
    assert (await member.get("/api/v1/webhooks")).json()["items"] == []
    unknown = await secretariat.post("/api/v1/webhooks", json={"url": url, "organisation_id": "no-such-org"})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["body", "organisation_id"]
    assert await stored(notices, ours) == 0 and await stored(notices, theirs) == 1
