"""Papercuts a user hit (issue 20), each as the user met it: the command, its message, its exit code."""

from __future__ import annotations

import html
import logging
import os
import re
import socket
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from web_support import ROOT, Clock, copy_calendars, process_env, settings_for

from tests.conftest import CliRun

LICHTHIDUA = ROOT / ".venv" / "bin" / "lichthidua"
UID = "kon-tum-2024.deadline.bao-cao-6-thang.2024@lichthidua"
TITLE = "Báo cáo kết quả triển khai thực hiện 6 tháng đầu năm"


# --- output files: export, schema, import, new ---------------------------------------------------


@pytest.mark.parametrize("command", [
    ("export", "kon-tum-2024"),
    ("schema",),
    ("import", "tests/plans/kon-tum-2024.txt"),
])
def test_an_output_in_a_missing_folder_or_onto_a_folder_is_exit_73(
        command: tuple[str, ...], calendars_dir: Path, cli: Callable[..., CliRun]) -> None:
    (calendars_dir.parent / "tests").symlink_to(ROOT / "tests")
    name = "kon-tum-2024.yaml" if command[0] == "import" else "x.ics"
    missing = cli(*command, "-o", f"/no/such/dir/{name}")
    assert missing.exit_code == 73, missing.output
    assert "không có thư mục /no/such/dir" in missing.stderr and "Tạo thư mục" in missing.stderr
    folder = calendars_dir.parent / "ra"
    folder.mkdir()
    onto = cli(*command, "-o", folder)
    assert onto.exit_code == 73, onto.output
    assert "đây là một thư mục, không phải tệp" in onto.stderr
    assert list(folder.iterdir()) == [] and not list(calendars_dir.parent.glob("*.tmp"))
    assert not list(calendars_dir.parent.glob(".*.tmp"))


