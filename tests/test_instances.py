"""Several instances on one database, started any way: three `serve` and two `remind send-due` at once.

Real processes, a real aiosmtpd sink, a fresh database (SQLite file or
PostgreSQL). The wave is a deadline 7 days ahead of today with
``remind_hour = 0``, so its reminders are due on the real clock whenever the
test runs (the service reads the wall clock; nothing sleeps for it).

The sink holds its "250 OK" after ``HOLD_AFTER`` messages, the instance with
the most messages in flight is SIGKILLed there, then the sink lets go: the
survivors must take its claims back within a minute and finish the wave,
every recipient getting the reminder once, duplicates at most the killed
instance's in-flight messages. Then a calendar edit adds a second deadline:
the surviving instances plan it (the planning lock was not left taken) and
send it exactly once.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from aiosmtpd.controller import Controller
from db_support import BACKENDS, fresh_database
from reminder_support import address, write_wave
from sqlalchemy import func, select
from web_support import ROOT, free_port, process_env, wait_until

from scheduler.reminders.ledger import ReminderRow, Status
from scheduler.store.database import create_engine_for

pytestmark = pytest.mark.slow

N = 3000
HOLD_AFTER = 900
LICHTHIDUA = ROOT / ".venv" / "bin" / "lichthidua"
TAKEOVER_SECONDS = 60


@dataclass
class Sink:
    """Counts (recipient, Message-ID); after ``hold_after`` messages, holds replies until released."""

    hold_after: int
    received: list[tuple[str, str]] = field(default_factory=list)
    gate: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or b""
        mid = next((line.split(b":", 1)[1].strip().decode() for line in content.split(b"\r\n")
                    if line.lower().startswith(b"message-id:")), "")
        self.received.extend((r, mid) for r in envelope.rcpt_tos)
        if len(self.received) >= self.hold_after:
            await self.gate.wait()
        return "250 2.0.0 OK"


def _calendar(calendars: Path, second: bool) -> None:
    """The wave's calendar, its deadline 7 days from today in Việt Nam; `second` adds another deadline."""
    day = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date() + timedelta(days=7)
    path = calendars / "wave-2024.yaml"
    text = path.read_text(encoding="utf-8").split("deadlines:")[0].replace("year: 2024", f"year: {day.year}")
    deadline = """  - id: {id}
    title: {title}
    date: {d}/{m}/{y}
    due: no_later_than
    groups: [wave]
    remind_days: [7]
"""
    body = deadline.format(id="bao-cao-dot", title="Báo cáo kết quả đợt 1", d=day.day, m=day.month, y=day.year)
    if second:
        body += deadline.format(id="danh-sach", title="Danh sách khen thưởng", d=day.day, m=day.month, y=day.year)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text + "deadlines:\n" + body, encoding="utf-8")
    tmp.replace(path)


def _env(tmp: Path, smtp_port: int, url: str) -> dict[str, str]:
    return process_env(tmp, calendars_dir=str(tmp / "calendars"), data_dir=str(tmp / "var"), database_url=url,
                       base_url="https://lich.example.vn", smtp_host="127.0.0.1", smtp_port=str(smtp_port),
                       smtp_security="none", smtp_timeout_seconds="60", remind_hour="0", tick_seconds="1",
                       watch_interval_seconds="0.5")


