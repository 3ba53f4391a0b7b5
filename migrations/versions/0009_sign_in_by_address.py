"""Failed sign-ins counted per client address too, so a guesser is slowed without locking
the user out from everywhere else.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Failures recorded before this had no address: they count as one unknown address's.
    op.add_column("sign_in_failures", sa.Column("address", sa.Text, nullable=False, server_default="unknown"))
    op.alter_column("sign_in_failures", "address", server_default=None)
    op.drop_index("sign_in_failures_user", "sign_in_failures")
    op.create_index("sign_in_failures_address", "sign_in_failures", ["address", "failed_at"])
    op.create_index("sign_in_failures_user_address", "sign_in_failures", ["user_id", "address"])


def downgrade() -> None:
    op.drop_index("sign_in_failures_user_address", "sign_in_failures")
    op.drop_index("sign_in_failures_address", "sign_in_failures")
    op.create_index("sign_in_failures_user", "sign_in_failures", ["user_id", "failed_at"])
    op.drop_column("sign_in_failures", "address")
