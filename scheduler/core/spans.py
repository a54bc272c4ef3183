"""A campaign's span, written the way plans write it.

Plans organise a campaign over a calendar year ("năm 2024"), a school year
("năm học 2019–2020"), several years ("giai đoạn 2021–2025") or explicit dates
("từ 15/10/2024 đến 28/02/2025"). Each becomes one :class:`Span` with its
inclusive first and last day and the words that name it in titles.

Default bounds are rules of the format, documented in the README:
- a year: 1/1 – 31/12;
- a school year Y1–Y2: 1/9/Y1 to the end the Ministry's framework gives for that
  year (data/nam-hoc.yaml: 15/7/2020 for 2019–2020), else 31/5/Y2 as a default;
  ``end_rule`` says which; a calendar can override either bound;
- a period Y1–Y2: 1/1/Y1 – 31/12/Y2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from scheduler.core.dates import DateSyntaxError, FullDate, parse_date_expr, quick_pickling, vn_date
from scheduler.core.school_years import year_end

DASHES = "-–—‐‑‒−"
_DASH = f"[{DASHES}]"


class SpanKind(StrEnum):
    YEAR = "year"
    SCHOOL_YEAR = "school_year"
    PERIOD = "period"
    DATES = "dates"


DERIVED_WORDS = "suy ra từ các mục có ngày"
SCHOOL_YEAR_START = (9, 1)  # (month, day) of the first day, in Y1
SCHOOL_YEAR_END = (5, 31)  # (month, day) of the last day, in Y2


@quick_pickling
@dataclass(frozen=True, slots=True)
class Span:
    """The inclusive civil dates a campaign covers, and how the plan names them."""

    kind: SpanKind
    start: date
    end: date
    words: str  # "năm 2024", "năm học 2019–2020", "giai đoạn 2021–2025", "từ 15/10/2024 đến 28/2/2025"
    derived: bool = False  # the file states no year or span: derived from its dated items (see derived_span)
    # Where `end` comes from when the plan's words give no date ("năm học 2019–2020"): the Ministry's
    # framework or the format's default, as every surface shows it; None when the document or an admin dates it.
    end_rule: str | None = field(default=None, compare=False)

    @property
    def described(self) -> str:
        """The words, and for a derived span where they come from: "năm 2024 (suy ra từ các mục có ngày)"."""
        return f"{self.words} ({DERIVED_WORDS})" if self.derived else self.words

    @property
    def years(self) -> range:
        """Every calendar year the span touches."""
        return range(self.start.year, self.end.year + 1)

    @property
    def year(self) -> int:
        """The year a one-year campaign is named after; otherwise the first year."""
        return self.start.year

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    def with_bounds(self, start: date | None, end: date | None) -> "Span":
        rule = self.end_rule if end is None else None
        return Span(self.kind, start or self.start, end or self.end, self.words, end_rule=rule)

    @classmethod
    def of_year(cls, year: int) -> "Span":
        return cls(SpanKind.YEAR, date(year, 1, 1), date(year, 12, 31), f"năm {year}")

    def shifted(self, years: int) -> "Span":
        """The same span `years` later (for next year's calendar)."""
        start, end = _shift(self.start, years), _shift(self.end, years)
        if self.kind is SpanKind.YEAR:
            words = f"năm {start.year}"
        elif self.kind is SpanKind.SCHOOL_YEAR:
            words = f"năm học {start.year}–{end.year}"
            bound = year_end(start.year)
            return Span(self.kind, start, bound.day, words, end_rule=bound.rule)
        elif self.kind is SpanKind.PERIOD:
            words = f"giai đoạn {start.year}–{end.year}"
        else:
            words = f"từ {vn_date(start)} đến {vn_date(end)}"
        return Span(self.kind, start, end, words)


def _shift(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29/2 → 28/2
        return day.replace(year=day.year + years, day=28)


_YEAR = re.compile(r"^(?:năm\s+)?(\d{4})$")
_SCHOOL = re.compile(rf"^năm\s+học\s+(\d{{4}})\s*{_DASH}\s*(\d{{4}})$")
_PERIOD = re.compile(rf"^giai\s+đoạn\s+(\d{{4}})\s*{_DASH}\s*(\d{{4}})$")
_DATES = re.compile(rf"^(?:từ\s+(?:ngày\s+)?)?(.+?)\s*(?:{_DASH}|\s+đến\s+(?:hết\s+)?(?:ngày\s+)?)\s*(.+)$")


def parse_span(raw: object) -> Span:
    """Parse how a plan names its span; raises DateSyntaxError("span.format"...)."""
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise DateSyntaxError("span.format", repr(raw))
    text = " ".join(str(raw).strip().split())
    low = text.lower()
    if m := _YEAR.match(low):
        return Span.of_year(_year(m[1], text))
    if m := _SCHOOL.match(low):
        first, last = _year(m[1], text), _year(m[2], text)
        if last != first + 1:
            raise DateSyntaxError("span.school_year", text, f"{first}–{first + 1}")
        bound = year_end(first)  # the Ministry's framework for that year, else the default 31/5
        return Span(SpanKind.SCHOOL_YEAR, date(first, *SCHOOL_YEAR_START), bound.day, f"năm học {first}–{last}",
                    end_rule=bound.rule)
    if m := _PERIOD.match(low):
        first, last = _year(m[1], text), _year(m[2], text)
        if last <= first:
            raise DateSyntaxError("span.order", text)
        return Span(SpanKind.PERIOD, date(first, 1, 1), date(last, 12, 31), f"giai đoạn {first}–{last}")
    if m := _DATES.match(low):
        try:
            start, end = parse_date_expr(m[1]), parse_date_expr(m[2])
        except DateSyntaxError:
            raise DateSyntaxError("span.format", text) from None
        if isinstance(start, FullDate) and isinstance(end, FullDate):
            if end.value < start.value:
                raise DateSyntaxError("span.order", text)
            return Span(SpanKind.DATES, start.value, end.value, f"từ {start} đến {end}")
    raise DateSyntaxError("span.format", text)


def _year(digits: str, text: str) -> int:
    year = int(digits)
    if not 1900 <= year <= 2199:
        raise DateSyntaxError("span.format", text)
    return year
