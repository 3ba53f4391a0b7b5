"""The signed-in person's own views: their profile and notice preferences, their inbox, their
calendar feed's address."""

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from domain.actors import Role
from domain.deadlines import DeadlineKind
from domain.notices import Delivery, NoticeKind
from identity.contact import DigestHour, Email, TimeZone
from identity.principal import OrganisationKind


class KindPreference(BaseModel):
    kind: NoticeKind
    delivery: Delivery
    chosen: bool
    """False: the person has not chosen for this kind, and gets the default."""


class Profile(BaseModel):
    user_id: str
    name: str
    organisation_id: str
    organisation_name: str
    organisation_kind: OrganisationKind
    role: Role
    email: str | None
    """None: notices reach the inbox only."""
    time_zone: str
    digest_hour: int
    contact: bool
    """Told of the organisation's certifications besides the people a notice names."""
    default_delivery: Delivery
    preferences: list[KindPreference]
    """Every notice kind, with the delivery it gets."""


class ProfileChange(BaseModel):
    """What to change; a field left out (or null) stays as it is."""

    model_config = ConfigDict(extra="forbid")

    email: Email | None = None
    time_zone: TimeZone | None = None
    digest_hour: DigestHour | None = None


class InboxItem(BaseModel):
    notice_id: UUID
    kind: NoticeKind
    subject: str
    body: str
    certification_id: str | None
    deadline_id: str | None
    deadline_kind: DeadlineKind | None
    due: date | None
    days_left: int | None
    """For a reminder: the days left on the day it went out."""
    at: datetime
    """When it was given, by the workflow's clock."""
    read_at: datetime | None
    delivery: Delivery
    """How it was to reach this person besides the inbox."""


class InboxPage(BaseModel):
    items: list[InboxItem]
    """Newest first."""
    unread: int
    """The person's unread notices, all of them (not only this page's)."""
    next_cursor: str | None


class ReadReceipt(BaseModel):
    marked: int
    """Notices marked read now (0 when they had been)."""
    unread: int


class CalendarFeed(BaseModel):
    token: str = Field(description="shown this once: only its hash is kept")
    url: str
    """The feed's address, to subscribe to in a calendar app; anyone holding it reads the feed."""
