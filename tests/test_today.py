"""Behaviour that depends on the year, at today's kind of date (December 2026, a 2027 campaign ahead).

The default test clock is March 2024, the year of the seed plans; these tests inject
a clock of 2026 and read calendars of 2026–2027 (tests/calendars/today/), so what
changes with the year (Tết and its can chi, days off new in 2026, "hết năm", weekend
warnings, reminders planned months ahead, a campaign not yet begun) is tried where
people use it now.
"""

from __future__ import annotations

import html
import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from web_support import Clock, settings_for

from scheduler.core.events import EventKind
from scheduler.core.expand import Window, default_window, expand, finished
from scheduler.live.catalog import load_catalog
from tests.conftest import CALENDARS, FIXTURES, CliRun, isolate_settings, one

TODAY = date(2026, 12, 7)
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # 09:00 in Việt Nam
TODAY_FIXTURES = FIXTURES / "today"
CAMPAIGN = "thi-dua-mau-2027"


@pytest.fixture
def today_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "calendars"
    (target / "recipients").mkdir(parents=True)
    shutil.copy(CALENDARS / "viet-nam.yaml", target)
    shutil.copy(TODAY_FIXTURES / f"{CAMPAIGN}.yaml", target)
    shutil.copy(TODAY_FIXTURES / "cd-co-so-mau.yaml", target / "recipients")
    isolate_settings(tmp_path, target, monkeypatch)
    return target


def test_the_national_calendar_today_covers_this_year_and_the_next(today_dir: Path) -> None:
    national = load_catalog(today_dir).get("viet-nam")
    window = default_window(national, TODAY)
    assert (window.start, window.end) == (date(2026, 1, 1), date(2027, 12, 31))
    events = expand(national, window)
    tet = [e for e in events if e.kind is EventKind.LUNAR and e.title.startswith("Tết Nguyên đán")]
    assert {(e.title, e.start) for e in tet} >= {("Tết Nguyên đán Bính Ngọ 2026", date(2026, 2, 17)),
                                                 ("Tết Nguyên đán Đinh Mùi 2027", date(2027, 2, 6))}
    culture = [e for e in events if e.kind is EventKind.HOLIDAY and e.start in (date(2026, 11, 24), date(2027, 11, 24))]
    assert len(culture) == 2 and all("Văn hóa" in e.title for e in culture)
    assert not [e for e in expand(national, Window.year(2025)) if e.kind is EventKind.HOLIDAY
                and e.start == date(2025, 11, 24)]  # a day off from 2026 on, not before


def test_a_2027_campaign_seen_in_december_2026(today_dir: Path, cli: Callable[..., CliRun]) -> None:
    assert cli("check").exit_code == 0
    campaign = load_catalog(today_dir).get(CAMPAIGN)
    assert not finished(campaign, TODAY)
    events = expand(campaign, default_window(campaign, TODAY))
    assert [(p.start, p.end) for p in campaign.phases] == [(date(2027, 1, 1), date(2027, 7, 31)),
                                                           (date(2027, 8, 1), date(2027, 12, 31))]
    deadline = one(events, EventKind.DEADLINE, "bao-cao-6-thang")
    assert deadline.start == date(2027, 7, 25)
    assert deadline.warnings == ("Ngày cuối để nộp (Thứ Bảy 24/7/2027) là ngày nghỉ cuối tuần: "
                                 "nên nộp chậm nhất Thứ Sáu 23/7/2027",)
    anniversary = one(events, EventKind.ANNIVERSARY, "cong-doan-viet-nam", year=2027)
    assert anniversary.anniversary is not None and anniversary.anniversary.ordinal == 98


def test_reminders_for_2027_are_planned_from_december_2026(today_dir: Path, cli: Callable[..., CliRun],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Planned up to 400 days ahead: the reminder of the last day (a Saturday) moves to Friday 23/7/2027."""
    monkeypatch.setenv("COLUMNS", "120")
    run = cli("remind", "preview", "--on", "23/7/2027", "--now", "2026-12-07T09:00+07:00")
    assert run.exit_code == 0, run.output
    assert "Nhắc hạn ngày 23/07/2027: 1 email, 1 đơn vị / người nhận" in run.stdout
    assert "Báo cáo sơ kết 6 tháng" in run.stdout and "(đã dời)" in run.stdout
    assert "Không có email nhắc nào" in cli("remind", "preview", "--on", "24/7/2027",
                                            "--now", "2026-12-07T09:00+07:00").stdout


def test_the_page_of_a_campaign_not_yet_begun_offers_reminders(today_dir: Path, tmp_path: Path) -> None:
    from notifiers.outbox import OutboxTransport
    from scheduler.web.app import create_app
    from scheduler.web.reminder_routes import reminder_extension

    settings = settings_for(tmp_path, today_dir)
    app = create_app(settings, clock=Clock(NOW), watch=False,
                     extensions=[reminder_extension(settings, transport=OutboxTransport(tmp_path / "outbox"),
                                                    jobs=False)])
    with TestClient(app) as client:
        page = html.unescape(client.get(f"/c/{CAMPAIGN}").text)
        front = html.unescape(client.get("/").text)
    assert 'action="/reminders/subscribe"' in page and "Phong trào đã kết thúc" not in page
    assert "Phong trào thi đua mẫu năm 2027" in front and "Phong trào đã kết thúc" not in front
