"""A fresh database per test: a SQLite file, or a uniquely named PostgreSQL database dropped afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@contextmanager
def postgres_database(prefix: str = "lichthidua_ops") -> Iterator[str]:
    """A uniquely named empty PostgreSQL database, dropped afterwards (the benchmarks use it too)."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 2})
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def fresh_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of `backend`; skips when PostgreSQL is not reachable."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'var' / 'lichthidua.sqlite3'}"
        return
    probe = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 2})
    try:
        probe.connect().close()
    except Exception:
        pytest.skip("PostgreSQL không chạy ở 127.0.0.1:5432")
    finally:
        probe.dispose()
    with postgres_database() as url:
        yield url
