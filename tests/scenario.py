"""Scenario builders: drive one certification through its life in the domain's own words
(`admit`, `audit`, `on(day)`): `Story` through the pure decider, `Lifecycle` through the real
workflow on the time-skipping server and PostgreSQL, reading back what was stored."""

import hashlib
from abc import ABC, abstractmethod
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from uuid import uuid4

from temporalio.client import WorkflowHistory
from temporalio.testing import WorkflowEnvironment

from domain import commands as cmd
from domain.actors import Actor, Role
from domain.audits import AuditType, Finding, FindingKind
from domain.decide import decide
from domain.documents import DocumentKind
from domain.events import Event
from domain.evolve import evolve
from domain.firms import Accreditation, AuditFirm
from domain.materials import MaterialCategory, MaterialFlow
from domain.records import from_record, to_record
from domain.scope import Activity, Facility, StandardRef
from domain.state import CertificationState
from eventstore import EventStore, NewEvent
from workflows.client import CertificationClient

EPOCH = date(2040, 1, 2)
"""Every scenario starts on this day, so the dates it asserts are exact."""

MEMBER = Actor(user_id="maria", organisation_id="nordic-alu", role=Role.MEMBER)
OTHER_MEMBER = Actor(user_id="otto", organisation_id="other-alu", role=Role.MEMBER)
AUDITOR = Actor(user_id="arno", organisation_id="firm-a", role=Role.AUDITOR)
OTHER_AUDITOR = Actor(user_id="olga", organisation_id="firm-b", role=Role.AUDITOR)
SECRETARIAT = Actor(user_id="sam", organisation_id="asi", role=Role.SECRETARIAT)
VIEWER = Actor(user_id="vic", organisation_id="asi", role=Role.VIEWER)

FIRM = AuditFirm(
    firm_id="firm-a",
    name="Firm A Assurance",
    accreditations=(
        Accreditation(standard_code="ASI-PS", valid_from=date(2035, 1, 1), valid_until=date(2050, 1, 1)),
        Accreditation(standard_code="ASI-CoC", valid_from=date(2035, 1, 1), valid_until=date(2050, 1, 1)),
        Accreditation(standard_code="ISO-14001", valid_from=date(2035, 1, 1), valid_until=date(2050, 1, 1)),
    ),
)

ROLLING_MILL = Facility(facility_id="mill", name="Mill", country="DE", activities=(Activity.ROLLING,))
SMELTER = Facility(facility_id="smelter", name="Smelter", country="NO", activities=(Activity.SMELTING,))


def findings(majors: int = 0, minors: int = 0, critical: bool = False, facility: str = "mill") -> tuple[Finding, ...]:
    """Findings with `majors` major NCs (criteria 1..n), `minors` minor ones, and conformances."""
    found = [Finding(criterion=f"{i}.1", facility_id=facility, kind=FindingKind.MAJOR_NC) for i in range(1, majors + 1)]
    found += [
        Finding(criterion=f"{i}.2", facility_id=facility, kind=FindingKind.MINOR_NC) for i in range(1, minors + 1)
    ]
    if critical:
        found.append(Finding(criterion="9.9", facility_id=facility, kind=FindingKind.CRITICAL_BREACH))
    found.append(Finding(criterion="10.1", facility_id=facility, kind=FindingKind.CONFORMANCE))
    return tuple(found)


def pdf(text: str = "audit report") -> bytes:
    """The bytes of a (tiny) PDF file saying `text`."""
    return f"%PDF-1.7\n% {text}\n%%EOF\n".encode()


def flows(*categories: MaterialCategory) -> tuple[MaterialFlow, ...]:
    """A year's flows: 100 tonnes in and 90.5 out of each category (default: primary aluminium)."""
    return tuple(
        MaterialFlow(category=c, tonnes_in=Decimal("100"), tonnes_out=Decimal("90.5"))
        for c in categories or (MaterialCategory.PRIMARY_ALUMINIUM,)
    )


def days_after(day: date, days: int) -> date:
    return day + timedelta(days=days)


