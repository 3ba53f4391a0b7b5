"""Drop indexes that every append, projector page and rebuild wrote but no query needed.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

SCHEMA = "readmodel"

# (schema, table, index, columns) as 0001 and 0002 created them.
INDEXES = [
    # No query filters the log by event type.
    (None, "events", "events_type_idx", ["event_type"]),
    # Each is the leading column of a longer index from 0003, which serves the same lookups:
    # certifications_counts_idx (standard_code, phase, certificate_status),
    # certifications_audit_firm_name_idx (audit_firm_id, audit_firm_name),
    # deadlines_due_certification_idx (due, certification_id, deadline_id).
    (SCHEMA, "certifications", "certifications_standard_code_idx", ["standard_code"]),
    (SCHEMA, "certifications", "certifications_audit_firm_id_idx", ["audit_firm_id"]),
    (SCHEMA, "deadlines", "deadlines_due_idx", ["due"]),
]


def upgrade() -> None:
    for schema, table, name, _ in INDEXES:
        op.drop_index(name, table_name=table, schema=schema)


def downgrade() -> None:
    for schema, table, name, columns in reversed(INDEXES):
        op.create_index(name, table, columns, schema=schema)
