"""A person's calendar feed over real HTTP: the open deadlines they see as all-day events
(icalendar parses it), each with a UID that stays when the deadline moves and a SEQUENCE that
rises, driven through a real certification's workflow; a replaced, revoked or unknown token
is 404."""

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from icalendar import Calendar, Event
from sqlalchemy.ext.asyncio import AsyncEngine

from domain import commands as cmd
from domain.actors import Role
from domain.audits import AuditType
from domain.deadlines import DeadlineKind, kind_of
from identity.principal import OrganisationKind
from notifications.calendar import WHAT_IS_DUE, uid
from projections.projector import Projector
from tests.api.conftest import base_url, journey, pinned, projector, service, service_url  # noqa: F401  (fixtures)
from tests.api.journey import Journey
from tests.api.projected import projected
from tests.notifications.newcomer import Newcomer, newcomer
from tests.scenario import AUDITOR, EPOCH, MEMBER, OTHER_MEMBER, SECRETARIAT


@pytest.fixture
async def client(base_url: str) -> AsyncIterator[httpx.AsyncClient]:  # noqa: F811
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as anyone:
        yield anyone


async def _feed_url(client: httpx.AsyncClient, person: Newcomer) -> str:
    issued = await client.post("/api/v1/me/calendar-token", headers=person.bearer)
    assert issued.status_code == 201, issued.text
    body = issued.json()
    assert body["url"].endswith(f"/calendar/{body['token']}.ics")
    return str(body["url"])


async def _events(client: httpx.AsyncClient, url: str) -> dict[str, Event]:
    """The feed's events by UID, fetched with no credentials but the token in the address."""
    response = await client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {str(event.uid): event for event in calendar.events}


async def test_a_replaced_or_revoked_feed_address_is_404(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    person = await newcomer(engine)
    first = await _feed_url(client, person)
    assert await _events(client, first) == {}

    second = await _feed_url(client, person)
    replaced = await client.get(first)
    assert await _events(client, second) == {}
    revoked = await client.delete("/api/v1/me/calendar-token", headers=person.bearer)
    after = await client.get(second)

    assert replaced.status_code == 404
    assert revoked.status_code == 204
    assert after.status_code == 404 and after.json()["detail"] == "token: no live calendar feed with this token"
    assert (await client.get("/calendar/cal_guessed.ics")).status_code == 404
    assert (await client.get(f"/calendar/{person.token}.ics")).status_code == 404  # an API token opens no feed


async def test_without_credentials_no_feed_address_is_issued(client: httpx.AsyncClient) -> None:
    assert (await client.post("/api/v1/me/calendar-token")).status_code == 401
    assert (await client.delete("/api/v1/me/calendar-token")).status_code == 401


async def test_a_moved_deadline_keeps_its_uid_and_raises_its_sequence(
    journey: Journey,  # noqa: F811
    projector: Projector,  # noqa: F811
    engine: AsyncEngine,
    client: httpx.AsyncClient,
) -> None:
    member, auditor, secretariat, other = [
        await newcomer(engine, Role.VIEWER, organisation_id=organisation, kind=kind)
        for organisation, kind in (
            (MEMBER.organisation_id, OrganisationKind.MEMBER),
            (AUDITOR.organisation_id, OrganisationKind.AUDIT_FIRM),
            (SECRETARIAT.organisation_id, OrganisationKind.SECRETARIAT),
            (OTHER_MEMBER.organisation_id, OrganisationKind.MEMBER),
        )
    ]
    feeds = {person.user_id: await _feed_url(client, person) for person in (member, auditor, secretariat, other)}
    await journey.admit()
    await journey.audit(AuditType.CERTIFICATION, EPOCH)
    deadlines = (await journey.state()).deadlines
    [surveillance] = [d for d in deadlines if kind_of(d) == DeadlineKind.SURVEILLANCE]
    due = deadlines[surveillance].due
    await projected(engine, journey)

    before = await _events(client, feeds[member.user_id])
    moved = due + timedelta(days=30)
    await journey.send(cmd.ExtendDeadline(actor=SECRETARIAT, deadline_id=surveillance, new_due=moved, reason="flood"))
    await projected(engine, journey)
    after = await _events(client, feeds[member.user_id])

    key = uid(journey.certification_id, surveillance)
    assert key == f"{surveillance}/{journey.certification_id}@certflow"
    assert before[key].start == due and after[key].start == moved
    assert after[key].end == moved + timedelta(days=1)
    assert after[key].sequence > before[key].sequence
    assert str(after[key]["SUMMARY"]) == f"{WHAT_IS_DUE[DeadlineKind.SURVEILLANCE]}: Nordic Aluminium Rolling"
    assert f"/member/{journey.certification_id}" in str(after[key]["DESCRIPTION"])
    ours = {k for k in after if k.endswith(f"/{journey.certification_id}@certflow")}
    assert ours == {uid(journey.certification_id, d) for d in (await journey.state()).deadlines}
    assert ours <= set(await _events(client, feeds[auditor.user_id]))
    assert ours <= set(await _events(client, feeds[secretariat.user_id]))
    assert not ours & set(await _events(client, feeds[other.user_id]))


def test_every_kind_of_deadline_has_words() -> None:
    assert set(WHAT_IS_DUE) == set(DeadlineKind)
    assert not {words for words in WHAT_IS_DUE.values() if words in set(DeadlineKind)}
