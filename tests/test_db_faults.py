"""The network to PostgreSQL fails under a running `serve` in the middle of a wave; the database itself lives.

A TCP proxy the test owns (tests/db_proxy.py) sits between `serve` and the real
PostgreSQL and resets every connection, black-holes them (nothing forwarded,
sockets held), or slows them. Mail goes to a real SMTP server (aiosmtpd,
tests/smtp_server.py's recording handler). Each case checks that every email
is delivered once the network is back, that duplicates are no more than the
messages in flight, that no row stays claimed, that the fault is said once in
the log and in /healthz, and that feeds, pages and /healthz kept answering
from memory meanwhile (their worst latency is printed; the bound asserted is
far below the database's own timeout, so it tests that nothing waited on it).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from db_proxy import Proxy
from db_support import fresh_database
from reminder_support import address, write_wave
from smtp_server import RecordingHandler
from sqlalchemy import create_engine, text
from test_instances import _calendar
from web_support import ROOT, free_port, process_env, wait_until

LICHTHIDUA = ROOT / ".venv" / "bin" / "lichthidua"
DB_TIMEOUT = 3  # database_timeout_seconds of the service under test: short, so the test is quick
IN_FLIGHT = 64 + 32 + 64  # a claim batch, the transport's queue, the results not yet recorded
# The wave and the outage of the fault tests; the figures were taken with FAULTS_WAVE=3000 FAULTS_OUTAGE=25.
WAVE = int(os.environ.get("FAULTS_WAVE", "600"))
OUTAGE = float(os.environ.get("FAULTS_OUTAGE", str(4 * DB_TIMEOUT)))


@dataclass
class GatedHandler(RecordingHandler):
    """Records like the suite's handler; after ``hold_after`` messages, holds its replies until ``gate`` opens."""

    hold_after: int = 10**9
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    loop: asyncio.AbstractEventLoop | None = None  # the SMTP server's (its controller's)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        reply = await super().handle_DATA(server, session, envelope)
        if len(self.messages) >= self.hold_after:
            await self.gate.wait()
        return reply

    def release(self) -> None:
        assert self.loop is not None
        self.loop.call_soon_threadsafe(self.gate.set)

    def recipients(self) -> Counter[str]:
        return Counter(r for m in list(self.messages) for r in m.rcpt_tos)


