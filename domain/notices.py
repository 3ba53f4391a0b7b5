"""Notices: what a certification tells people, and whom.

A notice is a fact of the workflow's life (a reminder went out, an escalation, a decision made),
recorded once under a deterministic id at the workflow's time. It names its audience as parties
of the certification (the member, the audit firm and its lead auditor, the Secretariat); the
directory turns those into people, and each person's preferences into a channel plan.
"""

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID, uuid5

from pydantic import BaseModel, ConfigDict

from domain.deadlines import DeadlineKind, Party

NOTICE_NAMESPACE = UUID("0b5e8f0a-3c1d-4e9a-8f7b-2d6c4a1e9b30")
"""Notice ids are uuid5 in this namespace of the certification and the notice's key."""


class NoticeKind(StrEnum):
    REMINDER = "reminder"
    ESCALATION = "escalation"
    APPLICATION_TO_REVIEW = "application-to-review"
    REPORT_SUBMITTED = "report-submitted"
    REPORT_RETURNED = "report-returned"
    DECISION_MADE = "decision-made"
    CERTIFICATE_GRANTED = "certificate-granted"
    SUSPENDED = "suspended"
    REINSTATED = "reinstated"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    SURVEY = "survey"
    DIGEST = "digest"
    """One person's daily list of what falls due for them (composed by the digest, not a workflow)."""


class Delivery(StrEnum):
    """How a person wants one kind of notice. The inbox shows every notice whatever this says."""

    EMAIL = "email"
    """An e-mail straight away."""
    DIGEST = "digest"
    """In the next daily digest."""
    WEBHOOK_ONLY = "webhook-only"
    """No mail: the organisation's webhook carries it."""
    NONE = "none"
    """The inbox only."""


class Channel(StrEnum):
    """Where a delivery goes: one row per (notice, recipient, channel)."""

    EMAIL = "email"
    WEBHOOK = "webhook"


class Audience(BaseModel):
    """Who a notice is for, as parties of the certification; the directory resolves them:
    the member's certification contacts, the firm's lead auditor for the audit (and the firm's
    contacts), the Secretariat's officers."""

    model_config = ConfigDict(frozen=True)

    parties: frozenset[Party]
    member_id: str | None = None
    firm_id: str | None = None
    lead_auditor: str | None = None


class Notice(BaseModel):
    model_config = ConfigDict(frozen=True)

    notice_id: UUID
    kind: NoticeKind
    certification_id: str | None
    """None for a notice about no one certification (a daily digest)."""
    at: datetime
    """The workflow's time when it was given (not the database's)."""
    audience: Audience
    subject: str
    body: str
    deadline_id: str | None = None
    deadline_kind: DeadlineKind | None = None
    due: date | None = None
    days_left: int | None = None
    """For a reminder: the days from the day it went out to the due date."""


def notice_id(certification_id: str, key: str) -> UUID:
    return uuid5(NOTICE_NAMESPACE, f"{certification_id}/{key}")


def survey_id(notice: UUID) -> UUID:
    """The survey a SURVEY notice invites to: its link is /surveys/{survey_id}."""
    return uuid5(notice, "survey")
