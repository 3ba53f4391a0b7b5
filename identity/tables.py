"""The identity tables (created by migrations 0004, 0005, 0007 and 0009; contact details by 0012)."""

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, LargeBinary, MetaData, Table, Text, Uuid

metadata = MetaData()

organisations = Table(
    "organisations",
    metadata,
    Column("organisation_id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("created_at", DateTime(timezone=True)),
)

users = Table(
    "users",
    metadata,
    Column("user_id", Text, primary_key=True),
    Column("organisation_id", Text, ForeignKey("organisations.organisation_id"), nullable=False),
    Column("role", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("trained_until", Date),
    Column("password_hash", Text),
    Column("created_at", DateTime(timezone=True)),
    Column("email", Text),
    Column("time_zone", Text, nullable=False, server_default="UTC"),
    Column("digest_hour", Integer, nullable=False, server_default="7"),
    # Told of the organisation's certifications besides the people a notice names (a firm's
    # certification manager, say).
    Column("contact", Boolean, nullable=False, server_default="false"),
)

accreditations = Table(
    "accreditations",
    metadata,
    Column("organisation_id", Text, ForeignKey("organisations.organisation_id"), primary_key=True),
    Column("standard_code", Text, primary_key=True),
    Column("valid_from", Date, primary_key=True),
    Column("valid_until", Date, nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_id", Uuid, primary_key=True),
    Column("user_id", Text, ForeignKey("users.user_id"), nullable=False),
    Column("token_hash", LargeBinary, nullable=False, unique=True),
    Column("label", Text, nullable=False),
    Column("created_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
)

sessions = Table(
    "sessions",
    metadata,
    Column("session_hash", LargeBinary, primary_key=True),
    Column("user_id", Text, ForeignKey("users.user_id"), nullable=False),
    Column("csrf_token", Text, nullable=False),
    Column("created_at", DateTime(timezone=True)),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("user_id", Text, ForeignKey("users.user_id"), primary_key=True),
    Column("idempotency_key", Text, primary_key=True),
    Column("request_hash", LargeBinary, nullable=False),
    Column("status_code", Integer),
    Column("response", LargeBinary),
    Column("created_at", DateTime(timezone=True)),
    Column("completed_at", DateTime(timezone=True)),
)

sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("user_id", Text, nullable=False),
    Column("address", Text, nullable=False),
    Column("failed_at", DateTime(timezone=True), nullable=False),
)

notice_preferences = Table(
    "notice_preferences",
    metadata,
    Column("user_id", Text, ForeignKey("users.user_id"), primary_key=True),
    Column("kind", Text, primary_key=True),
    Column("delivery", Text, nullable=False),
)
"""How a person wants each kind of notice (domain.notices.Delivery); a kind not here: e-mail."""
