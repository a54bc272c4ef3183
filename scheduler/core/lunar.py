"""The Vietnamese lunisolar calendar (âm lịch), computed for UTC+7.

Vietnam and China use the same rules but different meridians (UTC+7 and
UTC+8), so a new moon or a solar term close to midnight falls on different
days and the two calendars disagree on some month starts, Tết 1985 and Tết
2007 among them. ``lunardate`` and most libraries are Chinese; users here
expect the Vietnamese date.

Method (Hồ Ngọc Đức's algorithm, after Meeus): a month starts on the UTC+7
civil day of a new moon; month 11 is the month that contains the winter
solstice; when 13 months lie between two months 11, the first month after
month 11 without a major solar term (trung khí) is the leap month and takes
the number of the month before it.

The astronomy runs once, lazily, to build a table of every month start of
lunar years 1800–2199 (about 5 000 rows, well under a second); conversions are
then a ``bisect`` or a dict lookup. Pure: no clock, no I/O.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import NamedTuple

from scheduler.errors import LunarDateError

SUPPORTED_YEARS = range(1800, 2200)
"""Lunar years that :func:`to_solar` accepts (Tết 1800 to the end of lunar 2199)."""

TIME_ZONE_HOURS = 7.0  # Vietnam: the calendar is defined for UTC+7, not UTC+8

CAN = ("Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý")
CHI = ("Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi")
MONTH_NAMES = ("Giêng", "Hai", "Ba", "Tư", "Năm", "Sáu", "Bảy", "Tám", "Chín", "Mười", "Một", "Chạp")

_JDN_MINUS_ORDINAL = 1_721_425  # julian day number of date.fromordinal(n) is n + this
_SYNODIC_MONTH = 29.530588853
_NEW_MOON_K0 = 2_415_021.076998695  # JD of the new moon k = 0 (1900-01-01)


def can_chi(lunar_year: int) -> str:
    """Sexagenary name of a lunar year: 2024 → "Giáp Thìn", 1930 → "Canh Ngọ"."""
    return f"{CAN[(lunar_year + 6) % 10]} {CHI[(lunar_year + 8) % 12]}"


@dataclass(frozen=True, slots=True)
class LunarDate:
    """A date of the Vietnamese lunar calendar; ``leap`` marks a leap month (tháng nhuận).

    Not ordered: compare ``to_solar()`` results (field order would put the
    leap flag after the day).
    """

    year: int
    month: int
    day: int
    leap: bool = False

    @property
    def year_name(self) -> str:
        return can_chi(self.year)

    def format(self, style: str = "numeric") -> str:
        """Vietnamese text for people.

        ``numeric``: "1/1/2024 âm lịch (năm Giáp Thìn)", "15/2 nhuận/2023 âm lịch (năm Quý Mão)";
        ``short``: "15/8", "15/2 nhuận" (for titles that already name the year);
        ``words``: "ngày 1 tháng Giêng năm Giáp Thìn (2024)".
        """
        nhuan = " nhuận" if self.leap else ""
        if style == "short":
            return f"{self.day}/{self.month}{nhuan}"
        if style == "numeric":
            return f"{self.day}/{self.month}{nhuan}/{self.year} âm lịch (năm {self.year_name})"
        if style == "words":
            return f"ngày {self.day} tháng {MONTH_NAMES[self.month - 1]}{nhuan} năm {self.year_name} ({self.year})"
        raise ValueError(f"unknown style {style!r}: numeric, short or words")

    def __str__(self) -> str:
        return self.format()

    def to_solar(self) -> date:
        return to_solar(self.year, self.month, self.day, self.leap)


# --- astronomy (runs only while building the table) --------------------------

def _new_moon_jd(k: int) -> float:
    """Julian date (UT) of the k-th new moon after 1900-01-01 (Meeus, as Hồ Ngọc Đức uses it)."""
    t = k / 1236.85
    t2 = t * t
    t3 = t2 * t
    dr = math.pi / 180
    jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd1 += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * dr)
    m = (359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3) * dr  # sun's mean anomaly
    mpr = (306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3) * dr  # moon's mean anomaly
    f = (21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3) * dr  # moon's argument of latitude
    c1 = (0.1734 - 0.000393 * t) * math.sin(m) + 0.0021 * math.sin(2 * m)
    c1 += -0.4068 * math.sin(mpr) + 0.0161 * math.sin(2 * mpr) - 0.0004 * math.sin(3 * mpr)
    c1 += 0.0104 * math.sin(2 * f) - 0.0051 * math.sin(m + mpr) - 0.0074 * math.sin(m - mpr)
    c1 += 0.0004 * math.sin(2 * f + m) - 0.0004 * math.sin(2 * f - m) - 0.0006 * math.sin(2 * f + mpr)
    c1 += 0.0010 * math.sin(2 * f - mpr) + 0.0005 * math.sin(2 * mpr + m)
    if t < -11:
        delta_t = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    else:
        delta_t = -0.000278 + 0.000265 * t + 0.000262 * t2
    return jd1 + c1 - delta_t


def _sun_longitude(jd: float) -> float:
    """Ecliptic longitude of the sun in radians, [0, 2π), at julian date ``jd`` (UT).

    Meeus' low-accuracy series (true longitude, mean equinox of date), as in
    Hồ Ngọc Đức's code; good to about 0.01°, i.e. a solar term to ~15 minutes.
    """
    t = (jd - 2451545.0) / 36525
    t2 = t * t
    dr = math.pi / 180
    m = (357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2) * dr
    l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2
    c = (1.914600 - 0.004817 * t - 0.000014 * t2) * math.sin(m)
    c += (0.019993 - 0.000101 * t) * math.sin(2 * m) + 0.000290 * math.sin(3 * m)
    lon = (l0 + c) * dr
    return lon % (2 * math.pi)


def _local_day(jd: float, tz_hours: float) -> int:
    """Julian day number of the civil day (at UTC+tz) that contains the instant ``jd``."""
    return math.floor(jd + 0.5 + tz_hours / 24)


def _major_term_index(jdn: int, tz_hours: float) -> int:
    """Which 30° sector (0–11) the sun is in at the local midnight that begins day ``jdn``.

    A month contains a major solar term exactly when this index differs
    between its first day and the first day of the next month.
    """
    return int(_sun_longitude(jdn - 0.5 - tz_hours / 24) / (math.pi / 6))


# --- the table -----------------------------------------------------------------

class _Table(NamedTuple):
    starts: list[int]  # date ordinal of each month's first day, ascending
    years: list[int]
    months: list[int]
    leaps: list[bool]
    row_of: dict[tuple[int, int, bool], int]  # (year, month, leap) → row (not `index`: tuple has one)
    leap_months: dict[int, int]  # lunar year → its leap month


def number_months(starts: list[int], sectors: list[int], first_year: int) -> list[tuple[int, int, int, bool]]:
    """Number consecutive months from their first days and major-term sectors.

    ``starts``: first day of each month (any day count, e.g. ordinals);
    ``sectors``: the sun's 30° sector at the start of each month (see
    :func:`_major_term_index`; crossing from ≤ 8 to ≥ 9 is the winter
    solstice, and near perihelion a month can hold two terms, 7 → 9). Returns
    (start, lunar year, month, leap) for every month from the first month 11
    to the month before the last month 11; the first month 11 belongs to
    lunar year ``first_year``. Kept separate so the tests can feed it
    independent astronomy.
    """
    elevens = [i for i in range(len(starts) - 1) if sectors[i] <= 8 < sectors[i + 1]]
    rows: list[tuple[int, int, int, bool]] = []
    year = first_year
    for a, b in zip(elevens, elevens[1:], strict=False):
        leap_at = -1
        if b - a == 13:
            # First month after month 11 with no major term; the solstice month b has one.
            leap_at = next(i for i in range(a + 1, b) if sectors[i] == sectors[i + 1])
        elif b - a != 12:
            raise AssertionError(f"{b - a} months between two winter solstices")  # astronomy is broken
        month = 10
        for i in range(a, b):
            leap = i == leap_at
            if not leap:
                month = month % 12 + 1
                if month == 1:
                    year += 1
            rows.append((starts[i], year, month, leap))
    return rows


@cache
def _table() -> _Table:
    """Compute every month of lunar years 1800–2199 once (about 10–30 ms; see bench/lunar.py)."""
    tz = TIME_ZONE_HOURS
    first = date(SUPPORTED_YEARS.start - 2, 10, 1).toordinal() + _JDN_MINUS_ORDINAL
    last = date(SUPPORTED_YEARS.stop + 1, 2, 1).toordinal() + _JDN_MINUS_ORDINAL
    k0 = math.floor((first - _NEW_MOON_K0) / _SYNODIC_MONTH)
    k1 = math.ceil((last - _NEW_MOON_K0) / _SYNODIC_MONTH)
    jdns = [_local_day(_new_moon_jd(k), tz) for k in range(k0, k1 + 1)]
    sectors = [_major_term_index(j, tz) for j in jdns]
    starts = [j - _JDN_MINUS_ORDINAL for j in jdns]
    rows = number_months(starts, sectors, first_year=SUPPORTED_YEARS.start - 2)
    rows = [r for r in rows if r[1] in SUPPORTED_YEARS]
    # The month after the last row, so the last month has a known length.
    end = next(s for s in starts if s > rows[-1][0])
    table = _Table(
        starts=[r[0] for r in rows] + [end],
        years=[r[1] for r in rows],
        months=[r[2] for r in rows],
        leaps=[r[3] for r in rows],
        row_of={(y, m, lp): i for i, (_, y, m, lp) in enumerate(rows)},
        leap_months={y: m for _, y, m, lp in rows if lp},
    )
    return table


def supported_solar_range() -> tuple[date, date]:
    """First and last solar dates :func:`to_lunar` accepts (Tết 1800 to the end of lunar 2199)."""
    t = _table()
    return date.fromordinal(t.starts[0]), date.fromordinal(t.starts[-1] - 1)


# --- conversions -----------------------------------------------------------------

def to_lunar(d: date) -> LunarDate:
    """The Vietnamese lunar date of a solar (Gregorian) date."""
    t = _table()
    n = d.toordinal()
    i = bisect_right(t.starts, n) - 1
    if i < 0 or i >= len(t.years):
        lo, hi = supported_solar_range()
        raise LunarDateError(
            f"Ngày dương lịch {d:%d/%m/%Y} nằm ngoài phạm vi lịch âm hỗ trợ "
            f"(từ {lo:%d/%m/%Y} đến {hi:%d/%m/%Y})"
        )
    return LunarDate(t.years[i], t.months[i], n - t.starts[i] + 1, t.leaps[i])


def _month_row(year: int, month: int, leap: bool) -> int:
    """Row of a lunar month in the table, or a Vietnamese error saying what is valid."""
    t = _table()
    i = t.row_of.get((year, month, leap))
    if i is not None:
        return i
    if year not in SUPPORTED_YEARS:
        raise LunarDateError(
            f"Năm âm lịch {year} nằm ngoài phạm vi hỗ trợ "
            f"({SUPPORTED_YEARS.start}–{SUPPORTED_YEARS.stop - 1})"
        )
    if not 1 <= month <= 12:
        raise LunarDateError(f"Tháng âm lịch phải từ 1 đến 12, không có tháng {month}")
    has = t.leap_months.get(year)
    which = f"năm này chỉ có tháng {has} nhuận" if has else "năm này không có tháng nhuận"
    raise LunarDateError(f"Năm âm lịch {year} không có tháng {month} nhuận ({which})")


def month_length(year: int, month: int, leap: bool = False) -> int:
    """Days (29 or 30) in a lunar month; raises :class:`LunarDateError` if the month does not exist."""
    t = _table()
    i = _month_row(year, month, leap)
    return t.starts[i + 1] - t.starts[i]


def leap_month(year: int) -> int | None:
    """The leap month of a lunar year (2023 → 2), or None."""
    if year not in SUPPORTED_YEARS:
        _month_row(year, 1, False)  # raises the out-of-range error
    return _table().leap_months.get(year)


def to_solar(year: int, month: int, day: int, leap: bool = False) -> date:
    """The solar date of a Vietnamese lunar date; ``leap`` selects the leap month (tháng nhuận)."""
    t = _table()
    i = _month_row(year, month, leap)
    length = t.starts[i + 1] - t.starts[i]
    if not 1 <= day <= length:
        nhuan = " nhuận" if leap else ""
        if day < 1:
            raise LunarDateError(f"Ngày âm lịch phải từ 1 đến {length}, không có ngày {day}")
        raise LunarDateError(
            f"Ngày {day}/{month}{nhuan}/{year} âm lịch không tồn tại: "
            f"tháng {month}{nhuan}/{year} âm lịch chỉ có {length} ngày"
        )
    return date.fromordinal(t.starts[i] + day - 1)


# --- parsing ---------------------------------------------------------------------

_LEAP_WORD = r"(?:nhuận|nhuan|leap|[nl])\b"
_ISO = re.compile(rf"(\d{{4}})-(\d{{1,2}})-(\d{{1,2}})\s*({_LEAP_WORD})?", re.IGNORECASE)
_DMY = re.compile(
    rf"(\d{{1,2}})\s*/\s*(\d{{1,2}})\s*(?:\(?({_LEAP_WORD})\)?)?\s*/\s*(\d{{4}})\s*(?:\(?({_LEAP_WORD})\)?)?",
    re.IGNORECASE,
)
_TAIL = re.compile(r"\s*(?:âm\s*lịch|am\s*lich|al)?\s*(?:\(\s*năm\s+([^)]*?)\s*\))?\s*", re.IGNORECASE)


def parse_lunar_date(text: str) -> tuple[int, int, int, bool]:
    """Read a lunar date as people write it; returns (year, month, day, leap), not yet validated.

    Accepts "2024-01-01", "2023-02-15L", "2023-02-15 nhuận", "1/1/2024",
    "15/2/2023 nhuận", "15/2 nhuận/2023" and the output of
    :meth:`LunarDate.format` ("1/1/2024 âm lịch (năm Giáp Thìn)"); a year name
    in brackets must match the year. Pass the result to :func:`to_solar` to
    check that the date exists.
    """
    s = text.strip()
    m = _ISO.match(s)
    if m:
        year, month, day = int(m[1]), int(m[2]), int(m[3])
        leap = m[4] is not None
    else:
        m = _DMY.match(s)
        if not m:
            raise LunarDateError(
                f"Không đọc được ngày âm lịch {text!r}: viết dạng ngày/tháng/năm "
                f"(\"15/8/2024\", \"15/2/2023 nhuận\") hoặc năm-tháng-ngày (\"2024-08-15\", \"2023-02-15L\")"
            )
        day, month, year = int(m[1]), int(m[2]), int(m[4])
        leap = m[3] is not None or m[5] is not None
    tail = _TAIL.fullmatch(s[m.end():])
    if tail is None:
        raise LunarDateError(f"Không đọc được ngày âm lịch {text!r}: thừa {s[m.end():].strip()!r} ở cuối")
    if tail[1] and tail[1].casefold() != can_chi(year).casefold():
        raise LunarDateError(
            f"Ngày âm lịch {text!r}: năm {year} là năm {can_chi(year)}, không phải năm {tail[1]}"
        )
    return year, month, day, leap
