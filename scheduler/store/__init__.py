"""The database: one engine, the schema (Alembic migrations), locks across processes, faults said plainly."""
