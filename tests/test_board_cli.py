"""`lichthidua remind board | received | extend | return | undo | nudge | staff`, in-process, on a province on disk."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from board_support import CAMPAIGN, REPORT, cdcs, district, write_province
from conftest import CliRun, isolate_settings
from openpyxl import load_workbook

AT = "2026-12-07T09:00"


@pytest.fixture
def province(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    calendars = write_province(tmp_path, districts=2, per_district=3, sections=1)
    isolate_settings(tmp_path, calendars, monkeypatch)
    return calendars


def test_board_table_csv_and_xlsx(province: Path, cli: Callable[..., CliRun], tmp_path: Path) -> None:
    r = cli("remind", "received", CAMPAIGN, REPORT, district(0), "--how", "paper", "--note", "CV 3", "--on",
            "28/11/2026", "--now", AT)
    assert r.exit_code == 0 and "thao tác số 1" in r.stdout, r.output
    r = cli("remind", "extend", CAMPAIGN, REPORT, cdcs(1, 1), "--until", "15/12/2026", "--now", AT)
    assert r.exit_code == 0, r.output
    table = cli("remind", "board", CAMPAIGN, "--deadline", REPORT, "--now", AT)
    assert table.exit_code == 0, table.output
    out = table.stdout
    assert "12 dòng" in out and "chưa nộp: 10" in out and "được gia hạn: 1" in out and "đã nộp: 1" in out
    assert "LĐLĐ huyện số 1" in out and "quá hạn 7" in out
    csv_run = cli("remind", "board", CAMPAIGN, "--deadline", REPORT, "--status", "da-nop,gia-han", "--format", "csv",
                  "--now", AT)
    assert csv_run.stdout_bytes.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(csv_run.stdout_bytes.decode("utf-8-sig"))))
    assert {(r["Mã đơn vị"], r["Tình trạng"], r["Ngày nộp"], r["Gia hạn đến"]) for r in rows} == {
        (district(0), "đã nộp", "28/11/2026", ""), (cdcs(1, 1), "được gia hạn", "", "15/12/2026")}
    target = tmp_path / "bang.xlsx"
    x = cli("remind", "board", CAMPAIGN, "--format", "xlsx", "-o", target, "--scope", district(1), "--now", AT)
    assert x.exit_code == 0, x.output
    sheet = load_workbook(target).active
    assert sheet.max_row == 1 + 2 * 5  # district 1's five units, both deadlines
    bad = cli("remind", "board", CAMPAIGN, "--status", "xong", "--now", AT)
    assert bad.exit_code == 64 and "Tình trạng không rõ: 'xong'" in bad.stderr
    missing = cli("remind", "board", CAMPAIGN, "--deadline", "khong-co", "--now", AT)
    assert missing.exit_code == 64 and "Các hạn được theo dõi: dang-ky-thi-dua, bao-cao-tong-ket" in missing.stderr


def test_actions_undo_and_nudge_once(province: Path, cli: Callable[..., CliRun]) -> None:
    r = cli("remind", "return", CAMPAIGN, REPORT, district(1), "--reason", "Thiếu số liệu", "--now", AT)
    assert r.exit_code == 64 and "chưa nộp hạn này" in r.stderr  # nothing submitted yet
    assert cli("remind", "received", CAMPAIGN, REPORT, district(1), "--now", AT).exit_code == 0
    r = cli("remind", "return", CAMPAIGN, REPORT, district(1), "--reason", "Thiếu số liệu", "--now", AT)
    assert r.exit_code == 0, r.output
    outbox = province.parent / "var" / "outbox"
    assert len(list(outbox.glob("*.eml"))) == 1
    assert cli("remind", "undo", "2", "--now", AT).exit_code == 0
    again = cli("remind", "undo", "2", "--now", AT)
    assert again.exit_code == 64 and "đã được hoàn tác rồi" in again.stderr
    first = cli("remind", "nudge", CAMPAIGN, REPORT, "--scope", district(0), "--now", AT)
    assert first.exit_code == 0 and "Đã nhắc 5 đơn vị chưa nộp." in first.stdout
    second = cli("remind", "nudge", CAMPAIGN, REPORT, "--scope", district(0), "--now", AT)
    assert "không gửi lại" in second.stdout
    assert len(list(outbox.glob("*.eml"))) == 1 + 5


def test_staff_accounts(province: Path, cli: Callable[..., CliRun]) -> None:
    from typer.testing import CliRunner

    from scheduler.cli import app
    from scheduler.passwords import verify_password
    from scheduler.reminders.actions import BoardStore
    from scheduler.settings import load_settings
    from scheduler.store.database import engine_from_settings

    runner = CliRunner()
    r = runner.invoke(app, ["remind", "staff", "add", "huyen0", "--scope", district(0), "--name", "Cán bộ huyện 0",
                            "--email", "canbo@tinh.example.org", "--password-stdin"], input="mat-khau-du-dai\n")
    assert r.exit_code == 0 and "Đã tạo tài khoản huyen0" in r.stdout, r.output
    engine = engine_from_settings(load_settings())
    account = BoardStore(engine).account("huyen0")
    engine.dispose()
    assert account is not None and account.scope == district(0) and account.password_hash.startswith("scrypt$")
    assert verify_password("mat-khau-du-dai", account.password_hash)
    listed = cli("remind", "staff", "list").stdout
    assert "huyen0" in listed and "LĐLĐ huyện số 0" in listed
    bad = runner.invoke(app, ["remind", "staff", "add", "x1", "--scope", "khong-co", "--password-stdin"],
                        input="mat-khau-du-dai\n")
    assert bad.exit_code == 64 and "không có đơn vị này" in bad.output
    short = runner.invoke(app, ["remind", "staff", "add", "x2", "--scope", "*", "--password-stdin"], input="ngan\n")
    assert short.exit_code == 64 and "ít nhất 10 ký tự" in short.output
    assert cli("remind", "staff", "disable", "huyen0").exit_code == 0
    assert "đã khóa" in cli("remind", "staff", "list").stdout
