"""Stopping `serve` mid-wave, with SIGTERM or Ctrl+C (SIGINT): one Vietnamese line, no traceback.

A real `lichthidua serve` process sends a wave due now to an aiosmtpd sink that holds its replies, so
the wave is in the middle of sending when the signal comes.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from reminder_support import write_wave
from web_support import ROOT, free_port, process_env, wait_until

LICHTHIDUA = ROOT / ".venv" / "bin" / "lichthidua"


@dataclass
class HoldingSink:
    """Takes every message and never answers it (until ``gate`` is set)."""

    received: list[str] = field(default_factory=list)
    gate: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.extend(envelope.rcpt_tos)
        await self.gate.wait()
        return "250 2.0.0 OK"


def _due_now(calendars: Path) -> None:
    """The wave's deadline 7 days from today in Việt Nam: its reminders (remind_hour 0) are due now."""
    day = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date() + timedelta(days=7)
    path = calendars / "wave-2024.yaml"
    text = path.read_text(encoding="utf-8").replace("year: 2024", f"year: {day.year}")
    head, _, rest = text.partition("    date: ")
    path.write_text(head + f"    date: {day.day}/{day.month}/{day.year}\n" + rest.partition("\n")[2], encoding="utf-8")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_stopped_mid_wave_says_one_line(sig: signal.Signals, tmp_path: Path) -> None:
    calendars = write_wave(tmp_path, 40)
    _due_now(calendars)
    sink = HoldingSink()
    smtp_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    log = tmp_path / "serve.log"
    env = process_env(tmp_path, calendars_dir=str(calendars), data_dir=str(tmp_path / "var"),
                      base_url="https://lich.example.vn", smtp_host="127.0.0.1", smtp_port=str(smtp_port),
                      smtp_security="none", smtp_timeout_seconds="60", remind_hour="0", tick_seconds="1",
                      log_level="info")
    try:
        with log.open("wb") as out:
            proc = subprocess.Popen([str(LICHTHIDUA), "serve", "--port", str(free_port())], cwd=tmp_path, env=env,
                                    stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_until(lambda: bool(sink.received) or proc.poll() is not None, 120, "email đầu tiên của đợt")
            time.sleep(3)  # ticks (every second) come while the wave still runs, and wait for it
            assert proc.poll() is None, log.read_text(errors="replace")
            proc.send_signal(sig)
            code = proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
        text = log.read_text(errors="replace")
        assert code in (0, -sig, 128 + sig), (code, text)
        assert "Dừng giữa một đợt gửi nhắc" in text, (code, text)
        assert "Traceback" not in text and "CancelledError" not in text and "KeyboardInterrupt" not in text, text
        assert " lỗi:" not in text, text
    finally:
        controller.loop.call_soon_threadsafe(sink.gate.set)
        controller.stop()