@pytest.mark.parametrize("backend", BACKENDS)
def test_three_serve_and_two_send_due_started_together(backend: str, tmp_path: Path) -> None:
    calendars = write_wave(tmp_path, N)
    _calendar(calendars, second=False)
    sink = Sink(HOLD_AFTER)
    smtp_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    procs: dict[str, subprocess.Popen[bytes]] = {}
    logs: dict[str, Path] = {}
    try:
        with fresh_database(backend, tmp_path) as url:
            env = _env(tmp_path, smtp_port, url)
            for i in range(3):
                logs[f"serve-{i}"] = tmp_path / f"serve-{i}.log"
            for i in range(2):
                logs[f"send-due-{i}"] = tmp_path / f"send-due-{i}.log"
            ports = {f"serve-{i}": free_port() for i in range(3)}
            for name, log in logs.items():  # all five as close together as Popen allows
                args = (["serve", "--port", str(ports[name]), "--base-url", "https://lich.example.vn"]
                        if name.startswith("serve") else ["remind", "send-due"])
                with log.open("wb") as out:
                    procs[name] = subprocess.Popen([str(LICHTHIDUA), *args], cwd=tmp_path, env=env, stdout=out,
                                                   stderr=subprocess.STDOUT)
            wait_until(lambda: len(sink.received) >= HOLD_AFTER or _died(procs), 240, f"{HOLD_AFTER} email đến")
            assert not _died(procs), _logs(logs)
            engine = create_engine_for(url)
            t = ReminderRow.__table__  # type: ignore[attr-defined]
            pids = {p.pid: name for name, p in procs.items()}

            def serve_claims() -> dict[int, int]:
                with engine.connect() as conn:
                    claims = Counter(_pid(by) for by in conn.execute(
                        select(t.c.claimed_by).where(t.c.status == Status.CLAIMED)).scalars())
                return {pid: n for pid, n in claims.items() if pids.get(pid, "").startswith("serve")}

            # The sink holds every reply now: wait until a serving instance has messages in flight (its
            # catch-up starts after uvicorn's start-up, later than the send-due runs).
            wait_until(lambda: bool(serve_claims()), 60, "một tiến trình serve đang gửi dở")
            time.sleep(0.5)  # let the claims settle
            claims = serve_claims()
            victim_pid = max(claims, key=claims.__getitem__)
            victim = pids[victim_pid]
            in_flight = claims.get(victim_pid, 0)
            procs[victim].send_signal(signal.SIGKILL)
            procs[victim].wait(timeout=30)
            killed_at = time.monotonic()
            controller.loop.call_soon_threadsafe(sink.gate.set)

            def all_received() -> bool:
                return {r for r, _ in sink.received} >= {address(i) for i in range(N)}

            took = wait_until(all_received, TAKEOVER_SECONDS * 3, "mọi người nhận đều nhận được email")

            def sent() -> int:
                with engine.connect() as conn:
                    return int(conn.execute(select(func.count()).where(t.c.status == Status.SENT)).scalar_one())

            wait_until(lambda: sent() == N, TAKEOVER_SECONDS, f"{N} lời nhắc được ghi là đã gửi")
            taken_over = time.monotonic() - killed_at
            for name in ("send-due-0", "send-due-1"):
                assert procs[name].wait(timeout=120) == 0, _logs(logs)
            first = Counter(r for r, _ in sink.received)
            duplicates = sum(first.values()) - len(first)
            with engine.connect() as conn:
                by_instance = Counter(pids.get(_pid(by), "?") for by in conn.execute(
                    select(t.c.claimed_by).where(t.c.status == Status.SENT)).scalars())
            print(f"\n{backend}: {N} recipients; per instance sent: {dict(sorted(by_instance.items()))}; "
                  f"killed {victim} with {in_flight} in flight; all received {took:.1f} s after the gate opened, "
                  f"all recorded {taken_over:.1f} s after the kill; duplicates {duplicates}")
            assert duplicates <= in_flight
            assert set(first) == {address(i) for i in range(N)}

            # An edit with the survivors running: they plan the new deadline and send it once.
            survivors = [n for n in procs if n.startswith("serve") and n != victim]
            before = len(sink.received)
            _calendar(calendars, second=True)
            wait_until(lambda: len({r for r, mid in sink.received[before:]}) >= N or _died(procs, survivors),
                       TAKEOVER_SECONDS * 3, "lời nhắc của hạn chót mới")
            assert not _died(procs, survivors), _logs(logs)
            time.sleep(2)  # a second copy would come within a tick or two
            second = Counter(r for r, _ in sink.received[before:])
            print(f"{backend}: after the edit: {sum(second.values())} messages for {len(second)} recipients")
            assert set(second) == {address(i) for i in range(N)} and max(second.values()) == 1
            for name in survivors:
                assert httpx.get(f"http://127.0.0.1:{ports[name]}/healthz", timeout=10).json()["status"] == "ok"
            engine.dispose()
            for name in survivors:
                procs[name].terminate()
                assert procs[name].wait(timeout=30) in (0, -signal.SIGTERM), _logs(logs)
            assert not any("Traceback" in log.read_text(errors="replace") for log in logs.values()), _logs(logs)
    finally:
        controller.loop.call_soon_threadsafe(sink.gate.set)
        for p in procs.values():
            if p.poll() is None:
                p.kill()
                p.wait(timeout=30)
        controller.stop()


def _pid(claimed_by: str | None) -> int:
    rest = (claimed_by or "").partition(":")[2]
    head = rest.partition("#")[0]
    return int(head) if head.isdigit() else -1


def _died(procs: dict[str, subprocess.Popen[bytes]], names: list[str] | None = None) -> bool:
    """A serve process that exited, or a send-due that failed."""
    for name, p in procs.items():
        if names is not None and name not in names:
            continue
        code = p.poll()
        if code is not None and (name.startswith("serve") or code != 0):
            return True
    return False


def _logs(logs: dict[str, Path]) -> str:
    return "\n".join(f"--- {n}\n{p.read_text(errors='replace')[-3000:]}" for n, p in logs.items())
