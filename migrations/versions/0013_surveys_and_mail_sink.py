"""Certification surveys (one per SURVEY notice: sent, opened, completed) and the local SMTP
sink's messages (`certflow dev`: what the dispatcher mailed, for the Mail page).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "surveys",
        sa.Column("survey_id", sa.Uuid, primary_key=True),
        sa.Column("notice_id", sa.Uuid, sa.ForeignKey("notices.notice_id"), nullable=False, unique=True),
        sa.Column("certification_id", sa.Text, nullable=False),
        sa.Column("member_id", sa.Text, nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True)),
        sa.Column("completed_at", sa.DateTime(timezone=True)),
    )
    op.create_index("surveys_certification_idx", "surveys", ["certification_id"])
    op.create_table(
        "sink_messages",
        sa.Column("number", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("message_id", sa.Text, nullable=False, unique=True),
        sa.Column("sender", sa.Text, nullable=False),
        sa.Column("recipients", sa.ARRAY(sa.Text), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("text", sa.Text),
        sa.Column("html", sa.Text),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


def downgrade() -> None:
    op.drop_table("sink_messages")
    op.drop_table("surveys")
