"""Alembic owns the schema: fresh databases, databases of the previous release (create_all), concurrent starts."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from db_support import BACKENDS, fresh_database
from sqlalchemy import MetaData, func, inspect, select
from sqlmodel import SQLModel

import scheduler.feeds.revision_store  # noqa: F401
import scheduler.reminders.actions  # noqa: F401 - the deadline board's tables (revision 0006)
import scheduler.reminders.ledger  # noqa: F401 - registers the tables on SQLModel.metadata
from scheduler.store.database import create_engine_for
from scheduler.store.schema import current, head, upgrade_database

GOLDEN = Path(__file__).parent / "golden"
TABLES = {"feed_revision", "reminder", "reminder_optout", "reminder_subscription", "submission", "plan_stamp",
          "board_action", "staff_account", "submission_file", "unit_feed", "feed_version"}
NOW = datetime(2024, 6, 21, 1, 0, tzinfo=UTC)


def _rows() -> dict[str, list[dict[str, object]]]:
    """One or two rows for every table, every column set."""
    reminder = dict(occurrence_uid="kon-tum-2024.deadline.bao-cao.0@lichthidua", calendar_id="kon-tum-2024",
                    kind="reminder", offset_days=7, recipient_key="don-vi-1", party_key="don-vi-1",
                    party_name="Công đoàn cơ sở số 1", email="a@example.org", send_at=NOW, due_at=NOW,
                    status="sent", claimed_by=None, lease_until=None, not_before=None, attempts=1, sent_at=NOW,
                    message_id="<m1@lichthidua>", last_error=None, updated_at=NOW)
    return {
        "feed_revision": [dict(calendar_id="kon-tum-2024", uid=f"u{i}@lichthidua", fingerprint="f", sequence=i,
                               dtstamp=NOW, start=date(2024, 7, 28), event_json="{}", deleted_at=None)
                          for i in range(2)],
        "reminder": [reminder, {**reminder, "offset_days": 3, "status": "pending", "sent_at": None}],
        "reminder_optout": [dict(email="b@example.org", scope="*", created_at=NOW)],
        "reminder_subscription": [dict(email="c@example.org", calendar_id="kon-tum-2024", status="confirmed",
                                       nonce="n", created_at=NOW, confirmed_at=NOW)],
        "submission": [dict(occurrence_uid="x@lichthidua", party_key="don-vi-1", submitted_at=NOW)],
    }


def _schema_diff(engine: object) -> list[object]:
    with engine.connect() as conn:  # type: ignore[attr-defined]
        return compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_fresh_database_gets_exactly_the_models_schema(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        engine = create_engine_for(url)
        try:
            assert current(engine) is None
            upgrade_database(engine)
            assert current(engine) == head()
            assert TABLES <= set(inspect(engine).get_table_names())
            assert _schema_diff(engine) == []  # the first revision is what create_all made
            upgrade_database(engine)  # again: nothing to do
            assert current(engine) == head()
        finally:
            engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_previous_release_database_is_upgraded_with_every_row(backend: str, tmp_path: Path) -> None:
    """What the release before migrations made (create_all, no alembic_version), with data in every table."""
    with fresh_database(backend, tmp_path) as url:
        engine = create_engine_for(url)
        try:
            _previous_release_schema(engine, backend)
            rows = _rows()
            tables = MetaData()
            tables.reflect(engine)
            with engine.begin() as conn:
                for name, values in rows.items():
                    conn.execute(tables.tables[name].insert(), values)
            assert current(engine) is None
            upgrade_database(engine)
            assert current(engine) == head()
            assert _schema_diff(engine) == []
            with engine.connect() as conn:
                for name, values in rows.items():
                    table = tables.tables[name]
                    assert conn.execute(select(func.count()).select_from(table)).scalar_one() == len(values), name
                    stored = conn.execute(select(table)).mappings().all()
                    for want in values:
                        assert any(all(_same(row[k], v) for k, v in want.items()) for row in stored), (name, want)
                # Reminders of the earlier release went by email (revision 0003 records the channel).
                reminder = MetaData()
                reminder.reflect(engine, only=["reminder"])
                channels = conn.execute(select(reminder.tables["reminder"].c.channel)).scalars().all()
                assert channels == ["email", "email"]
        finally:
            engine.dispose()


def _previous_release_schema(engine: Any, backend: str, skip: str = "") -> None:
    """Exactly what `create_all` made at start-up before migrations (DDL frozen in tests/golden)."""
    ddl = "\n".join(line for line in (GOLDEN / f"schema-0.1.0-{backend}.sql").read_text(encoding="utf-8").splitlines()
                    if not line.startswith("--"))
    statements = [s.strip() for s in ddl.split(";\n") if s.strip()]
    with engine.begin() as conn:
        for statement in statements:
            if skip and (f"TABLE {skip} " in statement or f" ON {skip} " in statement):
                continue
            conn.exec_driver_sql(statement)


def _same(a: object, b: object) -> bool:
    if isinstance(a, datetime) and isinstance(b, datetime):
        return (a if a.tzinfo else a.replace(tzinfo=UTC)) == b
    return a == b


def test_a_partial_database_is_completed(tmp_path: Path) -> None:
    """The reminder CLI of the previous release created only its own tables: the feed ledger is added."""
    with fresh_database("sqlite", tmp_path) as url:
        engine = create_engine_for(url)
        try:
            _previous_release_schema(engine, "sqlite", skip="feed_revision")
            upgrade_database(engine)
            assert TABLES | {"rate_event"} <= set(inspect(engine).get_table_names()) and _schema_diff(engine) == []
        finally:
            engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_processes_starting_together_upgrade_once(backend: str, tmp_path: Path) -> None:
    code = ("import sys; from scheduler.store.database import create_engine_for; "
            "from scheduler.store.schema import upgrade_database;"
            "e = create_engine_for(sys.argv[1]); upgrade_database(e); e.dispose()")
    with fresh_database(backend, tmp_path) as url:
        runs = [subprocess.Popen([sys.executable, "-c", code, url], stderr=subprocess.PIPE) for _ in range(4)]
        results = [(p.returncode, err.decode()) for p in runs for _, err in [p.communicate(timeout=120)]]
        assert all(rc == 0 for rc, _ in results), results
        engine = create_engine_for(url)
        try:
            assert current(engine) == head() and _schema_diff(engine) == []
        finally:
            engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_revision_0005_adds_the_plan_stamp_and_keeps_the_ledger(backend: str, tmp_path: Path) -> None:
    """A database of the release before the plan stamp (0004, with reminders) upgrades; the stamp then works."""
    from alembic import command

    from scheduler.reminders.ledger import ReminderStore
    from scheduler.store.schema import _config

    with fresh_database(backend, tmp_path) as url:
        engine = create_engine_for(url)
        try:
            with engine.connect() as conn:
                command.upgrade(_config(conn), "0004")
                conn.commit()
            assert current(engine) == "0004" and "plan_stamp" not in inspect(engine).get_table_names()
            tables = MetaData()
            tables.reflect(engine, only=["reminder"])
            with engine.begin() as conn:
                conn.execute(tables.tables["reminder"].insert(), _rows()["reminder"])
            upgrade_database(engine)
            assert current(engine) == head() and _schema_diff(engine) == []
            store = ReminderStore(engine)
            assert store.plan_stamp() is None
            store.save_plan_stamp("f" * 64, "may-chu:42", NOW)
            store.save_plan_stamp("e" * 64, "may-chu:43", NOW)  # replaced, one row per name
            stamp = store.plan_stamp()
            assert stamp is not None and (stamp.fingerprint, stamp.planned_by, stamp.planned_at) == ("e" * 64, "may-chu:43", NOW)
            assert store.counts()["sent"] == 1 and store.counts()["pending"] == 1
            with engine.connect() as conn:
                command.downgrade(_config(conn), "0004")
                conn.commit()
            assert "plan_stamp" not in inspect(engine).get_table_names()
        finally:
            engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_revision_0006_adds_the_board_tables_and_keeps_the_submissions(backend: str, tmp_path: Path) -> None:
    """A database at 0005 with submissions upgrades to the board's tables; downgrading removes only them."""
    from alembic import command

    from scheduler.reminders.ledger import ReminderStore
    from scheduler.store.schema import _config

    with fresh_database(backend, tmp_path) as url:
        engine = create_engine_for(url)
        try:
            with engine.connect() as conn:
                command.upgrade(_config(conn), "0005")
                conn.commit()
            store = ReminderStore(engine)
            store.record_submission("x@lichthidua", "unit:don-vi-1", NOW)
            upgrade_database(engine)
            assert {"board_action", "staff_account", "submission_file", "unit_feed"} <= set(
                inspect(engine).get_table_names()) and _schema_diff(engine) == []
            assert store.submissions() == {"x@lichthidua": {"unit:don-vi-1": NOW}}
            with engine.connect() as conn:
                command.downgrade(_config(conn), "0005")
                conn.commit()
            assert "board_action" not in inspect(engine).get_table_names()
            assert store.submissions() == {"x@lichthidua": {"unit:don-vi-1": NOW}}
        finally:
            engine.dispose()


def test_a_start_at_the_latest_schema_is_known_without_alembic(tmp_path: Path) -> None:
    """The latest revision read from the migration files is Alembic's head; a database is at it only once
    upgraded; and a service starting on such a database never imports Alembic (nor psycopg on SQLite)."""
    from scheduler.store.schema_version import at_head, head_revision

    assert head_revision() == head()
    engine = create_engine_for(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert not at_head(engine)
    upgrade_database(engine)
    assert at_head(engine)
    engine.dispose()
    code = ("import sys; from scheduler.store.database import create_engine_for, create_tables; "
            f"create_tables(create_engine_for('sqlite:///{tmp_path / 'db.sqlite3'}')); "
            "print(sorted(m for m in ('alembic', 'psycopg') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
