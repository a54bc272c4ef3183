"""School-year bounds from the Ministry of Education's yearly framework, as data with its source.

Plans of education unions end phases "đến hết học kỳ I" or "đến hết năm học" without
a date: those dates come from the Ministry's framework (khung kế hoạch thời gian năm
học), shipped in ``data/nam-hoc.yaml`` with the decision that set them. A school year
without a framework in the data falls back to the format's default (the year ends on
31/5, the first term in mid-January) and every surface says it is a default.

The framework writes "kết thúc năm học trước ngày 31/5/2026": the campaign is taken to
run to that date, and the words are quoted wherever the date is shown. An admin adds the
framework of a later year as a file (see :mod:`scheduler.core.school_years_data`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from scheduler.core.data_files import AdminData
from scheduler.core.dates import vn_date
from scheduler.core.school_years_data import Framework, SchoolYearData, read_school_years

DEFAULT_YEAR_END = (5, 31)  # (month, day) in the second year
DEFAULT_TERM_END = (1, 15)  # (month, day) in the second year: "around mid-January"
DOCS = "docs/ngay-nghi-va-mac-dinh.md"
ENV_EXTRA = "LICHTHIDUA_SCHOOL_YEARS"  # extra school-year files or folders, separated by os.pathsep


@dataclass(frozen=True, slots=True)
class SchoolYearBound:
    day: date
    rule: str  # the sentence every surface shows: where the date comes from
    framework: bool  # from the Ministry's framework (True) or the format's default (False)


_DATA: AdminData[SchoolYearData] = AdminData(ENV_EXTRA, read_school_years, lambda data: data.digest)


def frameworks() -> dict[int, Framework]:
    return dict(_DATA.get().frameworks)


def configure_school_years(extra: Sequence[Path]) -> bool:
    """Read the shipped frameworks plus `extra` (files or folders); True when they changed.

    Raises :class:`~scheduler.core.school_years_data.SchoolYearDataError` for a bad file and
    keeps the previous data then. Calendars are parsed with the frameworks: a change means parsing again.
    """
    return _DATA.configure(extra)


def school_years_data() -> SchoolYearData:
    return _DATA.get()


def adopt_school_years(data: SchoolYearData) -> None:
    """Use ``data`` as read by another process: a worker parsing calendars sees its parent's frameworks."""
    _DATA.adopt(data)


def data_digest() -> str:
    """Changes whenever a framework is added or edited: part of the parser's version."""
    return _DATA.digest()[:16]


def _words(first: int) -> str:
    return f"năm học {first}–{first + 1}"


def year_end(first: int) -> SchoolYearBound:
    """The last day of school year `first`–`first + 1`."""
    frame = _DATA.get().frameworks.get(first)
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
    frame = _DATA.get().frameworks.get(first)
    if frame is None:
        return None
    return SchoolYearBound(frame.semester1_end_before, (
        f"theo khung kế hoạch thời gian {_words(first)} ({frame.decision}): kết thúc học kỳ I trước ngày "
        f"{vn_date(frame.semester1_end_before)}"), True)


def is_first_term(words: str) -> bool:
    """"hết học kỳ I", "đến hết học kỳ 1", "hết HK I": the end of the first term."""
    low = " ".join(words.lower().replace("hk", "học kỳ").split())
    return "học kỳ i" in low and "học kỳ ii" not in low or "học kỳ 1" in low
