"""The document store's table (created by migration 0006)."""

from sqlalchemy import BigInteger, Column, DateTime, LargeBinary, MetaData, Table, Text

metadata = MetaData()

documents = Table(
    "documents",
    metadata,
    Column("sha256", Text, primary_key=True),
    Column("media_type", Text, nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("stored_at", DateTime(timezone=True)),
)