def test_export_onto_a_folder_as_a_real_process(tmp_path: Path) -> None:
    """The installed command: Vietnamese message, exit 73 reaching the shell, no traceback, no `<dir>.tmp`."""
    copy_calendars(tmp_path)
    (tmp_path / "ra").mkdir()
    env = process_env(tmp_path, calendars_dir=str(tmp_path / "calendars"))
    for target in ("ra", "/no/such/dir/x.ics"):
        done = subprocess.run([str(LICHTHIDUA), "export", "kon-tum-2024", "-o", target], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 73 and done.stderr.startswith("Lỗi: -o "), done.stderr
        assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["calendars", "ra"]


def test_new_onto_a_folder_with_force_leaves_nothing(calendars_dir: Path, cli: Callable[..., CliRun]) -> None:
    folder = calendars_dir / "kon-tum-2027.yaml"
    folder.mkdir()
    run = cli("new", "kon-tum-2027", "--from", "kon-tum-2024", "--force")
    assert run.exit_code == 73 and "đây là một thư mục" in run.stderr
    assert not [p for p in calendars_dir.iterdir() if p.name.endswith(".tmp")]


# --- a data folder that is a file -----------------------------------------------------------------


@pytest.mark.parametrize("data_dir", ["tep", "tep/con"])
@pytest.mark.parametrize("command", [("remind", "status"), ("remind", "preview", "--on", "21/6/2024"),
                                     ("serve", "--get", "/healthz")])
def test_a_data_dir_that_is_a_file_is_exit_78(data_dir: str, command: tuple[str, ...], calendars_dir: Path,
                                               cli: Callable[..., CliRun], monkeypatch: pytest.MonkeyPatch) -> None:
    (calendars_dir.parent / "tep").write_text("không phải thư mục\n", encoding="utf-8")
    monkeypatch.setenv("LICHTHIDUA_DATA_DIR", data_dir)
    run = cli(*command)
    assert run.exit_code == 78, run.output
    assert "tep là một tệp, không phải thư mục" in run.stderr and "LICHTHIDUA_DATA_DIR" in run.stderr


# --- titles, not UIDs; webhooks counted as webhooks -------------------------------------------------


def test_preview_shows_titles_readable_at_100_columns(calendars_dir: Path, cli: Callable[..., CliRun],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    for extra in ((), ("--rows",)):
        run = cli("remind", "preview", "--on", "21/6/2024", *extra)
        assert run.exit_code == 0, run.output
        assert UID not in run.stdout and "lichthidua" not in run.stdout.replace("\n", "")
        cells = " ".join(" ".join(c.strip() for c in line.split("│")) for line in run.stdout.splitlines())
        assert all(word in cells for word in TITLE.split())
        assert max(len(line) for line in run.stdout.splitlines()) <= 100
    assert "…" not in cli("remind", "preview", "--on", "21/6/2024", "--rows").stdout  # folded, never cut
    monkeypatch.setenv("COLUMNS", "200")
    assert "vanphong.giaoduc@kontum.example.org" in cli("remind", "preview", "--on", "21/6/2024", "--rows").stdout


def test_preview_counts_a_webhook_as_a_webhook(calendars_dir: Path, cli: Callable[..., CliRun],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    recipients = calendars_dir / "recipients" / "kon-tum.yaml"
    text = recipients.read_text(encoding="utf-8")
    text = text.replace("        emails: [vienchuc@kontum.example.org]\n",
                        "        emails: [vienchuc@kontum.example.org]\n        webhook:\n"
                        "          url: http://127.0.0.1:9/hook\n          secret_env: LICHTHIDUA_WEBHOOK_THU\n", 1)
    recipients.write_text(text, encoding="utf-8")
    monkeypatch.setenv("LICHTHIDUA_WEBHOOK_THU", "bí mật")
    monkeypatch.setenv("LICHTHIDUA_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")  # a loopback endpoint must be listed
    monkeypatch.setenv("COLUMNS", "120")
    run = cli("remind", "preview", "--on", "21/6/2024")
    assert run.exit_code == 0, run.output
    assert "Nhắc hạn ngày 21/06/2024: 4 email, 1 webhook, 3 đơn vị / người nhận" in run.stdout
    header = next(line for line in run.stdout.splitlines() if "Hạn chót" in line)
    assert "Webhook" in header
    row = next(line for line in run.stdout.splitlines() if line.startswith("│ 08:00"))
    assert [c.strip() for c in row.split("│")][-3:-1] == ["4", "1"]


def test_admin_tables_show_titles(tmp_path: Path) -> None:
    from notifiers.outbox import OutboxTransport
    from scheduler.reminders.ledger import Outcome, Status
    from scheduler.web.app import create_app
    from scheduler.web.reminder_routes import reminder_extension

    settings = settings_for(tmp_path, copy_calendars(tmp_path))
    app = create_app(settings, clock=Clock(), watch=False,
                     extensions=[reminder_extension(settings, transport=OutboxTransport(tmp_path / "outbox"),
                                                    jobs=False)])
    with TestClient(app, client=("127.0.0.1", 50000)) as client:
        store = client.app.state.reminders.store  # type: ignore[attr-defined]
        rows = [r for r in store.rows(statuses=[Status.PENDING], limit=500) if r.occurrence_uid == UID]
        now = datetime(2024, 6, 21, 1, 0, tzinfo=UTC)
        claimed = store.claim_due(datetime(2030, 1, 1, tzinfo=UTC), "t:1", limit=500, lease=timedelta(minutes=5),
                                  wall=now)
        failed = next(r for r in claimed if r.occurrence_uid == UID)
        store.mark([Outcome(failed.id, failed.claimed_by or "", Status.FAILED, error="550 5.1.1 không có")], now=now)
        store.record_submission(UID, rows[0].party_key, now)
        page = html.unescape(client.get("/admin").text)
    cells = re.findall(r"<td>([^<]*)</td>", page)
    assert UID not in cells  # kept only as a tooltip
    for section in ("loi-gui", "nhac-han", "da-nop"):
        part = page[page.index(f'id="{section}"'):]
        part = part[: part.index("</section>")]
        assert TITLE in part, section


# --- serve: a port in use, logs an admin reads ----------------------------------------------------------


def test_serve_on_a_port_in_use_says_so_before_loading(tmp_path: Path) -> None:
    copy_calendars(tmp_path)
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        env = process_env(tmp_path, calendars_dir=str(tmp_path / "calendars"), data_dir=str(tmp_path / "var"))
        done = subprocess.run([str(LICHTHIDUA), "serve", "--port", str(port)], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120, check=False)
    finally:
        taken.close()
    assert done.returncode == 78, done.stderr
    assert f"Cổng {port} trên 127.0.0.1 đang được một chương trình khác dùng" in done.stderr
    assert "--port" in done.stderr and "LICHTHIDUA_PORT" in done.stderr
    assert "Errno" not in done.stderr and "Traceback" not in done.stderr
    assert "Đã nạp" not in done.stderr and not (tmp_path / "var").exists()  # nothing was loaded


def test_log_lines_say_their_time_zone_and_libraries_keep_quiet(capsys: pytest.CaptureFixture[str]) -> None:
    from scheduler.cli.serve import configure_logging

    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        configure_logging("info")
        logging.getLogger("lichthidua.web").info("Đã nạp %d lịch", 2)
        logging.getLogger("watchfiles.main").info("2 changes detected")
        logging.getLogger("alembic.runtime.migration").info("Context impl SQLiteImpl.")
        err = capsys.readouterr().err
    finally:
        root.handlers[:], _ = saved[0], root.setLevel(saved[1])
        for name in ("watchfiles", "alembic", "uvicorn", "uvicorn.error", "uvicorn.access", "apscheduler"):
            logging.getLogger(name).setLevel(logging.NOTSET)
    (line,) = err.splitlines()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+07 thông tin: Đã nạp 2 lịch", line), line


def test_the_documented_log_lines_have_the_shape_serve_writes() -> None:
    text = (ROOT / "docs" / "van-hanh.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"^```text\n(.*?)^```", text, flags=re.S | re.M) if "Đã nạp" in b]
    for line in block.splitlines():
        assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+07 thông tin: ", line), line
    source = (ROOT / "scheduler" / "web" / "app.py").read_text(encoding="utf-8")
    assert 'log.info("Đã nạp %d lịch: %s"' in source
    assert re.search(r"thông tin: Đã nạp \d+ lịch: cao-bang-2017, ha-noi-2024, …", block)


# --- help and settings -----------------------------------------------------------------------------


def _help_commands() -> list[tuple[str, ...]]:
    import typer.main

    from scheduler.cli import app

    group = typer.main.get_command(app)
    found: list[tuple[str, ...]] = [()]
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        found.append((name,))
        for sub in getattr(command, "commands", {}):
            found.append((name, sub))
    return found


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_help_shows_no_python_type_names(lang: str, cli: Callable[..., CliRun],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from scheduler.cli import language

    monkeypatch.setenv("COLUMNS", "120")
    language.use(lang)
    try:
        for command in _help_commands():
            out = cli(*command, "--help").stdout
            for english in ("<str>", "<bool>", "<int>", "<float>", "<path>", "list["):
                assert english not in out, (command, english)
            usage = next(line for line in out.splitlines() if "lichthidua" in line)
            assert "{" not in usage, usage
    finally:
        language.use("vi")
    usage = cli("new", "--help").stdout
    assert "Cách dùng: lichthidua new [TÙY_CHỌN] MÃ_MỚI" in usage and "<chữ>" in usage and "<số>" in usage
    assert "ĐƯỜNG_DẪN" in cli("check", "--help").stdout


@pytest.mark.parametrize("columns", ["80", "100", "400"])
def test_settings_prints_whole_variable_names_and_vietnamese_booleans(columns: str, cli: Callable[..., CliRun],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from scheduler.settings import settings_table

    monkeypatch.setenv("COLUMNS", columns)
    out = cli("settings").stdout
    words = set(re.findall(r"[A-Za-z_]+", out))
    for name, env, _, _ in settings_table():
        assert env in words and name in words, (columns, env)
    assert "False" not in out and "True" not in out and "None" not in out
    assert re.search(r"\bkhông\b", out) and re.search(r"\bcó\b", out)
    assert "…" not in out


def test_a_boolean_variable_takes_the_words_settings_shows() -> None:
    from scheduler.settings import load_settings

    for word, value in (("có", True), ("không", False), ("true", True), ("false", False)):
        loaded = load_settings(environ={"LICHTHIDUA_WATCH_POLLING": word}, config_file=Path("/khong-co.toml"))
        assert loaded.watch_polling is value, word


# --- check: a recipients file as a recipients file, a folder as itself ----------------------------------


def test_check_of_a_recipients_file_checks_it_as_one(calendars_dir: Path, cli: Callable[..., CliRun]) -> None:
    run = cli("check", "calendars/recipients/kon-tum.yaml")
    assert run.exit_code == 0, run.output
    assert "Đã kiểm tra 1 tệp: 0 lỗi, 0 cảnh báo." in run.output
    folder = cli("check", "calendars/recipients")
    assert folder.exit_code == 0, folder.output
    assert f"Đã kiểm tra {len(list((calendars_dir / 'recipients').glob('*.yaml')))} tệp: 0 lỗi" in folder.output
    both = cli("check", "calendars/recipients/kon-tum.yaml", "calendars/kon-tum-2024.yaml")
    assert both.exit_code == 0 and "Đã kiểm tra 2 tệp: 0 lỗi, 0 cảnh báo" in both.output  # notes may follow
    broken = calendars_dir.parent / "nguoi-nhan.yaml"  # outside recipients/: known by its `groups:`
    broken.write_text("groups:\n  - id: g\n    name: G\n    units:\n      - id: u\n        name: U\n"
                      "        email: [a@example.org]\n", encoding="utf-8")
    run = cli("check", broken)
    assert run.exit_code == 65
    assert "nguoi-nhan.yaml:7:9" in run.stderr and "Có phải ý bạn là 'emails'?" in run.stderr
    assert "Thiếu trường bắt buộc 'id'" not in run.stderr and "title" not in run.stderr


def test_check_of_a_folder_checks_that_folder_alone(calendars_dir: Path, cli: Callable[..., CliRun]) -> None:
    other = calendars_dir.parent / "khac"
    other.mkdir()
    (other / "rieng-2027.yaml").write_text("id: rieng-2027\ntitle: Riêng\nyear: 2027\nextends: [viet-nam]\n",
                                           encoding="utf-8")
    run = cli("check", other)
    assert run.exit_code == 65, run.output  # viet-nam is in calendars/, not in this folder
    assert "Đã kiểm tra 1 tệp" in run.output and "viet-nam" in run.stderr
    (other / "viet-nam.yaml").write_bytes((calendars_dir / "viet-nam.yaml").read_bytes())
    (calendars_dir / "hong-2027.yaml").write_text("id: hong-2027\nyear: abc\n", encoding="utf-8")
    run = cli("check", other)
    assert run.exit_code == 0, run.output
    assert "Đã kiểm tra 2 tệp: 0 lỗi" in run.output and "hong-2027" not in run.output


def test_papercuts_hold_as_a_real_process_too(tmp_path: Path) -> None:
    """help and settings through the installed command, at an ordinary terminal width."""
    env = process_env(tmp_path) | {"COLUMNS": "80"}
    done = subprocess.run([str(LICHTHIDUA), "settings"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0 and "LICHTHIDUA_MAX_RECIPIENTS_FILE_BYTES" in done.stdout
    assert os.linesep.join(done.stdout.splitlines()).count("False") == 0


# --- check: every problem in one round --------------------------------------------------------------

ONE_ROUND = """\
id: mot-vong-2024
titel: Thử
year: 2024
extends: [viet-nam]
phases:
  - id: dot-1
    start: 30/2/2024
    end: 31/7/2024
    celebrates:
      - cong-doan-viet-nam: 94
      - khong-co
  - id: dot-2
    name: Đợt 2
    start: 01/8/2024
    end: 31/12/2024
"""


def test_a_wrong_ordinal_comes_with_the_schema_errors_of_its_phase(empty_calendars_dir: Path,
                                                                   cli: Callable[..., CliRun]) -> None:
    """Not in two rounds: the ordinal of a phase whose date (or name) is wrong is checked against the span."""
    import json

    (empty_calendars_dir / "mot-vong-2024.yaml").write_text(ONE_ROUND, encoding="utf-8")
    run = cli("check", "calendars/mot-vong-2024.yaml", "--format", "json")
    assert run.exit_code == 65
    found = {(d["code"], d["path"], d["line"]) for d in json.loads(run.stdout)}
    assert ("ordinal.mismatch", "phases[0].celebrates[0]", 10) in found
    assert ("celebrates.unknown", "phases[0].celebrates[1]", 11) in found
    assert any(path == "phases[0].start" and line == 7 for _, path, line in found)
    fixed = ONE_ROUND.replace("titel", "title").replace("    start: 30/2/2024\n", "    name: Đợt 1\n    start: 01/01/2024\n")
    (empty_calendars_dir / "mot-vong-2024.yaml").write_text(fixed, encoding="utf-8")
    again = json.loads(cli("check", "calendars/mot-vong-2024.yaml", "--format", "json").stdout)
    assert {d["code"] for d in again} == {"ordinal.mismatch", "celebrates.unknown"}  # nothing new came up
