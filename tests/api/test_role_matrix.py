"""Every command by every role, over HTTP on a real workflow: the role that may give it gets
past access (its answer is the domain's: 200 or 409), any other role in reach is 403 naming
`access.role`, and another organisation gets 404 as if the certification did not exist."""

import pytest

from domain.actors import Actor, Role
from tests.api.journey import Journey, http_call
from tests.people import EVERYONE, MEMBER_VIEWER
from tests.scenario import EPOCH, MEMBER, OTHER_AUDITOR, OTHER_MEMBER, SECRETARIAT

MAY_GIVE: dict[str, tuple[Role, ...]] = {
    "accept-application": (Role.SECRETARIAT,),
    "reject-application": (Role.SECRETARIAT,),
    "submit-self-assessment": (Role.MEMBER,),
    "assign-audit-firm": (Role.MEMBER, Role.SECRETARIAT),
    "plan-audit": (Role.AUDITOR,),
    "start-audit": (Role.AUDITOR,),
    "record-findings": (Role.AUDITOR,),
    "submit-report": (Role.AUDITOR,),
    "accept-report": (Role.SECRETARIAT,),
    "return-report": (Role.SECRETARIAT,),
    "submit-cap": (Role.MEMBER,),
    "close-nc": (Role.AUDITOR,),
    "suspend": (Role.SECRETARIAT,),
    "reinstate": (Role.SECRETARIAT,),
    "withdraw": (Role.SECRETARIAT,),
    "extend-deadline": (Role.SECRETARIAT,),
    "report-material-flow": (Role.MEMBER,),
}
BODIES: dict[str, dict] = {
    "accept-application": {},
    "reject-application": {"reason": "incomplete"},
    "submit-self-assessment": {"summary": "assessed"},
    "assign-audit-firm": {"firm_id": "firm-a"},
    "plan-audit": {
        "audit_id": "M1",
        "audit_type": "certification",
        "starts_on": "2040-03-01",
        "ends_on": "2040-03-03",
        "lead_auditor": "arno",
    },
    "start-audit": {"audit_id": "M0"},
    "record-findings": {
        "audit_id": "M0",
        "findings": [{"criterion": "1.1", "facility_id": "mill", "kind": "conformance"}],
    },
    "submit-report": {"audit_id": "M0", "on_site_ended_on": "2040-01-02", "summary": "report"},
    "accept-report": {"audit_id": "M0"},
    "return-report": {"audit_id": "M0", "reason": "incomplete"},
    "submit-cap": {"nc_id": "nc-0", "plan": "fix"},
    "close-nc": {"nc_id": "nc-0", "verification": "verified"},
    "suspend": {"reason": "complaint"},
    "reinstate": {"reason": "resolved"},
    "withdraw": {"reason": "left the programme"},
    "extend-deadline": {"deadline_id": "none", "new_due": "2041-01-01", "reason": "force majeure"},
    "report-material-flow": {
        "year": 2039,
        "flows": [{"category": "primary-aluminium", "tonnes_in": "1", "tonnes_out": "1"}],
    },
}
OUT_OF_REACH = (OTHER_MEMBER, OTHER_AUDITOR)


def expected(command: str, actor: Actor) -> set[int]:
    if actor in OUT_OF_REACH:
        return {404}
    return {200, 409} if actor.role in MAY_GIVE[command] else {403}


def test_the_matrix_covers_every_command_sent_over_http() -> None:
    from api.routes.commands import router

    paths = {r.path.rsplit("/", 1)[-1] for r in router.routes if "{certification_id}" in r.path}  # type: ignore[attr-defined]
    assert paths == set(MAY_GIVE) == set(BODIES)


async def test_every_command_by_every_role(journey: Journey) -> None:
    await journey.admit()
    answers: dict[tuple[str, str], tuple[int, str | None]] = {}
    # Refusals first: they change nothing, so every role meets the same certification.
    for allowed_first in (False, True):
        for command, body in BODIES.items():
            for actor in EVERYONE:
                if (actor.role in MAY_GIVE[command] and actor not in OUT_OF_REACH) != allowed_first:
                    continue
                response = await journey.http.post(
                    f"/api/v1/certifications/{journey.certification_id}/{command}",
                    json=body,
                    headers=journey.people.bearer(actor),
                )
                answers[(command, actor.user_id)] = (response.status_code, response.json().get("rule"))

    wrong = {
        (command, actor.user_id): answers[(command, actor.user_id)]
        for command in BODIES
        for actor in EVERYONE
        if answers[(command, actor.user_id)][0] not in expected(command, actor)
    }
    assert wrong == {}
    assert {rule for (status, rule) in answers.values() if status == 403} == {"access.role"}


@pytest.mark.parametrize(
    ("actor", "status"),
    [(MEMBER, 201), (SECRETARIAT, 201), (MEMBER_VIEWER, 403)]
    + [(a, 403) for a in EVERYONE if a.role in (Role.AUDITOR, Role.VIEWER) and a != MEMBER_VIEWER],
)
async def test_only_members_and_the_secretariat_may_apply(journey: Journey, actor: Actor, status: int) -> None:
    await journey.on(EPOCH)
    path, body = http_call(journey.apply_command(), None)
    if actor == SECRETARIAT:
        body["member_id"] = MEMBER.organisation_id
    response = await journey.http.post(path, json=body, headers=journey.people.bearer(actor))

    assert response.status_code == status, response.text
    if status == 403:
        assert response.json()["rule"] == "access.role"
    else:
        assert response.json()["state"]["member_id"] == MEMBER.organisation_id


@pytest.mark.parametrize("named", [OTHER_MEMBER.organisation_id, "no-such-organisation"])
async def test_a_member_naming_another_organisation_is_refused_by_the_domains_rule(
    journey: Journey, named: str
) -> None:
    """Refused naming the rule, the same for an organisation that exists as for one that does not."""
    await journey.on(EPOCH)
    path, body = http_call(journey.apply_command(), None)
    response = await journey.http.post(path, json={**body, "member_id": named}, headers=journey.people.bearer(MEMBER))

    assert response.status_code == 403, response.text
    assert response.json()["rule"] == "access.own-organisation"
