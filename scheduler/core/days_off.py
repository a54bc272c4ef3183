"""Vietnamese public holidays (Bộ luật Lao động 2019, Điều 112), from `holidays`.

The package knows the days set each year by the government, including the
Tết break and substitute days off, in Vietnamese. This is the only module
that imports it; lookups are cached per year because expansion asks for the
same years thousands of times.
"""

from __future__ import annotations

import re

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

from scheduler.core.dates import vn_date, vn_weekday


LABOUR_CODE = "Bộ luật Lao động 2019, Điều 112"
OBSERVED_BASIS = "Bộ luật Lao động 2019, Điều 111 khoản 3 (nghỉ bù khi ngày lễ trùng ngày nghỉ hằng tuần)"
TET_BASIS = "Bộ luật Lao động 2019, Điều 112 (nghỉ Tết Âm lịch 05 ngày) và Điều 111 khoản 3 (nghỉ bù)"
CULTURE_DAY_BASIS = ("Nghị quyết 80-NQ/TW: Ngày Văn hóa Việt Nam (24/11) là ngày nghỉ hưởng lương từ năm 2026, "
                     "không thuộc Điều 112 Bộ luật Lao động 2019")


def swap_basis(year: int) -> str:
    return (f"Thông báo của Chính phủ về hoán đổi ngày làm việc năm {year} "
            "(áp dụng cho cán bộ, công chức, viên chức; doanh nghiệp tự quyết định)")


@dataclass(frozen=True, slots=True)
class HolidayBlock:
    """Consecutive days off for one occasion, on one legal basis: the Tết break is one block."""

    start: date
    end: date  # inclusive
    title: str
    names: tuple[str, ...]
    basis: str  # why these days are off: the law, or the government's notice

    @property
    def description(self) -> str:
        return "; ".join(dict.fromkeys(self.names))


@dataclass(frozen=True, slots=True)
class MakeUpWorkday:
    """A Saturday worked to make up a weekday off (2024: off Monday 29/4, worked Saturday 4/5)."""

    day: date
    swapped_with: date | None  # the weekday off it makes up for
    basis: str

    @property
    def title(self) -> str:
        if self.swapped_with is None:
            return f"Làm việc bù ({vn_weekday(self.day)} {vn_date(self.day)})"
        return f"Làm việc bù cho ngày nghỉ {vn_weekday(self.swapped_with)} {vn_date(self.swapped_with)}"

    @property
    def description(self) -> str:
        return (f"{vn_weekday(self.day)} {vn_date(self.day)} là ngày làm việc (làm bù) đối với cán bộ, công chức, "
                "viên chức: hạn chót rơi vào ngày này vẫn là ngày làm việc.")


@lru_cache(maxsize=512)
def holidays_in(year: int) -> dict[date, str]:
    """Day off -> its Vietnamese name, for one year."""
    return dict(holidays.country_holidays("VN", years=year, language="vi"))


@lru_cache(maxsize=512)
def _weekend_workdays(year: int) -> frozenset[date]:
    return frozenset(d for d in holidays.country_holidays("VN", years=year).weekend_workdays if d.year == year)


_SWAP = re.compile(r"^Ngày nghỉ \(thay cho ngày (\d{2})/(\d{2})/(\d{4})\)$")


def _swapped_day(name: str) -> date | None:
    """29/4/2024 is named "Ngày nghỉ (thay cho ngày 04/05/2024)": the Saturday worked instead."""
    m = _SWAP.match(name)
    return date(int(m[3]), int(m[2]), int(m[1])) if m else None


@lru_cache(maxsize=512)
def make_up_workdays(year: int) -> tuple[MakeUpWorkday, ...]:
    """The Saturdays of `year` worked to make up a swapped day off, with the day they make up for."""
    swaps = {}
    for y in (year - 1, year, year + 1):
        for day, name in holidays_in(y).items():
            worked = _swapped_day(name)
            if worked is not None:
                swaps[worked] = day
    return tuple(MakeUpWorkday(d, swaps.get(d), swap_basis(d.year)) for d in sorted(_weekend_workdays(year)))


def holiday_name(day: date) -> str | None:
    return holidays_in(day.year).get(day)


def is_make_up_workday(day: date) -> bool:
    return day in _weekend_workdays(day.year)


def day_off_reason(day: date) -> str | None:
    """Why nobody is at the office that day, in Vietnamese, or None on a working day.

    A make-up Saturday (làm bù) is a working day for public servants.
    """
    name = holiday_name(day)
    if name:
        return f"ngày nghỉ lễ ({_display_name(name)})"
    if day.weekday() >= 5 and not is_make_up_workday(day):
        return "ngày nghỉ cuối tuần"
    return None


def previous_working_day(day: date) -> date:
    """The latest working day on or before `day` (weekends and public holidays skipped)."""
    while day_off_reason(day) is not None:
        day -= timedelta(days=1)
    return day


def _display_name(name: str) -> str:
    swapped = _swapped_day(name)
    if swapped is not None:
        return f"nghỉ hoán đổi, làm bù {vn_weekday(swapped)} {vn_date(swapped)}"
    return name.replace("Nguyên Đán", "Nguyên đán")


def _family(name: str, year: int) -> tuple[str, str]:
    """(block title, legal basis) of one named day off."""
    swapped = _swapped_day(name)
    if swapped is not None:
        return f"Nghỉ hoán đổi (làm bù {vn_weekday(swapped)} {vn_date(swapped)})", swap_basis(swapped.year)
    if "Tết Nguyên Đán" in name or name.endswith(" Tết"):
        return "Nghỉ Tết Nguyên đán", TET_BASIS
    if "Văn hóa Việt Nam" in name:
        return "Nghỉ Ngày Văn hóa Việt Nam", CULTURE_DAY_BASIS
    if name.endswith("(nghỉ bù)"):
        return f"Nghỉ bù: {name.removesuffix(' (nghỉ bù)')}", OBSERVED_BASIS
    if "Quốc khánh" in name:
        return "Nghỉ lễ Quốc khánh", LABOUR_CODE
    return f"Nghỉ lễ: {name}", LABOUR_CODE


@lru_cache(maxsize=512)
def holiday_blocks(year: int) -> tuple[HolidayBlock, ...]:
    blocks: list[HolidayBlock] = []
    for day, name in sorted(holidays_in(year).items()):
        family, basis = _family(name, year)
        shown = _display_name(name)
        last = blocks[-1] if blocks else None
        if last and last.title == family and last.end + timedelta(days=1) == day:
            blocks[-1] = HolidayBlock(last.start, day, family, last.names + (shown,), basis)
        else:
            blocks.append(HolidayBlock(day, day, family, (shown,), basis))
    return tuple(blocks)
