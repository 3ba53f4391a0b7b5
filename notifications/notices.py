"""A delivery as the dispatcher holds it: the claimed row with its notice and what its
channel needs (the recipient's organisation kind for the mail's link, the endpoint's secrets
for the webhook's signature)."""

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from domain.notices import Channel, NoticeKind
from identity.principal import OrganisationKind


@dataclass(frozen=True)
class NoticeText:
    """What a notice says, as recorded."""

    notice_id: UUID
    kind: NoticeKind
    certification_id: str | None
    at: datetime
    subject: str
    body: str
    deadline_id: str | None
    deadline_kind: str | None
    due: date | None
    days_left: int | None


@dataclass(frozen=True)
class Secrets:
    """An endpoint's signing secrets: during a rotation the previous one signs too, until
    `previous_until`."""

    current: str
    previous: str | None = None
    previous_until: datetime | None = None


@dataclass(frozen=True)
class Claimed:
    """One delivery this dispatcher holds the lease of."""

    delivery_id: UUID
    channel: Channel
    target: str
    """The e-mail address, or the webhook's URL."""
    attempts: int
    """Counting this one."""
    notice: NoticeText
    user_id: str | None = None
    organisation_kind: OrganisationKind | None = None
    """The recipient's organisation kind (member, audit-firm, secretariat): which page the link opens."""
    secrets: Secrets | None = None
    """For a webhook: None when its endpoint has been disabled since."""

    @property
    def message_id(self) -> str:
        """The one Message-ID every attempt of this delivery carries: a receiver tells a repeat by it."""
        return f"<{self.delivery_id}@certflow>"
