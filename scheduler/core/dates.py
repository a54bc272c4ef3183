"""Date notations as Vietnamese plans write them, parsed into precise values.

Plans write "28/7/1929", "25/6" (every year), "tháng 01/2024" (month
precision), "hết năm" and "ngày phát động". Each notation becomes one small
value type, so the rest of the code never re-parses text. Parsing raises
:class:`DateSyntaxError` with a code the loader turns into a located,
bilingual diagnostic.
"""

from __future__ import annotations

import calendar as _calendar
import dataclasses
import re
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter
from typing import Any, TypeVar, Union

from scheduler.errors import BadRequest


class DateSyntaxError(ValueError):
    def __init__(self, code: str, value: str, detail: str = "") -> None:
        super().__init__(f"{code}: {value!r} {detail}".strip())
        self.code = code
        self.value = value
        self.detail = detail


C = TypeVar("C", bound=type)


def quick_pickling(cls: C) -> C:
    """A frozen, slotted dataclass pickled as the dataclass module does (the list of its field values), without
    looking its fields up again for every object: a saved parse cache holds hundreds of thousands of them."""
    names = tuple(f.name for f in dataclasses.fields(cls))
    values = attrgetter(*names)
    one = len(names) == 1

    def getstate(self: Any) -> list[Any]:
        return [values(self)] if one else list(values(self))

    def setstate(self: Any, state: list[Any]) -> None:
        for name, value in zip(names, state, strict=False):
            object.__setattr__(self, name, value)

    setattr(cls, "__getstate__", getstate)  # noqa: B010 - replacing the dataclass module's own
    setattr(cls, "__setstate__", setstate)  # noqa: B010
    return cls


@quick_pickling
@dataclass(frozen=True, slots=True)
class FullDate:
    """A civil date: "28/7/1929"."""

    value: date

    def __str__(self) -> str:
        return vn_date(self.value)


@quick_pickling
@dataclass(frozen=True, slots=True)
class DayMonth:
    """A day that recurs every year: "25/6", "1/5"."""

    day: int
    month: int

    def in_year(self, year: int) -> date | None:
        """The date in `year`, or None for 29/2 in a common year."""
        try:
            return date(year, self.month, self.day)
        except ValueError:
            return None

    def __str__(self) -> str:
        return f"{self.day}/{self.month}"


@dataclass(frozen=True, slots=True)
class MonthYear:
    """Month precision: "tháng 01/2024" starts on the 1st, ends on the last day."""

    year: int
    month: int

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, _calendar.monthrange(self.year, self.month)[1])

    def __str__(self) -> str:
        return f"tháng {self.month:02d}/{self.year}"


def opening_day(bound: FullDate | MonthYear) -> date:
    """The first day a date or a month stands for."""
    return bound.first if isinstance(bound, MonthYear) else bound.value


def closing_day(bound: FullDate | MonthYear) -> date:
    """The last day a date or a month stands for."""
    return bound.last if isinstance(bound, MonthYear) else bound.value


@dataclass(frozen=True, slots=True)
class YearOnly:
    """A document dated only by its year: "ngày ... tháng ... năm 2023"."""

    year: int

    def __str__(self) -> str:
        return f"năm {self.year}"


@dataclass(frozen=True, slots=True)
class LaunchDay:
    """"Từ ngày phát động": the launch event's date, known or not yet."""

    def __str__(self) -> str:
        return "ngày phát động"


@dataclass(frozen=True, slots=True)
class EndOfYear:
    """"Đến hết năm": 31/12 of the year in which the phase starts."""

    def __str__(self) -> str:
        return "hết năm"


@dataclass(frozen=True, slots=True)
class EndOfSpan:
    """"Đến hết năm học", "hết giai đoạn": the last day of the campaign's span."""

    words: str = "hết năm học"

    def __str__(self) -> str:
        return self.words


@dataclass(frozen=True, slots=True)
class AfterDay:
    """"Từ sau 30/10/2024": the phase starts the day after the written date."""

    day: date

    @property
    def first(self) -> date:
        return date.fromordinal(self.day.toordinal() + 1)

    def __str__(self) -> str:
        return f"sau {vn_date(self.day)}"


@dataclass(frozen=True, slots=True)
class NamedEnd:
    """An end the plan names without a date: "hết học kỳ I", "đến khi tổ chức thành công Đại hội".

    `day` is the date an admin gave it, or None while nobody has; until then the
    phase runs to the span's end and every surface marks it provisional.
    """

    words: str
    day: date | None = None

    def __str__(self) -> str:
        return self.words if self.day is None else f"{self.words} ({vn_date(self.day)})"


