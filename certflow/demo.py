"""Demo data for `certflow dev`: a handful of certifications in different states, seeded once.

Time is real here, so each story stops where the calendar stops it (an audit planned for
next month stays planned)."""

from datetime import UTC, date, datetime, timedelta

import structlog
from temporalio.client import Client
from temporalio.service import RPCError

from domain import commands as cmd
from domain.actors import Actor, Role
from domain.audits import AuditType, Finding, FindingKind
from domain.firms import Accreditation, AuditFirm
from domain.scope import Activity, Facility, StandardRef
from workflows.client import CertificationClient

log = structlog.get_logger("certflow.demo")

SECRETARIAT = Actor(user_id="sam.secretariat", organisation_id="asi", role=Role.SECRETARIAT)
AUDITOR = Actor(user_id="ana.auditor", organisation_id="greenaudit", role=Role.AUDITOR)
FIRM = AuditFirm(
    firm_id="greenaudit",
    name="GreenAudit Assurance",
    accreditations=tuple(
        Accreditation(standard_code=code, valid_from=date(2024, 1, 1), valid_until=date(2035, 12, 31))
        for code in ("ASI-PS", "ASI-CoC", "ISO-14001")
    ),
)


MEMBERS = {
    "nordic-alu": "Nordic Aluminium",
    "andes-metal": "Andes Metal",
    "iberia-cast": "Iberian Casting",
    "rhine-roll": "Rhine Rolling",
    "danube-foil": "Danube Foils",
    "baltic-ext": "Baltic Extrusions",
    "alpine-pack": "Alpine Packaging",
}
"""The demo's member organisations, by id: the names their certifications and users carry."""


def member_actor(organisation_id: str) -> Actor:
    return Actor(user_id=f"admin@{organisation_id}", organisation_id=organisation_id, role=Role.MEMBER)


def _apply(member: Actor, entity: str, standard: str, *facilities: Facility) -> cmd.Apply:
    return cmd.Apply(
        actor=member,
        member_id=member.organisation_id,
        member_name=MEMBERS[member.organisation_id],
        entity_name=entity,
        standard=StandardRef(code=standard, version="V3"),
        facilities=facilities,
    )


def _facility(facility_id: str, country: str, activity: Activity) -> Facility:
    return Facility(
        facility_id=facility_id, name=facility_id.replace("-", " ").title(), country=country, activities=(activity,)
    )


async def _admitted(client: CertificationClient, certification_id: str, application: cmd.Apply) -> None:
    await client.send(certification_id, application)
    await client.send(certification_id, cmd.AcceptApplication(actor=SECRETARIAT))
    await client.send(certification_id, cmd.SubmitSelfAssessment(actor=application.actor, summary="self-assessed"))
    await client.send(certification_id, cmd.AssignAuditFirm(actor=application.actor, firm=FIRM))


async def _audited_today(client: CertificationClient, certification_id: str, majors: int, decided: bool = True) -> None:
    today = datetime.now(UTC).date()
    found = [Finding(criterion=f"{i}.1", facility_id="main-site", kind=FindingKind.MAJOR_NC) for i in range(majors)]
    found.append(Finding(criterion="5.2", facility_id="main-site", kind=FindingKind.MINOR_NC))
    steps: list[cmd.Command] = [
        cmd.PlanAudit(
            actor=AUDITOR,
            audit_id="A1",
            audit_type=AuditType.CERTIFICATION,
            starts_on=today,
            ends_on=today,
            lead_auditor=AUDITOR.user_id,
        ),
        cmd.StartAudit(actor=AUDITOR, audit_id="A1"),
        cmd.RecordFindings(actor=AUDITOR, audit_id="A1", findings=tuple(found)),
        cmd.SubmitReport(actor=AUDITOR, audit_id="A1", on_site_ended_on=today, summary="on-site audit report"),
        *([cmd.AcceptReport(actor=SECRETARIAT, audit_id="A1")] if decided else []),
    ]
    for step in steps:
        await client.send(certification_id, step)


async def seed(client: Client, certifications: CertificationClient) -> list[str]:
    """Seeds the demo certifications unless they exist; returns their ids."""
    ids = [
        "demo-applied",
        "demo-audit-planned",
        "demo-certified",
        "demo-provisional",
        "demo-suspended",
        "demo-iso-deferred",
        "demo-in-review",
    ]
    try:
        await client.get_workflow_handle(ids[0]).describe()
        return ids
    except RPCError:
        pass  # not seeded yet
    log.info("seeding demo certifications")
    await certifications.send(
        ids[0],
        _apply(
            member_actor("nordic-alu"),
            "Nordic Aluminium Rolling",
            "ASI-PS",
            _facility("main-site", "NO", Activity.ROLLING),
        ),
    )
    smelter = _apply(
        member_actor("andes-metal"), "Andes Smelter", "ASI-PS", _facility("main-site", "CL", Activity.SMELTING)
    )
    await _admitted(certifications, ids[1], smelter)
    in_six_weeks = datetime.now(UTC).date() + timedelta(weeks=6)
    await certifications.send(
        ids[1],
        cmd.PlanAudit(
            actor=AUDITOR,
            audit_id="A1",
            audit_type=AuditType.CERTIFICATION,
            starts_on=in_six_weeks,
            ends_on=in_six_weeks + timedelta(days=2),
            lead_auditor=AUDITOR.user_id,
        ),
    )
    for certification_id, member, entity, standard, majors, country in [
        (ids[2], "iberia-cast", "Iberian Casting", "ASI-CoC", 0, "ES"),
        (ids[3], "rhine-roll", "Rhine Rolling", "ASI-PS", 1, "DE"),
        (ids[4], "danube-foil", "Danube Foils", "ASI-PS", 0, "AT"),
        (ids[5], "baltic-ext", "Baltic Extrusions", "ISO-14001", 2, "LT"),
        (ids[6], "alpine-pack", "Alpine Packaging", "ASI-CoC", 0, "CH"),
    ]:
        application = _apply(
            member_actor(member), entity, standard, _facility("main-site", country, Activity.EXTRUSION)
        )
        await _admitted(certifications, certification_id, application)
        await _audited_today(certifications, certification_id, majors, decided=certification_id != ids[6])
    await certifications.send(ids[4], cmd.Suspend(actor=SECRETARIAT, reason="complaint under investigation"))
    return ids
