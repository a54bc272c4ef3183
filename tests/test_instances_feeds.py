"""Two `serve` instances on one PostgreSQL database watching one calendar folder: an edit reaches both feeds.

Real processes, a real folder, a fresh database. Each instance watches the
shared folder itself (as it would a folder synchronised by `git pull` or a
shared mount) and reconciles the feed ledger in the shared database, so the
edited event is published in both with the same SEQUENCE, whichever instance a
client's request reaches behind nginx. How long it takes is printed (the
benchmark's figure is in docs/do-hieu-nang.md); the test waits a bounded time.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from db_support import fresh_database
from web_support import campaign_yaml, copy_calendars, serve_process, wait_until

pytestmark = pytest.mark.postgres

FEED = "/feeds/tinh-a.ics?from=2026-01-01&to=2026-12-31"


def _sequence(body: str, day: str) -> int | None:
    """The SEQUENCE of the deadline event on ``day`` (YYYYMMDD), or None when the feed has none that day."""
    for event in body.split("BEGIN:VEVENT")[1:]:
        if f"DTSTART;VALUE=DATE:{day}" in event and "bao-cao" in event:
            found = re.search(r"^SEQUENCE:(\d+)", event, re.M)
            return int(found.group(1)) if found else 0
    return None


def test_an_edit_reaches_both_instances_feeds(tmp_path: Path) -> None:
    calendars = copy_calendars(tmp_path)
    edited = calendars / "tinh-a.yaml"
    edited.write_text(campaign_yaml("tinh-a", 2026, "Tỉnh A", "15/7"), encoding="utf-8")
    with fresh_database("postgresql", tmp_path) as url:
        env = {"LICHTHIDUA_DATABASE_URL": url}
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        with serve_process(tmp_path / "a", calendars, env=env) as a, \
                serve_process(tmp_path / "b", calendars, env=env) as b:
            for server in (a, b):
                assert _sequence(httpx.get(server.base + FEED, timeout=10).text, "20260715") is not None
            edited.write_text(campaign_yaml("tinh-a", 2026, "Tỉnh A", "16/7"), encoding="utf-8")
            took = wait_until(lambda: all(_sequence(httpx.get(s.base + FEED, timeout=10).text, "20260716") is not None
                                          for s in (a, b)),
                              60, "hạn chót mới trong nguồn lịch của cả hai phiên bản")
            print(f"\nan edit in both instances' feeds after {took:.2f} s")
            bodies = [httpx.get(s.base + FEED, timeout=10).text for s in (a, b)]
            assert all(_sequence(body, "20260715") is None for body in bodies)
            sequences = {_sequence(body, "20260716") for body in bodies}
            assert len(sequences) == 1, bodies  # the same revision of the event, whichever instance answers
