"""A real `lichthidua serve`: edit a calendar under it, break it, fix it."""

from __future__ import annotations

import html
from pathlib import Path

import httpx
import icalendar
import pytest
from web_support import CALENDARS, copy_calendars, serve_process, wait_until

pytestmark = pytest.mark.slow

FEED = "/feeds/kon-tum-2024.ics?from=2024-01-01&to=2024-12-31"
SIX_MONTHS = "kon-tum-2024.deadline.bao-cao-6-thang.2024@lichthidua"


def events(body: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def test_edit_break_fix_under_a_running_server(tmp_path: Path) -> None:
    calendars = copy_calendars(tmp_path)
    path = calendars / "kon-tum-2024.yaml"
    good = path.read_text(encoding="utf-8")
    with serve_process(tmp_path, calendars) as server, httpx.Client(base_url=server.base, timeout=5) as http:
        first = http.get(FEED)
        assert first.status_code == 200
        old = events(first.content)
        assert f"Đã nạp {len(list(CALENDARS.glob('*.yaml')))} lịch" in server.log()
        assert f"Đang phục vụ tại {server.base}" in server.log()

        # 1. A valid edit is served within seconds; only the edited event changes.
        edited = good.replace("date: 25/6\n", "date: 27/6\n")
        path.write_text(edited, encoding="utf-8")
        wait_until(lambda: http.get(FEED).headers["etag"] != first.headers["etag"], 120, "bản sửa được phục vụ")
        second = http.get(FEED)
        new = events(second.content)
        assert set(new) == set(old)
        assert new[SIX_MONTHS].decoded("DTSTART").isoformat() == "2024-06-27"
        assert new[SIX_MONTHS]["SEQUENCE"] == old[SIX_MONTHS]["SEQUENCE"] + 1
        assert all(new[u].to_ical() == old[u].to_ical() for u in old if u != SIX_MONTHS)
        assert http.get(FEED, headers={"If-None-Match": second.headers["etag"]}).status_code == 304

        # 2. A broken edit: the last good version stays, the error is logged and shown.
        broken = edited.replace("date: 25/11\n", "date: 31/11\n")
        line = broken[: broken.index("date: 31/11")].count("\n") + 1
        path.write_text(broken, encoding="utf-8")
        wait_until(lambda: http.get("/healthz").json()["status"] == "degraded", 15, "lỗi được phát hiện")
        assert http.get(FEED).content == second.content
        page = html.unescape(http.get("/c/kon-tum-2024").text)
        assert "Lịch đang có lỗi" in page and "kon-tum-2024.yaml" not in page  # the public sees no paths
        admin = html.unescape(http.get("/admin").text)  # from the server itself: no password needed
        assert f"kon-tum-2024.yaml:{line}:" in admin and str(tmp_path) not in admin
        assert f"kon-tum-2024.yaml:{line}:" in server.log()
        assert "tiếp tục phục vụ phiên bản hợp lệ gần nhất" in server.log()

        # 3. Fixing the file clears the error.
        path.write_text(edited, encoding="utf-8")
        wait_until(lambda: http.get("/healthz").json()["status"] == "ok", 15, "lỗi được xóa")
        assert "Lịch đang có lỗi" not in http.get("/c/kon-tum-2024").text
        assert http.get(FEED).content == second.content
        assert "Lịch kon-tum-2024 đã hợp lệ trở lại" in server.log()
