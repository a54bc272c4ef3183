"""Shared fixtures: the tests' calendars, a private copy to edit, and the CLI in-process.

Tests never read the shipped `calendars/` folder: that is data, tested as data
(tests/test_shipped_calendars.py: every file checks, expands, serves). Their own
calendars are `tests/calendars/seed/` (the seed plans and models as the tests know
them, recipients included), `golden/` and `broken/`. `calendars_dir` copies the seed
folder (with `recipients/`) into `tmp_path`, makes `tmp_path` the working directory (so
messages show `calendars/kon-tum-2024.yaml:19`, as an admin sees them) and
points the settings at it through the environment, so no `config/` file of the
developer leaks in.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.core.campaign import Calendar
from scheduler.core.events import Event, EventKind
from scheduler.core.expand import Window, default_window, expand
from scheduler.live.catalog import Catalog, load_catalog

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SHIPPED = REPO / "calendars"  # the product's calendars: data, tested only as data
FIXTURES = TESTS / "calendars"  # seed/, golden/ and broken/ YAML, named after what they show
CALENDARS = FIXTURES / "seed"  # the tests' own copy of the seed plans and models, with recipients/
GOLDEN_CALENDARS = FIXTURES / "golden"
BROKEN_CALENDARS = FIXTURES / "broken"
SEED_IDS = ("lao-cai-2024", "kon-tum-2024", "cao-bang-2017", "ninh-thuan-2023", "ha-noi-2024", "long-bien-2024")
# Calendars written from real-world shapes the seeds lack (tests/test_plan_shapes.py).
MODEL_IDS = ("mau-giao-duc-2019-2020", "mau-giai-doan-2021-2025", "mau-tet-at-ty-2025")
# A fixed day for `default_window`; campaigns ignore it, the national calendar uses its year.
TODAY = date(2024, 3, 1)


@pytest.fixture(scope="session")
def seed_catalog() -> Catalog:
    """The tests' seed calendars, loaded once (read-only: Catalog values are frozen)."""
    return load_catalog(CALENDARS)


@pytest.fixture(scope="session")
def seed_events(seed_catalog: Catalog) -> Callable[[str], list[Event]]:
    """Events of a seed calendar over its default window (its year, plus the review after it)."""
    cache: dict[str, list[Event]] = {}

    def events(calendar_id: str) -> list[Event]:
        if calendar_id not in cache:
            cal = seed_catalog.get(calendar_id)
            cache[calendar_id] = expand(cal, default_window(cal, TODAY))
        return cache[calendar_id]

    return events


@pytest.fixture
def calendars_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the seed calendars at tmp_path/calendars, the working directory being tmp_path."""
    target = tmp_path / "calendars"
    shutil.copytree(CALENDARS, target)
    isolate_settings(tmp_path, target, monkeypatch)
    return target


@pytest.fixture
def empty_calendars_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp_path/calendars holding only the national calendar: room for one fixture file."""
    target = tmp_path / "calendars"
    target.mkdir()
    shutil.copy(CALENDARS / "viet-nam.yaml", target)
    isolate_settings(tmp_path, target, monkeypatch)
    return target


def isolate_settings(workdir: Path, calendars: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workdir)
    for name in [n for n in os.environ if n.startswith("LICHTHIDUA_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("LICHTHIDUA_CONFIG", str(workdir / "no-such-config.toml"))
    monkeypatch.setenv("LICHTHIDUA_CALENDARS_DIR", str(calendars))


@dataclass(frozen=True)
class CliRun:
    exit_code: int
    stdout: str
    stderr: str
    output: str  # both streams, interleaved as a terminal shows them
    stdout_bytes: bytes  # as written: click's `stdout` turns CRLF into LF


def _no_traceback(result: Result) -> None:
    # SystemExit is how typer reports an exit code; anything else escaped our error mapping.
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"command raised {result.exception!r}") from result.exception
    assert "Traceback" not in result.output


@pytest.fixture
def cli() -> Iterator[Callable[..., CliRun]]:
    """Run `lichthidua ARGS...` in-process; asserts it never ends in a traceback."""
    runner = CliRunner()

    def run(*args: str | Path) -> CliRun:
        result = runner.invoke(app, [str(a) for a in args], catch_exceptions=True)
        _no_traceback(result)
        return CliRun(result.exit_code, result.stdout, result.stderr, result.output, result.stdout_bytes)

    yield run


def by_uid(events: list[Event]) -> dict[str, Event]:
    return {e.uid: e for e in events}


def find(events: list[Event], kind: EventKind, item_id: str, *, year: int | None = None) -> list[Event]:
    return [e for e in events if e.kind is kind and e.item_id == item_id and (year is None or e.start.year == year)]


def one(events: list[Event], kind: EventKind, item_id: str, *, year: int | None = None) -> Event:
    found = find(events, kind, item_id, year=year)
    assert len(found) == 1, f"expected one {kind.value} {item_id!r}, got {[e.uid for e in found]}"
    return found[0]


def year_events(calendar: Calendar, year: int) -> list[Event]:
    return expand(calendar, Window.year(year))


def copy_fixture(name: str, calendars: Path, *, kind: str = "broken") -> Path:
    """Copy tests/calendars/<kind>/<name>.yaml into `calendars`, under the same name."""
    source = FIXTURES / kind / f"{name}.yaml"
    target = calendars / source.name
    shutil.copyfile(source, target)
    return target
