"""Notices reach people: users' addresses, time zones and preferences; notices, their
recipients (the inbox) and one delivery row per (notice, recipient, channel); organisations'
webhook endpoints; calendar feed tokens. The old organisation-addressed outbox stays for the
runs that still write to it (workflows/legacy_reminders.py).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("email", sa.Text))
    op.add_column("users", sa.Column("time_zone", sa.Text, nullable=False, server_default="UTC"))
    op.add_column("users", sa.Column("digest_hour", sa.Integer, nullable=False, server_default="7"))
    op.add_column("users", sa.Column("contact", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_check_constraint("users_digest_hour", "users", "digest_hour BETWEEN 0 AND 23")
    op.create_table(
        "notice_preferences",
        sa.Column("user_id", sa.Text, sa.ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True),
        sa.Column("kind", sa.Text, primary_key=True),
        sa.Column("delivery", sa.Text, nullable=False),
    )
    op.create_table(
        "notices",
        sa.Column("notice_id", sa.Uuid, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("certification_id", sa.Text),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("deadline_id", sa.Text),
        sa.Column("deadline_kind", sa.Text),
        sa.Column("due", sa.Date),
        sa.Column("days_left", sa.Integer),
        sa.Column("audience", JSONB, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("notices_certification_idx", "notices", ["certification_id", "at"])
    op.create_index("notices_at_idx", "notices", ["at"])
    op.create_table(
        "notice_recipients",
        sa.Column("notice_id", sa.Uuid, sa.ForeignKey("notices.notice_id"), primary_key=True),
        sa.Column("user_id", sa.Text, sa.ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True),
        sa.Column("delivery", sa.Text, nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True)),
    )
    op.create_index("notice_recipients_user_idx", "notice_recipients", ["user_id", "notice_id"])
    op.create_table(
        "deliveries",
        sa.Column("delivery_id", sa.Uuid, primary_key=True),
        sa.Column("notice_id", sa.Uuid, sa.ForeignKey("notices.notice_id"), nullable=False),
        sa.Column("channel", sa.Text, nullable=False),
        sa.Column("user_id", sa.Text),
        sa.Column("organisation_id", sa.Text),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("lease_until", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("status IN ('pending', 'retrying', 'sent', 'dead', 'discarded')", name="deliveries_status"),
        sa.CheckConstraint("(user_id IS NULL) <> (organisation_id IS NULL)", name="deliveries_recipient"),
    )
    op.create_index(
        "deliveries_due_idx",
        "deliveries",
        ["next_attempt_at"],
        postgresql_where=sa.text("status IN ('pending', 'retrying')"),
    )
    op.create_index("deliveries_notice_idx", "deliveries", ["notice_id"])
    op.create_index("deliveries_dead_idx", "deliveries", ["created_at"], postgresql_where=sa.text("status = 'dead'"))
    op.create_table(
        "webhook_endpoints",
        sa.Column("endpoint_id", sa.Uuid, primary_key=True),
        sa.Column(
            "organisation_id",
            sa.Text,
            sa.ForeignKey("organisations.organisation_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("secret", sa.Text, nullable=False),
        sa.Column("previous_secret", sa.Text),
        sa.Column("previous_secret_until", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("disabled_at", sa.DateTime(timezone=True)),
    )
    op.create_index(
        "webhook_endpoints_organisation_idx",
        "webhook_endpoints",
        ["organisation_id"],
        postgresql_where=sa.text("disabled_at IS NULL"),
    )
    op.create_table(
        "calendar_tokens",
        sa.Column("token_hash", sa.LargeBinary, primary_key=True),
        sa.Column("user_id", sa.Text, sa.ForeignKey("users.user_id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("calendar_tokens")
    op.drop_table("webhook_endpoints")
    op.drop_table("deliveries")
    op.drop_table("notice_recipients")
    op.drop_table("notices")
    op.drop_table("notice_preferences")
    op.drop_constraint("users_digest_hour", "users")
    for column in ("contact", "digest_hour", "time_zone", "email"):
        op.drop_column("users", column)
