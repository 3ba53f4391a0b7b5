"""Commands over HTTP, each sent by its actor's token to the real workflow: a lifecycle from
application to full certificate, refusals naming their rule, idempotency, conflicts, and
malformed input, none of which records anything it should not."""

import asyncio
from datetime import date
from typing import get_args

from api.routes.commands import ROUTED_BY_TYPE, ROUTED_ON_THEIR_OWN
from domain import commands as cmd
from domain.audits import AuditType
from tests.api.journey import Journey
from tests.scenario import AUDITOR, EPOCH, MEMBER, OTHER_MEMBER, SECRETARIAT, findings


async def test_a_member_applies_and_the_lifecycle_runs_to_a_full_certificate_over_http(journey: Journey) -> None:
    await journey.admit()
    decided = await journey.audit(AuditType.CERTIFICATION, EPOCH)

    assert [e.type for e in decided][:2] == ["ReportAccepted", "CertificateGranted"]
    applied = journey.responses[0]
    assert applied.status_code == 201
    assert applied.headers["Location"].endswith(f"/api/v1/certifications/{journey.certification_id}")
    last = journey.responses[-1].json()
    assert last["state"]["phase"] == "certified" and last["state"]["certificate"]["kind"] == "full"
    assert last["version"] == len(await journey.stored())
    assert [e.actor.user_id for e in await journey.stored()][:4] == ["maria", "sam", "maria", "maria"]


async def test_a_refused_command_is_409_naming_the_rule_and_records_nothing(journey: Journey) -> None:
    await journey.admit()
    before = await journey.stored()
    too_soon = journey.plan_command(AuditType.CERTIFICATION, EPOCH).model_copy(
        update={"audit_type": AuditType.SURVEILLANCE}
    )
    refused = await journey.post(too_soon)

    assert refused.status_code == 409, refused.text
    assert refused.json()["rule"] and refused.json()["detail"]
    assert await journey.stored() == before


async def test_a_command_the_role_may_not_give_is_403_naming_the_access_rule(journey: Journey) -> None:
    await journey.admit()
    refused = await journey.post(cmd.Suspend(actor=AUDITOR, reason="auditors do not suspend"))

    assert refused.status_code == 403
    assert refused.json()["rule"] == "access.role"


async def test_a_command_on_another_members_certification_is_404_as_if_it_did_not_exist(journey: Journey) -> None:
    await journey.admit()
    probe = await journey.post(cmd.SubmitSelfAssessment(actor=OTHER_MEMBER, summary="not mine"))
    unknown = await journey.http.post(
        "/api/v1/certifications/cert-nobody/submit-self-assessment",
        json={"summary": "x"},
        headers=journey.people.bearer(MEMBER),
    )

    assert (probe.status_code, unknown.status_code) == (404, 404)
    assert probe.json()["detail"] == f"no certification {journey.certification_id}"


async def test_a_repeated_idempotency_key_returns_the_first_answer_and_records_nothing_more(journey: Journey) -> None:
    await journey.on(EPOCH)
    application = journey.apply_command()
    first = await journey.post(application, headers={"Idempotency-Key": "apply-1"})
    again = await journey.post(application, headers={"Idempotency-Key": "apply-1"})
    journey.certification_id = first.json()["certification_id"]

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert len(await journey.stored()) == 1

    other_body = application.model_copy(update={"entity_name": "Another entity"})
    misused = await journey.post(other_body, headers={"Idempotency-Key": "apply-1"})
    assert misused.status_code == 422 and "Idempotency-Key" in misused.json()["detail"]


async def test_a_refusal_is_the_first_answer_too(journey: Journey) -> None:
    await journey.admit()
    refused_twice = [
        await journey.post(cmd.AcceptApplication(actor=SECRETARIAT), headers={"Idempotency-Key": "accept-again"})
        for _ in range(2)
    ]
    assert [r.status_code for r in refused_twice] == [409, 409]
    assert (
        refused_twice[1].json()
        == refused_twice[0].json()
        == {"detail": refused_twice[0].json()["detail"], "rule": "application.pending"}
    )


async def test_of_two_conflicting_commands_at_once_one_wins_and_the_other_is_409(journey: Journey) -> None:
    await journey.admit()
    audit_id = await journey.report(AuditType.CERTIFICATION, EPOCH, findings())
    accept = journey.post(cmd.AcceptReport(actor=SECRETARIAT, audit_id=audit_id))
    give_back = journey.post(cmd.ReturnReport(actor=SECRETARIAT, audit_id=audit_id, reason="incomplete"))
    answers = await asyncio.gather(accept, give_back)

    assert sorted(a.status_code for a in answers) == [200, 409]
    [loser] = [a.json()["rule"] for a in answers if a.status_code == 409]
    assert loser in ("audit.exists", "audit.order")  # which, depends on which won


async def test_malformed_input_is_422_naming_the_field_and_records_nothing(journey: Journey) -> None:
    await journey.admit()
    before = await journey.stored()
    bad_dates = await journey.http.post(
        f"/api/v1/certifications/{journey.certification_id}/plan-audit",
        json={
            "audit_id": "A1",
            "audit_type": "certification",
            "starts_on": "2040-02-10",
            "ends_on": "2040-02-01",
            "lead_auditor": "arno",
        },
        headers=journey.people.bearer(AUDITOR),
    )
    missing = await journey.http.post(
        f"/api/v1/certifications/{journey.certification_id}/suspend",
        json={},
        headers=journey.people.bearer(SECRETARIAT),
    )
    unknown_field = await journey.http.post(
        f"/api/v1/certifications/{journey.certification_id}/suspend",
        json={"reason": "x", "actor": {"role": "system"}},
        headers=journey.people.bearer(SECRETARIAT),
    )

    assert bad_dates.status_code == 422 and "ends_on is before starts_on" in bad_dates.text
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == ["body", "reason"]
    assert unknown_field.status_code == 422 and unknown_field.json()["detail"][0]["loc"] == ["body", "actor"]
    assert await journey.stored() == before


async def test_an_audit_is_led_by_a_registered_auditor_of_the_firm_whose_training_holds(journey: Journey) -> None:
    await journey.admit()
    before = await journey.stored()
    plan = journey.plan_command(AuditType.CERTIFICATION, EPOCH)
    elsewhere = await journey.post(plan.model_copy(update={"lead_auditor": "olga"}))
    lapsed = await journey.post(plan.model_copy(update={"ends_on": date(2051, 1, 5), "starts_on": date(2051, 1, 3)}))

    assert elsewhere.status_code == 422
    assert elsewhere.json()["detail"] == "lead_auditor: olga is not a registered auditor of firm-a"
    assert lapsed.status_code == 422
    assert lapsed.json()["detail"] == "lead_auditor: arno's training ends on 2050-12-31; the audit ends on 2051-01-05"
    assert await journey.stored() == before


def test_every_command_has_a_route_or_comes_from_the_workflow_itself() -> None:
    """A command added to the domain is routed by its type, routed on its own, or given by
    the workflow's timers: none is left without a way in."""
    every = set(get_args(get_args(cmd.Command)[0]))
    routed = set(ROUTED_BY_TYPE) | set(ROUTED_ON_THEIR_OWN)
    assert every - routed == {cmd.RecordMissedDeadline}
    assert not routed - every
