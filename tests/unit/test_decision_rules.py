"""The decision the accepted findings lead to, by the scheme's policy."""

from datetime import date

import pytest

from domain.audits import AuditType, Finding, FindingKind
from domain.certificates import CertificateKind, CertificateStatus
from domain.errors import RuleViolation
from domain.state import Phase
from tests.scenario import EPOCH, ROLLING_MILL, SMELTER, Story, findings

# The initial audit: on site 2040-01-02..04, report accepted 2040-01-11.
DECIDED = date(2040, 1, 11)


def types(events: list) -> list[str]:
    return [e.type for e in events]


async def test_no_major_nc_gives_a_full_certificate_for_three_years(story: Story) -> None:
    await story.admit()
    events = await story.audit(AuditType.CERTIFICATION, EPOCH, findings(minors=2))
    assert types(events) == [
        "ReportAccepted",
        "NonConformityRaised",
        "NonConformityRaised",
        "CertificateGranted",
        "DeadlineSet",
        "DeadlineSet",
        "DeadlineSet",
    ]
    certificate = (await story.state()).certificate
    assert certificate is not None
    assert (certificate.kind, certificate.valid_from, certificate.valid_until) == (
        CertificateKind.FULL,
        DECIDED,
        date(2043, 1, 11),
    )
    deadlines = {d.deadline_id: (d.opens, d.due) for d in (await story.state()).deadlines.values()}
    assert deadlines == {
        "expiry:1": (None, date(2043, 1, 11)),
        "recertification:1": (None, date(2042, 10, 11)),
        "surveillance:1.1": (date(2041, 4, 11), date(2041, 10, 11)),
    }


async def test_a_major_nc_gives_a_one_year_provisional_certificate(story: Story) -> None:
    await story.admit()
    await story.audit(AuditType.CERTIFICATION, EPOCH, findings(majors=1))
    state = await story.state()
    assert state.certificate is not None
    assert (state.certificate.kind, state.certificate.valid_until) == (CertificateKind.PROVISIONAL, date(2041, 1, 11))
    assert {d.deadline_id: d.due for d in state.deadlines.values()} == {
        "cap:A1": date(2040, 2, 4),  # a month after the on-site audit ended
        "major-closure:A1": date(2041, 1, 4),  # twelve months after it
        "expiry:1": date(2041, 1, 11),
    }


async def test_an_nc_at_one_facility_counts_once_for_the_whole_scope(story: Story) -> None:
    await story.admit(facilities=(ROLLING_MILL, SMELTER))
    at_both = tuple(Finding(criterion="4.2", facility_id=f, kind=FindingKind.MAJOR_NC) for f in ("mill", "smelter"))
    events = await story.audit(AuditType.CERTIFICATION, date(2040, 2, 13), at_both)
    assert events[0].major_ncs == 1
    assert [nc.nc_id for nc in (await story.state()).open_majors()] == ["A1/4.2"]


@pytest.mark.parametrize(
    "found, reason",
    [
        (findings(majors=4), "4 major NCs exceed the limit of 3"),
        (findings(majors=1, critical=True), "a critical breach was found"),
    ],
)
async def test_too_grave_findings_give_no_certificate(story: Story, found: tuple, reason: str) -> None:
    await story.admit()
    events = await story.audit(AuditType.CERTIFICATION, EPOCH, found)
    assert types(events) == ["ReportAccepted", "CertificationRefused"]
    assert events[1].reason == reason
    state = await story.state()
    assert state.phase == Phase.REFUSED and state.certificate is None and not state.deadlines


async def test_three_majors_still_give_a_provisional_certificate(story: Story) -> None:
    await story.admit()
    await story.audit(AuditType.CERTIFICATION, EPOCH, findings(majors=3))
    certificate = (await story.state()).certificate
    assert certificate is not None and certificate.kind == CertificateKind.PROVISIONAL


async def test_a_certification_audit_turns_the_provisional_certificate_full(story: Story) -> None:
    await story.admit()
    await story.audit(AuditType.CERTIFICATION, EPOCH, findings(majors=1))
    await story.on(date(2040, 6, 1))
    await story.close_majors()
    events = await story.audit(AuditType.CERTIFICATION, date(2040, 9, 1))
    assert "CertificateGranted" in types(events)
    certificate = (await story.state()).certificate
    assert certificate is not None
    assert (certificate.kind, certificate.valid_from, certificate.valid_until, certificate.cycle) == (
        CertificateKind.FULL,
        date(2040, 9, 10),
        date(2043, 9, 10),
        2,
    )
    assert "expiry:1" not in (await story.state()).deadlines


async def test_a_provisional_certificate_is_granted_once(story: Story) -> None:
    await story.admit()
    await story.audit(AuditType.CERTIFICATION, EPOCH, findings(majors=1))
    events = await story.audit(AuditType.CERTIFICATION, date(2040, 9, 1), findings(majors=1))
    refused = events[-1]
    assert refused.type == "CertificationRefused"
    assert refused.reason == "a provisional certificate is granted only once"
    state = await story.state()
    assert state.certificate is not None and state.certificate.status == CertificateStatus.ACTIVE
    assert state.phase == Phase.CERTIFIED, "the provisional certificate runs on to its end"


async def test_surveillance_is_planned_inside_its_window(story: Story) -> None:
    await story.admit()
    await story.audit(AuditType.CERTIFICATION, EPOCH)
    await story.on(date(2041, 1, 2))
    with pytest.raises(RuleViolation, match="surveillance.window: the surveillance window opens on 2041-04-11"):
        await story.plan(AuditType.SURVEILLANCE, date(2041, 4, 10))
    events = await story.audit(AuditType.SURVEILLANCE, date(2041, 4, 11))
    assert types(events) == ["ReportAccepted", "DeadlineMet"]
    assert not [d for d in (await story.state()).deadlines if d.startswith("surveillance")]