@dataclass(frozen=True, slots=True)
class TetRelative:
    """A date the plan ties to Tết or to a lunar day, computed for each year: "mùng 1 Tết" (lunar 1/1),
    "29 tháng Chạp" (lunar 12/29 before it), "trước Tết 10 ngày" (10 days before lunar 1/1), "sau Tết 5
    ngày", "mùng 10 tháng 3 âm lịch" (`lunar`: a lunar day of the year, not a day of Tết)."""

    words: str
    lunar_month: int  # 1: days of Tết; 12: tháng Chạp of the year before
    lunar_day: int
    offset: int = 0  # days after that lunar day (negative: before)
    lunar: bool = False  # "… âm lịch": a lunar day of the year, placed in the span by its own date

    def __str__(self) -> str:
        return self.words


DateExpr = Union[FullDate, DayMonth, MonthYear, YearOnly, LaunchDay, EndOfYear, EndOfSpan, AfterDay, NamedEnd,
                 TetRelative]
_LEAD = r"^(?:từ\s+|đến\s+(?:hết\s+)?|vào\s+)?(?:ngày\s+)?"
_TET_DAY = re.compile(_LEAD + r"(?:mùng|mồng)\s+(\d{1,3})\s+(?:tháng\s+giêng|tết)(?:\s+nguyên\s+đán)?$")
_CHAP = re.compile(_LEAD + r"(\d{1,3})\s+(?:tháng\s+chạp|tết)$")
_TET_OFFSET = re.compile(r"^(?:từ\s+|đến\s+(?:hết\s+)?)?(trước|sau)\s+tết(?:\s+nguyên\s+đán)?\s+(\d{1,4})\s+ngày$|"
                         r"^(?:từ\s+|đến\s+(?:hết\s+)?)?(\d{1,4})\s+ngày\s+(trước|sau)\s+tết(?:\s+nguyên\s+đán)?$")
_RAM = re.compile(_LEAD + r"rằm\s+tháng\s+giêng$")
_MONTH_WORDS = {"giêng": 1, "chạp": 12}
_LUNAR_DAY = re.compile(_LEAD + r"(?:(?:mùng|mồng)\s+)?(rằm|\d{1,3})\s+tháng\s+(\d{1,2}|giêng|chạp)\s+(?:âm\s+lịch|âl)$|"
                        + _LEAD + r"(\d{1,3})\s*/\s*(\d{1,2})\s+(?:âm\s+lịch|âl)$")
_LOOKS_TET = re.compile(r"\btết\b|tháng\s+chạp|tháng\s+giêng|âm\s+lịch")
MAX_TET_OFFSET = 366  # "trước Tết 400 ngày" is a typo, not a date tied to Tết


def parse_tet_relative(text: str) -> TetRelative | None:
    """A date tied to Tết or a lunar day; None when `text` is not one; DateSyntaxError("date.lunar")
    when it is one that cannot exist ("mùng 45 Tết", "35 tháng Chạp", "ngày 10 tháng 13 âm lịch")."""
    low = " ".join(text.lower().split())
    if _RAM.match(low):
        return TetRelative(text, 1, 15)
    if m := _TET_DAY.match(low):
        return TetRelative(text, 1, _lunar_day(int(m[1]), text, "mùng 1 đến mùng 30 Tết (tháng Giêng)"))
    if m := _CHAP.match(low):
        day = int(m[1])
        if not 1 <= day <= 30:
            raise DateSyntaxError("date.lunar", text, "tháng Chạp có từ ngày 1 đến ngày 30 (tháng thiếu: 29)")
        return TetRelative(text, 12, day)
    if m := _TET_OFFSET.match(low):
        before = (m[1] or m[4]) == "trước"
        days = int(m[2] or m[3])
        if not 1 <= days <= MAX_TET_OFFSET:
            raise DateSyntaxError("date.lunar", text, f"số ngày trước hoặc sau Tết từ 1 đến {MAX_TET_OFFSET}")
        return TetRelative(text, 1, 1, -days if before else days)
    if m := _LUNAR_DAY.match(low):
        day_word, month_word = (m[1], m[2]) if m[1] else (m[3], m[4])
        month = _MONTH_WORDS.get(month_word) or int(month_word)
        if not 1 <= month <= 12:
            raise DateSyntaxError("date.lunar", text, "tháng âm lịch từ 1 (tháng Giêng) đến 12 (tháng Chạp)")
        day = 15 if day_word == "rằm" else _lunar_day(int(day_word), text, "ngày âm lịch từ 1 đến 30")
        return TetRelative(text, month, day, lunar=True)
    if _LOOKS_TET.search(low) and re.search(r"\d|rằm", low):
        raise DateSyntaxError("date.lunar", text, "ví dụ 'mùng 1 Tết', '29 tháng Chạp', 'trước Tết 10 ngày', "
                                                  "'mùng 10 tháng 3 âm lịch'")
    return None


