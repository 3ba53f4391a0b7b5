"""Documents count the uploads still waiting for their command, and remember being attached,
so that a refused upload's bytes go (documents/store.py `release`).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("holds", sa.Integer, nullable=False, server_default="0"))
    # Every document stored so far counts as attached: none is ever deleted by this change.
    op.add_column("documents", sa.Column("attached", sa.Boolean, nullable=False, server_default=sa.true()))
    op.create_check_constraint("documents_holds", "documents", "holds >= 0")


def downgrade() -> None:
    op.drop_constraint("documents_holds", "documents")
    op.drop_column("documents", "attached")
    op.drop_column("documents", "holds")