def _moment(day: date, hour: int, now: datetime) -> datetime:
    """That day at that hour; time only goes forward, except within today."""
    target = datetime.combine(day, time(hour), tzinfo=UTC)
    assert target >= now or day == now.astimezone(UTC).date(), f"cannot go back from {now} to {target}"
    return target


class Scenario(ABC):
    """The steps of a lifecycle; subclasses say how time passes and commands are sent."""

    certification_id: str

    def __init__(self) -> None:
        self._audits = 0

    @abstractmethod
    async def on(self, day: date, hour: int = 9) -> None:
        """Let time pass until that day and hour, UTC."""

    @abstractmethod
    async def send(self, command: cmd.Command, command_id: str | None = None) -> list[Event]:
        """The events the command recorded; raises when it is refused."""

    @abstractmethod
    async def state(self) -> CertificationState: ...

    def apply_command(
        self, standard: str = "ASI-PS", facilities: tuple[Facility, ...] = (ROLLING_MILL,), actor: Actor = MEMBER
    ) -> cmd.Apply:
        return cmd.Apply(
            actor=actor,
            member_id=MEMBER.organisation_id,
            member_name="Nordic Aluminium",
            entity_name="Nordic Aluminium Rolling",
            standard=StandardRef(code=standard, version="V3"),
            facilities=facilities,
        )

    async def apply(
        self, standard: str = "ASI-PS", facilities: tuple[Facility, ...] = (ROLLING_MILL,), actor: Actor = MEMBER
    ) -> list[Event]:
        return await self.send(self.apply_command(standard, facilities, actor))

    async def admit(self, standard: str = "ASI-PS", facilities: tuple[Facility, ...] = (ROLLING_MILL,)) -> None:
        """Applied on EPOCH, accepted, self-assessed, audit firm engaged: ready for the initial audit."""
        await self.on(EPOCH)
        await self.apply(standard, facilities)
        await self.send(cmd.AcceptApplication(actor=SECRETARIAT))
        await self.send(cmd.SubmitSelfAssessment(actor=MEMBER, summary="all criteria assessed"))
        await self.send(cmd.AssignAuditFirm(actor=MEMBER, firm=FIRM))

    def plan_command(self, audit_type: AuditType, starts_on: date, days: int = 3) -> cmd.PlanAudit:
        return cmd.PlanAudit(
            actor=AUDITOR,
            audit_id=f"A{self._audits + 1}",
            audit_type=audit_type,
            starts_on=starts_on,
            ends_on=days_after(starts_on, days - 1),
            lead_auditor="arno",
        )

    async def plan(self, audit_type: AuditType, starts_on: date) -> str:
        command = self.plan_command(audit_type, starts_on)
        await self.send(command)
        self._audits += 1
        return command.audit_id

    async def report(self, audit_type: AuditType, starts_on: date, found: tuple[Finding, ...] = findings()) -> str:
        """Plan today, audit on site for 3 days from starts_on, submit the report a week later."""
        audit_id = await self.plan(audit_type, starts_on)
        await self.on(starts_on)
        await self.send(cmd.StartAudit(actor=AUDITOR, audit_id=audit_id))
        await self.send(cmd.RecordFindings(actor=AUDITOR, audit_id=audit_id, findings=found))
        ends_on = days_after(starts_on, 2)
        await self.on(days_after(ends_on, 7))
        await self.send(cmd.SubmitReport(actor=AUDITOR, audit_id=audit_id, on_site_ended_on=ends_on, summary="report"))
        return audit_id

    async def audit(
        self, audit_type: AuditType, starts_on: date, found: tuple[Finding, ...] = findings()
    ) -> list[Event]:
        """`report`, then the Secretariat accepts it on the same day: the decision's events."""
        audit_id = await self.report(audit_type, starts_on, found)
        return await self.send(cmd.AcceptReport(actor=SECRETARIAT, audit_id=audit_id))

    def attach_command(
        self,
        audit_id: str,
        kind: DocumentKind = DocumentKind.AUDIT_REPORT,
        content: bytes = pdf(),
        actor: Actor = AUDITOR,
    ) -> cmd.AttachDocument:
        return cmd.AttachDocument(
            actor=actor,
            audit_id=audit_id,
            kind=kind,
            sha256=hashlib.sha256(content).hexdigest(),
            filename=f"{audit_id}-{kind}.pdf",
            size_bytes=len(content),
        )

    async def attach(
        self, audit_id: str, kind: DocumentKind = DocumentKind.AUDIT_REPORT, content: bytes = pdf()
    ) -> list[Event]:
        """The assigned firm's auditor attaches the document (already in the document store)."""
        return await self.send(self.attach_command(audit_id, kind, content))

    async def report_flows(
        self, year: int, reported: tuple[MaterialFlow, ...] = flows(), actor: Actor = MEMBER
    ) -> list[Event]:
        return await self.send(cmd.ReportMaterialFlow(actor=actor, year=year, flows=reported))

    async def close_majors(self) -> None:
        """The member plans, the auditor verifies: every open major NC closed today."""
        for nc in (await self.state()).open_majors():
            if nc.cap_submitted_on is None:
                await self.send(cmd.SubmitCorrectiveActionPlan(actor=MEMBER, nc_id=nc.nc_id, plan="fix it"))
            await self.send(cmd.CloseNonConformity(actor=AUDITOR, nc_id=nc.nc_id, verification="verified"))


