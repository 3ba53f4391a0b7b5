"""Every text, list and date a command takes is bounded, and so is the whole command: input
past a bound is refused as a 4xx naming the field, nothing is recorded, and the certification
takes its next command with its workflow level with its stream. Before these bounds, a 3 MiB
finding note was appended and then lost with the workflow task Temporal refused, and a due
date of 9999-12-31 overflowed the deadline arithmetic: both broke the certification for good."""

from datetime import date
from typing import Any

import httpx

from domain import commands as cmd
from domain.actors import Actor
from domain.audits import AuditType
from domain.limits import COMMAND_BYTES, NOTE_LENGTH, TEXT_LENGTH
from tests.api.journey import Journey
from tests.scenario import AUDITOR, EPOCH, MEMBER, SECRETARIAT, findings

MIB = 1024 * 1024


async def _post(journey: Journey, actor: Actor, command: str, body: dict[str, Any]) -> httpx.Response:
    """A command's body as a client may send it, past what a domain command would hold."""
    path = f"/api/v1/certifications/{journey.certification_id}/{command}"
    return await journey.http.post(path, json=body, headers=journey.people.bearer(actor))


def _finding(note: str, criterion: str = "1.1") -> dict[str, str]:
    return {"criterion": criterion, "facility_id": "mill", "kind": "minor-nc", "note": note}


async def _level_with_its_stream(journey: Journey) -> bool:
    return (await journey.state()).version == len(await journey.stored())


async def _audit_in_progress(journey: Journey) -> str:
    await journey.admit()
    audit_id = await journey.plan(AuditType.CERTIFICATION, EPOCH)
    await journey.send(cmd.StartAudit(actor=AUDITOR, audit_id=audit_id))
    return audit_id


async def test_a_finding_note_past_its_bound_is_422_naming_it_and_the_audit_goes_on(journey: Journey) -> None:
    audit_id = await _audit_in_progress(journey)
    before = await journey.stored()

    too_long = await _post(
        journey, AUDITOR, "record-findings", {"audit_id": audit_id, "findings": [_finding("n" * (NOTE_LENGTH + 1))]}
    )
    huge = await _post(
        journey, AUDITOR, "record-findings", {"audit_id": audit_id, "findings": [_finding("n" * 3 * MIB)]}
    )

    assert too_long.status_code == 422, too_long.text
    assert too_long.json()["detail"][0]["loc"] == ["body", "findings", 0, "note"]
    assert huge.status_code == 413, huge.text  # refused by the body limit before it is parsed
    assert await journey.stored() == before
    await journey.send(cmd.RecordFindings(actor=AUDITOR, audit_id=audit_id, findings=findings(minors=1)))
    assert await _level_with_its_stream(journey)


async def test_a_summary_past_its_bound_is_422_naming_it(journey: Journey) -> None:
    await journey.on(EPOCH)
    await journey.apply()
    await journey.send(cmd.AcceptApplication(actor=SECRETARIAT))
    before = await journey.stored()

    too_long = await _post(journey, MEMBER, "submit-self-assessment", {"summary": "s" * (TEXT_LENGTH + 1)})
    huge = await _post(journey, MEMBER, "submit-self-assessment", {"summary": "s" * 3 * MIB})

    assert too_long.status_code == 422 and too_long.json()["detail"][0]["loc"] == ["body", "summary"]
    assert huge.status_code == 413, huge.text  # refused by the body limit before it is parsed
    assert await journey.stored() == before
    await journey.send(cmd.SubmitSelfAssessment(actor=MEMBER, summary="all criteria assessed"))
    assert await _level_with_its_stream(journey)


async def test_a_due_date_past_the_calendar_bound_is_422_and_the_deadline_can_still_be_extended(
    journey: Journey,
) -> None:
    await journey.admit()
    await journey.audit(AuditType.CERTIFICATION, EPOCH)
    [surveillance] = [d for d in (await journey.state()).deadlines if d.startswith("surveillance:")]
    before = await journey.stored()

    far = await _post(
        journey, SECRETARIAT, "extend-deadline", {"deadline_id": surveillance, "new_due": "9999-12-31", "reason": "r"}
    )

    assert far.status_code == 422, far.text
    assert far.json()["detail"][0]["loc"] == ["body", "new_due"]
    assert await journey.stored() == before
    extended = cmd.ExtendDeadline(
        actor=SECRETARIAT, deadline_id=surveillance, new_due=date(2043, 12, 1), reason="site closed"
    )
    assert [e.type for e in await journey.send(extended)] == ["DeadlineExtended"]
    assert await _level_with_its_stream(journey)


async def test_a_command_whose_fields_each_fit_but_whose_whole_does_not_is_422(journey: Journey) -> None:
    audit_id = await _audit_in_progress(journey)
    note = "n" * (NOTE_LENGTH - 1)
    many = [_finding(note, criterion=f"{i}.1") for i in range(COMMAND_BYTES // NOTE_LENGTH + 1)]

    refused = await _post(journey, AUDITOR, "record-findings", {"audit_id": audit_id, "findings": many})

    assert refused.status_code == 422, refused.text
    assert "bytes encoded" in refused.text
    assert await _level_with_its_stream(journey)


async def test_findings_that_add_up_past_the_record_bound_are_refused_naming_the_rule(journey: Journey) -> None:
    """Each command fits, but one audit's findings accumulate in the certification's state."""
    audit_id = await _audit_in_progress(journey)
    note = "n" * (NOTE_LENGTH - 1)
    per_command = (COMMAND_BYTES // NOTE_LENGTH) - 4
    answers = []
    for batch in range(6):
        body = {"audit_id": audit_id, "findings": [_finding(note, f"{batch}.{i}") for i in range(per_command)]}
        answers.append(await _post(journey, AUDITOR, "record-findings", body))

    assert [a.status_code for a in answers[:2]] == [200, 200]
    assert answers[-1].status_code == 409 and answers[-1].json()["rule"] == "record.size"
    assert await _level_with_its_stream(journey)
    report = cmd.SubmitReport(actor=AUDITOR, audit_id=audit_id, on_site_ended_on=EPOCH, summary="report")
    assert next(e.type for e in await journey.send(report)) == "ReportSubmitted"
