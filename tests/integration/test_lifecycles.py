"""Whole multi-year lifecycles through the real workflow on the time-skipping server,
asserting the events stored in PostgreSQL and the workflow's state, exact to the day."""

from datetime import date
from decimal import Decimal

import pytest
from temporalio.client import WorkflowExecutionStatus

from domain import commands as cmd
from domain.audits import AuditType
from domain.certificates import CertificateKind, CertificateStatus
from domain.documents import DocumentKind
from domain.materials import MaterialCategory
from domain.state import Phase
from tests.scenario import EPOCH, MEMBER, SECRETARIAT, Lifecycle, findings, flows, pdf
from workflows.client import CommandRefused

ADMITTED = ["ApplicationSubmitted", "ApplicationAccepted", "SelfAssessmentSubmitted", "AuditFirmAssigned"]
AUDITED = [
    "AuditPlanned",
    "DeadlineSet",
    "AuditStarted",
    "FindingsRecorded",
    "ReportSubmitted",
    "DeadlineMet",
    "ReportAccepted",
]
FULL = ["CertificateGranted", "DeadlineSet", "DeadlineSet", "DeadlineSet"]


async def status(lifecycle: Lifecycle) -> WorkflowExecutionStatus | None:
    return (await lifecycle.env.client.get_workflow_handle(lifecycle.certification_id).describe()).status


async def test_a_full_certificate_is_surveilled_and_renewed_from_its_old_expiry(lifecycle: Lifecycle) -> None:
    await lifecycle.admit()
    await lifecycle.audit(AuditType.CERTIFICATION, EPOCH)
    await lifecycle.audit(AuditType.SURVEILLANCE, date(2041, 5, 1))
    await lifecycle.on(date(2042, 9, 1))
    await lifecycle.audit(AuditType.RECERTIFICATION, date(2042, 10, 1))
    await lifecycle.on(date(2043, 6, 1))

    state = await lifecycle.state()
    assert state.certificate is not None
    assert (state.certificate.kind, state.certificate.status, state.certificate.cycle) == (
        CertificateKind.FULL,
        CertificateStatus.ACTIVE,
        2,
    )
    assert (state.certificate.valid_from, state.certificate.valid_until) == (date(2043, 1, 11), date(2046, 1, 11))
    assert {d.deadline_id: d.due for d in state.deadlines.values()} == {
        "expiry:2": date(2046, 1, 11),
        "recertification:2": date(2045, 10, 11),
        "surveillance:2.1": date(2044, 10, 11),
    }
    assert await lifecycle.stored_types() == [
        *ADMITTED,
        *AUDITED,
        *FULL,
        *AUDITED,
        "DeadlineMet",
        *AUDITED,
        "CertificateGranted",
        "DeadlineMet",
        "DeadlineMet",
        "DeadlineSet",
        "DeadlineSet",
        "DeadlineSet",
    ]
    assert len(await lifecycle.histories()) == 3, "a new run at each certificate cycle"


async def test_a_major_nc_gives_a_provisional_certificate_that_a_certification_audit_makes_full(
    lifecycle: Lifecycle,
) -> None:
    await lifecycle.admit()
    await lifecycle.audit(AuditType.CERTIFICATION, EPOCH, findings(majors=2))
    provisional = (await lifecycle.state()).certificate
    assert provisional is not None
    assert (provisional.kind, provisional.valid_from, provisional.valid_until) == (
        CertificateKind.PROVISIONAL,
        date(2040, 1, 11),
        date(2041, 1, 11),
    )
    await lifecycle.on(date(2040, 1, 20))
    await lifecycle.close_majors()
    await lifecycle.audit(AuditType.CERTIFICATION, date(2040, 10, 1))
    await lifecycle.on(date(2041, 2, 1))

    state = await lifecycle.state()
    assert state.certificate is not None
    assert (state.certificate.kind, state.certificate.valid_from, state.certificate.valid_until) == (
        CertificateKind.FULL,
        date(2040, 10, 10),
        date(2043, 10, 10),
    )
    stored = await lifecycle.stored_types()
    assert "CertificateExpired" not in stored and "DeadlineMissed" not in stored


