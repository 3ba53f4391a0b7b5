"""Failed sign-ins, so that guessing a password is slowed to a few tries per quarter hour.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Any user id tried, known or not (no foreign key): what is counted must not tell who exists.
    op.create_table(
        "sign_in_failures",
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("sign_in_failures_user", "sign_in_failures", ["user_id", "failed_at"])


def downgrade() -> None:
    op.drop_table("sign_in_failures")
