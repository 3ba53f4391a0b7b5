"""Audit documents' content (content-addressed), and the read models of attached documents
and of reported material flows.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SCHEMA = "readmodel"


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("sha256", sa.Text, primary_key=True),
        sa.Column("media_type", sa.Text, nullable=False),
        sa.Column("size_bytes", sa.BigInteger, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("sha256 ~ '^[0-9a-f]{64}$'", name="documents_sha256_hex"),
        # The size is the content's: a reader can trust it without fetching the bytes.
        sa.CheckConstraint("size_bytes > 0 AND size_bytes = octet_length(content)", name="documents_size"),
    )
    # The read models below are rebuilt as `LIKE ... INCLUDING ALL` copies (projections/rebuild.py):
    # their keys and indexes come along, nothing more is needed here for that.
    op.create_table(
        "documents",
        sa.Column("certification_id", sa.Text, primary_key=True),
        sa.Column("audit_id", sa.Text, primary_key=True),
        sa.Column("kind", sa.Text, primary_key=True),
        sa.Column("sha256", sa.Text, primary_key=True),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("size_bytes", sa.BigInteger, nullable=False),
        sa.Column("media_type", sa.Text, nullable=False),
        sa.Column("attached_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attached_by_user", sa.Text, nullable=False),
        sa.Column("attached_by_organisation", sa.Text, nullable=False),
        schema=SCHEMA,
    )
    # A certification's documents are read by the primary key's leading column; a download
    # asks which certifications and audits a stored document belongs to (who may see it).
    op.create_index("documents_sha256_idx", "documents", ["sha256"], schema=SCHEMA)
    op.create_table(
        "material_flows",
        sa.Column("certification_id", sa.Text, primary_key=True),
        sa.Column("member_id", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("category", sa.Text, primary_key=True),
        sa.Column("tonnes_in", sa.Numeric(15, 3), nullable=False),
        sa.Column("tonnes_out", sa.Numeric(15, 3), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        schema=SCHEMA,
    )
    # The public figures sum a year's flows per category.
    op.create_index("material_flows_year_category_idx", "material_flows", ["year", "category"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_table("material_flows", schema=SCHEMA)
    op.drop_table("documents", schema=SCHEMA)
    op.drop_table("documents")
