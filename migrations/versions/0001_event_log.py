"""The event log and the notification outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB



class Xid8(sa.types.UserDefinedType):
    cache_ok = True

    def get_col_spec(self, **kw: object) -> str:
        return "xid8"


revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("global_position", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("stream_id", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("event_id", sa.Uuid, nullable=False),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("data", JSONB, nullable=False),
        sa.Column("metadata", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        # Readers never pass a transaction still in flight (the gap problem): see projections.
        sa.Column("transaction_id", Xid8(), nullable=False, server_default=sa.text("pg_current_xact_id()")),
        sa.UniqueConstraint("event_id", name="events_event_id_key"),
        sa.UniqueConstraint("stream_id", "version", name="events_stream_version_key"),
        sa.CheckConstraint("version > 0", name="events_version_positive"),
    )
    op.create_index("events_type_idx", "events", ["event_type"])
    op.create_table(
        "notifications",
        sa.Column("notification_id", sa.Uuid, primary_key=True),
        sa.Column("certification_id", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("deadline_id", sa.Text),
        sa.Column("recipients", JSONB, nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("notifications_certification_idx", "notifications", ["certification_id"])


def downgrade() -> None:
    op.drop_table("notifications")
    op.drop_table("events")
