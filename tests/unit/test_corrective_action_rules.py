"""Corrective action plans for NCs, and their verified closure."""

from datetime import date

import pytest

from domain import commands as cmd
from domain.audits import AuditType
from domain.errors import NotPermitted, RuleViolation
from tests.scenario import AUDITOR, EPOCH, MEMBER, OTHER_MEMBER, Story, findings


async def certified_with_majors(story: Story, majors: int) -> None:
    await story.admit()
    await story.audit(AuditType.CERTIFICATION, EPOCH, findings(majors=majors, minors=1))


async def test_a_major_nc_closes_only_after_its_corrective_action_plan(story: Story) -> None:
    await certified_with_majors(story, 1)
    with pytest.raises(RuleViolation, match="nc.cap-first: major NC A1/1.1 needs a corrective action plan first"):
        await story.send(cmd.CloseNonConformity(actor=AUDITOR, nc_id="A1/1.1", verification="seen"))


async def test_a_minor_nc_closes_without_a_plan(story: Story) -> None:
    await certified_with_majors(story, 1)
    [closed] = await story.send(cmd.CloseNonConformity(actor=AUDITOR, nc_id="A1/1.2", verification="seen"))
    assert closed.type == "NonConformityClosed"


async def test_a_corrective_action_plan_is_submitted_once(story: Story) -> None:
    await certified_with_majors(story, 1)
    await story.send(cmd.SubmitCorrectiveActionPlan(actor=MEMBER, nc_id="A1/1.1", plan="retrain staff"))
    with pytest.raises(RuleViolation, match="cap.once: a plan for A1/1.1 was submitted on 2040-01-11"):
        await story.send(cmd.SubmitCorrectiveActionPlan(actor=MEMBER, nc_id="A1/1.1", plan="again"))


async def test_only_the_certified_member_submits_its_plans(story: Story) -> None:
    await certified_with_majors(story, 1)
    with pytest.raises(NotPermitted, match="access.own-organisation"):
        await story.send(cmd.SubmitCorrectiveActionPlan(actor=OTHER_MEMBER, nc_id="A1/1.1", plan="x"))


async def test_plans_for_every_major_meet_the_cap_deadline(story: Story) -> None:
    await certified_with_majors(story, 2)
    first = await story.send(cmd.SubmitCorrectiveActionPlan(actor=MEMBER, nc_id="A1/1.1", plan="a"))
    assert [e.type for e in first] == ["CorrectiveActionPlanSubmitted"]
    second = await story.send(cmd.SubmitCorrectiveActionPlan(actor=MEMBER, nc_id="A1/2.1", plan="b"))
    assert [e.type for e in second] == ["CorrectiveActionPlanSubmitted", "DeadlineMet"]
    assert "cap:A1" not in (await story.state()).deadlines


async def test_closing_every_major_meets_the_closure_deadline(story: Story) -> None:
    await certified_with_majors(story, 2)
    await story.on(date(2040, 6, 1))
    await story.close_majors()
    state = await story.state()
    assert not state.open_majors()
    assert "major-closure:A1" not in state.deadlines
    assert state.nonconformities["A1/1.1"].closed_on == date(2040, 6, 1)


async def test_an_unknown_or_closed_nc_is_refused(story: Story) -> None:
    await certified_with_majors(story, 1)
    with pytest.raises(RuleViolation, match="nc.exists: no non-conformity A1/7.7"):
        await story.send(cmd.SubmitCorrectiveActionPlan(actor=MEMBER, nc_id="A1/7.7", plan="x"))
    await story.close_majors()
    with pytest.raises(RuleViolation, match="nc.open: non-conformity A1/1.1 was closed on 2040-01-11"):
        await story.send(cmd.CloseNonConformity(actor=AUDITOR, nc_id="A1/1.1", verification="again"))
