"""Each unit's own page and feed from the signed link in its reminders: deadlines across campaigns, "Đã nộp"
with an attached file (type from the bytes, limits from the settings), a revocable personal feed;
files downloadable by the staff in scope only, never inline."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import icalendar
import pytest
from board_support import CAMPAIGN, NOW, REPORT, cdcs, district, write_province
from db_support import BACKENDS, fresh_database
from starlette.testclient import TestClient
from test_board_web import BASE, ORIGIN, Clock, basic
from web_support import settings_for

from notifiers.outbox import OutboxTransport
from scheduler.passwords import hash_password
from scheduler.reminders import board as B
from scheduler.reminders.board_service import ADMIN, BoardService
from scheduler.reminders.unit_files import FileRefused, sniff
from scheduler.reminders.unit_pages import UnitPages
from scheduler.web.app import create_app
from scheduler.web.board_extension import board_extension
from scheduler.web.reminder_routes import reminder_extension

UNIT = cdcs(0, 1)


def pdf() -> bytes:
    from fpdf import FPDF

    doc = FPDF()
    doc.add_page()
    doc.set_font("helvetica", size=12)
    doc.cell(text="Bao cao tong ket")
    return bytes(doc.output())


def docx() -> bytes:
    import docx as python_docx

    out = io.BytesIO()
    d = python_docx.Document()
    d.add_paragraph("Báo cáo tổng kết")
    d.save(out)
    return out.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def test_the_type_comes_from_the_bytes_not_the_name() -> None:
    assert [sniff(f()) for f in (pdf, docx, xlsx, odt)] == ["pdf", "docx", "xlsx", "odt"]
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as z:
        z.writestr("a.txt", "x")
    for bad in (b"MZ\x90\x00 a program", b"<html><script>", plain_zip.getvalue(), b"PK\x03\x04broken"):
        with pytest.raises(FileRefused):
            sniff(bad)


@pytest.fixture(params=BACKENDS)
def client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    calendars = write_province(tmp_path, districts=2, per_district=3, sections=1)
    with fresh_database(request.param, tmp_path) as url:
        yield from _client(tmp_path, calendars, url)


def _client(tmp_path: Path, calendars: Path, url: str) -> Iterator[TestClient]:
    settings = settings_for(tmp_path, calendars, base_url=BASE, admin_password_hash=hash_password("quan-tri-dai-1"),
                            submission_file_max_bytes=200_000, submission_files_max=2, database_url=url)
    extensions = [reminder_extension(settings, transport=OutboxTransport(tmp_path / "outbox"), jobs=False),
                  board_extension(settings, digests=False)]
    with TestClient(create_app(settings, clock=Clock(), watch=False, extensions=extensions), base_url=BASE) as c:
        board: BoardService = c.app.state.board  # type: ignore[attr-defined]
        board.store.save_account("huyen0", "Cán bộ huyện 0", district(0), hash_password("mat-khau-huyen-0"), None, NOW)
        board.store.save_account("huyen1", "Cán bộ huyện 1", district(1), hash_password("mat-khau-huyen-1"), None, NOW)
        yield c


def _board(client: TestClient) -> BoardService:
    return client.app.state.board  # type: ignore[attr-defined,no-any-return]


def _units(client: TestClient) -> UnitPages:
    return client.app.state.units  # type: ignore[attr-defined,no-any-return]


def _submitted_token(client: TestClient) -> str:
    """The token of the "Đã nộp" link a reminder to the unit carries."""
    board = _board(client)
    uid = board.deadline(CAMPAIGN, REPORT, NOW)[0].uid
    link = board.reminders.links.submitted(uid, f"unit:{UNIT}")
    return link.split("token=", 1)[1]


def test_the_link_in_a_reminder_leads_to_the_units_page_with_every_deadline(client: TestClient) -> None:
    token = _submitted_token(client)
    opened = client.get(f"/reminders/submitted?token={token}", follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == f"/don-vi?token={token}"
    page = client.get(f"/reminders/submitted?token={token}")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    text = page.text
    assert "CĐCS số 1 huyện 0" in text and "Trực thuộc LĐLĐ huyện số 0" in text
    assert "Đơn vị đã nộp <strong>Báo cáo tổng kết phong trào thi đua năm 2026</strong>?" in text
    # The deadline of the reminder first, then the unit's other deadlines.
    assert re.findall(r'data-deadline="([^"]+)" data-status="([^"]+)"', text) == [
        (f"{CAMPAIGN}.deadline.{REPORT}.0", "chua-nop"), (f"{CAMPAIGN}.deadline.dang-ky-thi-dua.0", "chua-nop")]
    assert 'class="highlight" id="han-nay"' in text
    assert client.get("/don-vi?token=gia-mao").status_code == 400
    unit_link = _units(client).unit_link(UNIT)
    assert client.get(unit_link.removeprefix(BASE)).text.count("data-deadline=") == 2


def _submit(client: TestClient, token: str, name: str, data: bytes, deadline: str = REPORT) -> object:
    uid = _board(client).deadline(CAMPAIGN, deadline, NOW)[0].uid
    return client.post("/don-vi/nop", data={"token": token, "deadline": uid},
                       files={"file": (name, data, "application/octet-stream")}, headers=ORIGIN)


def test_submit_with_a_file_shows_on_the_board_and_only_staff_in_scope_download_it(client: TestClient) -> None:
    token = _submitted_token(client)
    r = _submit(client, token, "Báo cáo tổng kết 2026.pdf", pdf())
    assert r.status_code == 200, r.text[:500]  # type: ignore[attr-defined]
    assert "Đã ghi nhận đơn vị đã nộp; đã nhận tệp Báo cáo tổng kết 2026.pdf." in r.text  # type: ignore[attr-defined]
    view = _board(client).view(CAMPAIGN, ADMIN, NOW, deadline=REPORT)
    entry = next(e for e in view.entries if e.unit.id == UNIT)
    assert entry.status is B.BoardStatus.LATE and entry.submitted is not None and entry.submitted.how is B.How.LINK
    board_page = client.get(f"/admin/board/{CAMPAIGN}?deadline={REPORT}", headers=basic("huyen0", "mat-khau-huyen-0"))
    link = re.search(r'href="/admin/board/files/(\d+)" download>Báo cáo tổng kết 2026.pdf<', board_page.text)
    assert link is not None
    url = f"/admin/board/files/{link.group(1)}"
    got = client.get(url, headers=basic("huyen0", "mat-khau-huyen-0"))
    assert got.status_code == 200 and got.content == pdf()[:0] + got.content and got.content.startswith(b"%PDF-")
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["content-disposition"].startswith('attachment; filename="Bao-cao-tong-ket-2026.pdf"')
    assert got.headers["x-content-type-options"] == "nosniff" and "sandbox" in got.headers["content-security-policy"]
    assert client.get(url, headers=basic("huyen1", "mat-khau-huyen-1")).status_code == 403
    assert client.get(url).status_code == 401
    assert client.get("/admin/board/files/999", headers=basic("huyen1", "mat-khau-huyen-1")).status_code == 403
    stored = list((Path(_board(client).reminders.settings.data_dir) / "submission-files").rglob("*"))
    assert any(p.name.endswith(".pdf.bin") for p in stored)  # never under its own name, never .pdf


def test_files_are_checked_and_limited(client: TestClient) -> None:
    token = _submitted_token(client)
    bad = _submit(client, token, "bao-cao.pdf", b"MZ\x90\x00 not a pdf")
    assert bad.status_code == 422 and "Chỉ nhận tệp PDF, Word (DOCX)" in bad.text  # type: ignore[attr-defined]
    big = _submit(client, token, "lon.pdf", b"%PDF-" + b"0" * 300_000)
    assert big.status_code == 413  # type: ignore[attr-defined]
    for name, data in (("a.docx", docx()), ("b.xlsx", xlsx())):
        assert _submit(client, token, name, data).status_code == 200  # type: ignore[attr-defined]
    third = _submit(client, token, "c.odt", odt())
    assert third.status_code == 422 and "đủ 2 tệp" in third.text  # type: ignore[attr-defined]
    assert _submit(client, token, "c.odt", odt(), deadline="dang-ky-thi-dua").status_code == 200  # type: ignore[attr-defined]
    foreign = client.post("/don-vi/nop", data={"token": token, "deadline": "x"},
                          files={"file": ("a.pdf", pdf(), "application/pdf")},
                          headers={"Origin": "https://trang-khac.example.org"})
    assert foreign.status_code == 403


def test_the_personal_feed_says_done_and_the_extended_date_and_can_be_revoked(client: TestClient) -> None:
    board = _board(client)
    feed_url = _units(client).feed_link(UNIT).removeprefix(BASE)
    page = client.get(f"/don-vi?token={_submitted_token(client)}").text
    assert f'href="webcal://lich.example.vn{feed_url}"' in page
    board.extend(CAMPAIGN, REPORT, UNIT, date(2026, 12, 12), "", ADMIN, NOW)
    events = {str(e["SUMMARY"]): e for e in icalendar.Calendar.from_ical(client.get(feed_url).content).walk("VEVENT")}
    report = events["Hạn chót: Báo cáo tổng kết phong trào thi đua năm 2026"]
    assert report.decoded("DTSTART") == date(2026, 12, 12)
    assert "được gia hạn đến hết ngày 12/12/2026" in str(report["DESCRIPTION"])
    board.receive(CAMPAIGN, REPORT, UNIT, B.How.PAPER, "", ADMIN, NOW)
    summaries = {str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(client.get(feed_url).content).walk("VEVENT")}
    assert "✓ Đã nộp – Hạn chót: Báo cáo tổng kết phong trào thi đua năm 2026" in summaries
    assert "Hạn chót: Đăng ký thi đua năm 2026" in summaries
    token = _submitted_token(client)
    renewed = client.post("/don-vi/lich-moi", data={"token": token}, headers=ORIGIN)
    assert "Đã tạo liên kết lịch mới" in renewed.text
    assert client.get(feed_url).status_code == 403
    assert client.get(_units(client).feed_link(UNIT).removeprefix(BASE)).status_code == 200
