"""A person's deadlines as an iCalendar feed (RFC 5545), built with the icalendar library.

One all-day event per open deadline. Its UID names the deadline and its certification, so
it stays the same when the due date moves, and its SEQUENCE rises with every change, so a
calendar app that subscribed moves the event instead of adding a second one."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import TRANSP, Alarm, Calendar, Event

from domain.deadlines import DeadlineKind

PRODID = "-//certflow//deadlines//EN"
REFRESH = timedelta(hours=6)
"""How often a calendar app is asked to fetch the feed again (RFC 7986 REFRESH-INTERVAL)."""
ALARM_BEFORE = timedelta(hours=15)
"""Before the due day's start: 09:00 the day before, in the calendar's own time zone."""

WHAT_IS_DUE: dict[DeadlineKind, str] = {
    DeadlineKind.REPORT: "Audit report due",
    DeadlineKind.CAP: "Corrective action plan due",
    DeadlineKind.MAJOR_CLOSURE: "Major non-conformity to be closed",
    DeadlineKind.MAJOR_VERIFICATION: "Major non-conformity closure to be verified",
    DeadlineKind.SURVEILLANCE: "Surveillance audit window closes",
    DeadlineKind.RECERTIFICATION: "Re-certification audit due",
    DeadlineKind.EXPIRY: "Certificate expires",
    DeadlineKind.SUSPENSION_LIMIT: "Suspension limit: reinstated or withdrawn by",
}


@dataclass(frozen=True)
class CalendarDeadline:
    certification_id: str
    deadline_id: str
    kind: DeadlineKind
    due: date
    entity_name: str
    sequence: int
    """Rises whenever the deadline changes (see api/queries/calendar.py for what it counts)."""
    changed_at: datetime
    """When it last changed (DTSTAMP: the moment this version of the event was written)."""
    link: str
    """The certification's page, for the person whose feed this is."""

    @property
    def uid(self) -> str:
        return uid(self.certification_id, self.deadline_id)

    @property
    def summary(self) -> str:
        return f"{WHAT_IS_DUE[self.kind]}: {self.entity_name}"


def uid(certification_id: str, deadline_id: str) -> str:
    """The same for a deadline however often its due date moves."""
    return f"{deadline_id}/{certification_id}@certflow"


def _event(deadline: CalendarDeadline) -> Event:
    event = Event.new(
        uid=deadline.uid,
        summary=deadline.summary,
        description=f"{deadline.summary}, on {deadline.due.isoformat()}.\n{deadline.link}",
        start=deadline.due,
        end=deadline.due + timedelta(days=1),
        sequence=deadline.sequence,
        stamp=deadline.changed_at,
        last_modified=deadline.changed_at,
        url=deadline.link,
        transparency=TRANSP.TRANSPARENT,  # a deadline does not make the day busy
    )
    event.add_component(Alarm.new_display(description=deadline.summary, trigger=-ALARM_BEFORE))
    return event


def feed(owner_id: str, name: str, deadlines: Iterable[CalendarDeadline]) -> bytes:
    """The feed of `owner_id`'s deadlines, as the bytes of a text/calendar body."""
    calendar = Calendar.new(
        prodid=PRODID,
        name=name,
        uid=f"deadlines/{owner_id}@certflow",
        refresh_interval=REFRESH,
        subcomponents=[_event(d) for d in deadlines],
    )
    return calendar.to_ical()
