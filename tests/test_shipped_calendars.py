"""The shipped calendars/ as data, with the real clock: every file checks, expands, serves a feed and a page.

Nothing here knows which calendars ship or how many: an admin who adds a valid
calendar to calendars/ (what the README tells them to do) adds a case here, and
it passes. The other tests use their own calendars (tests/calendars/).

The clock is the real one (today, whatever year it is): no injected date.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.conftest import SHIPPED, CliRun, isolate_settings

SHIPPED_IDS = sorted(p.stem for p in SHIPPED.glob("*.yaml"))


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of calendars/ (recipients included): commands write their var/ there, not in the repository."""
    target = tmp_path / "calendars"
    shutil.copytree(SHIPPED, target)
    isolate_settings(tmp_path, target, monkeypatch)
    return target


def test_every_shipped_file_passes_check(shipped: Path, cli: Callable[..., CliRun]) -> None:
    run = cli("check")
    assert run.exit_code == 0, run.output
    assert f"Đã kiểm tra {len(SHIPPED_IDS)} tệp: 0 lỗi" in run.output


@pytest.mark.parametrize("calendar_id", SHIPPED_IDS)
def test_every_shipped_calendar_expands_today(calendar_id: str, shipped: Path, cli: Callable[..., CliRun]) -> None:
    table = cli("expand", calendar_id)
    assert table.exit_code == 0, table.output
    data = cli("expand", calendar_id, "--format", "json", "--with-undated")
    assert data.exit_code == 0, data.output
    body = json.loads(data.stdout)
    assert body["events"] or body["undated"], calendar_id
    for event in body["events"]:
        assert event["origin"] in ("document", "rule", "admin", "provisional", "default"), event


@pytest.fixture(scope="module")
def app_today(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The web service on a copy of calendars/, with the real clock and no reminder jobs."""
    from scheduler.settings import Settings
    from scheduler.web.app import create_app

    root = tmp_path_factory.mktemp("shipped")
    shutil.copytree(SHIPPED, root / "calendars")
    settings = Settings(calendars_dir=root / "calendars", data_dir=root / "var",  # type: ignore[arg-type]
                        base_url="https://lich.example.vn")
    with TestClient(create_app(settings, watch=False, extensions=[])) as client:
        yield client


@pytest.mark.parametrize("calendar_id", SHIPPED_IDS)
def test_every_shipped_calendar_serves_a_feed_and_a_page_today(calendar_id: str, app_today: TestClient) -> None:
    feed = app_today.get(f"/feeds/{calendar_id}.ics")
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert feed.content.startswith(b"BEGIN:VCALENDAR\r\n") and b"BEGIN:VEVENT" in feed.content
    page = app_today.get(f"/c/{calendar_id}")
    assert page.status_code == 200 and "<html" in page.text
    assert "Lỗi máy chủ" not in page.text


def test_the_front_page_and_health_today(app_today: TestClient) -> None:
    health = app_today.get("/healthz").json()
    assert health["status"] == "ok" and sorted(health["calendars"]) == SHIPPED_IDS
    front = app_today.get("/")
    assert front.status_code == 200
    from scheduler.core.dates import vn_date
    from scheduler.core.expand import finished
    from scheduler.live.catalog import load_catalog

    catalog = load_catalog(SHIPPED)
    for calendar_id in SHIPPED_IDS:
        calendar = catalog.get(calendar_id)
        page = app_today.get(f"/c/{calendar_id}").text
        if calendar.span is not None and finished(calendar, date.today()):
            # A campaign over by today says so, keeps its dates, and offers no email reminders.
            assert f"Phong trào đã kết thúc ngày {vn_date(calendar.span.end)}" in page, calendar_id
        else:
            assert "Phong trào đã kết thúc" not in page, calendar_id