def _lunar_day(day: int, text: str, allowed: str) -> int:
    if not 1 <= day <= 30:
        raise DateSyntaxError("date.lunar", text, allowed)
    return day


NAMED_END_PREFIXES = ("hết học kỳ", "đến hết học kỳ", "đến khi", "cho đến khi", "khi ")

LAUNCH_WORDS = frozenset({"launch", "ngày phát động", "phát động", "từ ngày phát động"})
END_OF_YEAR_WORDS = frozenset({"end_of_year", "hết năm", "đến hết năm"})
END_OF_SPAN_WORDS = frozenset({
    "hết năm học", "đến hết năm học", "cuối năm học", "hết giai đoạn", "đến hết giai đoạn", "end_of_span",
})
_AFTER = re.compile(r"^(?:từ\s+)?sau(?:\s+ngày)?\s+(.+)$")

_DMY = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$")
_DM = re.compile(r"^(\d{1,2})\s*/\s*(\d{1,2})$")
_MY = re.compile(r"^(?:tháng\s+)?(\d{1,2})\s*/\s*(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_YEAR = re.compile(r"^(?:năm\s+)?(\d{4})$")


def _full(y: int, m: int, d: int, text: str) -> FullDate:
    if not 1 <= m <= 12:
        raise DateSyntaxError("date.month", text)
    last = _calendar.monthrange(y, m)[1] if 1 <= y <= 9999 else 31
    if not 1 <= d <= last:
        raise DateSyntaxError("date.day", text, f"{m}/{y}:{last}")
    return FullDate(date(y, m, d))


def parse_date_expr(raw: object) -> DateExpr:
    """Parse one date notation; the caller checks that the kind fits the field."""
    if isinstance(raw, datetime):
        return FullDate(raw.date())
    if isinstance(raw, date):
        return FullDate(raw)
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise DateSyntaxError("date.type", repr(raw))
    text = " ".join(str(raw).strip().split())
    low = text.lower()
    if low in LAUNCH_WORDS:
        return LaunchDay()
    if low in END_OF_YEAR_WORDS:
        return EndOfYear()
    if low in END_OF_SPAN_WORDS:
        return EndOfSpan(low.removeprefix("đến ").replace("cuối", "hết"))
    if (tet := parse_tet_relative(text)) is not None:  # before "sau …": "sau Tết 5 ngày"
        return tet
    if m := _AFTER.match(low):
        after = parse_date_expr(m[1])
        if not isinstance(after, FullDate):
            raise DateSyntaxError("date.format", text)
        return AfterDay(after.value)
    if m := _ISO.match(text):
        return _full(int(m[1]), int(m[2]), int(m[3]), text)
    if m := _DMY.match(text):
        return _full(int(m[3]), int(m[2]), int(m[1]), text)
    if m := _MY.match(low):
        month, year = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise DateSyntaxError("date.month", text)
        return MonthYear(year, month)
    if m := _DM.match(text):
        day, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise DateSyntaxError("date.month", text)
        if not 1 <= day <= _calendar.monthrange(2024, month)[1]:  # 2024: leap year allows 29/2
            raise DateSyntaxError("date.day", text, f"{month}:{_calendar.monthrange(2024, month)[1]}")
        return DayMonth(day, month)
    if m := _YEAR.match(low):
        return YearOnly(int(m[1]))
    raise DateSyntaxError("date.format", text)


def parse_day(text: str, what: str = "ngày") -> date:
    """A day a person types (CLI option, argument): day first as the plans write it
    (10/2/2024, 10.2.2024, 10-2-2024) or ISO 8601 (2024-02-10).

    ``what`` names the field in the error, a BadRequest (exit 64, HTTP 400).
    python-dateutil's ``dayfirst`` parser is not used: it reads 2024-02-10 as
    2 October and completes "2024" with today's month and day.
    """
    try:
        expr = parse_date_expr(text)
    except DateSyntaxError:
        expr = None
    if not isinstance(expr, FullDate):
        raise BadRequest(f"{what}: '{text}' không phải một ngày (ví dụ 28/7/2024 hoặc 2024-07-28)")
    return expr.value


WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def vn_date(d: date) -> str:
    """28/7/1929: day and month without padding, as the plans write them."""
    return f"{d.day}/{d.month}/{d.year}"


def vn_weekday(d: date) -> str:
    return WEEKDAYS_VI[d.weekday()]
