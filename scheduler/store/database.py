"""The one database engine: SQLite by default, PostgreSQL when configured.

Every table module (feed revisions, reminder subscriptions, ...) defines
SQLModel tables and calls :func:`create_engine_for` once at start-up; the
schema is brought up to date by :func:`create_tables` (Alembic migrations, see
:mod:`scheduler.store.schema`). SQLite gets WAL and a busy timeout
because the web service and the reminder scheduler write from several
threads (and a command may write while ``serve`` runs): readers must never block
the writer, and a writer must wait for the other's transaction, not fail
(``SQLITE_BUSY_TIMEOUT_MS``, well past the longest write transaction).

A PostgreSQL connection can break while the server lives (a firewall or a
pooler drops it, a link fails): nothing may then wait on it for ever. Every
connection is bounded by ``database_timeout_seconds`` (see :class:`Bounds`):
the connect itself (``connect_timeout``), every statement on the server
(``statement_timeout``, ``idle_in_transaction_session_timeout``), TCP
keepalives both ways and ``tcp_user_timeout`` (a peer that vanished), and on
the client every wait for an answer (:class:`~scheduler.store.postgres.BoundedConnection`: a wait past
the bound closes the connection, so the caller gets an error it can act on
instead of a hang). The pool pings a connection before lending it and lends
none after ``pool_timeout``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import create_engine

from scheduler.settings import Settings

# How long a SQLite writer waits for another one (another thread, a `remind` command while `serve` runs) before
# "database is locked". SQLite has one writer at a time, so this must be well past the longest write transaction:
# the first plan of a national wave (400,000 rows) is one transaction of about 5 s on a quiet machine, and longer
# on a slow disk or a busy one. A wait ends as soon as the other transaction commits.
SQLITE_BUSY_TIMEOUT_MS = 60_000
DEFAULT_TIMEOUT_SECONDS = float(Settings.model_fields["database_timeout_seconds"].default)


@dataclass(frozen=True, slots=True)
class Bounds:
    """How long one PostgreSQL operation may take before it counts as lost (from database_timeout_seconds)."""

    seconds: float = DEFAULT_TIMEOUT_SECONDS

    @property
    def connect(self) -> int:
        return max(2, min(10, round(self.seconds)))  # libpq takes whole seconds, at least 2

    @property
    def client(self) -> float:
        """The client's own bound on a wait: past the server's statement_timeout, so the server speaks first."""
        return self.seconds + 2.0

    def connect_args(self) -> dict[str, Any]:
        ms = int(self.seconds * 1000)
        keepalive_idle = max(1, min(30, round(self.seconds / 3)))
        options = (f"-c statement_timeout={ms} -c lock_timeout={ms} -c idle_in_transaction_session_timeout={2 * ms}"
                   f" -c tcp_keepalives_idle={keepalive_idle} -c tcp_keepalives_interval={keepalive_idle}"
                   " -c tcp_keepalives_count=3")
        return dict(connect_timeout=self.connect, keepalives=1, keepalives_idle=keepalive_idle,
                    keepalives_interval=keepalive_idle, keepalives_count=3, tcp_user_timeout=ms, options=options)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine_for(url: str, bounds: Bounds | None = None) -> Engine:
    """An engine for a SQLAlchemy URL; creates the SQLite file's folder when needed."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    bounds = bounds or Bounds()
    engine = create_engine(url, pool_pre_ping=True, pool_timeout=bounds.seconds, pool_recycle=1800,
                           connect_args=bounds.connect_args() if parsed.get_driver_name() == "psycopg" else {})
    if parsed.get_driver_name() == "psycopg":
        from scheduler.store.postgres import BoundedConnection  # psycopg: only for a PostgreSQL database

        @event.listens_for(engine, "do_connect")
        def _bounded(_dialect: Any, _record: Any, cargs: Any, cparams: dict[str, Any]) -> BoundedConnection:
            conn = BoundedConnection.connect(*cargs, **cparams)
            conn.bound = bounds.client
            return conn
    return engine


def engine_from_settings(settings: Settings) -> Engine:
    return create_engine_for(settings.resolved_database_url(), Bounds(settings.database_timeout_seconds))


def create_tables(engine: Engine) -> None:
    """Bring the database to the latest schema (Alembic, under the schema lock); idempotent."""
    from scheduler.store.schema_version import at_head

    if at_head(engine):  # every start but the first: no need to load Alembic at all
        return
    from scheduler.store.schema import upgrade_database  # alembic is imported only by what opens a database

    upgrade_database(engine)