class Watch:
    """Requests a feed, a campaign page and /healthz in a loop; keeps the worst latency and any failure."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.worst: dict[str, float] = {}
        self.failures: list[str] = []
        self.health: list[dict[str, Any]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        today = date.today()
        with httpx.Client(base_url=self.base, timeout=60) as client:
            for n in itertools.count():
                if self._stop.is_set():
                    return
                # A feed not asked for before (rendered in a thread: none may be held by the database), the
                # cached one, the campaign page (its "Đã nộp" part reads the database), /healthz.
                uncached = f"/feeds/wave-2024.ics?from={today - timedelta(days=n % 3000 + 1)}&to={today}"
                for path in (uncached, "/feeds/wave-2024.ics", "/c/wave-2024", "/healthz"):
                    key = "/feeds/wave-2024.ics?from=…" if path == uncached else path
                    start = time.perf_counter()
                    try:
                        response = client.get(path)
                    except httpx.HTTPError as exc:
                        self.failures.append(f"{path}: {exc!r}")
                        continue
                    took = time.perf_counter() - start
                    self.worst[key] = max(self.worst.get(key, 0.0), took)
                    if response.status_code != 200:
                        self.failures.append(f"{path}: {response.status_code}")
                    elif path == "/healthz":
                        self.health.append(response.json())
                time.sleep(0.05)

    def __enter__(self) -> Watch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=70)


@contextmanager
def _serving(tmp_path: Path, n: int, hold_after: int) -> Iterator[tuple[subprocess.Popen[bytes], Proxy, GatedHandler,
                                                                        Path, str, str]]:
    calendars = write_wave(tmp_path, n)
    _calendar(calendars, second=False)  # due on the real clock (remind_hour 0): the running service sends it
    handler = GatedHandler(hold_after=hold_after)
    smtp_port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    handler.loop = controller.loop
    proxy = Proxy()
    try:
        with fresh_database("postgresql", tmp_path) as url:
            port = free_port()
            env = process_env(tmp_path, calendars_dir=str(tmp_path / "calendars"), data_dir=str(tmp_path / "var"),
                              base_url="https://lich.example.vn", database_url=proxy.url(url),
                              smtp_host="127.0.0.1", smtp_port=str(smtp_port), smtp_security="none",
                              smtp_timeout_seconds="60", remind_hour="0", tick_seconds="1",
                              database_timeout_seconds=str(DB_TIMEOUT))
            log = tmp_path / "serve.log"
            with log.open("wb") as out:
                serve = subprocess.Popen([str(LICHTHIDUA), "serve", "--port", str(port)], cwd=tmp_path, env=env,
                                         stdout=out, stderr=subprocess.STDOUT)
            try:
                yield serve, proxy, handler, log, f"http://127.0.0.1:{port}", url
            finally:
                serve.terminate()
                serve.wait(timeout=30)
    finally:
        handler.release()
        controller.stop()
        proxy.close()


def _claimed(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return dict(conn.execute(text("SELECT status, count(*) FROM reminder GROUP BY status")).all())  # type: ignore[arg-type]
    finally:
        engine.dispose()


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("fault", ["reset", "drop"])
def test_connection_lost_mid_wave_then_back(fault: str, tmp_path: Path) -> None:
    """Connections reset, or silently dropped, with messages in flight: the wave stops, says so once, resumes."""
    n, into, outage = WAVE, WAVE // 3, OUTAGE
    with _serving(tmp_path, n, hold_after=into) as (serve, proxy, handler, log, base, url):
        wait_until(lambda: len(handler.messages) >= into or serve.poll() is not None, 300, f"{into} email đến", log=log)
        assert serve.poll() is None, log.read_text(errors="replace")[-3000:]
        with Watch(base) as watch:
            time.sleep(0.5)  # the watcher's first round, before the fault
            proxy.set(fault)
            cut = time.monotonic()
            handler.release()
            noticed = wait_until(lambda: "Mất kết nối CSDL" in log.read_text(errors="replace")
                                 or serve.poll() is not None, 60, "dịch vụ báo mất CSDL")
            assert serve.poll() is None, log.read_text(errors="replace")[-3000:]
            wait_until(lambda: any(h.get("database") == "unavailable" for h in watch.health), 30, "/healthz: degraded")
            # The reason names the server: shown to the admin only (here: the server itself, no password set).
            down = next(h for h in watch.health if h.get("database") == "unavailable")
            assert down["status"] == "degraded" and "database_url" in down.get("database_error", ""), down
            stalled = len(handler.messages)
            time.sleep(max(0.0, outage - (time.monotonic() - cut)))  # the outage goes on: nothing new is claimed
            assert len(handler.messages) - stalled <= IN_FLIGHT
            proxy.set("pass")
            back = wait_until(lambda: set(handler.recipients()) >= {address(i) for i in range(n)}, 300,
                              "đợt gửi tự tiếp tục sau khi mạng tới CSDL trở lại", log=log)
            wait_until(lambda: watch.health and watch.health[-1].get("status") == "ok", 30, "/healthz: ok", log=log)
        counts = handler.recipients()
        duplicates = sum(counts.values()) - len(counts)
        worst = max(watch.worst.values())
        print(f"\n{fault}: {len(counts)}/{n} đã gửi, {duplicates} lặp, báo lỗi sau {noticed:.1f} s, xong "
              f"{back:.1f} s sau khi mạng trở lại ({time.monotonic() - cut:.0f} s từ lúc mất); độ trễ lớn nhất: "
              + ", ".join(f"{p} {t * 1000:.0f} ms" for p, t in sorted(watch.worst.items())))
        assert len(counts) == n
        assert duplicates <= IN_FLIGHT
        assert not watch.failures, watch.failures[:5]
        assert worst < DB_TIMEOUT / 2, watch.worst  # nothing a visitor asked for waited on the database
        wait_until(lambda: _claimed(url).get("sent", 0) == n, 60, "mọi lời nhắc được ghi là đã gửi", log=log)
        assert _claimed(url).get("claimed", 0) == 0
        text_log = log.read_text(errors="replace")
        assert "Traceback" not in text_log, text_log[-3000:]
        assert text_log.count("Mất kết nối CSDL") == 1, text_log[-3000:]  # said once, not once per tick
        assert "CSDL đã trả lời trở lại" in text_log and "database_url" in text_log



@pytest.mark.slow
@pytest.mark.postgres
def test_slow_link_is_no_fault(tmp_path: Path) -> None:
    """Every packet to and from the database waits 30 ms: the wave is slower, nothing else changes."""
    n = 300
    with _serving(tmp_path, n, hold_after=50) as (serve, proxy, handler, log, base, url):
        wait_until(lambda: len(handler.messages) >= 50 or serve.poll() is not None, 120, "50 email đến")
        with Watch(base) as watch:
            time.sleep(0.5)  # the watcher's first round (first renders), before the fault
            proxy.delay = 0.03
            proxy.set("slow")
            handler.release()
            took = wait_until(lambda: set(handler.recipients()) >= {address(i) for i in range(n)}, 180,
                              "đợt gửi xong qua đường truyền chậm", log=log)
        counts = handler.recipients()
        print(f"\nslow: {len(counts)}/{n} đã gửi, {sum(counts.values()) - len(counts)} lặp, xong sau {took:.1f} s; "
              "độ trễ lớn nhất: " + ", ".join(f"{p} {t * 1000:.0f} ms" for p, t in sorted(watch.worst.items())))
        assert sum(counts.values()) == n
        assert not watch.failures, watch.failures[:5]
        assert max(watch.worst.values()) < DB_TIMEOUT / 2, watch.worst
        text_log = log.read_text(errors="replace")
        assert "Mất kết nối CSDL" not in text_log and "Traceback" not in text_log, text_log[-3000:]


@pytest.mark.slow
@pytest.mark.postgres
def test_send_due_from_cron_ends_when_the_database_is_lost(tmp_path: Path) -> None:
    """`remind send-due` whose database black-holes mid-wave ends with exit 75 and a message; the next run finishes."""
    n = 400
    calendars = write_wave(tmp_path, n)
    _calendar(calendars, second=False)
    handler = GatedHandler(hold_after=100)
    smtp_port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    handler.loop = controller.loop
    proxy = Proxy()
    try:
        with fresh_database("postgresql", tmp_path) as url:
            env = process_env(tmp_path, calendars_dir=str(tmp_path / "calendars"), data_dir=str(tmp_path / "var"),
                              base_url="https://lich.example.vn", database_url=proxy.url(url),
                              smtp_host="127.0.0.1", smtp_port=str(smtp_port), smtp_security="none",
                              remind_hour="0", database_timeout_seconds=str(DB_TIMEOUT))
            run = subprocess.Popen([str(LICHTHIDUA), "remind", "send-due"], cwd=tmp_path, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            try:
                wait_until(lambda: len(handler.messages) >= 100 or run.poll() is not None, 120, "100 email đến")
                proxy.set("drop")
                handler.release()
                out, err = run.communicate(timeout=60)  # ends by itself: no hang
            finally:
                if run.poll() is None:
                    run.kill()
            assert run.returncode == 75, (run.returncode, err[-3000:])
            assert "Traceback" not in err and "Không kết nối được CSDL" in err and "database_url" in err, err[-3000:]
            assert "chưa ghi được kết quả" in err, err[-3000:]  # how many may go out twice
            first = len(handler.messages)
            proxy.set("pass")
            again = subprocess.run([str(LICHTHIDUA), "remind", "send-due"], cwd=tmp_path, env=env, capture_output=True,
                                   text=True, timeout=120)
            assert again.returncode == 0, again.stderr[-3000:]
            counts = handler.recipients()
            duplicates = sum(counts.values()) - len(counts)
            print(f"\ncron: {first} email trước khi mất CSDL, {len(counts)}/{n} sau lần chạy lại, {duplicates} lặp")
            assert len(counts) == n and duplicates <= IN_FLIGHT
            assert _claimed(url).get("claimed", 0) == 0
    finally:
        handler.release()
        controller.stop()
        proxy.close()


@pytest.mark.slow
@pytest.mark.parametrize("case", ["refused", "silent", "malformed", "unsupported"])
def test_start_up_with_a_bad_database_ends_with_a_message(case: str, tmp_path: Path) -> None:
    """Unreachable, silent (accepts and never answers) or malformed: each command ends within 30 s, 75 or 78."""
    from db_proxy import Silent

    write_wave(tmp_path, 3)
    silent = Silent()
    try:
        url = {"refused": f"postgresql+psycopg://lich:bi-mat@127.0.0.1:{free_port()}/lichthidua",
               "silent": f"postgresql+psycopg://lich:bi-mat@127.0.0.1:{silent.port}/lichthidua",
               "malformed": "notadb://lich:bi-mat@may-chu/lichthidua",
               "unsupported": "mysql://lich:bi-mat@may-chu/lichthidua"}[case]
        # The silent server is given up on after the connect bound of database_timeout_seconds (short here).
        env = process_env(tmp_path, calendars_dir=str(tmp_path / "calendars"), data_dir=str(tmp_path / "var"),
                          database_url=url, database_timeout_seconds=str(DB_TIMEOUT))
        for args in (["serve", "--port", str(free_port())], ["remind", "send-due"], ["remind", "status"]):
            run = subprocess.run([str(LICHTHIDUA), *args], cwd=tmp_path, env=env, capture_output=True, text=True,
                                 timeout=30)
            assert "Traceback" not in run.stderr, run.stderr[-3000:]
            assert run.returncode == (75 if case in ("refused", "silent") else 78), (args, run.returncode, run.stderr)
            assert "database_url" in run.stderr and "bi-mat" not in run.stderr, run.stderr
    finally:
        silent.close()


def test_a_failed_recording_never_wedges_the_wave(tmp_path: Path) -> None:
    """The database refuses one batch of results mid-wave (SQLite here): the wave ends with the error instead of
    waiting for ever on the transport's queue, and the next wave records those results first, then sends the rest."""
    from reminder_support import WAVE_DUE
    from sqlalchemy.exc import OperationalError

    from scheduler.reminders.service import open_service
    from scheduler.settings import load_settings

    n = 300
    write_wave(tmp_path, n)
    handler = GatedHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = load_settings(environ={}, config_file=tmp_path / "khong-co.toml",
                                 calendars_dir=tmp_path / "calendars", data_dir=tmp_path / "var",
                                 smtp_host="127.0.0.1", smtp_port=port, smtp_security="none")
        service = open_service(settings)
        real_mark, calls = service.store.mark, [0]

        def flaky(outcomes: Any, *, now: Any) -> int:
            calls[0] += 1
            if calls[0] == 3:
                raise OperationalError("UPDATE reminder", {}, Exception("server closed the connection unexpectedly"))
            return real_mark(outcomes, now=now)

        service.store.mark = flaky  # type: ignore[method-assign]
        with pytest.raises(OperationalError):
            asyncio.run(asyncio.wait_for(service.start(WAVE_DUE), 120))  # ends: no worker died on the error
        kept = len(service.sender.unrecorded)
        assert kept > 0
        report = asyncio.run(asyncio.wait_for(service.tick(WAVE_DUE), 120))
        counts = handler.recipients()
        print(f"\nghi kết quả lỗi giữa đợt: {kept} kết quả giữ lại rồi ghi sau; {len(counts)}/{n} đã gửi, "
              f"{sum(counts.values()) - len(counts)} lặp; lượt sau gửi {report.sent}")
        assert len(counts) == n and sum(counts.values()) == n  # nothing twice: kept results were recorded, not resent
        assert service.store.counts()["sent"] == n and service.store.counts()["claimed"] == 0
        service.close()
    finally:
        controller.stop()
