"""Read models for oversight, the projector's checkpoints, and a wake-up signal on append.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SCHEMA = "readmodel"


def upgrade() -> None:
    # Projector readers walk the log in (transaction_id, global_position) order.
    op.create_index("events_transaction_position_idx", "events", ["transaction_id", "global_position"])
    op.execute(
        """
        CREATE FUNCTION notify_events_appended() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('certflow_events', '');
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER events_appended AFTER INSERT ON events"
        " FOR EACH STATEMENT EXECUTE FUNCTION notify_events_appended()"
    )
    op.execute(f"CREATE SCHEMA {SCHEMA}")
    op.create_table(
        "checkpoints",
        sa.Column("projection", sa.Text, primary_key=True),
        sa.Column("transaction_id", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("global_position", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("events_applied", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )
    op.create_table(
        "certifications",
        sa.Column("certification_id", sa.Text, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("member_id", sa.Text, nullable=False),
        sa.Column("member_name", sa.Text, nullable=False),
        sa.Column("entity_name", sa.Text, nullable=False),
        sa.Column("standard_code", sa.Text, nullable=False),
        sa.Column("standard_version", sa.Text, nullable=False),
        sa.Column("policy_id", sa.Text, nullable=False),
        sa.Column("phase", sa.Text, nullable=False),
        sa.Column("certificate_kind", sa.Text),
        sa.Column("certificate_status", sa.Text),
        sa.Column("valid_from", sa.Date),
        sa.Column("valid_until", sa.Date),
        sa.Column("facilities", JSONB, nullable=False),
        sa.Column("countries", ARRAY(sa.Text), nullable=False),
        sa.Column("activities", ARRAY(sa.Text), nullable=False),
        sa.Column("external_certifications", sa.Integer, nullable=False),
        sa.Column("audit_firm_id", sa.Text),
        sa.Column("audit_firm_name", sa.Text),
        sa.Column("lead_auditor", sa.Text),
        sa.Column("current_audit_id", sa.Text),
        sa.Column("current_audit_status", sa.Text),
        sa.Column("next_audit_type", sa.Text),
        sa.Column("next_audit_due", sa.Date),
        sa.Column("open_majors", sa.Integer, nullable=False),
        sa.Column("open_minors", sa.Integer, nullable=False),
        sa.Column("applied_on", sa.Date, nullable=False),
        sa.Column("first_certified_on", sa.Date),
        sa.Column("last_event_type", sa.Text, nullable=False),
        sa.Column("last_changed_at", sa.DateTime(timezone=True), nullable=False),
        schema=SCHEMA,
    )
    for column in ("phase", "standard_code", "certificate_status", "audit_firm_id", "member_id", "next_audit_due",
                   "last_changed_at"):
        op.create_index(f"certifications_{column}_idx", "certifications", [column], schema=SCHEMA)
    op.execute(f"CREATE INDEX certifications_countries_idx ON {SCHEMA}.certifications USING gin (countries)")
    op.create_table(
        "deadlines",
        sa.Column("certification_id", sa.Text, primary_key=True),
        sa.Column("deadline_id", sa.Text, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("opens", sa.Date),
        sa.Column("owner", sa.Text, nullable=False),
        sa.Column("owner_organisation_id", sa.Text, nullable=False),
        sa.Column("subject", sa.Text),
        schema=SCHEMA,
    )
    op.create_index("deadlines_due_idx", "deadlines", ["due"], schema=SCHEMA)
    op.create_table(
        "audits",
        sa.Column("certification_id", sa.Text, primary_key=True),
        sa.Column("audit_id", sa.Text, primary_key=True),
        sa.Column("audit_type", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("lead_auditor", sa.Text, nullable=False),
        sa.Column("audit_firm_id", sa.Text),
        sa.Column("report_submitted_at", sa.DateTime(timezone=True)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("major_ncs", sa.Integer),
        sa.Column("minor_ncs", sa.Integer),
        schema=SCHEMA,
    )
    op.create_index("audits_status_idx", "audits", ["status"], schema=SCHEMA)
    op.create_table(
        "nonconformities",
        sa.Column("certification_id", sa.Text, primary_key=True),
        sa.Column("nc_id", sa.Text, primary_key=True),
        sa.Column("audit_id", sa.Text, nullable=False),
        sa.Column("criterion", sa.Text, nullable=False),
        sa.Column("severity", sa.Text, nullable=False),
        sa.Column("raised_on", sa.Date, nullable=False),
        sa.Column("cap_submitted_on", sa.Date),
        sa.Column("closed_on", sa.Date),
        schema=SCHEMA,
    )
    op.create_table(
        "timeline",
        sa.Column("certification_id", sa.Text, primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("actor_user_id", sa.Text, nullable=False),
        sa.Column("actor_organisation_id", sa.Text, nullable=False),
        sa.Column("actor_role", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("reason", sa.Text),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.execute(f"DROP SCHEMA {SCHEMA} CASCADE")
    op.execute("DROP TRIGGER events_appended ON events")
    op.execute("DROP FUNCTION notify_events_appended()")
    op.drop_index("events_transaction_position_idx", table_name="events")