async def test_a_provisional_certificate_not_made_full_expires_and_the_workflow_ends(lifecycle: Lifecycle) -> None:
    await lifecycle.admit()
    await lifecycle.audit(AuditType.CERTIFICATION, EPOCH, findings(majors=1))
    await lifecycle.on(date(2040, 1, 20))
    await lifecycle.close_majors()
    await lifecycle.on(date(2041, 1, 11), hour=23)
    assert (await lifecycle.state()).certificate.status == CertificateStatus.ACTIVE  # its last day
    await lifecycle.on(date(2041, 1, 12), hour=1)

    stored = await lifecycle.stored()
    assert [e.type for e in stored[-2:]] == ["DeadlineMissed", "CertificateExpired"]
    assert (stored[-2].deadline_id, stored[-2].due) == ("expiry:1", date(2041, 1, 11))
    assert stored[-1].actor.role == "system" and stored[-1].occurred_at.date() == date(2041, 1, 12)
    assert await status(lifecycle) == WorkflowExecutionStatus.COMPLETED


async def test_a_missed_surveillance_suspends_and_six_months_of_suspension_withdraw(lifecycle: Lifecycle) -> None:
    await lifecycle.admit()
    await lifecycle.audit(AuditType.CERTIFICATION, EPOCH)
    await lifecycle.on(date(2041, 10, 12), hour=12)
    suspended = (await lifecycle.state()).certificate
    assert suspended is not None
    assert (suspended.status, suspended.suspended_on) == (CertificateStatus.SUSPENDED, date(2041, 10, 12))
    assert (await lifecycle.state()).deadlines["suspension-limit:2041-10-12"].due == date(2042, 4, 12)
    await lifecycle.on(date(2042, 4, 13), hour=12)

    stored = await lifecycle.stored()
    assert [e.type for e in stored[-5:]] == [
        "DeadlineMissed",
        "CertificateSuspended",
        "DeadlineSet",
        "DeadlineMissed",
        "CertificateWithdrawn",
    ]
    assert stored[-4].reason == "surveillance deadline surveillance:1.1 (due 2041-10-11) was missed"
    assert stored[-1].reason == "suspension-limit deadline suspension-limit:2041-10-12 (due 2042-04-12) was missed"
    assert (await lifecycle.state()).phase == Phase.ENDED
    assert await status(lifecycle) == WorkflowExecutionStatus.COMPLETED


async def test_a_certificate_without_recertification_expires_at_the_end_of_its_period(lifecycle: Lifecycle) -> None:
    await lifecycle.admit()
    await lifecycle.audit(AuditType.CERTIFICATION, EPOCH)
    await lifecycle.audit(AuditType.SURVEILLANCE, date(2041, 5, 1))
    await lifecycle.on(date(2043, 1, 12), hour=12)

    missed = [(e.deadline_id, e.occurred_at.date()) for e in await lifecycle.stored() if e.type == "DeadlineMissed"]
    assert missed == [("recertification:1", date(2042, 10, 12)), ("expiry:1", date(2043, 1, 12))]
    certificate = (await lifecycle.state()).certificate
    assert certificate is not None and certificate.status == CertificateStatus.EXPIRED


async def test_more_than_three_majors_refuse_certification_and_end_the_workflow(lifecycle: Lifecycle) -> None:
    await lifecycle.admit()
    await lifecycle.audit(AuditType.CERTIFICATION, EPOCH, findings(majors=4))
    handle = lifecycle.env.client.get_workflow_handle(lifecycle.certification_id)
    final = await handle.result()
    assert final["phase"] == "refused" if isinstance(final, dict) else final.phase == Phase.REFUSED
    assert (await lifecycle.stored_types())[-2:] == ["ReportAccepted", "CertificationRefused"]


