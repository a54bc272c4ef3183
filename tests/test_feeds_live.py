"""Live edits in-process: SEQUENCE, last good version, errors shown, tombstones, restarts, extensions.

The watcher is driven by hand (``refresh``) with an injected clock, so nothing
here sleeps; tests/test_reload.py does the same against a real process.
"""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from fastapi import APIRouter, FastAPI
from starlette.testclient import TestClient
from web_support import Clock, copy_calendars, refresh, running, settings_for, view_ical, view_icalendar, view_icaljs

from scheduler.live.snapshot import Snapshot
from scheduler.web.app import create_app
from scheduler.web.extensions import PageData, WebExtension

FEED = "/feeds/kon-tum-2024.ics"
SIX_MONTHS = "kon-tum-2024.deadline.bao-cao-6-thang.2024@lichthidua"
YEARLY = "kon-tum-2024.deadline.bao-cao-nam.2024@lichthidua"
PHASE_1 = "kon-tum-2024.phase.dot-1.2024@lichthidua"


def events(body: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Clock, Path]:
    return tmp_path, Clock(), copy_calendars(tmp_path)


def test_valid_edit_keeps_uids_and_raises_sequence_of_the_changed_event(setup: tuple[Path, Clock, Path]) -> None:
    tmp, clock, calendars = setup
    with running(settings_for(tmp, calendars), clock) as c:
        before = c.get(FEED)
        old = events(before.content)
        assert refresh(c) is False  # nothing changed on disk: no reload
        clock.now += timedelta(hours=2)
        edit(calendars / "kon-tum-2024.yaml", "date: 25/6\n", "date: 28/6\n")
        assert refresh(c) is True
        after = c.get(FEED)
        new = events(after.content)
    assert after.headers["etag"] != before.headers["etag"]
    assert set(new) == set(old)  # every UID kept, the moved deadline included
    assert new[SIX_MONTHS].decoded("DTSTART").isoformat() == "2024-06-28"
    assert new[SIX_MONTHS]["SEQUENCE"] == old[SIX_MONTHS]["SEQUENCE"] + 1
    assert new[SIX_MONTHS].decoded("DTSTAMP") == clock.now.replace(microsecond=0)
    unchanged = [uid for uid in old if uid != SIX_MONTHS]
    assert all(new[u].to_ical() == old[u].to_ical() for u in unchanged)
    assert after.headers["last-modified"] == clock.now.strftime("%a, %d %b %Y %H:%M:%S GMT")


def test_invalid_edit_keeps_the_last_good_version_and_shows_the_error(setup: tuple[Path, Clock, Path]) -> None:
    tmp, clock, calendars = setup
    path = calendars / "kon-tum-2024.yaml"
    good = path.read_text(encoding="utf-8")
    with running(settings_for(tmp, calendars), clock) as c:
        served = c.get(FEED).content
        edit(path, "date: 25/11\n", "date: 31/11\n")  # no such day
        assert refresh(c)
        assert c.get(FEED).content == served
        health = c.get("/healthz").json()
        assert health["status"] == "degraded"
        assert health["failing"] == {"kon-tum-2024": {"served": "last_good"}}  # no paths, no diagnostics
        page = html.unescape(c.get("/c/kon-tum-2024").text)
        assert "Lịch đang có lỗi" in page and "kon-tum-2024.yaml" not in page and str(tmp) not in page
        assert c.get("/admin").status_code == 403  # not from the server itself, and no password configured
        assert "vẫn dùng phiên bản hợp lệ gần nhất" in page
        assert "Triển khai phong trào thi đua yêu nước" in page  # the last good version is shown
        assert "kon-tum-2024" in html.unescape(c.get("/").text)
        # Fixing the file clears the error.
        path.write_text(good, encoding="utf-8")
        assert refresh(c)
        assert c.get("/healthz").json()["status"] == "ok"
        assert "Lịch đang có lỗi" not in c.get("/c/kon-tum-2024").text
        assert c.get(FEED).content == served


def test_a_broken_parent_keeps_children_served(setup: tuple[Path, Clock, Path]) -> None:
    tmp, clock, calendars = setup
    with running(settings_for(tmp, calendars), clock) as c:
        served = c.get(FEED).content
        (calendars / "viet-nam.yaml").write_text("id: viet-nam\ntitle: [\n", encoding="utf-8")
        assert refresh(c)
        failing = c.get("/healthz").json()["failing"]
        assert "viet-nam" in failing and "kon-tum-2024" in failing
        assert c.get(FEED).content == served


def test_a_file_that_never_was_valid(setup: tuple[Path, Clock, Path]) -> None:
    tmp, clock, calendars = setup
    (calendars / "hong.yaml").write_text("id: hong\ntitle: Lịch hỏng\nyear: abc\n", encoding="utf-8")
    with running(settings_for(tmp, calendars), clock) as c:
        r = c.get("/feeds/hong.ics")
        assert r.status_code == 503 and r.headers["retry-after"] == "60"
        page = c.get("/c/hong")
        assert page.status_code == 200 and "chưa từng hợp lệ" in page.text
        assert "Có lỗi, chưa phục vụ" in c.get("/").text


