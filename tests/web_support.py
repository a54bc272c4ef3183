"""Shared helpers for the web tests: a copy of the real calendars, a settable clock, a running app."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from starlette.testclient import TestClient

from scheduler.settings import Settings
from scheduler.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]
CALENDARS = ROOT / "calendars"
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
