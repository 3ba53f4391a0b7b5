"""Properties of decide/evolve: no sequence of accepted commands reaches an invalid state."""

import hashlib
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import event as label
from hypothesis import strategies as st

from domain import commands as cmd
from domain.actors import SYSTEM
from domain.audits import AuditType, Finding, FindingKind
from domain.certificates import CertificateKind
from domain.decide import decide
from domain.documents import DocumentKind
from domain.errors import DomainError
from domain.events import Event
from domain.evolve import evolve, replay
from domain.state import CertificationState, Phase
from tests.scenario import (
    AUDITOR,
    FIRM,
    MEMBER,
    OTHER_AUDITOR,
    ROLLING_MILL,
    SECRETARIAT,
    SMELTER,
    StandardRef,
    flows,
    pdf,
)

START = datetime(2040, 1, 2, 9, tzinfo=UTC)


def _commands(state: CertificationState, today: date, draw: st.DataObject) -> list[cmd.Command]:
    """Every kind of command, aimed at what the state holds (so many are accepted)."""
    audit_id = state.audit.audit_id if state.audit else "A0"
    next_audit = f"A{len(state.past_audit_ids) + 2}"
    starts_on = today + timedelta(days=draw.draw(st.integers(0, 60)))
    ncs = sorted(state.nonconformities) or ["none"]
    deadlines = sorted(state.deadlines) or ["none"]
    kinds = st.sampled_from(
        [FindingKind.CONFORMANCE] * 6
        + [FindingKind.NOT_APPLICABLE, FindingKind.MINOR_NC] * 2
        + [FindingKind.MAJOR_NC] * 2
        + [FindingKind.CRITICAL_BREACH]
    )
    found = tuple(
        Finding(criterion=f"{i}.1", facility_id=draw.draw(st.sampled_from(["mill", "smelter"])), kind=draw.draw(kinds))
        for i in range(draw.draw(st.integers(1, 5)))
    )
    return [
        cmd.Apply(
            actor=MEMBER,
            member_id=MEMBER.organisation_id,
            member_name="N",
            entity_name="E",
            standard=StandardRef(code=draw.draw(st.sampled_from(["ASI-PS", "ASI-CoC", "ISO-14001"])), version="1"),
            facilities=(ROLLING_MILL, SMELTER),
        ),
        cmd.AcceptApplication(actor=SECRETARIAT),
        cmd.RejectApplication(actor=SECRETARIAT, reason="no"),
        cmd.SubmitSelfAssessment(actor=MEMBER, summary="done"),
        cmd.AssignAuditFirm(actor=MEMBER, firm=FIRM),
        *(
            cmd.PlanAudit(
                actor=actor,
                audit_id=next_audit,
                audit_type=audit_type,
                starts_on=starts_on,
                ends_on=starts_on + timedelta(days=2),
                lead_auditor="a",
            )
            for audit_type in AuditType
            for actor in (AUDITOR, OTHER_AUDITOR)
        ),
        cmd.StartAudit(actor=AUDITOR, audit_id=audit_id),
        cmd.RecordFindings(actor=AUDITOR, audit_id=audit_id, findings=found),
        cmd.SubmitReport(
            actor=AUDITOR,
            audit_id=audit_id,
            summary="r",
            on_site_ended_on=state.audit.starts_on + timedelta(days=2) if state.audit else today,
        ),
        cmd.AcceptReport(actor=SECRETARIAT, audit_id=audit_id),
        cmd.ReturnReport(actor=SECRETARIAT, audit_id=audit_id, reason="redo"),
        *(
            cmd.AttachDocument(
                actor=AUDITOR,
                audit_id=draw.draw(st.sampled_from([audit_id, *state.past_audit_ids])),
                kind=kind,
                sha256=hashlib.sha256(content).hexdigest(),
                filename="d.pdf",
                size_bytes=len(content),
            )
            for kind in DocumentKind
            for content in (pdf(f"v{draw.draw(st.integers(1, 2))}"),)
        ),
        cmd.SubmitCorrectiveActionPlan(actor=MEMBER, nc_id=draw.draw(st.sampled_from(ncs)), plan="p"),
        cmd.CloseNonConformity(actor=AUDITOR, nc_id=draw.draw(st.sampled_from(ncs)), verification="v"),
        cmd.Suspend(actor=SECRETARIAT, reason="s"),
        cmd.Reinstate(actor=SECRETARIAT, reason="r"),
        cmd.Withdraw(actor=SECRETARIAT, reason="w"),
        cmd.ReportMaterialFlow(actor=MEMBER, year=today.year - draw.draw(st.integers(1, 3)), flows=flows()),
        cmd.ExtendDeadline(
            actor=SECRETARIAT,
            deadline_id=draw.draw(st.sampled_from(deadlines)),
            new_due=today + timedelta(days=draw.draw(st.integers(1, 400))),
            reason="e",
        ),
        cmd.RecordMissedDeadline(actor=SYSTEM, deadline_id=draw.draw(st.sampled_from(deadlines))),
    ]


