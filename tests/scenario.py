"""Scenario builder: drives one certification through its life on the time-skipping server,
in the domain's own words (`admit`, `audit`, `on(day)`), and reads back what was stored."""

from datetime import UTC, date, datetime, time
from uuid import uuid4

from temporalio.testing import WorkflowEnvironment

from domain import commands as cmd
from domain.actors import Actor, Role
from domain.audits import AuditType, Finding, FindingKind
from domain.events import Event
from domain.firms import Accreditation, AuditFirm
from domain.records import from_record
from domain.scope import Activity, Facility, StandardRef
from domain.state import CertificationState
from eventstore import EventStore
from workflows.client import CertificationClient
from workflows.messages import CommandOutcome

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
        Accreditation(standard_code="ISO-14001", valid_from=date(2035, 1, 1), valid_until=date(2050, 1, 1)),
    ),
)

ROLLING_MILL = Facility(facility_id="mill", name="Mill", country="DE", activities=(Activity.ROLLING,))
SMELTER = Facility(facility_id="smelter", name="Smelter", country="NO", activities=(Activity.SMELTING,))


def findings(majors: int = 0, minors: int = 0, critical: bool = False, facility: str = "mill") -> tuple[Finding, ...]:
    """Findings with `majors` major NCs (criteria 1..n), `minors` minor ones, and conformances."""
    found = [Finding(criterion=f"{i}.1", facility_id=facility, kind=FindingKind.MAJOR_NC) for i in range(1, majors + 1)]
    found += [Finding(criterion=f"{i}.2", facility_id=facility, kind=FindingKind.MINOR_NC) for i in range(1, minors + 1)]
    if critical:
        found.append(Finding(criterion="9.9", facility_id=facility, kind=FindingKind.CRITICAL_BREACH))
    found.append(Finding(criterion="10.1", facility_id=facility, kind=FindingKind.CONFORMANCE))
    return tuple(found)


class Lifecycle:
    def __init__(self, env: WorkflowEnvironment, client: CertificationClient, store: EventStore) -> None:
        self.env = env
        self.client = client
        self.store = store
        self.certification_id = f"cert-{uuid4().hex[:12]}"
        self._audits = 0

    async def on(self, day: date, hour: int = 9) -> None:
        """Let time pass (timers fire) until that day and hour, UTC."""
        target = datetime.combine(day, time(hour), tzinfo=UTC)
        now = await self.env.get_current_time()
        assert target >= now, f"cannot go back from {now} to {target}"
        await self.env.sleep(target - now)

    async def today(self) -> date:
        return (await self.env.get_current_time()).astimezone(UTC).date()

    async def send(self, command: cmd.Command, command_id: str | None = None) -> CommandOutcome:
        return await self.client.send(self.certification_id, command, command_id)

    async def apply(self, standard: str = "ASI-PS", facilities: tuple[Facility, ...] = (ROLLING_MILL,)) -> CommandOutcome:
        return await self.send(
            cmd.Apply(
                actor=MEMBER,
                member_id=MEMBER.organisation_id,
                member_name="Nordic Aluminium",
                entity_name="Nordic Aluminium Rolling",
                standard=StandardRef(code=standard, version="V3"),
                facilities=facilities,
            )
        )

    async def admit(self, standard: str = "ASI-PS", facilities: tuple[Facility, ...] = (ROLLING_MILL,)) -> None:
        """Applied, accepted, self-assessed, audit firm engaged: ready for the initial audit."""
        await self.on(EPOCH)
        await self.apply(standard, facilities)
        await self.send(cmd.AcceptApplication(actor=SECRETARIAT))
        await self.send(cmd.SubmitSelfAssessment(actor=MEMBER, summary="all criteria assessed"))
        await self.send(cmd.AssignAuditFirm(actor=MEMBER, firm=FIRM))

    async def plan(self, audit_type: AuditType, starts_on: date, days: int = 3) -> str:
        self._audits += 1
        audit_id = f"A{self._audits}"
        ends_on = date.fromordinal(starts_on.toordinal() + days - 1)
        await self.send(
            cmd.PlanAudit(
                actor=AUDITOR, audit_id=audit_id, audit_type=audit_type,
                starts_on=starts_on, ends_on=ends_on, lead_auditor="arno",
            )
        )
        return audit_id

    async def audit(
        self,
        audit_type: AuditType,
        starts_on: date,
        found: tuple[Finding, ...] = findings(),
        decided_on: date | None = None,
    ) -> str:
        """Plan today, audit on site for 3 days from starts_on, report and accept on decided_on
        (default: a week after the on-site audit ends)."""
        audit_id = await self.plan(audit_type, starts_on)
        ends_on = date.fromordinal(starts_on.toordinal() + 2)
        await self.on(starts_on)
        await self.send(cmd.StartAudit(actor=AUDITOR, audit_id=audit_id))
        await self.send(cmd.RecordFindings(actor=AUDITOR, audit_id=audit_id, findings=found))
        await self.on(decided_on or date.fromordinal(ends_on.toordinal() + 7))
        await self.send(cmd.SubmitReport(actor=AUDITOR, audit_id=audit_id, on_site_ended_on=ends_on, summary="report"))
        await self.send(cmd.AcceptReport(actor=SECRETARIAT, audit_id=audit_id))
        return audit_id

    async def state(self) -> CertificationState:
        return await self.client.state(self.certification_id)

    async def stored(self) -> list[Event]:
        records = await self.store.read_stream(self.certification_id)
        return [from_record(r.event_type, r.data, r.metadata) for r in records]

    async def stored_types(self) -> list[str]:
        return [e.type for e in await self.stored()]
