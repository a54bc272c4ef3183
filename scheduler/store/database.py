"""The one database engine: SQLite by default, PostgreSQL when configured.

Every table module (feed revisions, reminder subscriptions, ...) defines
SQLModel tables and calls :func:`create_engine_for` once at start-up; the
schema is brought up to date by :func:`create_tables` (Alembic migrations, see
:mod:`scheduler.store.schema`). SQLite gets WAL and a busy timeout
because the web service and the reminder scheduler write from several
threads: readers must never block the writer and a short lock must wait, not fail.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import create_engine

from scheduler.settings import Settings

SQLITE_BUSY_TIMEOUT_MS = 5000


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine_for(url: str) -> Engine:
    """An engine for a SQLAlchemy URL; creates the SQLite file's folder when needed."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def engine_from_settings(settings: Settings) -> Engine:
    return create_engine_for(settings.resolved_database_url())


def create_tables(engine: Engine) -> None:
    """Bring the database to the latest schema (Alembic, under the schema lock); idempotent."""
    from scheduler.store.schema import upgrade_database  # alembic is imported only by what opens a database

    upgrade_database(engine)
