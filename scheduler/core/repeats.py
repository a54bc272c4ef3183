"""Repeated activities: "hằng tuần vào thứ Ba, từ 10 giờ", "ngày 15 hằng tháng", within a stated period.

Pure: the weekday names plans use, and the days a repeat falls on inside an
inclusive period. A repeat is never expanded without a period (check refuses
one) and never outside it.
"""

from __future__ import annotations

import calendar as _calendar
import re
import unicodedata
from collections.abc import Iterator
from datetime import date, timedelta

# Monday = 0, as date.weekday() counts.
WEEKDAY_WORDS = ("thứ hai", "thứ ba", "thứ tư", "thứ năm", "thứ sáu", "thứ bảy", "chủ nhật")
_NAMES = {
    "hai": 0, "2": 0, "ba": 1, "3": 1, "tư": 2, "tu": 2, "4": 2, "năm": 3, "nam": 3, "5": 3,
    "sáu": 4, "sau": 4, "6": 4, "bảy": 5, "bay": 5, "7": 5,
}
_WEEKDAY = re.compile(r"^(?:thứ\s*|thu\s*|t)(hai|ba|tư|tu|năm|nam|sáu|sau|bảy|bay|[2-7])$")
_SUNDAY = re.compile(r"^(?:chủ\s*nhật|chu\s*nhat|cn)$")


def parse_weekday(text: str) -> int | None:
    """0 (thứ Hai) … 6 (Chủ nhật) for "thứ Ba", "thứ 3", "T3", "Chủ nhật", "CN"; None otherwise."""
    low = " ".join(unicodedata.normalize("NFC", text).strip().lower().split())
    if _SUNDAY.match(low):
        return 6
    m = _WEEKDAY.match(low)
    return _NAMES[m[1]] if m else None


def weekday_words(day: int) -> str:
    return WEEKDAY_WORDS[day]


def weekly(first: date, last: date, weekdays: tuple[int, ...]) -> Iterator[date]:
    """Every day from `first` to `last` (inclusive) that falls on one of `weekdays`."""
    for weekday in sorted(set(weekdays)):
        day = first + timedelta(days=(weekday - first.weekday()) % 7)
        while day <= last:
            yield day
            day += timedelta(days=7)


def monthly(first: date, last: date, day_of_month: int) -> Iterator[date]:
    """The `day_of_month` of every month from `first` to `last`; a month without that day (31/4) has none."""
    year, month = first.year, first.month
    while date(year, month, 1) <= last:
        if day_of_month <= _calendar.monthrange(year, month)[1]:
            day = date(year, month, day_of_month)
            if first <= day <= last:
                yield day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def occurrences(first: date, last: date, *, every: str, weekdays: tuple[int, ...] = (),
                day_of_month: int | None = None) -> list[date]:
    """The days of a repeat inside its period, in order."""
    if every == "week":
        return sorted(weekly(first, last, weekdays))
    assert day_of_month is not None
    return list(monthly(first, last, day_of_month))
