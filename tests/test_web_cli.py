"""`lichthidua serve --get`: the service's answer without opening a port."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import icalendar
from web_support import VENV_BIN, copy_calendars


def run(tmp: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "LICHTHIDUA_DATA_DIR": str(tmp / "var"), "LICHTHIDUA_CONFIG": str(tmp / "khong-co.toml")}
    return subprocess.run(
        [str(VENV_BIN / "lichthidua"), "serve", "--calendars", str(tmp / "calendars"), *args],
        cwd=tmp, env=env, capture_output=True, timeout=120,
    )


def test_get_a_feed_a_page_and_an_error(tmp_path: Path) -> None:
    copy_calendars(tmp_path)
    feed = run(tmp_path, "--get", "/feeds/kon-tum-2024.ics?kinds=deadline&from=2024-01-01&to=2024-12-31")
    assert feed.returncode == 0, feed.stderr.decode()
    events = icalendar.Calendar.from_ical(feed.stdout).walk("VEVENT")
    assert {str(e["CATEGORIES"].cats[0]) for e in events} == {"Hạn chót"}
    assert feed.stderr == b""  # nothing but the answer, on stdout

    page = run(tmp_path, "--get", "/c/kon-tum-2024")
    assert page.returncode == 0 and "Hạn chót sắp tới" in page.stdout.decode()

    bad = run(tmp_path, "--get", "/feeds/kon-tum-2024.ics?from=31/12/2024")
    assert bad.returncode == 1
    assert "phải là ngày dạng NNNN-TT-NN" in bad.stdout.decode()
    assert "HTTP 400" in bad.stderr.decode()
    assert not (tmp_path / "var" / "outbox").exists()  # no reminder ran