async def test_reminders_precede_a_cap_deadline_and_its_miss_escalates_to_the_secretariat(
    lifecycle: Lifecycle, engine, people
) -> None:
    from sqlalchemy import func, select

    from notifications.tables import notice_recipients, notices

    await lifecycle.admit()
    await lifecycle.audit(AuditType.CERTIFICATION, EPOCH, findings(majors=1))  # CAP due 2040-02-04
    await lifecycle.on(date(2040, 2, 10))
    n, r = notices.c, notice_recipients.c
    query = (
        select(n.kind, func.array_agg(r.user_id), n.subject)
        .join(notice_recipients, r.notice_id == n.notice_id)
        .where(n.certification_id == lifecycle.certification_id, n.deadline_id == "cap:A1")
        .group_by(n.notice_id)
        .order_by(n.at)
    )
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).all()
    what = "Corrective action plan (audit A1) for Nordic Aluminium Rolling"
    assert [(kind, sorted(to), subject) for kind, to, subject in rows] == [
        ("reminder", ["maria"], f"Due in 14 days: {what}"),
        ("reminder", ["maria"], f"Due in 3 days: {what}"),
        ("reminder", ["maria"], f"Due tomorrow: {what}"),
        ("escalation", ["maria", "sam"], f"Missed: {what}"),
    ]
    missed = [e for e in await lifecycle.stored() if e.type == "DeadlineMissed"]
    assert [(e.deadline_id, e.occurred_at.date()) for e in missed] == [("cap:A1", date(2040, 2, 5))]


async def test_a_missed_cap_stays_overdue_until_the_plan_comes_and_escalates_once(lifecycle: Lifecycle) -> None:
    await lifecycle.admit()
    await lifecycle.audit(AuditType.CERTIFICATION, EPOCH, findings(majors=1))  # CAP due 2040-02-04
    await lifecycle.on(date(2040, 3, 1))
    state = await lifecycle.state()
    assert list(state.overdue) == ["cap:A1"] and "cap:A1" not in state.deadlines

    nc = state.open_majors()[0]
    await lifecycle.send(cmd.SubmitCorrectiveActionPlan(actor=MEMBER, nc_id=nc.nc_id, plan="fix it"))

    assert (await lifecycle.state()).overdue == {}
    cap = [
        (e.type, getattr(e, "outstanding", None))
        for e in await lifecycle.stored()
        if getattr(e, "deadline_id", None) == "cap:A1"
    ]
    assert cap == [("DeadlineMissed", True), ("DeadlineMet", None)]


async def test_an_extended_deadline_moves_its_timer(lifecycle: Lifecycle) -> None:
    await lifecycle.admit()
    await lifecycle.audit(AuditType.CERTIFICATION, EPOCH)
    await lifecycle.send(
        cmd.ExtendDeadline(
            actor=SECRETARIAT, deadline_id="surveillance:1.1", new_due=date(2041, 12, 1), reason="site flooded"
        )
    )
    await lifecycle.on(date(2041, 11, 30))
    assert (await lifecycle.state()).certificate.status == CertificateStatus.ACTIVE
    await lifecycle.on(date(2041, 12, 2), hour=12)
    assert (await lifecycle.state()).certificate.status == CertificateStatus.SUSPENDED


async def test_iso_major_ncs_unverified_within_six_months_refuse_certification(lifecycle: Lifecycle) -> None:
    await lifecycle.admit(standard="ISO-14001")
    await lifecycle.audit(AuditType.CERTIFICATION, EPOCH, findings(majors=1))
    assert (await lifecycle.state()).deferred_audit_id == "A1"
    await lifecycle.on(date(2040, 7, 5), hour=12)

    stored = await lifecycle.stored()
    refused = stored[-1]
    assert refused.type == "CertificationRefused"
    assert refused.reason == "major-verification deadline major-verification:A1 (due 2040-07-04) was missed"
    assert (await lifecycle.state()).phase == Phase.REFUSED
    assert await status(lifecycle) == WorkflowExecutionStatus.COMPLETED


