"""The notification tables (created by migration 0012)."""

from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, LargeBinary, MetaData, Table, Text, Uuid
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()

notices = Table(
    "notices",
    metadata,
    Column("notice_id", Uuid, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("certification_id", Text),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("deadline_id", Text),
    Column("deadline_kind", Text),
    Column("due", Date),
    Column("days_left", Integer),
    Column("audience", JSONB, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

notice_recipients = Table(
    "notice_recipients",
    metadata,
    Column("notice_id", Uuid, ForeignKey(notices.c.notice_id), primary_key=True),
    Column("user_id", Text, primary_key=True),
    Column("delivery", Text, nullable=False),
    Column("read_at", DateTime(timezone=True)),
)
"""Who a notice is for: each recipient's inbox, and how they asked to get that kind."""

deliveries = Table(
    "deliveries",
    metadata,
    Column("delivery_id", Uuid, primary_key=True),
    Column("notice_id", Uuid, ForeignKey(notices.c.notice_id), nullable=False),
    Column("channel", Text, nullable=False),
    Column("user_id", Text),
    Column("organisation_id", Text),
    Column("target", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("lease_until", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("sent_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
"""One row per (notice, recipient, channel): a person's e-mail, an organisation's webhook."""

webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("endpoint_id", Uuid, primary_key=True),
    Column("organisation_id", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("secret", Text, nullable=False),
    Column("previous_secret", Text),
    Column("previous_secret_until", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled_at", DateTime(timezone=True)),
)

calendar_tokens = Table(
    "calendar_tokens",
    metadata,
    Column("token_hash", LargeBinary, primary_key=True),
    Column("user_id", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)
