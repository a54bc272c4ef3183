"""Debian's Chromium on a real `lichthidua serve` (real clock): a finished campaign and a school-year one.

The server runs with today's real date, so assertions that depend on it are
written for either side of the school year's end (31/5/2027). Screenshots go
to tests/artifacts/.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from test_browser import ARTIFACTS, VIEWPORTS, _page
from web_support import (
    CHROMIUM,
    ROOT,
    ServeProcess,
    browser_fixture,  # noqa: F401 - the browser fixture
    copy_calendars,
    serve_process,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="không có /usr/bin/chromium (apt-get install chromium)"),
]

SCHOOL_YEAR = "school-year-admin-dated"
SCHOOL_YEAR_END = date(2027, 5, 31)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    tmp = tmp_path_factory.mktemp("browser-campaigns")
    calendars = copy_calendars(tmp)
    shutil.copy(ROOT / "tests" / "calendars" / "golden" / f"{SCHOOL_YEAR}.yaml", calendars)
    with serve_process(tmp, calendars) as running:
        yield running



@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_finished_campaign_page(server: ServeProcess, browser: object, viewport: str) -> None:
    page = _page(browser, viewport)
    page.goto(f"{server.base}/c/kon-tum-2024")  # type: ignore[attr-defined]
    banner = page.locator(".heading .finished")  # type: ignore[attr-defined]
    assert banner.is_visible() and "Phong trào đã kết thúc ngày 31/12/2024." in banner.inner_text()
    # No reminder form: a note instead.
    assert page.locator("form.subscribe-form").count() == 0  # type: ignore[attr-defined]
    assert "không còn nhận đăng ký email nhắc hạn" in page.locator("#nhac-han").inner_text()  # type: ignore[attr-defined]
    # The page opens on the campaign's year, not today's, with nothing else to browse.
    assert page.locator("#dong-thoi-gian h2").inner_text().startswith("Năm 2024")  # type: ignore[attr-defined]
    assert page.locator(".year-nav a").count() == 0  # type: ignore[attr-defined]
    assert page.locator(".timeline .bar.kind-phase").count() == 2  # type: ignore[attr-defined]
    assert page.locator(".timeline .mark.kind-workday").count() == 1  # Saturday 4/5/2024  # type: ignore[attr-defined]
    undated = page.locator("#chua-co-ngay")  # type: ignore[attr-defined]
    assert undated.is_visible() and "“Sau mỗi đợt thi đua" in undated.inner_text()
    # Every feed the page offers downloads a non-empty calendar.
    page.get_by_text("Chỉ muốn một phần lịch?").click()  # type: ignore[attr-defined]
    links = page.locator("#dang-ky a[href$='.ics'], #dang-ky a[href*='.ics?']")  # type: ignore[attr-defined]
    hrefs = {h for i in range(links.count()) if (h := links.nth(i).get_attribute("href")).startswith("http://")}
    assert len(hrefs) == 3  # everything, only deadlines, without national days
    for href in hrefs:
        r = page.request.get(href)  # type: ignore[attr-defined]
        assert r.status == 200 and b"BEGIN:VEVENT" in r.body(), href
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # type: ignore[attr-defined]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"browser-finished-{viewport}.png"), full_page=True)  # type: ignore[attr-defined]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_school_year_campaign_page(server: ServeProcess, browser: object, viewport: str) -> None:
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    page = _page(browser, viewport)
    page.goto(f"{server.base}/c/{SCHOOL_YEAR}")  # type: ignore[attr-defined]
    assert "Năm học 2026–2027" in page.locator(".heading .meta").inner_text()  # type: ignore[attr-defined]
    finished = today > SCHOOL_YEAR_END
    assert (page.locator(".heading .finished").count() == 1) == finished  # type: ignore[attr-defined]
    assert (page.locator("form.subscribe-form").count() == 1) != finished  # type: ignore[attr-defined]
    undated = page.locator("#chua-co-ngay .undated-item")  # type: ignore[attr-defined]
    assert undated.count() == 1 and "Đăng ký danh hiệu thi đua" in undated.inner_text()
    # The school year's second calendar year: the meeting with its time and place, the admin's date said as such.
    page.goto(f"{server.base}/c/{SCHOOL_YEAR}?year=2027")  # type: ignore[attr-defined]
    meeting = page.locator(".agenda .event.kind-event")  # type: ignore[attr-defined]
    assert meeting.count() == 1
    text = meeting.inner_text()
    assert "Thời gian: 08:00 – 11:30" in text and "Địa điểm: Hội trường Sở Giáo dục và Đào tạo" in text
    admin = page.locator(".agenda .event.is-deadline", has_text="sơ kết phong trào thi đua học kỳ I")  # type: ignore[attr-defined]
    assert "do quản trị" in admin.inner_text() and "“sau khi kết thúc học kỳ I”" in admin.inner_text()
    assert page.locator(".timeline .mark.kind-event").count() == 1  # type: ignore[attr-defined]
    nav = page.locator(".year-nav a")  # type: ignore[attr-defined]
    assert [nav.nth(i).inner_text() for i in range(nav.count())] == ["← 2026"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # type: ignore[attr-defined]
    page.screenshot(path=str(ARTIFACTS / f"browser-school-year-{viewport}.png"), full_page=True)  # type: ignore[attr-defined]

    # The shipped model school-year plan, over since 2020 (the framework moved its end to 15/7/2020): finished.
    page.goto(f"{server.base}/c/mau-giao-duc-2019-2020")  # type: ignore[attr-defined]
    assert "Năm học 2019–2020" in page.locator(".heading .meta").inner_text()  # type: ignore[attr-defined]
    assert "Phong trào đã kết thúc ngày 15/7/2020." in page.locator(".heading .finished").inner_text()  # type: ignore[attr-defined]
    assert page.locator("form.subscribe-form").count() == 0  # type: ignore[attr-defined]
    assert page.locator("#dong-thoi-gian h2").inner_text().startswith("Năm 2019")  # type: ignore[attr-defined]
    assert page.locator(".timeline .bar.kind-phase").count() == 2  # Đợt 1 and Đợt 2 (into 2020)  # type: ignore[attr-defined]
    assert page.locator("#chua-co-ngay .undated-item").count() == 2  # type: ignore[attr-defined]
