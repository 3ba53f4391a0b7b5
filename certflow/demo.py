"""Demo data for `certflow dev`: a handful of certifications in different states, seeded once.

Time is real here, so each story stops where the calendar stops it (an audit planned for
next month stays planned). The rules let no audit be planned in the past, so no deadline a
story sets today falls due within a month; the stories that show deadlines close at hand
(`IMPORTED`) began weeks ago: their history is imported (each step decided by the rules on its
own day), then their workflows take over and keep their deadlines from today."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import structlog
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.service import RPCError

from domain import commands as cmd
from domain.actors import Actor, Role
from domain.audits import AuditType, Finding, FindingKind
from domain.decide import decide
from domain.evolve import evolve
from domain.firms import Accreditation, AuditFirm
from domain.records import to_record
from domain.scope import Activity, Facility, StandardRef
from domain.state import CertificationState
from eventstore import EventStore, NewEvent
from workflows.certification import CertificationWorkflow
from workflows.client import CertificationClient
from workflows.messages import APPEND_AS_LOCAL_ACTIVITY, CertificationParams

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
    "fjord-alu": "Fjord Aluminium",
    "ebro-metal": "Ebro Metals",
    "tagus-tube": "Tagus Tubes",
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


@dataclass(frozen=True)
class Step:
    days_ago: int
    command: cmd.Command


def _audit_steps(member: Actor, application: cmd.Apply, ended_days_ago: int, majors: int) -> list[Step]:
    """Applied, admitted and audited (on site over two days ending `ended_days_ago`), with
    `majors` major NCs and a minor one; the report is not submitted yet."""
    ended = ended_days_ago
    found = [Finding(criterion=f"{i}.1", facility_id="main-site", kind=FindingKind.MAJOR_NC) for i in range(majors)]
    found.append(Finding(criterion="5.2", facility_id="main-site", kind=FindingKind.MINOR_NC))
    today = datetime.now(UTC).date()
    return [
        Step(ended + 20, application),
        Step(ended + 18, cmd.AcceptApplication(actor=SECRETARIAT)),
        Step(ended + 16, cmd.SubmitSelfAssessment(actor=member, summary="self-assessed")),
        Step(ended + 15, cmd.AssignAuditFirm(actor=member, firm=FIRM)),
        Step(
            ended + 10,
            cmd.PlanAudit(
                actor=AUDITOR,
                audit_id="A1",
                audit_type=AuditType.CERTIFICATION,
                starts_on=today - timedelta(days=ended + 1),
                ends_on=today - timedelta(days=ended),
                lead_auditor=AUDITOR.user_id,
            ),
        ),
        Step(ended + 1, cmd.StartAudit(actor=AUDITOR, audit_id="A1")),
        Step(ended, cmd.RecordFindings(actor=AUDITOR, audit_id="A1", findings=tuple(found))),
    ]


def _decided(ended_days_ago: int) -> list[Step]:
    """The report the day after the audit, accepted the day after that."""
    ended_on = datetime.now(UTC).date() - timedelta(days=ended_days_ago)
    report = cmd.SubmitReport(actor=AUDITOR, audit_id="A1", on_site_ended_on=ended_on, summary="on-site audit report")
    return [
        Step(ended_days_ago - 1, report),
        Step(ended_days_ago - 2, cmd.AcceptReport(actor=SECRETARIAT, audit_id="A1")),
    ]


def _imported_stories() -> dict[str, list[Step]]:
    """Stories begun weeks ago: a CAP past due (ASI's CAP is due a month after the on-site
    audit), a CAP due within a week, an audit report due within 30 days (60 days after)."""
    stories = {}
    for certification_id, member, entity, country, ended, majors, decided in [
        ("demo-cap-overdue", "fjord-alu", "Fjord Aluminium Rolling", "NO", 36, 1, True),
        ("demo-cap-due", "ebro-metal", "Ebro Extrusion", "ES", 26, 1, True),
        ("demo-report-due", "tagus-tube", "Tagus Tube Mill", "PT", 40, 0, False),
    ]:
        actor = member_actor(member)
        application = _apply(actor, entity, "ASI-PS", _facility("main-site", country, Activity.EXTRUSION))
        steps = _audit_steps(actor, application, ended, majors)
        stories[certification_id] = steps + (_decided(ended) if decided else [])
    return stories


IMPORTED = tuple(_imported_stories())
"""The demo certifications whose history is imported."""


async def _imported(
    client: Client, store: EventStore, task_queue: str, certification_id: str, steps: list[Step]
) -> None:
    """Each step decided by the rules on its own day (09:00 UTC) and appended to the stream as
    the workflow would have; then the certification's workflow starts from that state, doing
    at once what fell due meanwhile (a deadline past due is recorded missed and escalated,
    the nearest reminder of each deadline goes out)."""
    state = CertificationState(certification_id=certification_id)
    today = datetime.now(UTC).date()
    for index, step in enumerate(steps):
        at = datetime.combine(today - timedelta(days=step.days_ago), time(9), UTC)
        events = decide(state, step.command, at)
        command_id = f"demo-import-{index}"
        records = [to_record(certification_id, command_id, i, e) for i, e in enumerate(events)]
        await store.append(
            certification_id, state.version, [NewEvent(r.event_id, r.event_type, r.data, r.metadata) for r in records]
        )
        for event in events:
            state = evolve(state, event)
    # As a run that gives notices to people hands over: reminders whose moment came since the
    # deadlines were set go out now (the nearest of each), as after a stretch with no worker.
    params = CertificationParams(
        certification_id=certification_id,
        state=state,
        append_as_local_activity=APPEND_AS_LOCAL_ACTIVITY,
        notices_to_people=True,
    )
    await client.start_workflow(
        CertificationWorkflow.run,
        params,
        id=certification_id,
        task_queue=task_queue,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
    )


async def seed(client: Client, certifications: CertificationClient, store: EventStore, task_queue: str) -> list[str]:
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
        return [*ids, *IMPORTED]
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
    for certification_id, steps in _imported_stories().items():
        await _imported(client, store, task_queue, certification_id, steps)
    return [*ids, *IMPORTED]
