"""Vietnamese public holidays (Bộ luật Lao động 2019, Điều 112), from `holidays`.

The package knows the days set each year by the government, including the
Tết break and substitute days off, in Vietnamese. This is the only module
that imports it; lookups are cached per year because expansion asks for the
same years thousands of times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays


@dataclass(frozen=True, slots=True)
class HolidayBlock:
    """Consecutive days off for one occasion: the Tết break is one block."""

    start: date
    end: date  # inclusive
    title: str
    names: tuple[str, ...]


@lru_cache(maxsize=512)
def holidays_in(year: int) -> dict[date, str]:
    """Day off -> its Vietnamese name, for one year."""
    return dict(holidays.country_holidays("VN", years=year, language="vi"))


def holiday_name(day: date) -> str | None:
    return holidays_in(day.year).get(day)


def day_off_reason(day: date) -> str | None:
    """Why nobody is at the office that day, in Vietnamese, or None on a working day."""
    name = holiday_name(day)
    if name:
        return f"ngày nghỉ lễ ({name})"
    if day.weekday() >= 5:
        return "ngày nghỉ cuối tuần"
    return None


def previous_working_day(day: date) -> date:
    """The latest working day on or before `day` (weekends and public holidays skipped)."""
    while day_off_reason(day) is not None:
        day -= timedelta(days=1)
    return day


def _family(name: str) -> str:
    if "Tết Nguyên Đán" in name or name.endswith(" Tết"):
        return "Nghỉ Tết Nguyên đán"
    if "Quốc khánh" in name:
        return "Nghỉ lễ Quốc khánh"
    if name.startswith("Ngày nghỉ"):
        return name
    return f"Nghỉ lễ: {name}"


@lru_cache(maxsize=512)
def holiday_blocks(year: int) -> tuple[HolidayBlock, ...]:
    blocks: list[HolidayBlock] = []
    for day, name in sorted(holidays_in(year).items()):
        family = _family(name)
        last = blocks[-1] if blocks else None
        if last and last.title == family and last.end + timedelta(days=1) == day:
            blocks[-1] = HolidayBlock(last.start, day, family, last.names + (name,))
        else:
            blocks.append(HolidayBlock(day, day, family, (name,)))
    return tuple(blocks)