async def test_a_surveillance_audit_needs_a_full_certificate(story: Story) -> None:
    await story.admit()
    await story.audit(AuditType.CERTIFICATION, EPOCH, findings(majors=1))
    with pytest.raises(RuleViolation, match="audit.needs-full-certificate"):
        await story.plan(AuditType.SURVEILLANCE, date(2040, 6, 1))


async def test_a_critical_breach_at_surveillance_revokes_the_certificate(story: Story) -> None:
    await story.admit()
    await story.audit(AuditType.CERTIFICATION, EPOCH)
    events = await story.audit(AuditType.SURVEILLANCE, date(2041, 5, 1), findings(critical=True))
    assert types(events) == ["ReportAccepted", "CertificateRevoked"]
    state = await story.state()
    assert state.certificate is not None and state.certificate.status == CertificateStatus.REVOKED
    assert state.is_terminal and not state.deadlines


async def test_recertification_before_expiry_runs_on_from_the_old_expiry(story: Story) -> None:
    await story.admit()
    await story.audit(AuditType.CERTIFICATION, EPOCH)
    await story.audit(AuditType.SURVEILLANCE, date(2041, 5, 1))
    await story.on(date(2042, 9, 1))
    events = await story.audit(AuditType.RECERTIFICATION, date(2042, 10, 1))
    granted = next(e for e in events if e.type == "CertificateGranted")
    assert (granted.valid_from, granted.valid_until, granted.cycle) == (date(2043, 1, 11), date(2046, 1, 11), 2)
    deadlines = {d.deadline_id: d.due for d in (await story.state()).deadlines.values()}
    assert deadlines == {
        "expiry:2": date(2046, 1, 11),
        "recertification:2": date(2045, 10, 11),
        "surveillance:2.1": date(2044, 10, 11),
    }


async def test_recertification_with_a_major_nc_is_refused_and_the_certificate_runs_on(story: Story) -> None:
    await story.admit()
    await story.audit(AuditType.CERTIFICATION, EPOCH)
    await story.on(date(2042, 9, 1))
    events = await story.audit(AuditType.RECERTIFICATION, date(2042, 10, 1), findings(majors=1))
    assert events[-1].type == "CertificationRefused"
    state = await story.state()
    assert state.certificate is not None and state.certificate.valid_until == date(2043, 1, 11)
    assert state.phase == Phase.CERTIFIED


async def test_a_recertification_audit_starts_by_the_expiry(story: Story) -> None:
    await story.admit()
    await story.audit(AuditType.CERTIFICATION, EPOCH)
    with pytest.raises(RuleViolation, match="recertification.before-expiry"):
        await story.plan(AuditType.RECERTIFICATION, date(2043, 1, 12))


async def test_a_held_full_certificate_takes_no_new_initial_audit(story: Story) -> None:
    await story.admit()
    await story.audit(AuditType.CERTIFICATION, EPOCH)
    with pytest.raises(RuleViolation, match="audit.type: a full certificate is held"):
        await story.plan(AuditType.CERTIFICATION, date(2040, 6, 1))


async def test_iso_major_ncs_hold_the_decision_until_verified(story: Story) -> None:
    await story.admit(standard="ISO-14001")
    events = await story.audit(AuditType.CERTIFICATION, EPOCH, findings(majors=2))
    assert types(events) == [
        "ReportAccepted",
        "NonConformityRaised",
        "NonConformityRaised",
        "DeadlineSet",
        "CertificationDeferred",
        "DeadlineSet",
    ]
    state = await story.state()
    assert state.certificate is None and state.deferred_audit_id == "A1"
    assert state.deadlines["major-verification:A1"].due == date(2040, 7, 4)
    with pytest.raises(RuleViolation, match="decision.deferred"):
        await story.plan(AuditType.CERTIFICATION, date(2040, 3, 1))
    await story.on(date(2040, 5, 1))
    await story.close_majors()
    certificate = (await story.state()).certificate
    assert certificate is not None
    assert (certificate.kind, certificate.valid_from, certificate.valid_until) == (
        CertificateKind.FULL,
        date(2040, 5, 1),
        date(2043, 5, 1),
    )
    surveillance = [d for d in (await story.state()).deadlines.values() if d.kind == "surveillance"]
    assert [(d.opens, d.due) for d in surveillance] == [(date(2041, 2, 1), date(2041, 5, 1))]


async def test_iso_grants_no_provisional_certificates(story: Story) -> None:
    await story.admit(standard="ISO-14001")
    with pytest.raises(RuleViolation, match="audit.type: ISO/IEC 17021-1 grants no provisional certificates"):
        await story.plan(AuditType.PROVISIONAL_CERTIFICATION, date(2040, 3, 1))


async def test_iso_surveils_yearly(story: Story) -> None:
    await story.admit(standard="ISO-14001")
    await story.audit(AuditType.CERTIFICATION, EPOCH)
    events = await story.audit(AuditType.SURVEILLANCE, date(2040, 11, 1))
    following = events[-1]
    assert following.type == "DeadlineSet"
    assert (following.deadline.deadline_id, following.deadline.opens, following.deadline.due) == (
        "surveillance:1.2",
        date(2041, 10, 11),
        date(2042, 1, 11),
    )
