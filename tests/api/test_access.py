"""Who sees what: no credentials is 401; a member sees only its own organisation's
certifications, an audit firm only those assigned to it, the Secretariat all; outside that a
certification is 404, and the Secretariat's own views are 403 to everyone else."""

import uuid

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from api.access import SESSION_COOKIE
from api.app import create_app
from documents.store import DocumentStore
from domain.actors import Actor
from tests.api.factories import Programme, days
from tests.people import AUDITOR_VIEWER, MEMBER_VIEWER, People
from tests.scenario import AUDITOR, MEMBER, OTHER_AUDITOR, OTHER_MEMBER, SECRETARIAT, VIEWER, pdf


async def two_members(programme: Programme) -> tuple[str, str]:
    """Nordic's certification audited by firm A, Other's by firm B, each with a deadline."""
    ours = await programme.certification("Nordic Rolling", member_id=MEMBER.organisation_id, audit_firm_id="firm-a")
    theirs = await programme.certification(
        "Other Casting", member_id=OTHER_MEMBER.organisation_id, audit_firm_id="firm-b"
    )
    for certification_id in (ours, theirs):
        await programme.deadline(certification_id, "cap", days(20))
    return ours, theirs


async def seen(http: httpx.AsyncClient, people: People, actor: Actor, programme: Programme) -> dict[str, list[str]]:
    """What each read lists for this person, by entity or certification."""
    params, headers = {"standard": programme.standard}, people.bearer(actor)
    listing = await http.get("/api/v1/certifications", params=params, headers=headers)
    exported = await http.get("/api/v1/certifications.csv", params=params, headers=headers)
    deadlines = await http.get("/api/v1/deadlines", params=params, headers=headers)
    assert {listing.status_code, exported.status_code, deadlines.status_code} == {200}
    return {
        "list": [i["entity_name"] for i in listing.json()["items"]],
        "csv": sorted(line.split(",")[0] for line in exported.text.splitlines()[1:]),
        "deadlines": sorted({d["certification_id"] for d in deadlines.json()["items"]}),
    }


@pytest.mark.parametrize(
    ("actor", "entities"),
    [
        (SECRETARIAT, ["Nordic Rolling", "Other Casting"]),
        (VIEWER, ["Nordic Rolling", "Other Casting"]),
        (MEMBER, ["Nordic Rolling"]),
        (MEMBER_VIEWER, ["Nordic Rolling"]),
        (OTHER_MEMBER, ["Other Casting"]),
        (AUDITOR, ["Nordic Rolling"]),
        (AUDITOR_VIEWER, ["Nordic Rolling"]),
        (OTHER_AUDITOR, ["Other Casting"]),
    ],
)
async def test_each_organisation_sees_only_its_own_certifications_in_every_listing(
    anonymous: httpx.AsyncClient, people: People, programme: Programme, actor: Actor, entities: list[str]
) -> None:
    ours, theirs = await two_members(programme)
    ids = {"Nordic Rolling": ours, "Other Casting": theirs}

    listed = await seen(anonymous, people, actor, programme)

    assert listed["list"] == entities
    assert listed["csv"] == sorted(ids[e] for e in entities)
    assert listed["deadlines"] == sorted(ids[e] for e in entities)


async def test_another_organisations_certification_is_404_as_if_it_did_not_exist(
    anonymous: httpx.AsyncClient, people: People, programme: Programme
) -> None:
    ours, theirs = await two_members(programme)
    for actor in (MEMBER, MEMBER_VIEWER, AUDITOR):
        mine = await anonymous.get(f"/api/v1/certifications/{ours}", headers=people.bearer(actor))
        not_mine = await anonymous.get(f"/api/v1/certifications/{theirs}", headers=people.bearer(actor))
        unknown = await anonymous.get("/api/v1/certifications/cert-none", headers=people.bearer(actor))
        assert (mine.status_code, not_mine.status_code, unknown.status_code) == (200, 404, 404)
        assert not_mine.json() == {"detail": f"no certification {theirs}"}


