"""Debian's Chromium, headless, on a running `lichthidua serve`: the deadline board as staff use it, and a
unit's own page. Screenshots go to tests/artifacts/ (the documentation's come from these)."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from board_support import CAMPAIGN, REPORT, cdcs, district, write_province
from test_browser import ARTIFACTS
from web_support import (
    CHROMIUM,
    VENV_BIN,
    ServeProcess,
    browser_fixture,  # noqa: F401 - the browser fixture
    serve_process,
)

from scheduler.passwords import hash_password

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="không có /usr/bin/chromium (apt-get install chromium)"),
]
ADMIN_PASSWORD = "mat-khau-quan-tri-dai"
STAFF_PASSWORD = "mat-khau-can-bo-huyen"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    tmp = tmp_path_factory.mktemp("browser-board")
    calendars = write_province(tmp, districts=3, per_district=5, sections=2)
    env = {"LICHTHIDUA_ADMIN_PASSWORD_HASH": hash_password(ADMIN_PASSWORD)}
    with serve_process(tmp, calendars, env=env) as running:
        run_env = {**os.environ, "LICHTHIDUA_DATA_DIR": str(tmp / "var"), "LICHTHIDUA_CALENDARS_DIR": str(calendars),
                   "LICHTHIDUA_CONFIG": str(tmp / "khong-co.toml")}
        subprocess.run([str(VENV_BIN / "lichthidua"), "remind", "staff", "add", "huyen1", "--scope", district(1),
                        "--name", "Cán bộ LĐLĐ huyện số 1", "--password-stdin"], input=STAFF_PASSWORD + "\n",
                       text=True, check=True, cwd=tmp, env=run_env, capture_output=True)
        yield running



def _page(browser: object, user: str | None, password: str = "", width: int = 1200, height: int = 900) -> object:
    options: dict[str, object] = dict(viewport={"width": width, "height": height}, locale="vi-VN", accept_downloads=True)
    if user:
        options["http_credentials"] = {"username": user, "password": password}
    context = browser.new_context(**options)  # type: ignore[attr-defined]
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1")
                  else route.abort())
    return context.new_page()


def test_staff_filter_drill_down_record_and_export(server: ServeProcess, browser: object, tmp_path: Path) -> None:
    page = _page(browser, "admin", ADMIN_PASSWORD)
    page.goto(f"{server.base}/admin/board/{CAMPAIGN}?deadline={REPORT}")  # type: ignore[attr-defined]
    assert page.get_by_role("heading", name="Theo dõi nộp báo cáo").is_visible()  # type: ignore[attr-defined]
    rows = page.locator("tr[data-unit]")  # type: ignore[attr-defined]
    assert rows.count() == 3 * (1 + 5 + 2 * 3)
    assert page.locator("#theo-cap tbody tr").count() == 3  # type: ignore[attr-defined]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "board-province.png"))  # type: ignore[attr-defined]

    # Drill into district 1, then record a report that came on paper.
    page.locator("#theo-cap").get_by_role("link", name="LĐLĐ huyện số 1").click()  # type: ignore[attr-defined]
    assert rows.count() == 5 + 2 * 3
    row = page.locator(f'tr[data-unit="{cdcs(1, 2)}"]')  # type: ignore[attr-defined]
    row.locator("summary", has_text="Ghi nhận đã nhận").click()
    row.get_by_label("Ghi chú").fill("Công văn số 15, nhận tại văn phòng")
    row.get_by_role("button", name="Ghi nhận").click()
    assert page.get_by_role("status").inner_text().startswith("Đã ghi nhận")  # type: ignore[attr-defined]
    row = page.locator(f'tr[data-unit="{cdcs(1, 2)}"]')  # type: ignore[attr-defined]
    assert row.get_attribute("data-status") == "nop-muon"
    assert "Công văn số 15" in row.inner_text() and "bản giấy" in row.inner_text()
    # Give another unit three more days: filter by status, then extend.
    page.get_by_label("được gia hạn").check()  # type: ignore[attr-defined]
    page.get_by_label("chưa nộp").check()  # type: ignore[attr-defined]
    page.get_by_role("button", name="Lọc").click()  # type: ignore[attr-defined]
    assert all(s in ("chua-nop", "gia-han") for s in page.locator("tr[data-unit]").evaluate_all(  # type: ignore[attr-defined]
        "rows => rows.map(r => r.dataset.status)"))
    row = page.locator(f'tr[data-unit="{cdcs(1, 3)}"]')  # type: ignore[attr-defined]
    row.locator("summary", has_text="Gia hạn").click()
    row.get_by_label("Gia hạn đến").fill("31/12/2026")
    row.get_by_role("button", name="Gia hạn").click()
    assert "Đã gia hạn đến 31/12/2026" in page.get_by_role("status").inner_text()  # type: ignore[attr-defined]
    assert page.locator(f'tr[data-unit="{cdcs(1, 3)}"]').get_attribute("data-status") == "gia-han"  # type: ignore[attr-defined]
    page.screenshot(path=str(ARTIFACTS / "board-district-actions.png"))  # type: ignore[attr-defined]

    # Remind the late ones of this district, once.
    page.get_by_role("button", name=re.compile("Nhắc các đơn vị chưa nộp")).click()  # type: ignore[attr-defined]
    assert re.search(r"Đã gửi lời nhắc tới \d+ đơn vị chưa nộp", page.get_by_role("status").inner_text())  # type: ignore[attr-defined]

    # The chairman's spreadsheet.
    with page.expect_download() as info:  # type: ignore[attr-defined]
        page.get_by_role("link", name="Excel (.xlsx)").click()  # type: ignore[attr-defined]
    target = tmp_path / "bang.xlsx"
    info.value.save_as(target)
    from openpyxl import load_workbook

    sheet = load_workbook(target).active
    assert sheet["A1"].value == "Hạn chót" and sheet.max_row > 1


def test_district_staff_see_their_units_only(server: ServeProcess, browser: object) -> None:
    page = _page(browser, "huyen1", STAFF_PASSWORD)
    page.goto(f"{server.base}/admin/board/{CAMPAIGN}?deadline={REPORT}")  # type: ignore[attr-defined]
    units = set(page.locator("tr[data-unit]").evaluate_all("rows => rows.map(r => r.dataset.unit)"))  # type: ignore[attr-defined]
    assert units and all(u.startswith(("cdcs-01-", "cdbp-01-")) for u in units)
    assert "Phạm vi: LĐLĐ huyện số 1" in page.content()  # type: ignore[attr-defined]
    page.screenshot(path=str(ARTIFACTS / "board-district-staff.png"))  # type: ignore[attr-defined]
    other = page.goto(f"{server.base}/admin/board/{CAMPAIGN}?under={district(0)}")  # type: ignore[attr-defined]
    assert other.status == 403


def test_a_units_page_submit_with_a_file(server: ServeProcess, browser: object, tmp_path: Path) -> None:
    from scheduler.reminders.links import Signer

    key = (Path(server.log_path).parent / "var" / "secret_key").read_text(encoding="ascii").strip().encode()
    token = Signer(key).sign("unit", {"u": cdcs(2, 0)})
    page = _page(browser, None, width=390, height=844)
    page.goto(f"{server.base}/don-vi?token={token}")  # type: ignore[attr-defined]
    assert page.get_by_role("heading", name="CĐCS số 0 huyện 2").is_visible()  # type: ignore[attr-defined]
    row = page.locator(f'li[data-deadline="{CAMPAIGN}.deadline.{REPORT}.0"]')  # type: ignore[attr-defined]
    from fpdf import FPDF

    doc = FPDF()
    doc.add_page()
    doc.set_font("helvetica", size=12)
    doc.cell(text="Bao cao")
    pdf = tmp_path / "Báo cáo tổng kết.pdf"
    pdf.write_bytes(bytes(doc.output()))
    row.get_by_label("Tệp đính kèm").set_input_files(str(pdf))
    row.get_by_role("button", name="Đã nộp").click()
    assert "đã nhận tệp Báo cáo tổng kết.pdf" in page.get_by_role("status").inner_text()  # type: ignore[attr-defined]
    row = page.locator(f'li[data-deadline="{CAMPAIGN}.deadline.{REPORT}.0"]')  # type: ignore[attr-defined]
    assert row.get_attribute("data-status") in ("da-nop", "nop-muon")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # type: ignore[attr-defined]
    page.screenshot(path=str(ARTIFACTS / "unit-page-phone.png"), full_page=True)  # type: ignore[attr-defined]
