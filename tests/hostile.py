"""Hostile calendar files: each stops at a located error, none costs more than its bound.

Shared by tests/test_check.py (each diagnostic, located) and tests/test_fuzz.py
(the whole corpus at `check DIR`, `expand` and a live `serve`). The sizes are
the ones of issue 11's attack, where they took minutes and hundreds of MB.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Hostile:
    name: str  # file stem, also the calendar id
    data: bytes
    code: str  # the first error reported
    line: int
    column: int


def _text(name: str, body: str) -> bytes:
    return f"id: {name}\ntitle: Lịch {name}\n{body}".encode()


def _deadlines(n: int) -> str:
    return "year: 2024\ndeadlines:\n" + "".join(
        f"  - id: d{i}\n    title: Báo cáo {i}\n    date: 15/3/2024\n" for i in range(n))


CORPUS = [
    Hostile("tieu-de-ten", _text("tieu-de-ten", "year: 2024\ncommemorations:\n  - id: a\n    name: A\n"
                                 "    date: 1/1/2000\n    title: \"Tháng {ten} năm {year}\"\n"),
            "title.placeholder", 8, 12),
    Hostile("tieu-de-so", _text("tieu-de-so", "year: 2024\nphases:\n  - id: dot-1\n    name: Đợt 1\n"
                                "    start: 1/1/2024\n    end: 30/6/2024\n    title: \"{0} năm {year}\"\n"),
            "title.positional", 9, 12),
    Hostile("tieu-de-ngoac", _text("tieu-de-ngoac", "observances:\n  - id: a\n    name: A\n    start: 1/5\n"
                                   "    end: 31/5\n    title: \"{name} năm {year\"\n"),
            "title.braces", 8, 12),
    Hostile("tieu-de-thuoc-tinh", _text("tieu-de-thuoc-tinh", "lunar_dates:\n  - id: a\n    name: A\n"
                                        "    date: 1/1\n    title: \"{name.__class__.__mro__}\"\n"),
            "title.format_spec", 7, 12),
    Hostile("khoa-gop", _text("khoa-gop", "document:\n  <<: {title: A}\n"), "yaml.merge", 4, 3),
    Hostile("the-python", _text("the-python", "description: !!python/object/apply:os.system ['echo hi']\n"),
            "yaml.tag", 3, 14),
    Hostile("the-binary", b"id: the-binary\ntitle: !!binary aGVsbG8=\n", "yaml.tag", 2, 8),
    Hostile("bi-danh-chu", _text("bi-danh-chu", "description: &t chu\ntheme: *t\n"), "yaml.alias", 3, 14),
    Hostile("bi-danh-danh-sach", _text("bi-danh-danh-sach", "a: &l [1, 2]\nb: [*l, *l]\n"), "yaml.alias", 3, 4),
    Hostile("long-sau", _text("long-sau", "description: " + "[" * 3000 + "]" * 3000 + "\n"), "bounds.depth", 3, 29),
    Hostile("long-sau-khoi", _text("long-sau-khoi", "".join(" " * i + f"k{i}:\n" for i in range(200))),
            "bounds.depth", 19, 17),
    Hostile("qua-lon", _text("qua-lon", _deadlines(100_000)), "bounds.file_bytes", 1, 1),
    Hostile("qua-nhieu-muc", _text("qua-nhieu-muc", _deadlines(2_500)), "bounds.items", 6005, 5),
    Hostile("qua-nhieu-cha", _text("qua-nhieu-cha", "extends: [" + ", ".join(f"a{i}" for i in range(40)) + "]\n"),
            "bounds.extends", 3, 81),
    Hostile("cha-50000", _text("cha-50000", "extends: [" + ",".join(f"a{i}" for i in range(50_000)) + "]\n"),
            "bounds.items", 3, 10901),
    Hostile("khoa-trung", _text("khoa-trung", "year: 2024\ntitle: Lại\nyear: 2025\n"), "yaml.duplicate_key", 4, 1),
    Hostile("tai-lieu-kep", b"id: a\n---\nid: b\n", "yaml.syntax", 2, 1),
    Hostile("nhi-phan", b"\x00\x01\x02\xff", "encoding.not_utf8", 1, 4),
]
