"""Debian's Chromium on a real `lichthidua serve` (real clock, December 2026): the format-reach
fixture's page shows its derived span, its weekly activity and its phases named without dates."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from test_browser import _page
from web_support import CHROMIUM, CHROMIUM_ARGS, ROOT, ServeProcess, serve_process

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="không có /usr/bin/chromium (apt-get install chromium)"),
]

CID = "mau-pham-vi-2026"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    tmp = tmp_path_factory.mktemp("browser-reach")
    calendars = tmp / "calendars"
    calendars.mkdir()
    shutil.copy(ROOT / "calendars" / "viet-nam.yaml", calendars)
    shutil.copy(ROOT / "tests" / "calendars" / "reach" / f"{CID}.yaml", calendars)
    with serve_process(tmp, calendars) as running:
        yield running


def test_the_reach_page_in_chromium(server: ServeProcess) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = _page(browser, "desktop")
            page.goto(f"{server.base}/c/{CID}?year=2026")  # type: ignore[attr-defined]
            heading = page.locator(".heading").inner_text()  # type: ignore[attr-defined]
            assert "Năm 2026 (suy ra từ các mục có ngày)" in heading
            undated = page.locator("#chua-co-ngay")  # type: ignore[attr-defined]
            assert undated.is_visible() and "Đợt 3" in undated.inner_text() and "Đợt 4" in undated.inner_text()
            body = page.locator("body").inner_text()  # type: ignore[attr-defined]
            assert "Sinh hoạt chuyên đề" in body
            assert page.locator(".timeline .bar.kind-phase").count() == 2  # type: ignore[attr-defined]
        finally:
            browser.close()
