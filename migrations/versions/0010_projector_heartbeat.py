"""Heartbeats of the leading projector and of each worker, for /readyz and /metrics.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Not in the readmodel schema: nothing here is projected from the log, and a rebuild must
    # not throw it away.
    op.create_table(
        "process_heartbeats",
        sa.Column("process", sa.Text, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("holder", sa.Text, nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("appends", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("append_failures", sa.BigInteger, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("process_heartbeats")
