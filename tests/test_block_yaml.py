"""The line reader of plain block YAML gives exactly libyaml's data and positions, or leaves the file to it.

Every shipped calendar and recipients file, every fixture and a set of
crafted documents are read both ways: when the line reader accepts a
document, its data, value positions and key positions must equal
:func:`scheduler.core.fast_yaml.plain`'s; documents it must not judge raise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scheduler.core import block_yaml, fast_yaml
from scheduler.core.bounds import Limits
from scheduler.core.loaded import LoadedFile
from tests.conftest import CALENDARS, FIXTURES

FILES = sorted(CALENDARS.rglob("*.yaml")) + sorted(p for p in FIXTURES.rglob("*.yaml") if CALENDARS not in p.parents)
LIMITS = Limits(items=10**9)

CRAFTED = [
    "groups:\n  - id: a\n    name: Công đoàn cơ sở số 1\n    units:\n      - id: u1\n        name: Đơn vị\n"
    "        emails: [a@x.vn, b@x.vn]\n",
    "groups:\n- id: a\n  units:\n  - id: u1\n    emails:\n    - a@x.vn\n    - b@x.vn\n  - id: u2\n    emails: c@x.vn\n",
    "# đầu tệp\ngroups:   # chú thích\n  -   id: a   # mã\n      name: 'Nhóm A'\n"
    "      description: \"Mô tả # không phải chú thích\"\n      units: []\n",
    "groups:\n  - id: a\n    name: Tên, có dấu phẩy và [ngoặc]\n    units:\n      - id: u\n        name: a#b\n"
    "        emails: [ Công@x.vn ,đoàn@x.vn]\n",
    "groups:\n  -\n    id: a\n    name: Nhóm\n",
    "a: 1\nb: true\nc: ~\nd: -1\ne: x\nf: -a\ng: [-1, -b, 2]\n",
    "a:\n  b:\n    c: [1, 2, 3]\n  d: e\n",
    "a: [a, b] # chú thích\nb: 'x' # y\n",
    "items:\n  - x\n  - 'y'\n  - \"z\"\n",
    "a: b\n\n\n   \nc: d\n",
]

UNUSUAL = [
    "a: yes\n", "a: no\n", "a: 08:30\n", "a: 1.5\n", "a: 2024-02-21\n", "a: &x b\n", "a: *x\n", "a: !!str b\n",
    "a: 'it''s'\n", "a: \"b\\nc\"\n", "a: {b: c}\n", "a:\n", "a: b\n  c\n", "a: b: c\n", "a: [b, [c]]\n",
    "a: [b,\n  c]\n", "---\na: b\n", "a: b\na: c\n", "on: b\n", "- a\n", "a: |\n  b\n", "a: >\n  b\n",
    "a: 'b\n  c'\n", "a:\n- b\n -c\n", "a: b\r\nc: d\r\n", "a: 010\n", "a: 0x1F\n", "a: [a, ]\n", "a: ? b\n",
    "a: -\n", "a:\n  - - b\n", "a: b:\n", " a: b\n",
]


def _both(text: str) -> tuple[Any, LoadedFile, Any, LoadedFile]:
    fast, block = LoadedFile(Path("a.yaml"), "a.yaml"), LoadedFile(Path("a.yaml"), "a.yaml")
    try:
        expected: Any = fast_yaml.plain(text, fast, LIMITS)
    except fast_yaml.Unusual:
        expected = fast_yaml.Unusual
    try:
        got: Any = block_yaml.plain(text, block, LIMITS)
    except fast_yaml.Unusual:
        got = fast_yaml.Unusual
    return expected, fast, got, block


def _agree(text: str) -> bool:
    """True when the line reader accepted the document (and then agrees with libyaml in every respect)."""
    expected, fast, got, block = _both(text)
    if got is fast_yaml.Unusual:
        assert not block.positions and not block.key_positions  # nothing recorded
        return False
    assert got == expected
    assert type(got) is type(expected)
    assert block.positions == fast.positions
    assert block.key_positions == fast.key_positions
    return True


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(p.parents[1])) for p in FILES])
def test_files_read_the_same(path: Path) -> None:
    raw = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return
    _agree(text)


@pytest.mark.parametrize("text", CRAFTED)
def test_plain_documents_take_the_line_reader(text: str) -> None:
    assert _agree(text)


@pytest.mark.parametrize("text", UNUSUAL)
def test_documents_that_need_judging_are_left_to_libyaml(text: str) -> None:
    _, _, got, _ = _both(text)
    assert got is fast_yaml.Unusual


def test_the_shipped_recipients_take_the_line_reader() -> None:
    for path in sorted((CALENDARS / "recipients").glob("*.yaml")):
        assert _agree(path.read_text(encoding="utf-8")), path


def test_a_generated_list_takes_the_line_reader() -> None:
    units = "".join(f"      - id: don-vi-{i:06d}\n        name: \"Công đoàn cơ sở số {i}\"\n"
                    f"        emails: [cd{i}@vi-du.vn, vp{i}@vi-du.vn]\n        parent: ldld-{i % 7}\n"
                    for i in range(500))
    assert _agree(f"groups:\n  - id: g\n    name: Nhóm\n    parent: ldld\n    units:\n{units}")
