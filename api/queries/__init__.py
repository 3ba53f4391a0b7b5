"""Read-model queries, through the Table objects in projections.tables (SQLAlchemy Core)."""
