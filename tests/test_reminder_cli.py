"""`lichthidua remind preview | send-due | status`, in-process, on a private copy of the calendars."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CliRun


def test_preview_shows_the_day_and_sends_nothing(calendars_dir: Path, cli: Callable[..., CliRun]) -> None:
    result = cli("remind", "preview", "--on", "21/6/2024", "--now", "2024-06-01T00:00")
    assert result.exit_code == 0, result.output
    assert "Nhắc hạn ngày 21/06/2024: 4 email, 3 đơn vị / người nhận" in result.stdout
    assert "(đã dời)" in result.stdout and "thêm --rows" in result.stdout  # a summary by default
    rows = cli("remind", "preview", "--on", "21/6/2024", "--now", "2024-06-01T00:00", "--rows")
    assert "dời từ 23/06" in rows.stdout.replace("\n", " ").replace("│", " ") or "dời" in rows.stdout
    assert "@" in rows.stdout  # one line per email
    assert not (calendars_dir.parent / "var" / "outbox").exists()
    empty = cli("remind", "preview", "--on", "2024-06-22", "--now", "2024-06-01T00:00")
    assert "Không có email nhắc nào vào ngày 22/06/2024" in empty.stdout


def test_preview_of_a_past_day_plans_as_of_that_day(calendars_dir: Path, cli: Callable[..., CliRun]) -> None:
    """Without --now, "what goes out on 21/6/2024" is planned as of that morning, not as of today."""
    result = cli("remind", "preview", "--on", "21/6/2024")
    assert result.exit_code == 0, result.output
    assert "Nhắc hạn ngày 21/06/2024: 4 email" in result.stdout


def test_send_due_writes_outbox_once_then_status(calendars_dir: Path, cli: Callable[..., CliRun]) -> None:
    result = cli("remind", "send-due", "--now", "2024-06-21T08:30:00+07:00")
    assert result.exit_code == 0, result.output
    assert "Đã gửi 4 lời nhắc (4 email)" in result.stdout
    outbox = calendars_dir.parent / "var" / "outbox"
    files = sorted(outbox.glob("*.eml"))
    assert len(files) == 4
    msg = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert msg["Subject"].startswith("[Nhắc hạn]")
    again = cli("remind", "send-due", "--now", "2024-06-21T09:00:00+07:00")
    assert "Đã gửi 0 lời nhắc" in again.stdout and len(list(outbox.glob("*.eml"))) == 4
    status = cli("remind", "status")
    assert status.exit_code == 0 and "đã gửi: 4" in status.stdout and "bỏ lỡ: 8" in status.stdout


def test_bad_options_exit_64_in_vietnamese(calendars_dir: Path, cli: Callable[..., CliRun]) -> None:
    result = cli("remind", "send-due", "--now", "hôm qua")
    assert result.exit_code == 64 and "Thời điểm không hợp lệ" in result.stderr
    result = cli("remind", "preview", "--on", "31/2/2024")
    assert result.exit_code == 64 and "--on: '31/2/2024' không phải một ngày" in result.stderr


def test_status_shows_titles_and_fits_80_columns(calendars_dir: Path, cli: Callable[..., CliRun],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli("remind", "send-due", "--now", "2024-06-21T08:30:00+07:00").exit_code == 0
    monkeypatch.setenv("COLUMNS", "80")
    status = cli("remind", "status")
    assert status.exit_code == 0
    lines = status.stdout.splitlines()
    assert lines and max(len(line) for line in lines) <= 80
    assert "@lichthidua" not in status.stdout  # titles, not UIDs
    flat = " ".join(line.strip("│ ").replace("│", " ") for line in lines)
    assert "Báo cáo" in flat and "bỏ lỡ" in status.stdout


def test_status_says_which_endpoints_are_paused(calendars_dir: Path, cli: Callable[..., CliRun]) -> None:
    """The breaker of a dead webhook, as the channels keep it in the data folder, in Vietnamese and Vietnam time."""
    from datetime import UTC, datetime, timedelta

    from notifiers.endpoint_health import HEALTH_FILE, EndpointState, Health

    assert "đang lỗi" not in cli("remind", "status").stdout
    var = calendars_dir.parent / "var"
    var.mkdir(exist_ok=True)
    health = Health(var / HEALTH_FILE)
    now = datetime.now(UTC)
    health.states["webhook:cd-so-y-te"] = EndpointState(3, now + timedelta(days=1), "Máy nhận trả lời 500", now)
    health.save(["webhook:cd-so-y-te"])
    status = cli("remind", "status")
    assert status.exit_code == 0
    flat = " ".join(status.stdout.split())
    assert "Điểm nhận webhook, chat đang lỗi" in flat
    assert "webhook:cd-so-y-te: tạm ngừng gửi đến" in flat and "sau 3 lần thất bại liên tiếp: Máy nhận trả lời 500" in flat


@pytest.mark.parametrize("url", ["https://[bad/x", "https://chat.example.vn:99999/hook", "https://chat.example.vn/a b",
                                 "http://chat.example.vn/hook", "https://10.0.0.5/hook"])
def test_a_bad_webhook_url_is_refused_by_check_and_breaks_nothing(calendars_dir: Path, cli: Callable[..., CliRun],
                                                                 url: str) -> None:
    (calendars_dir / "recipients" / "hong.yaml").write_text(
        "groups:\n  - id: nhom-hong\n    name: Nhóm có webhook sai\n    units:\n      - id: don-vi-hong\n"
        f"        name: Đơn vị hỏng\n        webhook: {{url: \"{url}\", secret_env: LICHTHIDUA_WEBHOOK_HONG}}\n",
        encoding="utf-8")
    check = cli("check")
    assert check.exit_code == 65 and "Traceback" not in check.output
    assert "recipients/hong.yaml:7:" in check.stderr and "Địa chỉ webhook không dùng được" in check.stderr
    for args in (("remind", "preview", "--on", "21/6/2024"), ("remind", "send-due", "--now", "2024-06-21T08:30:00+07:00")):
        result = cli(*args)  # (the fixture fails the test on any exception but an exit code)
        assert result.exit_code in (0, 65, 75) and "Traceback" not in result.output
