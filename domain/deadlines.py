"""Deadlines: what is due, by whom, when; and when the workflow must next wake for them.

A deadline is met by the step it waits for, missed the day after its due date. Reminders go
out at the policy's offsets before it.
"""

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class DeadlineKind(StrEnum):
    REPORT = "report"
    CAP = "cap"
    MAJOR_CLOSURE = "major-closure"
    MAJOR_VERIFICATION = "major-verification"
    SURVEILLANCE = "surveillance"
    RECERTIFICATION = "recertification"
    EXPIRY = "expiry"
    SUSPENSION_LIMIT = "suspension-limit"


DEADLINE_WORDS: dict[DeadlineKind, str] = {
    DeadlineKind.REPORT: "Audit report",
    DeadlineKind.CAP: "Corrective action plan",
    DeadlineKind.MAJOR_CLOSURE: "Closure of major non-conformities",
    DeadlineKind.MAJOR_VERIFICATION: "Verified closure of major non-conformities",
    DeadlineKind.SURVEILLANCE: "Surveillance audit",
    DeadlineKind.RECERTIFICATION: "Re-certification audit",
    DeadlineKind.EXPIRY: "Certificate expiry",
    DeadlineKind.SUSPENSION_LIMIT: "End of the suspension period",
}
"""Each kind of deadline as people call it."""


def deadline_id(kind: DeadlineKind, subject: str) -> str:
    """A deadline's id: its kind and what it is about (an audit, a cycle, a day), the one
    spelling rules build and projections read back (`kind_of`)."""
    return f"{kind}:{subject}"


def kind_of(deadline_id: str) -> DeadlineKind:
    """The kind a deadline id names; ValueError for an id no rule builds."""
    return DeadlineKind(deadline_id.partition(":")[0])


class Party(StrEnum):
    """Whose move it is."""

    MEMBER = "member"
    AUDIT_FIRM = "audit-firm"
    SECRETARIAT = "secretariat"


class Consequence(StrEnum):
    """What the policy does when a deadline passes unmet (every miss also escalates)."""

    ESCALATE = "escalate"
    SUSPEND = "suspend"
    EXPIRE = "expire"
    WITHDRAW = "withdraw"
    REFUSE = "refuse"


class Deadline(BaseModel):
    model_config = ConfigDict(frozen=True)

    deadline_id: str
    kind: DeadlineKind
    due: date
    owner: Party
    opens: date | None = None
    subject: str | None = None

    @property
    def occurrence(self) -> str:
        """This deadline as due on this date: event and notification ids derive from it."""
        return f"{self.deadline_id}@{self.due.isoformat()}"


def start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def missed_at(deadline: Deadline) -> datetime:
    """The due date is the last day to meet it."""
    return start_of(deadline.due + timedelta(days=1))


class Reminder(BaseModel):
    model_config = ConfigDict(frozen=True)

    deadline: Deadline
    days_before: int

    @property
    def key(self) -> str:
        return f"{self.deadline.occurrence}-{self.days_before}d"

    @property
    def at(self) -> datetime:
        return start_of(self.deadline.due - timedelta(days=self.days_before))


def reminded_deadline_id(key: str) -> str:
    """The deadline a reminder's key names (its id may itself hold an "@")."""
    return key.rsplit("@", 1)[0]


def reminders(deadlines: tuple[Deadline, ...], days_before: tuple[int, ...]) -> list[Reminder]:
    return [Reminder(deadline=d, days_before=n) for d in deadlines for n in days_before]


def days_left(deadline: Deadline, now: datetime) -> int:
    """Whole days from today (UTC, as deadlines are) to the due date: 0 on the day itself."""
    return (deadline.due - now.astimezone(UTC).date()).days