def test_deleted_event_is_cancelled_for_a_while(setup: tuple[Path, Clock, Path]) -> None:
    tmp, clock, calendars = setup
    path = calendars / "kon-tum-2024.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: bao-cao-nam")
    end = text.index("  # \"Sau mỗi đợt")
    with running(settings_for(tmp, calendars, cancelled_retention_days=30), clock) as c:
        old = events(c.get(FEED).content)
        clock.now += timedelta(days=1)
        path.write_text(text[:start] + text[end:], encoding="utf-8")
        assert refresh(c)
        new = events(c.get(FEED).content)
        assert new[YEARLY]["STATUS"] == "CANCELLED"
        assert new[YEARLY]["SEQUENCE"] == old[YEARLY]["SEQUENCE"] + 1
        assert new[YEARLY]["SUMMARY"] == "[ĐÃ HỦY] " + old[YEARLY]["SUMMARY"]  # clients that ignore STATUS
        assert "VALARM" not in new[YEARLY].to_ical().decode()
        # Three independent parsers read the same thing, the cancelled event included.
        body = c.get(FEED).content
        seen = view_icalendar(body)
        assert seen[YEARLY][3:] == (1, "CANCELLED")
        assert view_ical(body) == seen
        js = view_icaljs(body)
        if js is not None:
            assert js == seen
        # Filters apply to cancelled events too.
        assert YEARLY not in events(c.get(FEED + "?kinds=phase").content)
        # After the retention period the tombstone is no longer published.
        clock.now += timedelta(days=30)
        assert refresh(c)  # the expiry alone is a change
        assert YEARLY not in events(c.get(FEED).content)
        # Putting it back publishes it again, above every SEQUENCE seen so far.
        path.write_text(text, encoding="utf-8")
        assert refresh(c)
        back = events(c.get(FEED).content)
        assert back[YEARLY]["STATUS"] == "CONFIRMED"
        assert back[YEARLY]["SEQUENCE"] == new[YEARLY]["SEQUENCE"] + 1


def test_ledger_survives_a_restart(setup: tuple[Path, Clock, Path]) -> None:
    tmp, clock, calendars = setup
    settings = settings_for(tmp, calendars)
    path = calendars / "kon-tum-2024.yaml"
    text = path.read_text(encoding="utf-8")
    with running(settings, clock) as c:
        c.get(FEED)
    # Edited and an event deleted while the service was down.
    edit(path, "date: 25/6\n", "date: 20/6\n")
    start, end = text.index("  - id: bao-cao-nam"), text.index("  # \"Sau mỗi đợt")
    path.write_text(path.read_text(encoding="utf-8").replace(text[start:end], ""), encoding="utf-8")
    clock.now += timedelta(days=2)
    with running(settings, clock) as c:
        first = c.get(FEED).content
        new = events(first)
    assert new[SIX_MONTHS]["SEQUENCE"] == 1
    assert new[YEARLY]["STATUS"] == "CANCELLED" and new[YEARLY]["SEQUENCE"] == 1
    assert new[PHASE_1]["SEQUENCE"] == 0
    with running(settings, clock) as c:
        assert c.get(FEED).content == first


def test_removed_file_stops_being_served(setup: tuple[Path, Clock, Path]) -> None:
    tmp, clock, calendars = setup
    with running(settings_for(tmp, calendars), clock) as c:
        assert c.get("/feeds/ha-noi-2024.ics").status_code == 200
        (calendars / "long-bien-2024.yaml").unlink()  # the child first, or it would break
        (calendars / "ha-noi-2024.yaml").unlink()
        assert refresh(c)
        assert c.get("/feeds/ha-noi-2024.ics").status_code == 404


def test_extension_points(tmp_path: Path) -> None:
    calendars = copy_calendars(tmp_path)
    seen: list[tuple[str, object]] = []
    router = APIRouter()

    @router.get("/nhac-viec/ping")
    async def ping() -> dict[str, str]:
        return {"ok": "có"}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        seen.append(("start", sorted(app.state.repository.snapshot.calendars)))
        yield
        seen.append(("stop", None))

    def on_reload(snapshot: Snapshot) -> None:
        seen.append(("reload", snapshot.generation))

    class Context:
        def cached(self, state: object) -> PageData | None:
            return None  # always loaded: the page is served through the route

        async def load(self, state: object) -> PageData:
            return PageData("v1", {"loi_nhac": "Đăng ký nhận email nhắc hạn chót"})

    templates = tmp_path / "templates"
    (templates / "reminders").mkdir(parents=True)
    (templates / "reminders" / "calendar.html").write_text(
        '<section id="nhac">{{ loi_nhac }}</section>', encoding="utf-8"
    )
    (templates / "reminders" / "deadline.html").write_text(
        '<span class="da-nop">{{ row.event.uid }}</span>', encoding="utf-8"
    )
    extension = WebExtension(
        name="nhắc việc",
        routers=[router],
        on_reload=on_reload,
        lifespan=lifespan,
        templates_dir=templates,
        calendar_context=Context(),
    )
    app = create_app(settings_for(tmp_path, calendars), clock=Clock(), extensions=[extension], watch=False)
    with TestClient(app) as c:
        assert c.get("/nhac-viec/ping").json() == {"ok": "có"}
        page = c.get("/c/kon-tum-2024").text
        assert '<section id="nhac">Đăng ký nhận email nhắc hạn chót</section>' in page
        assert f'<span class="da-nop">{SIX_MONTHS}</span>' in page
        (calendars / "kon-tum-2024.yaml").write_text(
            (calendars / "kon-tum-2024.yaml").read_text(encoding="utf-8").replace("date: 25/6", "date: 26/6"),
            encoding="utf-8",
        )
        assert refresh(c)
    assert seen[0] == ("reload", 1)
    assert seen[1][0] == "start" and "kon-tum-2024" in seen[1][1]  # type: ignore[operator]
    assert seen[2:] == [("reload", 2), ("stop", None)]