async def test_iso_certificates_are_surveilled_within_twelve_months(lifecycle: Lifecycle) -> None:
    await lifecycle.admit(standard="ISO-14001")
    await lifecycle.audit(AuditType.CERTIFICATION, EPOCH)
    await lifecycle.audit(AuditType.SURVEILLANCE, date(2040, 11, 1))
    await lifecycle.on(date(2042, 1, 12), hour=12)
    stored = await lifecycle.stored()
    assert [(e.type, getattr(e, "deadline_id", None)) for e in stored[-3:]] == [
        ("DeadlineMissed", "surveillance:1.2"),
        ("CertificateSuspended", None),
        ("DeadlineSet", None),
    ]
    assert stored[-3].due == date(2042, 1, 11)


async def test_an_auditor_attaches_an_audits_report_and_later_its_public_summary(lifecycle: Lifecycle) -> None:
    await lifecycle.admit()
    audit_id = await lifecycle.report(AuditType.CERTIFICATION, EPOCH)
    await lifecycle.attach(audit_id, DocumentKind.AUDIT_REPORT, pdf("full report"))
    await lifecycle.send(cmd.AcceptReport(actor=SECRETARIAT, audit_id=audit_id))
    await lifecycle.on(date(2040, 2, 1))
    await lifecycle.attach(audit_id, DocumentKind.PUBLIC_SUMMARY, pdf("summary"))

    attached = [e for e in await lifecycle.stored() if e.type == "DocumentAttached"]
    assert [(e.audit_id, e.kind, e.filename, e.occurred_at.date(), e.actor.user_id) for e in attached] == [
        ("A1", DocumentKind.AUDIT_REPORT, "A1-audit-report.pdf", date(2040, 1, 11), "arno"),
        ("A1", DocumentKind.PUBLIC_SUMMARY, "A1-public-summary.pdf", date(2040, 2, 1), "arno"),
    ]
    assert len((await lifecycle.state()).documents) == 2


async def test_a_chain_of_custody_member_reports_each_certified_year_once_across_cycles(lifecycle: Lifecycle) -> None:
    await lifecycle.admit(standard="ASI-CoC")
    await lifecycle.audit(AuditType.CERTIFICATION, EPOCH)
    await lifecycle.on(date(2041, 2, 1))
    scrap = MaterialCategory.POST_CONSUMER_SCRAP
    await lifecycle.report_flows(2040, flows(MaterialCategory.PRIMARY_ALUMINIUM, scrap))
    await lifecycle.audit(AuditType.SURVEILLANCE, date(2041, 5, 1))
    await lifecycle.on(date(2042, 9, 1))
    await lifecycle.audit(AuditType.RECERTIFICATION, date(2042, 10, 1))
    await lifecycle.on(date(2043, 2, 1))
    await lifecycle.report_flows(2042)

    assert len(await lifecycle.histories()) == 3, "a run per certificate cycle: the years reported carry over"
    with pytest.raises(CommandRefused) as refused:
        await lifecycle.report_flows(2040)
    assert refused.value.rule == "material-flow.once-a-year"
    reported = [e for e in await lifecycle.stored() if e.type == "MaterialFlowReported"]
    assert [(e.year, [(f.category, f.tonnes_in, f.tonnes_out) for f in e.flows]) for e in reported] == [
        (
            2040,
            [
                (MaterialCategory.PRIMARY_ALUMINIUM, Decimal("100.000"), Decimal("90.500")),
                (scrap, Decimal("100.000"), Decimal("90.500")),
            ],
        ),
        (2042, [(MaterialCategory.PRIMARY_ALUMINIUM, Decimal("100.000"), Decimal("90.500"))]),
    ]
