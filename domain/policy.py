"""Per-scheme policy: every number and outcome rule of a certification programme, as data.

The engine reads these; workflow code holds no literal durations or thresholds. A policy is
pinned into the application event by id, so a lifecycle keeps the rules it started under.
"""

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.audits import INITIAL_AUDITS, AuditType
from domain.deadlines import Consequence, DeadlineKind
from domain.errors import RuleViolation
from domain.periods import Period
from domain.scope import Activity


class MajorNcOutcome(StrEnum):
    PROVISIONAL = "provisional"
    """Grant a provisional certificate (once) that a certification audit must make full."""
    DEFER_UNTIL_VERIFIED = "defer-until-verified"
    """Hold the decision until every major NC is verified closed."""


class SurveillanceSlot(BaseModel):
    """A surveillance audit window, counted from the start of the certificate's cycle."""

    model_config = ConfigDict(frozen=True)

    opens_after: Period
    due_after: Period


class Policy(BaseModel):
    model_config = ConfigDict(frozen=True)

    policy_id: str
    scheme: str
    standards: tuple[str, ...]
    full_validity: Period
    provisional_validity: Period | None
    major_nc_outcome: MajorNcOutcome
    decided_after_verification: frozenset[AuditType]
    """Audits whose decision DEFER_UNTIL_VERIFIED holds until their majors are verified closed."""
    provisional_once: bool
    """A provisional certificate is granted at most once in an entity's certification."""
    max_major_ncs: int = Field(ge=0, description="more majors than this: no certificate")
    major_verification_within: Period | None
    cap_due_after_audit: Period
    major_closure_within: Period
    report_due_after_audit: Period
    plan_lead_time_high_risk: Period
    high_risk_activities: frozenset[Activity]
    surveillance: tuple[SurveillanceSlot, ...]
    recertification_due_before_expiry: Period
    max_suspension: Period
    reminder_days_before: tuple[int, ...]
    """The one schedule (days before any deadline) of runs started before schedules were per
    kind; those runs keep it (workflows/legacy_reminders.py)."""
    reminders: dict[DeadlineKind, tuple[int, ...]]
    """Days before each kind of deadline that its reminders go out; a kind not named has none."""
    survey_url: str | None = None
    """The scheme's survey, sent to the member's contacts with each certificate granted or renewed."""
    consequences: dict[DeadlineKind, Consequence]
    material_flow_standards: frozenset[str]
    """Standards whose certified members report their material flows every year."""

    def reminder_days(self, kind: DeadlineKind) -> tuple[int, ...]:
        return self.reminders.get(kind, ())

    def consequence_of(self, kind: DeadlineKind) -> Consequence:
        return self.consequences.get(kind, Consequence.ESCALATE)


_CONSEQUENCES = {
    DeadlineKind.SURVEILLANCE: Consequence.SUSPEND,
    DeadlineKind.EXPIRY: Consequence.EXPIRE,
    DeadlineKind.SUSPENSION_LIMIT: Consequence.WITHDRAW,
    DeadlineKind.MAJOR_VERIFICATION: Consequence.REFUSE,
}

ASI = Policy(
    policy_id="asi-2022",
    scheme="ASI",
    standards=("ASI-PS", "ASI-CoC"),
    full_validity=Period(months=36),
    provisional_validity=Period(months=12),
    major_nc_outcome=MajorNcOutcome.PROVISIONAL,
    decided_after_verification=frozenset(),
    provisional_once=True,
    max_major_ncs=3,
    major_verification_within=None,
    cap_due_after_audit=Period(months=1),
    major_closure_within=Period(months=12),
    report_due_after_audit=Period(days=60),
    plan_lead_time_high_risk=Period.of_weeks(6),
    high_risk_activities=frozenset({Activity.BAUXITE_MINING, Activity.ALUMINA_REFINING, Activity.SMELTING}),
    surveillance=(SurveillanceSlot(opens_after=Period(months=15), due_after=Period(months=21)),),
    recertification_due_before_expiry=Period(months=3),
    max_suspension=Period(months=6),
    reminder_days_before=(30, 7, 1),
    reminders={
        DeadlineKind.SURVEILLANCE: (90, 30, 7),
        DeadlineKind.CAP: (14, 3, 1),
        DeadlineKind.REPORT: (14, 3),
        DeadlineKind.RECERTIFICATION: (180, 90, 30),
        DeadlineKind.EXPIRY: (90, 30, 7),
        DeadlineKind.MAJOR_CLOSURE: (60, 30, 7),
        DeadlineKind.MAJOR_VERIFICATION: (30, 7, 1),
        DeadlineKind.SUSPENSION_LIMIT: (30, 7),
    },
    survey_url="https://aluminium-stewardship.org/certification-survey",
    consequences=_CONSEQUENCES,
    material_flow_standards=frozenset({"ASI-CoC"}),
)

ISO_17021 = Policy(
    policy_id="iso-17021-1",
    scheme="ISO/IEC 17021-1",
    standards=("ISO-9001", "ISO-14001", "ISO-45001"),
    full_validity=Period(months=36),
    provisional_validity=None,
    major_nc_outcome=MajorNcOutcome.DEFER_UNTIL_VERIFIED,
    decided_after_verification=frozenset({*INITIAL_AUDITS, AuditType.RECERTIFICATION}),
    provisional_once=True,
    max_major_ncs=3,
    major_verification_within=Period(months=6),
    cap_due_after_audit=Period(months=1),
    major_closure_within=Period(months=6),
    report_due_after_audit=Period(days=30),
    plan_lead_time_high_risk=Period(days=0),
    high_risk_activities=frozenset(),
    surveillance=(
        SurveillanceSlot(opens_after=Period(months=9), due_after=Period(months=12)),
        SurveillanceSlot(opens_after=Period(months=21), due_after=Period(months=24)),
    ),
    recertification_due_before_expiry=Period(months=3),
    max_suspension=Period(months=6),
    reminder_days_before=(30, 7, 1),
    reminders={
        DeadlineKind.SURVEILLANCE: (60, 30, 7),
        DeadlineKind.CAP: (14, 7, 1),
        DeadlineKind.REPORT: (14, 7, 1),
        DeadlineKind.RECERTIFICATION: (120, 60, 30),
        DeadlineKind.EXPIRY: (60, 30, 7),
        DeadlineKind.MAJOR_CLOSURE: (30, 14, 3),
        DeadlineKind.MAJOR_VERIFICATION: (30, 14, 3),
        DeadlineKind.SUSPENSION_LIMIT: (30, 7),
    },
    survey_url=None,
    consequences=_CONSEQUENCES,
    material_flow_standards=frozenset(),
)

POLICIES: dict[str, Policy] = {p.policy_id: p for p in (ASI, ISO_17021)}


def policy_by_id(policy_id: str | None) -> Policy:
    """The policy an application pinned; a certification without one (never applied, or
    pinned to a policy this release no longer has) is refused naming `policy.known`."""
    policy = POLICIES.get(policy_id) if policy_id else None
    if policy is None:
        raise RuleViolation(
            "policy.known", f"no policy {policy_id!r}: the certification has not applied under a known one"
        )
    return policy


def policy_for_standard(standard_code: str) -> Policy | None:
    return next((p for p in POLICIES.values() if standard_code in p.standards), None)
