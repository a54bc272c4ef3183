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
from pathlib import Path

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
        with engine.connect() as conn:
            command.upgrade(_config(conn), "head")
            conn.commit()
