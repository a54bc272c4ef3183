"""The `lichthidua` command line, in-process (typer's CliRunner) and twice as a real process.

Commands print what the core returns; these tests check the shell around it:
exit codes (0, 64 bad usage, 65 bad data, 66 not found), Vietnamese messages,
no traceback, and output a person or a program can read.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from web_support import process_env

from scheduler.core.dates import WEEKDAYS_VI
from scheduler.core.expand import Window, expand
from scheduler.core.model import CalendarFile, json_schema
from scheduler.live.catalog import load_catalog
from tests.conftest import CALENDARS, REPO

LICHTHIDUA = Path(sys.executable).parent / "lichthidua"


# --- check ------------------------------------------------------------------------------------


def test_check_json_on_the_seeds(calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    run = cli("check", "--format", "json")
    assert run.exit_code == 0
    warnings = json.loads(run.stdout)
    # Both are the plans' own open bounds, marked provisional: nothing is invented for them.
    assert sorted((w["code"], w["severity"]) for w in warnings if w["severity"] != "info") == [
        ("phase.launch_unknown", "warning"), ("phase.named_end", "warning")]
    # Notes, not warnings: deadlines whose last day is a day off (the rule of expand and lint-plan).
    assert {w["code"] for w in warnings if w["severity"] == "info"} <= {"deadline.day_off", "span.derived"}


def test_check_one_file_among_others(calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    run = cli("check", "calendars/kon-tum-2024.yaml")
    assert run.exit_code == 0
    # "trước 25/11" can be met until Sunday 24/11/2024: a note, as expand and lint-plan say it.
    assert "Đã kiểm tra 1 tệp: 0 lỗi, 0 cảnh báo, 1 ghi chú." in run.output
    assert "Ngày cuối để nộp (Chủ nhật 24/11/2024) là ngày nghỉ cuối tuần" in run.output


# --- expand -------------------------------------------------------------------------------------


def test_expand_table_speaks_vietnamese(calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    run = cli("expand", "kon-tum-2024")
    assert run.exit_code == 0, run.output
    out = run.stdout
    for header in ("Ngày", "Thứ", "Loại", "Sự kiện"):
        assert header in out
    # 10/02/2024 (Tết) is a Saturday, 19/05/2024 a Sunday.
    assert "Thứ Bảy" in out and "Chủ nhật" in out
    assert sum(out.count(day) for day in WEEKDAYS_VI) >= 30
    assert "(01/01/2024 – 31/12/2024)" in out  # the window: the campaign's span
    # "Sau mỗi đợt thi đua ... sơ, tổng kết": listed under its own heading, with the plan's words.
    assert "Chưa có ngày (văn bản không ghi ngày)" in out
    assert "Sau mỗi đợt thi đua" in out
    assert "★" in out  # milestones (70 năm Điện Biên Phủ)
    assert "⚠" in out  # the warning of the report due before Sunday 25/11
    for kind in ("Đợt", "Kỷ niệm", "Hoạt động", "Âm lịch", "Hạn chót", "Nghỉ lễ", "Ngày làm việc bù"):
        assert kind in out


def test_expand_json_is_the_core_output(calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    run = cli("expand", "kon-tum-2024", "--format", "json", "--from", "2024-05-01", "--to", "2024-05-31")
    assert run.exit_code == 0
    data = json.loads(run.stdout)
    cal = load_catalog(calendars_dir).get("kon-tum-2024")
    assert data == [e.to_json() for e in expand(cal, Window(date(2024, 5, 1), date(2024, 5, 31)))]
    assert {d["kind"] for d in data} == {"phase", "observance", "anniversary", "holiday", "workday"}  # Sat 4/5 is worked
    assert all(d["source"].startswith("calendars/") or d["source"].endswith("(lịch viet-nam)") for d in data)


def test_expand_a_file_by_path(calendars_dir: Path, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    draft = tmp_path / "nhap" / "quan-moi-2024.yaml"
    draft.parent.mkdir()
    draft.write_text("id: quan-moi-2024\ntitle: Bản nháp\nyear: 2024\nextends: [ha-noi-2024]\n", encoding="utf-8")
    run = cli("expand", draft, "--format", "json", "--from", "2024-10-10", "--to", "2024-10-10")
    assert run.exit_code == 0, run.output
    (event,) = json.loads(run.stdout)
    assert event["title"] == "Kỷ niệm 70 năm Ngày Giải phóng Thủ đô (10/10/1954 – 10/10/2024)"
    assert event["calendar"] == "quan-moi-2024"


def test_expand_unknown_calendar_suggests_a_close_one(calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    run = cli("expand", "kon-tum-2023")
    assert run.exit_code == 66
    assert "Không có lịch 'kon-tum-2023'" in run.stderr
    assert "Có phải ý bạn là 'kon-tum-2024'?" in run.stderr


def test_expand_a_broken_calendar_shows_its_errors(calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = calendars_dir / "kon-tum-2024.yaml"
    text = path.read_text(encoding="utf-8")
    line = text.splitlines().index("    end: 31/7/2024") + 1
    path.write_text(text.replace("end: 31/7/2024", "end: 31/2/2024"), encoding="utf-8")
    run = cli("expand", "kon-tum-2024")
    assert run.exit_code == 65
    assert f"calendars/kon-tum-2024.yaml:{line}:10: lỗi [phases[0].end]: Ngày không tồn tại: 31/2/2024" in run.stderr
    assert run.stdout == ""


# --- bad usage: exit 64, Vietnamese, no traceback ----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("expand", "kon-tum-2024", "--from", "2024-13-01"), "--from: '2024-13-01' không phải một ngày (ví dụ 28/7/2024"),
        (("expand", "kon-tum-2024", "--to", "31/2/2024"), "--to: '31/2/2024' không phải một ngày"),
        (("expand", "kon-tum-2024", "--to", "sau 1/2/2024"), "--to: 'sau 1/2/2024' không phải một ngày"),
        (("expand", "kon-tum-2024", "--from", "2024-12-01", "--to", "2024-01-01"),
         "Khoảng thời gian không hợp lệ: 1/1/2024 trước 1/12/2024"),
        (("export", "kon-tum-2024", "--alarm-days", "7,một"), "--alarm-days: '7,một' phải là các số nguyên"),
        (("lunar", "2024-02-30"), "'2024-02-30' không phải một ngày"),
        (("lunar", "2024"), "'2024' không phải một ngày"),
    ],
)
def test_bad_values_exit_64_in_vietnamese(calendars_dir: Path, cli, args: tuple[str, ...], message: str) -> None:  # type: ignore[no-untyped-def]
    run = cli(*args)
    assert run.exit_code == 64
    assert run.stderr.startswith("Lỗi: ")
    assert message in run.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("expand", "kon-tum-2024", "--bogus"), "Lỗi: không có tùy chọn --bogus"),
        (("check", "--lang", "fr"), "Lỗi: giá trị không hợp lệ cho --lang"),
        (("export",), "Lỗi: thiếu"),
        (("khong-co-lenh",), "Lỗi: "),
    ],
)
def test_bad_options_exit_64_in_vietnamese(calendars_dir: Path, cli, args: tuple[str, ...], message: str) -> None:  # type: ignore[no-untyped-def]
    run = cli(*args)
    assert run.exit_code == 64
    assert run.stderr.startswith(message)
    assert "--help" in run.stderr  # says where to look


# --- schema ---------------------------------------------------------------------------------------


def _schema(cli) -> dict:  # type: ignore[no-untyped-def,type-arg]
    run = cli("schema")
    assert run.exit_code == 0
    return json.loads(run.stdout)  # type: ignore[no-any-return]


def test_schema_is_a_json_schema_of_the_format(calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    schema = _schema(cli)
    assert schema == json.loads(json.dumps(json_schema()))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"id", "title"}
    assert set(schema["properties"]) == set(CalendarFile.model_fields)
    for section in ("Phase", "Deadline", "Commemoration", "Observance", "LunarDateItem", "OneOffEvent"):
        assert schema["$defs"][section]["additionalProperties"] is False
    # Descriptions are for admins: Vietnamese.
    assert "Mã định danh" in schema["$defs"]["Phase"]["properties"]["id"]["description"]
    # The Vietnamese wordings the loader accepts are valid in editors too.
    assert set(schema["$defs"]["Deadline"]["properties"]["due"]["enum"]) == {
        "before", "no_later_than", "trước", "chậm nhất"}
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    assert jsonschema_rs.meta.is_valid(schema)


def test_schema_to_a_file(calendars_dir: Path, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "lichthidua.schema.json"
    run = cli("schema", "-o", out)
    assert run.exit_code == 0 and run.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8")) == _schema(cli)


def _validation_errors(schema: dict, path: Path) -> list[str]:  # type: ignore[type-arg]
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return [f"{list(e.instance_path)}: {e.message}" for e in jsonschema_rs.validator_for(schema).iter_errors(data)]


@pytest.mark.parametrize("name", sorted(p.stem for p in CALENDARS.glob("*.yaml")))
def test_every_calendar_validates_against_the_schema(calendars_dir: Path, cli, name: str) -> None:  # type: ignore[no-untyped-def]
    """Editors check files with the schema: it must accept what the loader accepts (short forms included)."""
    assert _validation_errors(_schema(cli), CALENDARS / f"{name}.yaml") == []


def test_the_schema_rejects_what_the_loader_rejects(calendars_dir: Path, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: Bad Id\ntitel: x\nphases:\n  - id: dot-1\n    celebrates: [{a: 1, b: 2}]\n", encoding="utf-8")
    errors = _validation_errors(_schema(cli), bad)
    assert any("titel" in e for e in errors)
    assert any("celebrates" in e for e in errors)


# --- lunar, settings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("lunar", "2024-02-10"), "1/1/2024 âm lịch (năm Giáp Thìn)"),
        (("lunar", "2023-04-05"), "15/2 nhuận/2023 âm lịch (năm Quý Mão)"),
        (("lunar", "--to-solar", "2024-01-01"), "2024-02-10 (Thứ Bảy 10/02/2024)"),
        (("lunar", "--to-solar", "1/1/2030"), "2030-02-02 (Thứ Bảy 02/02/2030)"),
        (("lunar", "--to-solar", "2023-02-15L"), "2023-04-05 (Thứ Tư 05/04/2023)"),
        (("lunar", "--to-solar", "15/2/2023 nhuận"), "2023-04-05 (Thứ Tư 05/04/2023)"),
        (("lunar", "--to-solar", "10/3/2024"), "2024-04-18 (Thứ Năm 18/04/2024)"),
    ],
)
def test_lunar_both_ways(cli, args: tuple[str, ...], expected: str) -> None:  # type: ignore[no-untyped-def]
    run = cli(*args)
    assert run.exit_code == 0, run.output
    assert run.stdout.strip() == expected


def test_lunar_round_trip_through_the_cli(cli) -> None:  # type: ignore[no-untyped-def]
    shown = cli("lunar", "2033-12-22").stdout.strip()
    assert cli("lunar", "--to-solar", shown).stdout.startswith("2033-12-22 ")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2024-02-30L", "Năm âm lịch 2024 không có tháng 2 nhuận"),
        ("2024-13-01", "Tháng âm lịch phải từ 1 đến 12"),
        ("hôm qua", "Không đọc được ngày âm lịch"),
    ],
)
def test_lunar_dates_that_do_not_exist(cli, value: str, message: str) -> None:  # type: ignore[no-untyped-def]
    run = cli("lunar", "--to-solar", value)
    assert run.exit_code == 65
    assert message in run.stderr


def test_no_command_shows_help(cli) -> None:  # type: ignore[no-untyped-def]
    run = cli()
    assert "Lịch thi đua" in run.output
    for command in ("check", "expand", "export", "schema", "lunar", "settings"):
        assert command in run.output


# --- as a real process ---------------------------------------------------------------------------------


def _env(tmp_path: Path) -> dict[str, str]:
    return process_env(tmp_path, calendars_dir=str(CALENDARS)) | {"COLUMNS": "120"}


def test_real_process_expand_json(tmp_path: Path) -> None:
    done = subprocess.run(
        [LICHTHIDUA, "expand", "long-bien-2024", "--format", "json"],
        capture_output=True, cwd=REPO, env=_env(tmp_path), timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    events = json.loads(done.stdout.decode("utf-8"))
    assert "Kỷ niệm 70 năm Ngày Giải phóng Thủ đô (10/10/1954 – 10/10/2024)" in {e["title"] for e in events}


def test_real_process_error_is_plain_vietnamese(tmp_path: Path) -> None:
    done = subprocess.run(
        [LICHTHIDUA, "expand", "khong-co"],
        capture_output=True, cwd=REPO, env=_env(tmp_path), timeout=60, check=False,
    )
    assert done.returncode == 66
    assert done.stderr.decode("utf-8").startswith("Lỗi: Không có lịch 'khong-co'")
    assert b"Traceback" not in done.stderr


def test_real_process_settings_lists_every_setting_with_its_variable(tmp_path: Path) -> None:
    from scheduler.settings import ENV_PREFIX, Settings

    env = _env(tmp_path) | {"COLUMNS": "400"}  # one row per setting, nothing wrapped
    done = subprocess.run([LICHTHIDUA, "settings"], capture_output=True, cwd=tmp_path, env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode("utf-8")
    for header in ("Thiết lập", "Biến môi trường", "Mặc định", "Ý nghĩa"):
        assert header in out
    rows = {line.split("│")[1].strip(): line for line in out.splitlines() if line.startswith("│")}
    assert set(rows) == set(Settings.model_fields)
    for name, row in rows.items():
        assert f"{ENV_PREFIX}{name.upper()}" in row


# --- the command line's own words: Vietnamese, English on request ----------------------------------------


def _commands() -> list[tuple[str, ...]]:
    import typer.main

    from scheduler.cli import app

    found: list[tuple[str, ...]] = []

    def walk(command: object, path: tuple[str, ...]) -> None:
        found.append(path)
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return found


COMMANDS = _commands()
ENGLISH_WORDS = ("Usage", "Options", "Arguments", "Commands", "Show this message", "[required]", "[default:")


def test_every_command_is_worded_by_us() -> None:
    import typer.main

    from scheduler.cli import app
    from scheduler.cli.language import WordedCommand, WordedGroup

    assert len(COMMANDS) >= 10
    root = typer.main.get_command(app)
    for path in COMMANDS:
        command = root
        for name in path:
            command = command.commands[name]  # type: ignore[attr-defined]
        assert isinstance(command, (WordedCommand, WordedGroup)), path


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "lichthidua")
def test_help_is_vietnamese(cli, path: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    run = cli(*path, "--help")
    assert run.exit_code == 0
    assert "Cách dùng: lichthidua" in run.stdout and "Tùy chọn" in run.stdout
    assert "Hiện hướng dẫn này rồi thoát." in run.stdout
    for english in ENGLISH_WORDS:
        assert english not in run.stdout, english


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "lichthidua")
def test_usage_error_is_vietnamese(cli, path: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    run = cli(*path, "--khong-co")
    assert run.exit_code == 64
    assert run.stderr == f"Lỗi: không có tùy chọn --khong-co.\nXem: {' '.join(('lichthidua', *path))} --help\n"


def test_missing_argument_is_named(cli) -> None:  # type: ignore[no-untyped-def]
    run = cli("lunar")
    assert run.exit_code == 64
    assert run.stderr.startswith("Lỗi: thiếu đối số 'NGÀY'.")


def test_english_on_request(cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    run = cli("check", "--lang", "en", "--help")
    assert "Usage: lichthidua check [OPTIONS]" in run.stdout and "Options" in run.stdout
    assert cli("check", "--lang", "en", "--bogus").stderr.startswith("Error: no such option --bogus.")
    monkeypatch.setenv("LICHTHIDUA_LANG", "en")
    assert cli("lunar").stderr.startswith("Error: missing argument 'NGÀY'.")
    monkeypatch.delenv("LICHTHIDUA_LANG")
    assert "Cách dùng" in cli("check", "--help").stdout  # back to Vietnamese: nothing sticks


# --- a day a person types: day first as the plans write it, or ISO ---------------------------------


@pytest.mark.parametrize("typed", ["10/2/2024", "10.2.2024", "10-2-2024", "2024-02-10"])
def test_lunar_takes_day_first_and_iso(cli, typed: str) -> None:  # type: ignore[no-untyped-def]
    run = cli("lunar", typed)
    assert run.exit_code == 0, run.stderr
    assert run.stdout == cli("lunar", "2024-02-10").stdout and "1/1" in run.stdout


def test_expand_window_day_first(cli) -> None:  # type: ignore[no-untyped-def]
    day_first = cli("expand", "kon-tum-2024", "--from", "1/6/2024", "--to", "31/7/2024", "--format", "json")
    iso = cli("expand", "kon-tum-2024", "--from", "2024-06-01", "--to", "2024-07-31", "--format", "json")
    assert day_first.exit_code == 0 and day_first.stdout == iso.stdout
    events = json.loads(day_first.stdout)
    assert events and all(e["start"][:10] <= "2024-07-31" and (e.get("end") or e["start"])[:10] >= "2024-06-01" for e in events)


def test_expand_says_the_due_moment_as_everywhere_else(cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The CLI words a deadline's due moment with DeadlineInfo.due_words, like feeds, emails and pages."""
    monkeypatch.setenv("COLUMNS", "200")
    run = cli("expand", "kon-tum-2024")
    assert run.exit_code == 0
    assert "Hạn cuối: hết ngày 24/6/2024 (nộp trước 25/6/2024)" in run.stdout
