"""Indexes for the dashboard's lists and the overview (bench/queries.py, 100,000 certifications).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SCHEMA = "readmodel"

# (table, index, columns). Plain CREATE INDEX: it blocks writes to the table while it builds,
# about a second at 100,000 certifications; the projector waits, readers do not.
INDEXES = [
    # The default order (entity name, then id): a page is the first rows of the index, and a
    # filter (overdue, due within N days) is checked row by row along it until the page is full,
    # instead of sorting every matching certification.
    ("certifications", "certifications_entity_name_idx", ["entity_name", "certification_id"]),
    # The overview's one pass over certifications (api/queries/overview.py: counts), read from
    # this index alone and already grouped: no hashing of 100,000 rows.
    ("certifications", "certifications_counts_idx", ["standard_code", "phase", "certificate_status"]),
    # Filter-form choices: the few distinct country lists, read by skipping through this index.
    ("certifications", "certifications_countries_btree_idx", ["countries"]),
    # Filter-form choices: each audit firm and its name, from the index alone.
    ("certifications", "certifications_audit_firm_name_idx", ["audit_firm_id", "audit_firm_name"]),
    # Deadlines in their listing order (due, certification, deadline: no sort, cursor as index
    # condition); past-due and due-soon certification ids from the index alone.
    ("deadlines", "deadlines_due_certification_idx", ["due", "certification_id", "deadline_id"]),
]


def upgrade() -> None:
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, schema=SCHEMA)


def downgrade() -> None:
    for table, name, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table, schema=SCHEMA)
