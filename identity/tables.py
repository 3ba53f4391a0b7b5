"""The identity tables (created by migration 0004)."""

from sqlalchemy import Column, Date, DateTime, ForeignKey, LargeBinary, MetaData, Table, Text, Uuid

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
    Column("created_at", DateTime(timezone=True)),
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
