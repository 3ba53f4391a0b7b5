"""Table definitions for queries; the migrations in migrations/ create them."""

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()

events = Table(
    "events",
    metadata,
    Column("global_position", BigInteger, Identity(always=True), primary_key=True),
    Column("stream_id", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("event_id", Uuid, nullable=False, unique=True),
    Column("event_type", Text, nullable=False),
    Column("data", JSONB, nullable=False),
    Column("metadata", JSONB, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    # transaction_id (xid8, default pg_current_xact_id()) is written by the database only:
    # readers use it to never pass a position whose transaction is still in flight.
    UniqueConstraint("stream_id", "version", name="events_stream_version_key"),
)
