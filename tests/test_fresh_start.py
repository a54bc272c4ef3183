"""A fresh `serve` parses a large folder before its threads start (forked workers), then serves every
calendar; the parse cache it saves serves the restart, and an edit made in between is seen (real processes)."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx

from scheduler.live.catalog import PARSE_CACHE_FILE
from tests.conftest import CALENDARS
from tests.web_support import campaign_yaml, serve_process, wait_until

COPIES = 70  # above the number of files parsed in worker processes, and of those a cache is saved for


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "calendars"
    folder.mkdir()
    shutil.copy(CALENDARS / "viet-nam.yaml", folder)
    for i in range(COPIES):
        cid = f"don-vi-{i:03d}-2027"
        (folder / f"{cid}.yaml").write_text(campaign_yaml(cid, 2027, f"Phong trào thi đua năm 2027 của đơn vị {i}",
                                                          f"{1 + i % 28}/11/2027"), encoding="utf-8")
    return folder


def _feed(base: str, cid: str) -> str:
    return httpx.get(f"{base}/feeds/{cid}.ics", timeout=10).text


def test_a_fresh_start_primes_the_parses_and_a_restart_sees_an_edit_made_between(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    cache = tmp_path / "var" / PARSE_CACHE_FILE
    with serve_process(tmp_path, folder) as server:
        for i in (0, 31, COPIES - 1):
            assert "Báo cáo kết quả" in _feed(server.base, f"don-vi-{i:03d}-2027")
        assert "DTSTART;VALUE=DATE:20271113" in _feed(server.base, "don-vi-012-2027")
        wait_until(cache.exists, 30, "bộ nhớ đệm phân tích được ghi", log=server.log_path)
    edited = folder / "don-vi-012-2027.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("date: 13/11/2027", "date: 20/11/2027"),
                      encoding="utf-8")
    with serve_process(tmp_path, folder) as server:
        feed = _feed(server.base, "don-vi-012-2027")
        assert "DTSTART;VALUE=DATE:20271120" in feed and "20271113" not in feed
        assert "Báo cáo kết quả" in _feed(server.base, "don-vi-040-2027")
