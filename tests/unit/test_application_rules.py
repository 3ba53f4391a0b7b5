"""Application, acceptance, self-assessment and engaging an accredited audit firm."""

from datetime import date

import pytest
from pydantic import ValidationError

from domain import commands as cmd
from domain.errors import NotPermitted, RuleViolation
from domain.firms import Accreditation, AuditFirm
from domain.policy import policy_by_id
from domain.state import Phase
from tests.scenario import EPOCH, FIRM, MEMBER, OTHER_MEMBER, SECRETARIAT, VIEWER, Story


async def test_application_pins_the_scheme_policy_of_its_standard(story: Story) -> None:
    [submitted] = await story.apply(standard="ASI-PS")
    assert submitted.policy_id == "asi-2022"
    assert (await story.state()).phase == Phase.APPLIED


async def test_a_member_applies_only_for_its_own_organisation(story: Story) -> None:
    with pytest.raises(NotPermitted, match="access.own-organisation"):
        await story.apply(actor=OTHER_MEMBER)


async def test_a_viewer_cannot_apply(story: Story) -> None:
    with pytest.raises(NotPermitted, match="access.role: a viewer may not apply"):
        await story.apply(actor=VIEWER)


async def test_a_standard_no_scheme_covers_is_refused(story: Story) -> None:
    with pytest.raises(RuleViolation, match="standard.known: no scheme policy covers standard FSC-FM"):
        await story.apply(standard="FSC-FM")


async def test_a_certification_has_one_application(story: Story) -> None:
    await story.apply()
    with pytest.raises(RuleViolation, match="application.once"):
        await story.apply()


async def test_only_the_secretariat_accepts_an_application(story: Story) -> None:
    await story.apply()
    with pytest.raises(NotPermitted, match="access.role: a member may not accept an application"):
        await story.send(cmd.AcceptApplication(actor=MEMBER))


async def test_a_rejected_application_ends_the_lifecycle(story: Story) -> None:
    await story.apply()
    await story.send(cmd.RejectApplication(actor=SECRETARIAT, reason="entity not a member"))
    assert (await story.state()).is_terminal
    with pytest.raises(RuleViolation, match="lifecycle.ended"):
        await story.send(cmd.SubmitSelfAssessment(actor=MEMBER, summary="late"))


def test_rejecting_an_application_needs_a_reason() -> None:
    with pytest.raises(ValidationError, match="reason"):
        cmd.RejectApplication(actor=SECRETARIAT, reason="   ")


async def test_the_self_assessment_needs_an_accepted_application(story: Story) -> None:
    await story.apply()
    with pytest.raises(RuleViolation, match="application.accepted"):
        await story.send(cmd.SubmitSelfAssessment(actor=MEMBER, summary="done"))


async def test_the_audit_firm_must_be_accredited_for_the_standard_today(story: Story) -> None:
    await story.apply()
    await story.send(cmd.AcceptApplication(actor=SECRETARIAT))
    lapsed = Accreditation(standard_code="ASI-PS", valid_from=date(2030, 1, 1), valid_until=date(2039, 12, 31))
    other = Accreditation(standard_code="ASI-CoC", valid_from=date(2030, 1, 1), valid_until=date(2050, 1, 1))
    firm = AuditFirm(firm_id="firm-c", name="Firm C", accreditations=(lapsed, other))
    with pytest.raises(
        RuleViolation, match=f"audit-firm.accredited: Firm C holds no accreditation for ASI-PS valid on {EPOCH}"
    ):
        await story.send(cmd.AssignAuditFirm(actor=MEMBER, firm=firm))
    [assigned] = await story.send(cmd.AssignAuditFirm(actor=MEMBER, firm=FIRM))
    assert assigned.firm_id == "firm-a"


@pytest.mark.parametrize("policy_id", [None, "", "asi-1999"])
def test_a_certification_without_a_known_policy_is_refused_naming_the_rule(policy_id: str | None) -> None:
    """Not `KeyError ''`: a certification that never applied, or names a policy this release
    lacks, has no rules to go by."""
    with pytest.raises(RuleViolation) as refused:
        policy_by_id(policy_id)
    assert refused.value.rule == "policy.known"
