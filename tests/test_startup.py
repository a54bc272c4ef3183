"""A CLI that starts at once: calendar commands never import the database, web or mail stack.

Each command runs in a fresh interpreter (what an admin's shell does), and the
modules it loaded are read from ``sys.modules`` when it exits.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CALENDARS, REPO

# The heavy stacks: database, web, mail, scheduler. None is needed to read YAML or convert a date.
HEAVY = (
    "sqlalchemy", "sqlmodel", "psycopg", "alembic", "fastapi", "starlette", "uvicorn", "jinja2", "httpx",
    "aiosmtplib", "apscheduler", "watchfiles", "scheduler.store.database", "scheduler.web", "scheduler.reminders.service",
    "scheduler.reminders.ledger", "notifiers.mailer", "notifiers.smtp", "notifiers.outbox",
)

RUN = """
import atexit, json, sys
path = sys.argv[1]
def report():
    with open(path, "w") as out:
        json.dump(sorted(sys.modules), out)
atexit.register(report)
from scheduler.cli import main
sys.argv = ["lichthidua", *sys.argv[2:]]
main()
"""


def loaded_modules(tmp_path: Path, *args: str) -> list[str]:
    report = tmp_path / "modules.json"
    done = subprocess.run([sys.executable, "-c", RUN, str(report), *args], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(report.read_text())


def heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


@pytest.mark.parametrize(
    "args",
    [
        ("lunar", "2024-02-10"),
        ("lunar", "--to-solar", "2024-01-01"),
        ("check", str(CALENDARS / "kon-tum-2024.yaml"), "--calendars", str(CALENDARS)),
        ("expand", "kon-tum-2024", "--calendars", str(CALENDARS)),
    ],
    ids=["lunar", "lunar-to-solar", "check-file", "expand"],
)
def test_calendar_commands_import_no_database_web_or_mail_stack(tmp_path: Path, args: tuple[str, ...]) -> None:
    assert heavy(loaded_modules(tmp_path, *args)) == []


def test_lunar_needs_neither_yaml_nor_the_calendar_model(tmp_path: Path) -> None:
    modules = loaded_modules(tmp_path, "lunar", "2024-02-10")
    assert [m for m in modules if m.split(".")[0] in ("ruamel", "holidays") or m == "scheduler.core.model"] == []


def test_the_reminder_commands_still_reach_the_database(tmp_path: Path) -> None:
    """The lazy imports moved, they did not vanish: `remind --help` lists its commands."""
    done = subprocess.run([sys.executable, "-m", "scheduler.cli", "remind", "--help"], cwd=REPO,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "send-due" in done.stdout


def test_lunar_leaves_the_help_renderer_unloaded(tmp_path: Path) -> None:
    """typer's help renderer (rich, markdown-it) is a third of the CLI's start-up; only --help loads it."""
    modules = loaded_modules(tmp_path, "lunar", "2024-02-10")
    assert [m for m in modules if m in ("typer.rich_utils", "markdown_it", "rich.markdown")] == []


PLAIN_LUNAR = [
    ("lunar", "2024-02-10"),
    ("lunar", "10/2/2024"),
    ("lunar", "2023-04-05"),
    ("lunar", "--to-solar", "2024-01-01"),
    ("lunar", "2023-02-15L", "--to-solar"),
    ("lunar", "--to-solar", "15/2/2023 nhuận"),
]


@pytest.mark.parametrize("args", PLAIN_LUNAR, ids=" ".join)
def test_plain_lunar_is_answered_before_typer_loads_and_says_what_typer_says(tmp_path: Path, cli,  # type: ignore[no-untyped-def]
                                                                            args: tuple[str, ...]) -> None:
    """`lichthidua lunar DATE` needs neither click nor typer's pydantic adapters (0.1 s of start-up)."""
    report = tmp_path / "modules.json"
    done = subprocess.run([sys.executable, "-c", RUN, str(report), *args], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert [m for m in json.loads(report.read_text()) if m.split(".")[0] in ("typer", "click", "pydantic", "rich")] == []
    typer_run = cli(*args)
    assert (done.stdout, done.stderr, 0) == (typer_run.stdout, "", typer_run.exit_code)


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("lunar", "2024-13-10"), 64, "Lỗi: ngày: '2024-13-10' không phải một ngày"),
        (("lunar", "--to-solar", "2024-02-30L"), 65, "Lỗi: Năm âm lịch 2024 không có tháng 2 nhuận"),
        (("lunar",), 64, "thiếu đối số 'NGÀY'"),
        (("lunar", "--to-solar", "--to-solar", "2024-01-01"), 0, ""),
        (("lunar", "2024-02-10", "2024-02-11"), 64, "Lỗi:"),
        (("lunar", "--lang", "en", "2024-02-10"), 64, "Error:"),
        (("lunar", "--help"), 0, "Tùy chọn"),
    ],
    ids=["bad-date", "bad-lunar", "missing", "flag-twice", "two-values", "lang", "help"],
)
def test_everything_else_goes_to_the_typer_command(args: tuple[str, ...], code: int, words: str) -> None:
    """Help, errors and any form the quick path does not know keep typer's wording and exit codes."""
    done = subprocess.run([sys.executable, "-m", "scheduler.cli", *args], cwd=REPO, capture_output=True, text=True,
                          env={"COLUMNS": "100", "PATH": "/usr/bin:/bin"})
    assert done.returncode == code, done.stderr
    assert words in done.stdout + done.stderr


def test_help_is_worded_in_vietnamese_when_the_renderer_loads_late(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "scheduler.cli", "lunar", "--help"], cwd=REPO,
                          capture_output=True, text=True, env={"COLUMNS": "100", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert "Tùy chọn" in done.stdout and "Options" not in done.stdout
    english = subprocess.run([sys.executable, "-m", "scheduler.cli", "lunar", "--help"], cwd=REPO,
                             capture_output=True, text=True,
                             env={"COLUMNS": "100", "PATH": "/usr/bin:/bin", "LICHTHIDUA_LANG": "en"})
    assert "Options" in english.stdout and "Tùy chọn" not in english.stdout
