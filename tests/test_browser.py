"""Debian's Chromium, headless, on a running `lichthidua serve`: the pages a union official sees.

Screenshots (phone and desktop) go to tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from web_support import (
    CHROMIUM,
    ROOT,
    ServeProcess,
    browser_fixture,  # noqa: F401 - the browser fixture
    campaign_yaml,
    copy_calendars,
    serve_process,
    wait_until,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="không có /usr/bin/chromium (apt-get install chromium)"),
]

ARTIFACTS = ROOT / "tests" / "artifacts"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
DAYS_AHEAD = 20


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServeProcess, str]]:
    """The real calendars plus a campaign of this year whose deadline is 20 days ahead (the page uses the real clock)."""
    tmp = tmp_path_factory.mktemp("browser")
    calendars = copy_calendars(tmp)
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    due = today + timedelta(days=DAYS_AHEAD)
    cid = f"thu-nghiem-{due.year}"
    (calendars / f"{cid}.yaml").write_text(
        campaign_yaml(cid, due.year, f"Phong trào thi đua thử nghiệm năm {due.year}", f"{due.day}/{due.month}/{due.year}"),
        encoding="utf-8",
    )
    with serve_process(tmp, calendars) as running:
        yield running, cid



def _page(browser: object, viewport: str) -> object:
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="vi-VN")  # type: ignore[attr-defined]
    # Nothing may leave the machine: the page must not need any outside resource.
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort())
    return context.new_page()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_index(server: tuple[ServeProcess, str], browser: object, viewport: str) -> None:
    running, cid = server
    page = _page(browser, viewport)
    page.goto(running.base + "/")  # type: ignore[attr-defined]
    cards = page.locator("li.campaign")  # type: ignore[attr-defined]
    assert cards.count() == len(list((ROOT / "tests" / "calendars" / "seed").glob("*.yaml"))) + 1  # and this test's campaign
    mine = page.locator(f"li.campaign:has(a[href='/c/{cid}'])")  # type: ignore[attr-defined]
    assert f"còn {DAYS_AHEAD} ngày" in mine.inner_text()
    assert "Báo cáo kết quả" in mine.inner_text()
    # Soonest deadline first.
    assert cards.first.locator("a").first.get_attribute("href") == f"/c/{cid}"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # type: ignore[attr-defined]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"browser-index-{viewport}.png"), full_page=True)  # type: ignore[attr-defined]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_campaign_page(server: tuple[ServeProcess, str], browser: object, viewport: str) -> None:
    running, cid = server
    page = _page(browser, viewport)
    page.goto(f"{running.base}/c/kon-tum-2024")  # type: ignore[attr-defined]
    timeline = page.locator(".timeline")  # type: ignore[attr-defined]
    assert timeline.is_visible()
    bars = timeline.locator(".bar.kind-phase")
    assert bars.count() == 2
    first, second = bars.nth(0).bounding_box(), bars.nth(1).bounding_box()
    assert first["width"] > second["width"] > 0  # Đợt 1 (7 months) is longer than Đợt 2 (5)
    assert abs(first["x"] + first["width"] - second["x"]) < 4  # Đợt 2 starts where Đợt 1 ends
    assert timeline.locator(".mark.deadline").count() == 2  # 25/6 and 25/11; the review "sau mỗi đợt" is undated
    assert timeline.locator(".mark.milestone").count() >= 1
    assert timeline.locator(".dayoff").count() >= 5

    # Subscribe buttons point at the feed of this server, and the feed downloads.
    feed = f"{running.base}/feeds/kon-tum-2024.ics"
    google = page.get_by_role("link", name="Thêm vào Google Calendar").get_attribute("href")  # type: ignore[attr-defined]
    assert google.startswith("https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2F127.0.0.1%3A")
    outlook = page.get_by_role("link", name="Thêm vào Outlook.com").get_attribute("href")  # type: ignore[attr-defined]
    assert outlook.startswith("https://outlook.live.com/calendar/0/addfromweb?url=http%3A%2F%2F127.0.0.1")
    assert page.get_by_role("link", name="Mở bằng ứng dụng lịch").get_attribute("href") == feed.replace("http://", "webcal://")  # type: ignore[attr-defined]
    download = page.get_by_role("link", name="Tải tệp .ics").get_attribute("href")  # type: ignore[attr-defined]
    assert download == feed
    r = page.request.get(download)  # type: ignore[attr-defined]
    assert r.status == 200 and r.headers["content-type"] == "text/calendar; charset=utf-8"
    assert r.body().startswith(b"BEGIN:VCALENDAR")
    # Instructions open on tap.
    page.get_by_text("Hướng dẫn cho Outlook").click()  # type: ignore[attr-defined]
    assert page.get_by_text("Từ Internet").is_visible()  # type: ignore[attr-defined]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # type: ignore[attr-defined]
    page.screenshot(path=str(ARTIFACTS / f"browser-campaign-{viewport}.png"), full_page=True)  # type: ignore[attr-defined]

    # A campaign with a deadline ahead: countdown and the today line.
    page.goto(f"{running.base}/c/{cid}")  # type: ignore[attr-defined]
    first_deadline = page.locator(".deadline-list li").first  # type: ignore[attr-defined]
    assert first_deadline.locator(".countdown").inner_text() == f"còn {DAYS_AHEAD} ngày"
    assert page.locator(".timeline .today").count() == 1  # type: ignore[attr-defined]
    page.screenshot(path=str(ARTIFACTS / f"browser-upcoming-{viewport}.png"), full_page=True)  # type: ignore[attr-defined]
    # What a phone shows first, and the timeline scrolled into view.
    page.screenshot(path=str(ARTIFACTS / f"browser-upcoming-{viewport}-first-screen.png"))  # type: ignore[attr-defined]
    page.locator("#dong-thoi-gian").scroll_into_view_if_needed()  # type: ignore[attr-defined]
    page.screenshot(path=str(ARTIFACTS / f"browser-upcoming-{viewport}-timeline.png"))  # type: ignore[attr-defined]


def test_admin_sees_the_error_of_a_broken_edit(server: tuple[ServeProcess, str], browser: object) -> None:
    """Runs last: breaks a file under the server, then restores it."""
    import httpx

    running, _ = server
    calendars = Path(running.log_path).parent / "calendars"
    path = calendars / "lao-cai-2024.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("year: 2024", "year: hai nghìn", 1), encoding="utf-8")
    try:
        wait_until(lambda: httpx.get(running.base + "/healthz").json()["status"] == "degraded", 15, "lỗi được phát hiện")
        page = _page(browser, "phone")
        page.goto(f"{running.base}/c/lao-cai-2024")  # type: ignore[attr-defined]
        alert = page.get_by_role("alert")  # type: ignore[attr-defined]
        assert alert.is_visible()
        # The public sees that the calendar has problems and is served from its last good version: no path, no text.
        assert "vẫn dùng phiên bản hợp lệ gần nhất" in alert.inner_text()
        assert "lao-cai-2024.yaml" not in page.content() and "hai nghìn" not in page.content()  # type: ignore[attr-defined]
        assert page.locator(".timeline .bar").count() >= 1  # type: ignore[attr-defined]
        page.screenshot(path=str(ARTIFACTS / "browser-error-phone-first-screen.png"))  # type: ignore[attr-defined]
        page.goto(running.base + "/")  # type: ignore[attr-defined]
        assert "lao-cai-2024" in page.get_by_role("alert").inner_text()  # type: ignore[attr-defined]
        # The admin (from the server itself, no password configured) sees the diagnostics, paths relative to the folder.
        page.goto(running.base + "/admin")  # type: ignore[attr-defined]
        row = page.locator("#lich tr.has-errors")  # type: ignore[attr-defined]
        assert row.count() == 1 and "lao-cai-2024.yaml:" in row.inner_text()
        assert "đang phục vụ phiên bản hợp lệ gần nhất" in row.inner_text()
        assert str(calendars) not in page.content()  # type: ignore[attr-defined]
        page.screenshot(path=str(ARTIFACTS / "browser-admin-phone.png"), full_page=True)  # type: ignore[attr-defined]
    finally:
        path.write_text(good, encoding="utf-8")
    wait_until(lambda: httpx.get(running.base + "/healthz").json()["status"] == "ok", 15, "lỗi được xóa")


def test_admin_with_a_password(tmp_path: Path, browser: object) -> None:
    """With admin_password_hash set, /admin asks for the password (HTTP Basic) even from the server itself."""
    from scheduler.passwords import hash_password

    calendars = copy_calendars(tmp_path)
    (calendars / "hong.yaml").write_text("id: hong\ntitle: Hỏng\nyear: abc\n", encoding="utf-8")
    env = {"LICHTHIDUA_ADMIN_PASSWORD_HASH": hash_password("mật khẩu quản trị")}
    with serve_process(tmp_path, calendars, env=env) as running:
        import httpx

        anonymous = httpx.get(running.base + "/admin")  # (headless Chromium turns a 401 into an error page)
        assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"].startswith("Basic")
        assert httpx.get(running.base + "/admin", auth=("admin", "sai")).status_code == 401
        token = httpx.get(running.base + "/admin", headers={"Authorization": "Bearer mật khẩu quản trị".encode()})
        assert token.status_code == 200 and "hong.yaml:3:7" in token.text
        context = browser.new_context(  # type: ignore[attr-defined]
            viewport=VIEWPORTS["desktop"], locale="vi-VN",
            http_credentials={"username": "admin", "password": "mật khẩu quản trị"})
        page = context.new_page()
        assert page.goto(running.base + "/admin").status == 200
        text = page.locator("#lich").inner_text()
        assert "hong.yaml:3:7: lỗi [year]" in text and "chưa phục vụ" in text
        assert str(tmp_path) not in page.content()
        assert page.locator("#nguoi-nhan").is_visible() and page.locator("#nhac-han").is_visible()
        page.screenshot(path=str(ARTIFACTS / "browser-admin-desktop.png"), full_page=True)
        public = _page(browser, "desktop")
        public.goto(running.base + "/c/hong")  # type: ignore[attr-defined]
        assert "hong.yaml" not in public.content() and "year" not in public.locator("main").inner_text()  # type: ignore[attr-defined]


def test_api_docs_work_offline(server: tuple[ServeProcess, str], browser: object) -> None:
    """Swagger UI renders with every outside request refused (an office without internet)."""
    running, _ = server
    page = _page(browser, "desktop")
    outside: list[str] = []
    page.on("requestfailed", lambda request: outside.append(request.url))  # type: ignore[attr-defined]
    page.goto(running.base + "/docs")  # type: ignore[attr-defined]
    page.locator(".swagger-ui .opblock").first.wait_for(timeout=15000)  # type: ignore[attr-defined]
    assert "/feeds/{calendar_id}.ics" in page.inner_text("body")  # type: ignore[attr-defined]
    assert outside == []
