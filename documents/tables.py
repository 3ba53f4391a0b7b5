"""The document store's table (created by migration 0006, holds and attached by 0011)."""

from sqlalchemy import BigInteger, Boolean, Column, DateTime, Integer, LargeBinary, MetaData, Table, Text

metadata = MetaData()

documents = Table(
    "documents",
    metadata,
    Column("sha256", Text, primary_key=True),
    Column("media_type", Text, nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("stored_at", DateTime(timezone=True)),
    # Uploads of these bytes whose command has not answered yet (or never will: a crash).
    Column("holds", Integer, nullable=False),
    # Named by an accepted command: kept for good.
    Column("attached", Boolean, nullable=False),
)
