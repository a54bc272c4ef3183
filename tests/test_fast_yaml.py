"""libyaml's fast path reads calendars exactly as the careful reader does, or leaves them to it.

Every shipped calendar and every fixture (broken ones included) is read both
ways and compared: model, positions, diagnostics. Clean files must take the
fast path; anything unusual must not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.core import fast_yaml
from scheduler.core.loaded import LoadedFile
from scheduler.core.loader import load_file
from scheduler.live import parsing
from tests.conftest import CALENDARS, FIXTURES

FILES = sorted(CALENDARS.glob("*.yaml")) + sorted(p for p in FIXTURES.rglob("*.yaml") if CALENDARS not in p.parents)


def _same(a: LoadedFile, b: LoadedFile) -> bool:
    return (a.model, a.positions, a.key_positions, a.diagnostics, a.index_map) == (
        b.model, b.positions, b.key_positions, b.diagnostics, b.index_map)


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(p.parents[1])) for p in FILES])
def test_fast_and_careful_readers_agree(path: Path) -> None:
    assert _same(parsing.read_calendar(path), load_file(path))


def test_the_shipped_calendars_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def careful(path: Path, display: str | None = None) -> LoadedFile:
        raise AssertionError(f"{path} went to the careful reader")

    monkeypatch.setattr(parsing, "load_file", careful)
    for path in sorted(CALENDARS.glob("*.yaml")):
        assert parsing.read_calendar(path).ok


@pytest.mark.parametrize("value", ["no", "08:30", "010", "1.5", "2024-02-21", "!!binary eA==", "0x1F", "*a", "Yes"])
def test_values_that_need_judging_are_left_to_the_careful_reader(tmp_path: Path, value: str) -> None:
    text = f"id: a\ntitle: &a A\nyear: {value}\n"
    with pytest.raises(fast_yaml.Unusual):
        fast_yaml.plain(text, LoadedFile(path=tmp_path / "a.yaml", display="a.yaml"))


@pytest.mark.parametrize("text", ["", "# chỉ có chú thích\n", "- a\n", "id: a\nid: b\n", "a: [1\n", "<<: {a: 1}\n"])
def test_documents_that_need_judging_are_left_to_the_careful_reader(tmp_path: Path, text: str) -> None:
    with pytest.raises(fast_yaml.Unusual):
        fast_yaml.plain(text, LoadedFile(path=tmp_path / "a.yaml", display="a.yaml"))
