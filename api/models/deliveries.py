"""Deliveries as the API shows them, and webhook endpoints."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, BaseModel, Field

from domain.notices import Channel, NoticeKind
from domain.text import check_storable
from notifications.status import DeliveryStatus


class DeliveryOut(BaseModel):
    """One delivery of a notice to one recipient (a user's e-mail, an organisation's webhook)."""

    delivery_id: UUID
    notice_id: UUID
    subject: str
    kind: NoticeKind
    certification_id: str | None
    channel: Channel
    user_id: str | None
    organisation_id: str | None
    status: DeliveryStatus
    attempts: int
    last_error: str | None
    next_attempt_at: datetime
    sent_at: datetime | None
    created_at: datetime


class DeliveryList(BaseModel):
    items: list[DeliveryOut]


StorableText = Annotated[str, AfterValidator(check_storable)]
"""Text PostgreSQL can store (no NUL): refused naming the field otherwise."""


class NewEndpoint(BaseModel):
    url: StorableText = Field(
        min_length=1, max_length=2000, description="https:// (http:// only where the setting allows)"
    )
    organisation_id: StorableText | None = Field(
        default=None, min_length=1, max_length=200, description="whose notices it gets; a member's own by default"
    )


class EndpointOut(BaseModel):
    """An endpoint; its secret is never listed."""

    endpoint_id: UUID
    organisation_id: str
    url: str
    created_at: datetime
    disabled_at: datetime | None
    previous_secret_until: datetime | None
    """During a rotation: until when the previous secret still signs."""


class EndpointWithSecret(EndpointOut):
    secret: str
    """Shown this once: keep it to verify the signatures (Standard Webhooks, `whsec_` base64)."""


class EndpointList(BaseModel):
    items: list[EndpointOut]
