"""Shared helpers for the web tests: a copy of the tests' seed calendars, a settable clock, a running app."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from scheduler.settings import Settings
from scheduler.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]
CALENDARS = ROOT / "tests" / "calendars" / "seed"  # the tests' own calendars, never the shipped folder
CHROMIUM = Path("/usr/bin/chromium")
# 1 March 2024 10:00 in Việt Nam: the 2024 campaigns are running, deadlines are ahead.
MARCH_2024 = datetime(2024, 3, 1, 3, 0, tzinfo=UTC)


@dataclass
class Clock:
    """An injected "now" that a test moves by hand."""

    now: datetime = MARCH_2024

    def __call__(self) -> datetime:
        return self.now


def copy_calendars(dest: Path) -> Path:
    folder = dest / "calendars"
    shutil.copytree(CALENDARS, folder)
    return folder


def settings_for(tmp: Path, calendars: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "calendars_dir": calendars,
        "data_dir": tmp / "var",
        "base_url": "https://lich.example.vn",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@contextmanager
def running(settings: Settings, clock: Clock) -> Iterator[TestClient]:
    """The app with its lifespan running; the watcher is off: tests call refresh() themselves."""
    app = create_app(settings, clock=clock, watch=False)
    with TestClient(app) as client:
        yield client


def refresh(client: TestClient) -> bool:
    """Run one watcher tick inside the app's event loop."""
    repository = client.app.state.repository  # type: ignore[attr-defined]
    return client.portal.call(repository.refresh)  # type: ignore[union-attr]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def campaign_yaml(cid: str, year: int, title: str, deadline_day: str, *, extends: str = "viet-nam") -> str:
    """A small campaign file in the real format: two phases, one deadline."""
    return f"""id: {cid}
title: {title}
issuer: Liên đoàn Lao động tỉnh Thử Nghiệm
year: {year}
extends: [{extends}]
phases:
  - id: dot-1
    name: Đợt 1
    start: 01/01/{year}
    end: 30/6/{year}
  - id: dot-2
    name: Đợt 2
    start: 01/7/{year}
    end: 31/12/{year}
deadlines:
  - id: bao-cao
    title: Báo cáo kết quả
    date: {deadline_day}
    due: no_later_than
    submitted_by: Công đoàn cơ sở
"""


VENV_BIN = ROOT / ".venv" / "bin"


@dataclass
class ServeProcess:
    base: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def wait_until(predicate: Callable[[], bool], timeout: float, what: str, *, log: Path | None = None) -> float:
    """Poll a real external process with a bounded deadline; returns the seconds it took.

    ``log``: the process's log, whose end is shown when the deadline passes (what it was doing then).
    """
    start = time.monotonic()
    while True:
        if predicate():
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            tail = "" if log is None or not log.exists() else "\n--- " + log.name + " ---\n" + \
                log.read_text(encoding="utf-8", errors="replace")[-6000:]
            raise AssertionError(f"hết {timeout:.0f} giây chờ: {what}{tail}")
        time.sleep(0.05)


def process_env(workdir: Path, **settings: str) -> dict[str, str]:
    """The environment of a real ``lichthidua`` process: none of this one's LICHTHIDUA_* settings, no
    config file, then ``settings`` (``calendars_dir="x"`` becomes ``LICHTHIDUA_CALENDARS_DIR=x``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LICHTHIDUA_")}
    env["LICHTHIDUA_CONFIG"] = str(workdir / "no-such-config.toml")
    env.update({f"LICHTHIDUA_{name.upper()}": value for name, value in settings.items()})
    return env


@contextmanager
def serve_process(workdir: Path, calendars: Path, *, watch_interval: float = 0.25,
                  env: dict[str, str] | None = None) -> Iterator[ServeProcess]:
    """A real `lichthidua serve` on a free port, stopped (SIGTERM, then SIGKILL) afterwards; `env` adds settings."""
    port = free_port()
    env = {
        **os.environ,
        "LICHTHIDUA_DATA_DIR": str(workdir / "var"),
        "LICHTHIDUA_WATCH_INTERVAL_SECONDS": str(watch_interval),
        "LICHTHIDUA_CONFIG": str(workdir / "khong-co.toml"),
        **(env or {}),
    }
    log_path = workdir / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(VENV_BIN / "lichthidua"), "serve", "--port", str(port), "--calendars", str(calendars)],
            cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    server = ServeProcess(f"http://127.0.0.1:{port}", process, log_path)

    def up() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"lichthidua serve đã thoát ({process.returncode}):\n{server.log()}")
        try:
            return httpx.get(server.base + "/healthz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    try:
        wait_until(up, 30, "lichthidua serve trả lời /healthz")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# --- three independent parsers of a served feed -------------------------------------

JS_DIR = ROOT / "tests" / "js"


def view_icalendar(body: bytes) -> dict[str, tuple[str, str, str, int, str]]:
    import icalendar

    out = {}
    for e in icalendar.Calendar.from_ical(body).walk("VEVENT"):
        out[str(e["UID"])] = (
            e.decoded("DTSTART").isoformat(), e.decoded("DTEND").isoformat(), str(e["SUMMARY"]),
            int(e["SEQUENCE"]), str(e["STATUS"]),
        )
    return out


def view_ical(body: bytes) -> dict[str, tuple[str, str, str, int, str]]:
    from ical.calendar_stream import IcsCalendarStream

    cal = IcsCalendarStream.calendar_from_ics(body.decode("utf-8"))
    return {
        e.uid: (e.dtstart.isoformat(), e.dtend.isoformat(), e.summary, e.sequence, str(e.status.value).upper())
        for e in cal.events
    }


def view_icaljs(body: bytes) -> dict[str, tuple[str, str, str, int, str]] | None:
    """None when node or ical.js is not installed (./run test installs it)."""
    node = shutil.which("node")
    if node is None or not (JS_DIR / "node_modules" / "ical.js").is_dir():
        return None
    proc = subprocess.run([node, str(JS_DIR / "parse_ics.mjs")], input=body, capture_output=True, timeout=60, check=True)
    import json

    return {
        e["uid"]: (e["start"], e["end"], e["summary"], e["sequence"], e["status"])
        for e in json.loads(proc.stdout)["events"]
    }


CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="module", name="browser")
def browser_fixture() -> Iterator[object]:
    """Debian's Chromium, headless, one per test module (import ``browser_fixture`` to use it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # Playwright gives every launch a fresh, temporary --user-data-dir.
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()