@pytest.mark.parametrize("path", ["/api/v1/review-queue", "/api/v1/metrics/programme"])
async def test_the_secretariats_programme_views_are_403_to_members_and_auditors(
    anonymous: httpx.AsyncClient, people: People, path: str
) -> None:
    for actor in (MEMBER, MEMBER_VIEWER, AUDITOR, OTHER_AUDITOR):
        refused = await anonymous.get(path, headers=people.bearer(actor))
        assert refused.status_code == 403 and "only the Secretariat" in refused.json()["detail"]
    for actor in (SECRETARIAT, VIEWER):
        assert (await anonymous.get(path, headers=people.bearer(actor))).status_code == 200


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, "sign in"),
        ({"Authorization": "Bearer cf_not-a-token"}, "unknown or revoked"),
        ({"Authorization": "Basic c2FtOnB3"}, "expected 'Bearer <token>'"),
    ],
)
async def test_reads_without_a_live_token_are_401_asking_for_one(
    anonymous: httpx.AsyncClient, headers: dict[str, str], detail: str
) -> None:
    for path in ("/api/v1/certifications", "/api/v1/deadlines", "/api/v1/certifications/x", "/api/v1/review-queue"):
        refused = await anonymous.get(path, headers=headers)
        assert refused.status_code == 401 and detail in refused.json()["detail"]
        assert refused.headers["WWW-Authenticate"].startswith("Bearer")


async def test_the_public_register_and_the_probes_need_no_credentials(anonymous: httpx.AsyncClient) -> None:
    for path in ("/api/v1/register", "/api/v1/register/summary", "/register", "/healthz"):
        assert (await anonymous.get(path)).status_code == 200, path


async def test_a_page_without_a_session_sends_the_person_to_sign_in_and_back(anonymous: httpx.AsyncClient) -> None:
    response = await anonymous.get("/certifications?standard=X")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/login?next=%2Fcertifications%3Fstandard%3DX")


async def test_a_session_cookie_alone_cannot_send_a_command_without_its_csrf_token(
    anonymous: httpx.AsyncClient, people: People
) -> None:
    cookie, csrf_token = people.sessions[SECRETARIAT.user_id]
    anonymous.cookies.set(SESSION_COOKIE, cookie)
    try:
        forged = await anonymous.post("/api/v1/certifications/x/suspend", json={"reason": "forged"})
        from_our_page = await anonymous.post(
            "/api/v1/certifications/x/suspend", json={"reason": "ours"}, headers={"X-CSRF-Token": csrf_token}
        )
        read = await anonymous.get("/api/v1/review-queue")
    finally:
        anonymous.cookies.clear()
    assert forged.status_code == 403 and "csrf_token" in forged.json()["detail"]
    # Past the CSRF check: this app under test has no Temporal to send the command to.
    assert from_our_page.status_code == 503
    assert read.status_code == 200


async def test_every_read_of_one_certification_is_404_to_another_organisation(
    anonymous: httpx.AsyncClient, people: People, programme: Programme, engine: AsyncEngine
) -> None:
    """Probes every GET route that names a certification, found in the OpenAPI document, so a
    new route cannot forget the firewall unnoticed."""
    ours, theirs = await two_members(programme)
    document = pdf("their report")
    stored = await DocumentStore(engine).put(document)
    for certification_id in (ours, theirs):
        await programme.document(certification_id, "A1", "audit-report", stored.sha256)
    routes = [
        path
        for path, operations in create_app(engine).openapi()["paths"].items()
        if "get" in operations and path.startswith("/api/v1/certifications/{certification_id}")
    ]
    assert len(routes) == 3  # the certification, its documents, one document

    for path in routes:
        url = path.format(certification_id=theirs, sha256=stored.sha256)
        for insider in (OTHER_MEMBER, OTHER_AUDITOR, SECRETARIAT):
            assert (await anonymous.get(url, headers=people.bearer(insider))).status_code == 200, (url, insider.user_id)
        for outsider in (MEMBER, MEMBER_VIEWER, AUDITOR, AUDITOR_VIEWER):
            probed = await anonymous.get(url, headers=people.bearer(outsider))
            assert probed.status_code == 404, (url, outsider.user_id)


async def test_sign_in_is_refused_with_429_after_five_failures_for_a_user_id(anonymous: httpx.AsyncClient) -> None:
    user_id = f"guessed-{uuid.uuid4().hex[:8]}"
    answers = []
    for _ in range(6):
        form = await anonymous.get("/login")
        token = form.cookies["certflow_sign_in"]
        answers.append(
            await anonymous.post(
                "/login", data={"user_id": user_id, "password": "guess", "csrf_token": token, "next": ""}
            )
        )
    anonymous.cookies.clear()

    assert [a.status_code for a in answers] == [401] * 5 + [429]
    assert "Too many failed sign-ins; try again in 15 minutes." in answers[-1].text
    assert 840 < int(answers[-1].headers["Retry-After"]) <= 901
