"""The database schema belongs to Alembic: every start brings the database to the latest revision.

`upgrade_database` runs the migrations in ``scheduler/store/migrations/versions``
under the ``schema`` lock (:mod:`scheduler.store.db_lock`), so any number of
`serve` processes and `remind` commands can start together on a fresh or an
existing database: the first one upgrades, the others wait, then find
nothing to do. The first revision reproduces the schema that `create_all`
made before, so databases of earlier releases are adopted with their rows.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from scheduler.store.db_lock import exclusive

MIGRATIONS = Path(__file__).parent / "migrations"


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_database(engine: Engine) -> None:
    """Bring the database to the latest schema; a no-op (one query) when it already is."""
    if current(engine) == head():
        return
    # Alembic narrates each step in English at INFO; the admin reads our Vietnamese log lines instead.
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLogger().level))
    with exclusive(engine, "schema"):
        with engine.connect() as conn, _unbounded(conn):
            command.upgrade(_config(conn), "head")
            conn.commit()


@contextmanager
def _unbounded(conn: Connection) -> Iterator[None]:
    """A migration may rightly take longer than database_timeout_seconds (a big table altered): lift the bounds
    of this connection (see store.database) while it runs, and put them back before it returns to the pool."""
    raw: Any = conn.connection.dbapi_connection
    bound = getattr(raw, "bound", None)
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        conn.exec_driver_sql("SET statement_timeout = 0")
        conn.exec_driver_sql("SET lock_timeout = 0")
        conn.commit()
    if bound is not None:
        raw.bound = None
    try:
        yield
    finally:
        if bound is not None:
            raw.bound = bound
        if postgres:
            conn.exec_driver_sql("RESET statement_timeout")
            conn.exec_driver_sql("RESET lock_timeout")
            conn.commit()
