"""The Secretariat suspends, reinstates and withdraws; deadlines are extended with a reason."""

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from domain import commands as cmd
from domain.actors import SYSTEM
from domain.audits import AuditType
from domain.certificates import CertificateStatus
from domain.decide import decide
from domain.errors import NotPermitted, RuleViolation
from tests.scenario import EPOCH, MEMBER, SECRETARIAT, Story


async def certified(story: Story) -> None:
    await story.admit()
    await story.audit(AuditType.CERTIFICATION, EPOCH)


async def test_suspension_is_limited_to_six_months(story: Story) -> None:
    await certified(story)
    await story.on(date(2040, 2, 1))
    events = await story.send(cmd.Suspend(actor=SECRETARIAT, reason="complaint under investigation"))
    assert [e.type for e in events] == ["CertificateSuspended", "DeadlineSet"]
    assert events[1].deadline.due == date(2040, 8, 1)
    state = await story.state()
    assert state.certificate is not None and state.certificate.status == CertificateStatus.SUSPENDED


async def test_reinstating_meets_the_suspension_limit(story: Story) -> None:
    await certified(story)
    await story.send(cmd.Suspend(actor=SECRETARIAT, reason="complaint"))
    events = await story.send(cmd.Reinstate(actor=SECRETARIAT, reason="complaint unfounded"))
    assert [e.type for e in events] == ["CertificateReinstated", "DeadlineMet"]
    state = await story.state()
    assert state.certificate is not None and state.certificate.status == CertificateStatus.ACTIVE
    assert not [d for d in state.deadlines if d.startswith("suspension-limit")]


async def test_only_a_suspended_certificate_is_reinstated(story: Story) -> None:
    await certified(story)
    with pytest.raises(
        RuleViolation, match="certificate.status: cannot reinstate: the certificate is active, not suspended"
    ):
        await story.send(cmd.Reinstate(actor=SECRETARIAT, reason="?"))


async def test_withdrawal_ends_the_lifecycle(story: Story) -> None:
    await certified(story)
    await story.send(cmd.Withdraw(actor=SECRETARIAT, reason="member left the scheme"))
    state = await story.state()
    assert state.certificate is not None and state.certificate.status == CertificateStatus.WITHDRAWN
    assert state.is_terminal and not state.deadlines


async def test_members_do_not_suspend(story: Story) -> None:
    await certified(story)
    with pytest.raises(NotPermitted, match="access.role: a member may not suspend a certificate"):
        await story.send(cmd.Suspend(actor=MEMBER, reason="x"))


@pytest.mark.parametrize("command_type", [cmd.Suspend, cmd.Reinstate, cmd.Withdraw])
def test_every_certificate_decision_needs_a_reason(command_type: type) -> None:
    with pytest.raises(ValidationError, match="reason"):
        command_type(actor=SECRETARIAT, reason="")


async def test_an_extended_deadline_moves_later_with_a_reason(story: Story) -> None:
    await certified(story)
    [extended] = await story.send(
        cmd.ExtendDeadline(
            actor=SECRETARIAT, deadline_id="surveillance:1.1", new_due=date(2041, 12, 1), reason="site flooded"
        )
    )
    assert (extended.previous_due, extended.new_due, extended.reason) == (
        date(2041, 10, 11),
        date(2041, 12, 1),
        "site flooded",
    )
    assert (await story.state()).deadlines["surveillance:1.1"].due == date(2041, 12, 1)


async def test_a_deadline_is_not_extended_to_an_earlier_day_nor_an_expiry_at_all(story: Story) -> None:
    await certified(story)
    with pytest.raises(RuleViolation, match="deadline.later: the new due date must be after the current one"):
        await story.send(
            cmd.ExtendDeadline(actor=SECRETARIAT, deadline_id="surveillance:1.1", new_due=date(2041, 1, 1), reason="x")
        )
    with pytest.raises(RuleViolation, match="deadline.extendable"):
        await story.send(
            cmd.ExtendDeadline(actor=SECRETARIAT, deadline_id="expiry:1", new_due=date(2044, 1, 1), reason="x")
        )
    with pytest.raises(RuleViolation, match="deadline.open: no open deadline cap:A9"):
        await story.send(
            cmd.ExtendDeadline(actor=SECRETARIAT, deadline_id="cap:A9", new_due=date(2044, 1, 1), reason="x")
        )


async def test_only_the_system_records_a_missed_deadline_and_only_after_its_day(story: Story) -> None:
    await certified(story)
    with pytest.raises(NotPermitted, match="access.role"):
        await story.send(cmd.RecordMissedDeadline(actor=SECRETARIAT, deadline_id="surveillance:1.1"))
    state = await story.state()
    on_due_day = datetime(2041, 10, 11, 23, 59, tzinfo=UTC)
    with pytest.raises(RuleViolation, match="deadline.not-yet-missed"):
        decide(state, cmd.RecordMissedDeadline(actor=SYSTEM, deadline_id="surveillance:1.1"), on_due_day)
    day_after = datetime(2041, 10, 12, tzinfo=UTC)
    events = decide(state, cmd.RecordMissedDeadline(actor=SYSTEM, deadline_id="surveillance:1.1"), day_after)
    assert [e.type for e in events] == ["DeadlineMissed", "CertificateSuspended", "DeadlineSet"]
    assert events[1].reason == "surveillance deadline surveillance:1.1 (due 2041-10-11) was missed"


def test_decisions_need_an_aware_clock() -> None:
    from domain.state import CertificationState

    with pytest.raises(ValueError, match="timezone-aware"):
        decide(CertificationState(certification_id="c"), cmd.AcceptApplication(actor=SECRETARIAT), datetime(2040, 1, 1))
