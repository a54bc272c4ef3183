"""School-year bounds from the Ministry of Education's yearly framework, as data with its source.

Plans of education unions end phases "đến hết học kỳ I" or "đến hết năm học" without
a date: those dates come from the Ministry's framework (khung kế hoạch thời gian năm
học), shipped in ``data/nam-hoc.yaml`` with the decision that set them. A school year
without a framework in the data falls back to the format's default (the year ends on
31/5, the first term in mid-January) and every surface says it is a default.

The framework writes "kết thúc năm học trước ngày 31/5/2026": the campaign is taken to
run to that date, and the words are quoted wherever the date is shown.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

from scheduler.core.dates import vn_date

DATA = Path(__file__).with_name("data") / "nam-hoc.yaml"
DEFAULT_YEAR_END = (5, 31)  # (month, day) in the second year
DEFAULT_TERM_END = (1, 15)  # (month, day) in the second year: "around mid-January"
DOCS = "docs/ngay-nghi-va-mac-dinh.md"


@dataclass(frozen=True, slots=True)
class SchoolYearBound:
    day: date
    rule: str  # the sentence every surface shows: where the date comes from
    framework: bool  # from the Ministry's framework (True) or the format's default (False)


@dataclass(frozen=True, slots=True)
class Framework:
    first_year: int
    semester1_end_before: date
    year_end_before: date
    decision: str
    sources: tuple[str, ...]


def _decision(raw: dict[str, Any]) -> str:
    number, signed = raw.get("number"), raw.get("date")
    text = f"Quyết định {number}" if number else "Quyết định (chưa rõ số)"
    if signed:
        text += f" ngày {vn_date(signed if isinstance(signed, date) else date.fromisoformat(str(signed)))}"
    return text + " của Bộ Giáo dục và Đào tạo"


@cache
def frameworks() -> dict[int, Framework]:
    doc = yaml.safe_load(DATA.read_text(encoding="utf-8")) or {}
    out: dict[int, Framework] = {}
    for words, raw in (doc.get("school_years") or {}).items():
        first = int(str(words).split("-")[0])
        decision = _decision(raw.get("decision") or {})
        if raw.get("amended_by"):
            decision += ", sửa đổi sau đó"
        out[first] = Framework(first, raw["semester1_end_before"], raw["year_end_before"], decision,
                               tuple(raw.get("sources") or ()))
    return out


@cache
def data_digest() -> str:
    return hashlib.sha256(DATA.read_bytes()).hexdigest()[:16]


def _words(first: int) -> str:
    return f"năm học {first}–{first + 1}"


def year_end(first: int) -> SchoolYearBound:
    """The last day of school year `first`–`first + 1`."""
    frame = frameworks().get(first)
    if frame is not None:
        return SchoolYearBound(frame.year_end_before, (
            f"theo khung kế hoạch thời gian {_words(first)} ({frame.decision}): kết thúc năm học trước ngày "
            f"{vn_date(frame.year_end_before)}"), True)
    day = date(first + 1, *DEFAULT_YEAR_END)
    return SchoolYearBound(day, (
        f"mặc định (dự kiến): Bộ Giáo dục và Đào tạo chưa ban hành khung kế hoạch thời gian {_words(first)} "
        f"trong dữ liệu; năm học được tính đến {vn_date(day)}"), False)


def semester1_end(first: int) -> SchoolYearBound | None:
    """The end of the first term of school year `first`, from the framework only (None without one)."""
    frame = frameworks().get(first)
    if frame is None:
        return None
    return SchoolYearBound(frame.semester1_end_before, (
        f"theo khung kế hoạch thời gian {_words(first)} ({frame.decision}): kết thúc học kỳ I trước ngày "
        f"{vn_date(frame.semester1_end_before)}"), True)


def is_first_term(words: str) -> bool:
    """"hết học kỳ I", "đến hết học kỳ 1", "hết HK I": the end of the first term."""
    low = " ".join(words.lower().replace("hk", "học kỳ").split())
    return "học kỳ i" in low and "học kỳ ii" not in low or "học kỳ 1" in low
