"""One holder at a time across processes: schema upgrades, reminder planning.

PostgreSQL: a session-level advisory lock on a dedicated connection. SQLite:
an exclusive `flock` on a file beside the database, since a SQLite database
is only ever shared by processes of one host. Both are released by the
operating system or the server when the holder dies, SIGKILL included, so a
crashed instance never leaves the lock taken and another one takes over at
its next attempt; no lease to wait out.
"""

from __future__ import annotations

import fcntl
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

# Advisory lock keys are 64-bit integers; ours are derived from the name so they read in pg_locks.
_NAMESPACE = 0x4C544400  # "LTD\0"
_local = threading.Lock()  # in-memory SQLite: one process, threads only
_threads: dict[str, threading.Lock] = {}


def lock_key(name: str) -> int:
    return (_NAMESPACE << 32) | zlib.crc32(name.encode())


@contextmanager
def exclusive(engine: Engine, name: str) -> Iterator[None]:
    """Hold the lock `name` for this database; blocks until it is free."""
    with _local:
        thread_lock = _threads.setdefault(f"{engine.url}:{name}", threading.Lock())
    with thread_lock:  # threads of one process queue here, processes below
        url = engine.url
        if url.get_backend_name() == "postgresql":
            with engine.connect() as conn:
                key = lock_key(name)
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                # Tried, not waited on in one statement: every statement is bounded (statement_timeout, see
                # store.database), and another holder may rightly keep the lock longer than that.
                pause = 0.01
                while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar_one():
                    time.sleep(pause)
                    pause = min(0.25, pause * 2)
                try:
                    yield
                finally:
                    try:
                        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    except DBAPIError:
                        conn.invalidate()  # the connection is lost: its session ends, and the lock with it
            return
        database = url.database
        if not database or database == ":memory:":
            yield
            return
        path = Path(database).with_name(Path(database).name + f".{name}.lock")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
