"""Faults of the machine: a message naming the path or setting and exit 78/75, never a traceback; nothing lost.

Real faults: a read-only and a full file system (tmpfs mounts, so these tests
need root and skip otherwise), a port where no database listens, a missing
folder, and a PostgreSQL connection cut in the middle of a wave by a TCP
proxy the test controls.
"""

from __future__ import annotations

import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from db_proxy import Proxy
from db_support import fresh_database
from reminder_support import address, write_wave
from web_support import ROOT, free_port, process_env, wait_until

LICHTHIDUA = ROOT / ".venv" / "bin" / "lichthidua"
NOW = "2024-06-21T08:05:00+07:00"


def _env(tmp: Path, **settings: str) -> dict[str, str]:
    return process_env(tmp, calendars_dir=str(tmp / "calendars"), data_dir=str(tmp / "var"),
                       base_url="https://lich.example.vn", **settings)


def _run(tmp: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LICHTHIDUA), *args], cwd=tmp, env=_env(tmp, **settings), capture_output=True,
                          text=True, timeout=120)


def _no_traceback(run: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in run.stderr + run.stdout, run.stderr[-3000:]


@contextmanager
def _tmpfs(path: Path, *options: str) -> Iterator[Path]:
    path.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(options or ("size=1m",)), "tmpfs", str(path)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cần quyền root để gắn tmpfs: {mounted.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_read_only_data_folder(tmp_path: Path) -> None:
    write_wave(tmp_path, 3)
    with _tmpfs(tmp_path / "var", "size=1m", "ro"):
        for args in (["remind", "send-due", "--now", NOW], ["serve", "--port", str(free_port())]):
            run = _run(tmp_path, *args)
            _no_traceback(run)
            assert run.returncode == 78, (args, run.returncode, run.stderr)
            assert "Lỗi:" in run.stderr and str(tmp_path / "var") in run.stderr and "data_dir" in run.stderr, run.stderr


def test_full_data_folder(tmp_path: Path) -> None:
    write_wave(tmp_path, 3)
    with _tmpfs(tmp_path / "var", "size=512k") as var:  # the database alone (WAL included) is ~260 KB
        filler = var / "filler"
        with suppress(OSError), filler.open("wb") as f:
            while True:
                f.write(b"\0" * 4096)
        run = _run(tmp_path, "remind", "send-due", "--now", NOW)
        _no_traceback(run)
        assert run.returncode == 75, (run.returncode, run.stderr)
        assert str(tmp_path / "var") in run.stderr and ("đầy" in run.stderr or "Hết chỗ" in run.stderr), run.stderr
        filler.unlink()  # the fault ends: the same command now works
        run = _run(tmp_path, "remind", "send-due", "--now", NOW)
        assert run.returncode == 0, run.stderr
        assert "Đã gửi 3 lời nhắc" in run.stdout
        assert len(list((var / "outbox").glob("*.eml"))) == 3


def test_unreachable_database_at_start(tmp_path: Path) -> None:
    write_wave(tmp_path, 3)
    url = f"postgresql+psycopg://lich:bi-mat@127.0.0.1:{free_port()}/lichthidua"
    for args in (["remind", "send-due", "--now", NOW], ["serve", "--port", str(free_port())], ["remind", "status"]):
        run = _run(tmp_path, *args, database_url=url)
        _no_traceback(run)
        assert run.returncode == 75, (args, run.returncode, run.stderr)
        assert "Không kết nối được CSDL" in run.stderr and "database_url" in run.stderr
        assert "bi-mat" not in run.stderr  # the password is never shown


def test_missing_outbox_folder(tmp_path: Path) -> None:
    write_wave(tmp_path, 3)
    outbox = tmp_path / "o-mang-chua-gan" / "outbox"
    for args in (["remind", "send-due", "--now", NOW], ["serve", "--port", str(free_port())]):
        run = _run(tmp_path, *args, outbox_dir=str(outbox))
        _no_traceback(run)
        assert run.returncode == 78, (args, run.returncode, run.stderr)
        assert str(outbox) in run.stderr and "outbox_dir" in run.stderr
    assert not outbox.parent.exists()  # nothing was created in the wrong place


@pytest.mark.slow
@pytest.mark.postgres
def test_database_lost_mid_wave_then_back(tmp_path: Path) -> None:
    """A running service loses PostgreSQL in the middle of a wave: it says so, and finishes when it is back."""
    from aiosmtpd.controller import Controller
    from test_instances import Sink, _calendar

    n = 600
    calendars = write_wave(tmp_path, n)
    _calendar(calendars, second=False)  # due on the real clock (remind_hour 0): the running service sends it
    sink = Sink(hold_after=200)
    smtp_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    proxy = Proxy()  # the database's connections, cut ("reset") and healed ("pass") by the test
    try:
        with fresh_database("postgresql", tmp_path) as url:
            env = _env(tmp_path, database_url=proxy.url(url), smtp_host="127.0.0.1", smtp_port=str(smtp_port),
                       smtp_security="none", remind_hour="0", tick_seconds="1", smtp_timeout_seconds="60")
            log = tmp_path / "serve.log"
            with log.open("wb") as out:
                serve = subprocess.Popen([str(LICHTHIDUA), "serve", "--port", str(free_port())], cwd=tmp_path,
                                         env=env, stdout=out, stderr=subprocess.STDOUT)
            try:
                wait_until(lambda: len(sink.received) >= 200 or serve.poll() is not None, 120, "200 email đến")
                proxy.set("reset")  # the database goes away with messages in flight
                controller.loop.call_soon_threadsafe(sink.gate.set)
                wait_until(lambda: "Không kết nối được CSDL" in log.read_text(errors="replace")
                           or serve.poll() is not None, 60, "dịch vụ báo mất CSDL")
                assert serve.poll() is None, log.read_text(errors="replace")[-3000:]
                stalled = len(sink.received)
                time.sleep(2)  # while it is down, nothing new can be claimed
                assert len(sink.received) - stalled <= 64
                proxy.set("pass")
                took = wait_until(lambda: {r for r, _ in sink.received} >= {address(i) for i in range(n)}, 120,
                                  "đợt gửi tiếp tục sau khi CSDL trở lại")
                counts = Counter(r for r, _ in sink.received)
                duplicates = sum(counts.values()) - len(counts)
                print(f"\nmất CSDL giữa đợt: {stalled} email trước khi mất, xong {took:.1f} s sau khi CSDL trở lại, "
                      f"{duplicates} email lặp (đang gửi dở lúc mất)")
                assert duplicates <= 64  # at most what was in flight when the database went away
                text = log.read_text(errors="replace")
                assert "Traceback" not in text, text[-3000:]
                assert "database_url" in text
            finally:
                serve.terminate()
                serve.wait(timeout=30)
    finally:
        controller.loop.call_soon_threadsafe(sink.gate.set)
        controller.stop()
        proxy.close()