def _accepted(state: CertificationState, now: datetime, command: cmd.Command) -> bool:
    try:
        decide(state, command, now)
    except DomainError:
        return False
    return True


def _mostly_accepted(state: CertificationState, now: datetime, commands: list[cmd.Command]) -> st.SearchStrategy:
    """Most steps take a command the rules allow, preferring progress over repeats, endings
    and side steps, so sequences reach late states; the rest try anything."""
    allowed = [c for c in commands if _accepted(state, now, c)]
    done = {"reject-application", "withdraw", "attach-document"}
    done |= {"submit-self-assessment"} if state.self_assessment_submitted else set()
    done |= {"assign-audit-firm"} if state.audit_firm else set()
    progress = [c for c in allowed if c.type not in done]
    return st.sampled_from(progress * 20 + allowed * 3 + commands)


def _check_invariants(state: CertificationState, history: list[Event]) -> None:
    assert state.version == len(history)
    grants = [e for e in history if e.type == "CertificateGranted"]
    assert sum(e.kind == CertificateKind.PROVISIONAL for e in grants) <= 1, "provisional granted twice"
    for grant in grants:
        assert grant.valid_from < grant.valid_until, "a certificate expires before it starts"
    certificate = state.certificate
    live = certificate is not None and certificate.is_live
    assert (state.phase == Phase.CERTIFIED) == live, (state.phase, certificate)
    if state.is_terminal:
        assert not state.deadlines, "an ended certification has deadlines"
    for deadline in state.deadlines.values():
        assert deadline.opens is None or deadline.opens <= deadline.due
    for nc in state.nonconformities.values():
        if nc.closed_on is not None and nc.severity == "major":
            assert nc.cap_submitted_on is not None and nc.cap_submitted_on <= nc.closed_on
    planned = [e.audit_id for e in history if e.type == "AuditPlanned"]
    accepted = {e.audit_id for e in history if e.type == "ReportAccepted"}
    unclosed = [audit_id for audit_id in planned if audit_id not in accepted]
    assert len(unclosed) <= 1, f"audits open at once: {unclosed}"
    assert (state.open_audit.audit_id if state.open_audit else None) == (unclosed[0] if unclosed else None)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_no_sequence_of_accepted_commands_reaches_an_invalid_state(data: st.DataObject) -> None:
    state = CertificationState(certification_id="prop")
    history: list[Event] = []
    now = START
    for _ in range(data.draw(st.integers(5, 80))):
        now += timedelta(days=data.draw(st.sampled_from([0, 0, 1, 7, 30, 90, 200, 400])))
        command = data.draw(_mostly_accepted(state, now, _commands(state, now.date(), data)))
        try:
            events = decide(state, command, now)
        except DomainError:
            continue
        assert events, f"{command.type} was accepted but recorded nothing"
        for event in events:
            state = evolve(state, event)
        history += events
        _check_invariants(state, history)
    assert replay(state.certification_id, history) == state
    label(f"reached {state.phase}" + (f" ({state.certificate.status})" if state.certificate else ""))


def _outcome(state: CertificationState, command: cmd.Command, now: datetime) -> list[Event] | tuple[str, str]:
    try:
        return decide(state, command, now)
    except DomainError as error:
        return (error.rule, error.message)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_deciding_is_pure_whether_it_accepts_or_refuses(data: st.DataObject) -> None:
    """decide leaves the state as it found it (its dicts of deadlines and NCs included) and
    gives the same answer twice: a refusal names the same rule again, an acceptance the same
    events. The workflow relies on both: it decides in the validator and again in the handler."""
    state = CertificationState(certification_id="prop")
    now = START
    for _ in range(data.draw(st.integers(1, 30))):
        command = data.draw(_mostly_accepted(state, now, _commands(state, now.date(), data)))
        before = state.model_dump()
        first = _outcome(state, command, now)
        assert state.model_dump() == before, f"{command.type} changed the state it decided on"
        assert _outcome(state, command, now) == first
        if isinstance(first, tuple):
            rule, message = first
            assert rule.count(".") >= 1 and message, f"a refusal must name its rule: {first}"
        else:
            for event in first:
                state = evolve(state, event)
        now += timedelta(days=data.draw(st.integers(0, 120)))
