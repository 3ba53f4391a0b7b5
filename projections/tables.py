"""The read models' tables (schema `readmodel`, created by migrations 0002 and 0006), for projecting
into and for querying. Every row here can be thrown away and rebuilt from the event log."""

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    Numeric,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

SCHEMA = "readmodel"
metadata = MetaData(schema=SCHEMA)

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("projection", Text, primary_key=True),
    Column("transaction_id", BigInteger, nullable=False),
    Column("global_position", BigInteger, nullable=False),
    Column("events_applied", BigInteger, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

certifications = Table(
    "certifications",
    metadata,
    Column("certification_id", Text, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("member_id", Text, nullable=False),
    Column("member_name", Text, nullable=False),
    Column("entity_name", Text, nullable=False),
    Column("standard_code", Text, nullable=False),
    Column("standard_version", Text, nullable=False),
    Column("policy_id", Text, nullable=False),
    Column("phase", Text, nullable=False),
    Column("certificate_kind", Text),
    Column("certificate_status", Text),
    Column("valid_from", Date),
    Column("valid_until", Date),
    Column("facilities", JSONB, nullable=False),
    Column("countries", ARRAY(Text), nullable=False),
    Column("activities", ARRAY(Text), nullable=False),
    Column("external_certifications", Integer, nullable=False),
    Column("audit_firm_id", Text),
    Column("audit_firm_name", Text),
    Column("lead_auditor", Text),
    Column("current_audit_id", Text),
    Column("current_audit_status", Text),
    Column("next_audit_type", Text),
    Column("next_audit_due", Date),
    Column("open_majors", Integer, nullable=False),
    Column("open_minors", Integer, nullable=False),
    Column("applied_on", Date, nullable=False),
    Column("first_certified_on", Date),
    Column("last_event_type", Text, nullable=False),
    Column("last_changed_at", DateTime(timezone=True), nullable=False),
)

deadlines = Table(
    "deadlines",
    metadata,
    Column("certification_id", Text, primary_key=True),
    Column("deadline_id", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("due", Date, nullable=False),
    Column("opens", Date),
    Column("owner", Text, nullable=False),
    Column("owner_organisation_id", Text, nullable=False),
    Column("subject", Text),
)

audits = Table(
    "audits",
    metadata,
    Column("certification_id", Text, primary_key=True),
    Column("audit_id", Text, primary_key=True),
    Column("audit_type", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("lead_auditor", Text, nullable=False),
    Column("audit_firm_id", Text),
    Column("report_submitted_at", DateTime(timezone=True)),
    Column("decided_at", DateTime(timezone=True)),
    Column("major_ncs", Integer),
    Column("minor_ncs", Integer),
)

nonconformities = Table(
    "nonconformities",
    metadata,
    Column("certification_id", Text, primary_key=True),
    Column("nc_id", Text, primary_key=True),
    Column("audit_id", Text, nullable=False),
    Column("criterion", Text, nullable=False),
    Column("severity", Text, nullable=False),
    Column("raised_on", Date, nullable=False),
    Column("cap_submitted_on", Date),
    Column("closed_on", Date),
)

timeline = Table(
    "timeline",
    metadata,
    Column("certification_id", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("event_type", Text, nullable=False),
    Column("actor_user_id", Text, nullable=False),
    Column("actor_organisation_id", Text, nullable=False),
    Column("actor_role", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("reason", Text),
)

documents = Table(
    "documents",
    metadata,
    Column("certification_id", Text, primary_key=True),
    Column("audit_id", Text, primary_key=True),
    Column("kind", Text, primary_key=True),
    Column("sha256", Text, primary_key=True),
    Column("filename", Text, nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("media_type", Text, nullable=False),
    Column("attached_at", DateTime(timezone=True), nullable=False),
    Column("attached_by_user", Text, nullable=False),
    Column("attached_by_organisation", Text, nullable=False),
)

material_flows = Table(
    "material_flows",
    metadata,
    Column("certification_id", Text, primary_key=True),
    Column("member_id", Text, nullable=False),
    Column("year", Integer, primary_key=True),
    Column("category", Text, primary_key=True),
    Column("tonnes_in", Numeric(15, 3), nullable=False),
    Column("tonnes_out", Numeric(15, 3), nullable=False),
    Column("reported_at", DateTime(timezone=True), nullable=False),
)

READ_MODELS: dict[str, Table] = {
    t.name: t for t in (certifications, deadlines, audits, nonconformities, timeline, documents, material_flows)
}
