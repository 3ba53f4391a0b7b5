"""Annual chain-of-custody material flows over HTTP: a certified member reports last year's
figures; the Secretariat sees every member's, a member only its own; the public sees totals
only where enough members reported."""

from datetime import date

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.audits import AuditType
from domain.scope import Activity, Facility
from projections.projector import Projector
from tests.api.factories import Programme
from tests.api.journey import Journey
from tests.people import People
from tests.scenario import EPOCH, MEMBER, OTHER_MEMBER, SECRETARIAT, findings

CASTHOUSE = Facility(facility_id="mill", name="Casthouse", country="DE", activities=(Activity.CASTING,))


async def test_a_certified_member_reports_last_years_flows_and_the_secretariat_sees_them(
    journey: Journey, engine: AsyncEngine
) -> None:
    await journey.admit(standard="ASI-CoC", facilities=(CASTHOUSE,))
    await journey.audit(AuditType.CERTIFICATION, EPOCH, findings())
    await journey.on(date(2041, 1, 15))
    body = {
        "year": 2040,
        "flows": [
            {"category": "primary-aluminium", "tonnes_in": "1200.5", "tonnes_out": "1100"},
            {"category": "post-consumer-scrap", "tonnes_in": "80", "tonnes_out": "0"},
        ],
    }
    path = f"/api/v1/certifications/{journey.certification_id}/report-material-flow"
    reported = await journey.http.post(path, json=body, headers=journey.people.bearer(MEMBER))
    twice = await journey.http.post(path, json=body, headers=journey.people.bearer(MEMBER))
    negative = await journey.http.post(
        path,
        json={"year": 2040, "flows": [{"category": "alumina", "tonnes_in": "-1", "tonnes_out": "0"}]},
        headers=journey.people.bearer(MEMBER),
    )

    assert reported.status_code == 200, reported.text
    assert (twice.status_code, twice.json()["rule"]) == (409, "material-flow.once-a-year")
    assert negative.status_code == 422 and negative.json()["detail"][0]["loc"][:2] == ["body", "flows"]
    await Projector(engine).catch_up()
    seen = {}
    for actor in (SECRETARIAT, MEMBER, OTHER_MEMBER):
        listed = await journey.http.get(
            "/api/v1/material-flows", params={"year": 2040}, headers=journey.people.bearer(actor)
        )
        seen[actor.user_id] = [
            (i["category"], i["tonnes_in"], i["tonnes_out"])
            for i in listed.json()["items"]
            if i["certification_id"] == journey.certification_id
        ]
    assert (
        seen["sam"]
        == seen["maria"]
        == [("post-consumer-scrap", "80.000", "0.000"), ("primary-aluminium", "1200.500", "1100.000")]
    )
    assert seen["otto"] == []


async def test_public_totals_show_only_where_enough_members_reported(
    anonymous: httpx.AsyncClient, programme: Programme
) -> None:
    reporters = [await programme.certification(f"Caster {n}") for n in range(3)]
    for n, certification_id in enumerate(reporters):
        await programme.material_flow(certification_id, 2030, "primary-aluminium", f"{100 * (n + 1)}", "50")
    await programme.material_flow(reporters[0], 2030, "alumina", "999", "999")
    await programme.material_flow(reporters[1], 2030, "alumina", "1", "1")

    totals = await anonymous.get("/api/v1/register/material-flows", params={"standard": programme.standard})

    assert totals.status_code == 200
    assert totals.json() == {
        "items": [
            {
                "year": 2030,
                "category": "primary-aluminium",
                "members": 3,
                "tonnes_in": "600.000",
                "tonnes_out": "150.000",
            }
        ],
        "public_threshold": 3,
    }
    page = await anonymous.get("/register", params={"standard": programme.standard})
    assert 'primary aluminium</th><td class="num">3</td><td class="num">600.000</td>' in page.text
    assert "alumina</th>" not in page.text


async def test_reported_flows_are_for_signed_in_callers_only(anonymous: httpx.AsyncClient, people: People) -> None:
    assert (await anonymous.get("/api/v1/material-flows")).status_code == 401
    page = await anonymous.get("/api/v1/material-flows", params={"limit": 0}, headers=people.bearer(SECRETARIAT))
    assert page.status_code == 422 and page.json()["detail"][0]["loc"] == ["query", "limit"]
