"""When a certification's workflow must wake: deadlines missed, reminders due, the next alarm."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from domain.deadlines import Deadline, DeadlineKind, Reminder, missed_at, reminded_deadline_id, reminders
from domain.state import CertificationState

Schedule = Callable[[DeadlineKind], tuple[int, ...]]
"""Days before a kind of deadline that its reminders go out."""


@dataclass(frozen=True)
class DueAlarms:
    missed: list[Deadline]
    reminders: list[Reminder]
    """At most one per deadline: the nearest of those whose time has come."""
    superseded: list[str]
    """Keys of older reminders that the nearest one makes pointless."""


def _of(deadline: Deadline, schedule: Schedule) -> list[Reminder]:
    return reminders((deadline,), schedule(deadline.kind))


def due_alarms(state: CertificationState, schedule: Schedule, sent: set[str], now: datetime) -> DueAlarms:
    open_deadlines = sorted(state.deadlines.values(), key=lambda d: (d.due, d.deadline_id))
    missed = [d for d in open_deadlines if now >= missed_at(d)]
    to_send: list[Reminder] = []
    superseded: list[str] = []
    for deadline in open_deadlines:
        if now >= missed_at(deadline):
            continue
        ripe = [r for r in _of(deadline, schedule) if r.at <= now and r.key not in sent]
        if ripe:
            nearest = min(ripe, key=lambda r: r.days_before)
            to_send.append(nearest)
            superseded += [r.key for r in ripe if r is not nearest]
    return DueAlarms(missed, to_send, superseded)


def next_alarm(state: CertificationState, schedule: Schedule, sent: set[str]) -> datetime | None:
    deadlines = tuple(state.deadlines.values())
    times = [missed_at(d) for d in deadlines]
    times += [r.at for d in deadlines for r in _of(d, schedule) if r.key not in sent]
    return min(times, default=None)


def reminders_to_carry_over(state: CertificationState, sent: set[str]) -> list[str]:
    """The sent reminders' keys still worth remembering in the next run: those of open deadlines."""
    return sorted(k for k in sent if reminded_deadline_id(k) in state.deadlines)