class Story(Scenario):
    """The pure decider alone: no I/O, no timers."""

    def __init__(self, certification_id: str = "cert-story") -> None:
        super().__init__()
        self.certification_id = certification_id
        self.now = datetime.combine(EPOCH, time(9), tzinfo=UTC)
        self._state = CertificationState(certification_id=self.certification_id)
        self.history: list[Event] = []

    async def on(self, day: date, hour: int = 9) -> None:
        self.now = max(self.now, _moment(day, hour, self.now))

    async def send(self, command: cmd.Command, command_id: str | None = None) -> list[Event]:
        events = decide(self._state, command, self.now)
        for event in events:
            self._state = evolve(self._state, event)
        self.history += events
        return events

    async def state(self) -> CertificationState:
        return self._state

    async def record(self, store: EventStore) -> None:
        """Writes the story's events to the log, as if its workflow had."""
        records = [to_record(self.certification_id, "story", i, e) for i, e in enumerate(self.history)]
        new = [NewEvent(r.event_id, r.event_type, r.data, r.metadata) for r in records]
        await store.append(self.certification_id, 0, new)


class Lifecycle(Scenario):
    """The real workflow on the time-skipping server, its events in PostgreSQL."""

    def __init__(self, env: WorkflowEnvironment, client: CertificationClient, store: EventStore) -> None:
        super().__init__()
        self.env = env
        self.client = client
        self.store = store
        self.certification_id = f"cert-{uuid4().hex[:12]}"

    async def on(self, day: date, hour: int = 9) -> None:
        now = await self.env.get_current_time()
        target = _moment(day, hour, now)
        if target > now:
            await self.env.sleep(target - now)

    async def send(self, command: cmd.Command, command_id: str | None = None) -> list[Event]:
        return (await self.client.send(self.certification_id, command, command_id)).events

    async def state(self) -> CertificationState:
        return await self.client.state(self.certification_id)

    async def histories(self) -> list[WorkflowHistory]:
        """The history of every run, following the continue-as-new chain from the first."""
        client = self.env.client
        latest = await client.get_workflow_handle(self.certification_id).describe()
        run_id: str | None = latest.raw_description.workflow_execution_info.first_run_id
        histories = []
        while run_id:
            history = await client.get_workflow_handle(self.certification_id, run_id=run_id).fetch_history()
            histories.append(history)
            last = history.events[-1]
            run_id = last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id or None
        return histories

    async def stored(self) -> list[Event]:
        records = await self.store.read_stream(self.certification_id)
        return [from_record(r.event_type, r.data, r.metadata) for r in records]

    async def stored_types(self) -> list[str]:
        return [e.type for e in await self.stored()]
