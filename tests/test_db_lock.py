"""The cross-process lock behind schema upgrades and planning: one holder, and a killed holder frees it."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from db_support import BACKENDS, fresh_database

from scheduler.store.database import create_engine_for
from scheduler.store.db_lock import exclusive

HOLDER = """
import sys, time
from scheduler.store.database import create_engine_for
from scheduler.store.db_lock import exclusive
engine = create_engine_for(sys.argv[1])
with exclusive(engine, "plan"):
    print("held", flush=True)
    time.sleep(600)
"""


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_killed_holder_frees_the_lock(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        holder = subprocess.Popen([sys.executable, "-c", HOLDER, url], stdout=subprocess.PIPE)
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
            engine = create_engine_for(url)
            waited: list[float] = []
            start = time.monotonic()

            def kill_later() -> None:
                time.sleep(1.0)
                holder.send_signal(signal.SIGKILL)

            import threading

            killer = threading.Thread(target=kill_later)
            killer.start()
            with exclusive(engine, "plan"):  # blocks while the holder lives
                waited.append(time.monotonic() - start)
            killer.join()
            print(f"{backend}: lock taken {waited[0]:.2f} s after asking (holder SIGKILLed after 1 s)")
            assert 0.9 < waited[0] < 30
            with exclusive(engine, "plan"), exclusive(engine, "schema"):  # free again; names are independent
                pass
            engine.dispose()
        finally:
            holder.kill()
            holder.communicate(timeout=30)
