"""Crash test: SIGKILL `lichthidua remind send-due` in the middle of a wave, restart it.

Every recipient must get its reminder, and the duplicates are at most the
messages that were in flight (rows claimed but not yet recorded when the
process died). The sink is a real aiosmtpd server that counts messages; it
holds its "250 OK" after a number of messages, so the kill lands mid-wave
with messages accepted by the server but not acknowledged to the sender:
the worst case for duplicates.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from reminder_support import address, write_wave
from smtp_server import free_port
from web_support import process_env

from scheduler.reminders.ledger import ReminderStore, Status
from scheduler.store.database import create_engine_for

N = 600
HOLD_AFTER = 150
LICHTHIDUA = Path(sys.executable).parent / "lichthidua"


@dataclass
class GateHandler:
    """Counts messages; after ``hold_after`` it keeps accepting data but holds the reply until released."""

    hold_after: int
    messages: list[str] = field(default_factory=list)
    gate: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.extend(envelope.rcpt_tos)
        if len(self.messages) >= self.hold_after:
            await self.gate.wait()
        return "250 2.0.0 OK"


def _env(tmp: Path, port: int) -> dict[str, str]:
    return process_env(tmp, calendars_dir=str(tmp / "calendars"), data_dir=str(tmp / "var"),
                       base_url="https://lich.example.vn", smtp_host="127.0.0.1", smtp_port=str(port),
                       smtp_security="none", smtp_timeout_seconds="10",
                       mail_from="Lịch thi đua <nhac-han@lich.example.vn>")


def _send_due(tmp: Path, port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(LICHTHIDUA), "remind", "send-due", "--now", "2024-06-21T08:05:00+07:00"],
        cwd=tmp, env=_env(tmp, port), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


@pytest.mark.slow
def test_sigkill_mid_wave_then_restart(tmp_path: Path) -> None:
    write_wave(tmp_path, N)
    handler = GateHandler(HOLD_AFTER)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        proc = _send_due(tmp_path, port)
        deadline = time.monotonic() + 60
        while len(handler.messages) < HOLD_AFTER:  # bounded polling of a real subprocess
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the wave never reached the kill point"
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)  # reaps it and closes its pipes
        killed_at = len(handler.messages)

        engine = create_engine_for(f"sqlite:///{tmp_path / 'var' / 'lichthidua.sqlite3'}")
        store = ReminderStore(engine)
        in_flight = store.counts()[Status.CLAIMED]
        sent_before = store.counts()[Status.SENT]
        controller.loop.call_soon_threadsafe(handler.gate.set)

        again = _send_due(tmp_path, port)
        out, err = again.communicate(timeout=120)
        assert again.returncode == 0, (out.decode(), err.decode())
    finally:
        controller.loop.call_soon_threadsafe(handler.gate.set)
        controller.stop()

    per_address = Counter(handler.messages)
    duplicates = len(handler.messages) - len(per_address)
    print(f"\ncrash: killed after {killed_at} messages reached the server ({sent_before} recorded sent); "
          f"in flight (claimed, unrecorded): {in_flight}; duplicates after restart: {duplicates}; "
          f"total messages {len(handler.messages)} for {N} recipients")
    assert set(per_address) == {address(i) for i in range(N)}
    assert duplicates <= in_flight
    assert 0 < in_flight < N
    assert store.counts()[Status.SENT] == N
    engine.dispose()
