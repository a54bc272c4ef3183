"""The Ministry of Education's yearly frameworks (khung kế hoạch thời gian năm học), as data citing each decision.

The shipped file ``scheduler/core/data/nam-hoc.yaml`` lists, school year by school year, when the
first term and the year end ("kết thúc học kỳ I trước ngày X", "kết thúc năm học trước ngày Y")
and the decision that set them. An admin adds a framework published later by dropping a file of
the same shape into ``<calendars>/nam-hoc/`` (or naming one in ``LICHTHIDUA_SCHOOL_YEARS``); its
school years replace the shipped ones of the same years. Parsing is pure: text in, a
:class:`SchoolYearData` out, or a :class:`SchoolYearDataError` naming file, line and fix.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from scheduler.core.data_files import DataFile, DataFileError, load_yaml, read_sources
from scheduler.core.dates import vn_date

SHIPPED = Path(__file__).with_name("data") / "nam-hoc.yaml"
SHIPPED_NAME = "nam-hoc.yaml (kèm chương trình)"
TOP_FIELDS = ("version", "school_years")
FIELDS = ("opening", "semester1_end_before", "year_end_before", "decision", "amended_by", "sources",
          "verified", "note")
DECISION_FIELDS = ("number", "date", "issuer", "note")
_YEARS = re.compile(r"^\s*(\d{4})\s*[-–]\s*(\d{4})\s*$")
EXAMPLE = "2026-2027"


class SchoolYearDataError(DataFileError):
    """A school-year file that cannot be read: the message names the file, the line and the fix."""


@dataclass(frozen=True, slots=True)
class Framework:
    first_year: int
    semester1_end_before: date
    year_end_before: date
    decision: str  # "Quyết định 2269/QĐ-BGDĐT ngày 11/8/2025 của Bộ Giáo dục và Đào tạo"
    sources: tuple[str, ...]
    origin: str = ""  # the file that says so


@dataclass(frozen=True)
class SchoolYearData:
    frameworks: Mapping[int, Framework] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    digest: str = ""


def citation(raw: Mapping[str, Any], signed: date | None) -> str:
    number = raw.get("number")
    text = f"Quyết định {number}" if number else "Quyết định (chưa rõ số)"
    if signed is not None:
        text += f" ngày {vn_date(signed)}"
    return f"{text} của {raw.get('issuer') or 'Bộ Giáo dục và Đào tạo'}"


def _detail(path: tuple[str, ...]) -> str:
    return f", năm học {path[1]}" if len(path) >= 2 else ""


class _File(DataFile):
    """Every error of a school-year file also names the school year."""

    def fail(self, path: tuple[str, ...], what: str, detail: str = "") -> DataFileError:
        return super().fail(path, what, detail or _detail(path))

    def required_day(self, raw: Mapping[str, Any], key: str, path: tuple[str, ...]) -> date:
        if raw.get(key) is None:
            raise self.fail((*path, key), f"thiếu '{key}'; ghi ngày như khung ghi (ví dụ {key}: 2027-05-31)")
        return self.day(raw[key], (*path, key))


def _framework(file: _File, words: Any, raw: Any) -> Framework:
    path = ("school_years", str(words))
    m = _YEARS.match(str(words))
    if m is None or int(m[2]) != int(m[1]) + 1:
        raise file.fail(path, f"'{words}' không phải một năm học; viết hai năm liền nhau, ví dụ \"{EXAMPLE}\"")
    first = int(m[1])
    if not isinstance(raw, dict):
        raise file.fail(path, "mỗi năm học là một bảng có 'semester1_end_before', 'year_end_before', "
                              "'decision' và 'sources'")
    file.unknown(raw, FIELDS, path)
    term, end = file.required_day(raw, "semester1_end_before", path), file.required_day(raw, "year_end_before", path)
    opening = file.required_day(raw, "opening", path) if raw.get("opening") is not None else date(first, 9, 1)
    if opening.year != first:
        raise file.fail((*path, "opening"), f"ngày khai giảng {vn_date(opening)} không thuộc năm {first}")
    if end.year != first + 1:
        raise file.fail((*path, "year_end_before"), f"ngày kết thúc năm học {vn_date(end)} không thuộc năm "
                                                    f"{first + 1}; kiểm tra năm của ngày")
    if not opening < term < end:
        raise file.fail((*path, "semester1_end_before"), f"ngày kết thúc học kỳ I {vn_date(term)} phải sau ngày "
                                                         f"khai giảng ({vn_date(opening)}) và trước ngày kết thúc "
                                                         f"năm học ({vn_date(end)})")
    decision = raw.get("decision")
    here = (*path, "decision")
    if not isinstance(decision, dict) or not decision.get("issuer"):
        raise file.fail(here, "cần 'decision' ghi quyết định ban hành khung: 'number' (số), 'date' (ngày ký) "
                              "và 'issuer' (cơ quan ban hành)")
    file.unknown(decision, DECISION_FIELDS, here)
    if not decision.get("number") and not decision.get("note"):
        raise file.fail((*here, "number"), "thiếu số quyết định ('number'); khi chưa rõ số, ghi "
                                           "'number: null' kèm 'note' (trong 'decision') nói vì sao")
    signed = file.day(decision["date"], (*here, "date")) if decision.get("date") is not None else None
    sources = raw.get("sources")
    if (not isinstance(sources, list) or not sources
            or not all(isinstance(s, str) and s.strip() for s in sources)):
        raise file.fail((*path, "sources"), "cần 'sources': danh sách nơi đã đọc quyết định (địa chỉ trang), "
                                            "ít nhất một nơi")
    text = citation(decision, signed) + (", sửa đổi sau đó" if raw.get("amended_by") else "")
    return Framework(first, term, end, text, tuple(sources), origin=file.name)


def parse_school_years(sources: Iterable[tuple[str, str]]) -> SchoolYearData:
    """Merge school-year files in order: a later file's school year replaces an earlier one's."""
    frameworks: dict[int, Framework] = {}
    names: list[str] = []
    digest = hashlib.sha256()
    for name, text in sources:
        names.append(name)
        digest.update(name.encode() + b"\0" + text.encode() + b"\0")
        doc = load_yaml(name, text, SchoolYearDataError)
        if doc is None:
            continue
        file = _File(name, text, SchoolYearDataError)
        if not isinstance(doc, dict) or not isinstance(doc.get("school_years"), dict):
            raise file.fail(("school_years",), "tệp năm học phải là một bảng có 'school_years', mỗi năm học một "
                                               f"mục (ví dụ \"{EXAMPLE}\":)")
        file.unknown(doc, TOP_FIELDS, ())
        for words, raw in doc["school_years"].items():
            frame = _framework(file, words, raw)
            frameworks[frame.first_year] = frame
    return SchoolYearData(dict(sorted(frameworks.items())), tuple(names), digest.hexdigest())


def read_school_years(extra: Iterable[Path] = ()) -> SchoolYearData:
    """The shipped file, then each extra file (a folder: its *.yaml files in name order)."""
    return parse_school_years(read_sources(SHIPPED, SHIPPED_NAME, extra))
