"""Two writers on one SQLite file: the second waits for the first's transaction instead of failing.

SQLite takes one writer at a time. The longest write transaction is the first plan of a national wave
(about 5 s for 400,000 rows), while `serve` runs a command may write (`remind submit`), a web request
records "Đã nộp" or counts a request in the rate log. Here another process holds the write lock for
longer than the old 5 s busy timeout, and a write through the service's engine still succeeds.
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from scheduler.reminders.ledger import ReminderStore
from scheduler.store.database import SQLITE_BUSY_TIMEOUT_MS, create_engine_for, create_tables

HOLD_SECONDS = 6.0  # past the old busy timeout (5 s), well within the new one

HOLDER = """
import sys, time
from sqlalchemy import text
from scheduler.store.database import create_engine_for
engine = create_engine_for(sys.argv[1])
with engine.begin() as conn:
    conn.execute(text("INSERT INTO hold (x) VALUES (1)"))  # the write lock, until the transaction ends
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
print("committed", flush=True)
"""


def test_the_busy_timeout_outlasts_the_longest_write_transaction() -> None:
    assert SQLITE_BUSY_TIMEOUT_MS >= 6 * 5_000  # six times the national plan's first write transaction


@pytest.mark.slow
def test_a_writer_waits_for_another_process_long_write(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'lichthidua.sqlite3'}"
    engine = create_engine_for(url)
    try:
        create_tables(engine)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE hold (x INTEGER)"))
        with subprocess.Popen([sys.executable, "-c", HOLDER, url, str(HOLD_SECONDS)], stdout=subprocess.PIPE,
                              text=True) as holder:
            try:
                assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
                start = time.monotonic()
                # A web request counted in the rate log: a write transaction of its own.
                refused = ReminderStore(engine).hit("submit", "203.0.113.9", datetime.now(UTC),
                                                    window=timedelta(minutes=1), limit=10)
                waited = time.monotonic() - start
                assert refused is None
                assert holder.stdout.readline().strip() == "committed"
                assert holder.wait(timeout=30) == 0
            finally:
                if holder.poll() is None:
                    holder.kill()
        assert waited > HOLD_SECONDS - 2.0, "the second writer did not wait for the first"
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM hold")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM rate_event")).scalar() == 1
    finally:
        engine.dispose()
