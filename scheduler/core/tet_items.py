"""Events and deadlines whose date the plan ties to Tết or to a lunar day ("trước Tết 10 ngày",
"mùng 6 Tết", "mùng 10 tháng 3 âm lịch"): the days they fall on, one a year of the campaign's span
(see `campaign.tet_days`), and the sentence that says where each comes from.

Pure: the span and the years are passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from scheduler.core.campaign import tet_date, tet_days, tet_provenance
from scheduler.core.dates import FullDate, TetRelative
from scheduler.core.model import OneOffEvent
from scheduler.core.spans import Span


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One time an event falls: its key in the UID ("0", or the year of its Tết), days and origin sentence."""

    key: str
    first: date
    last: date
    provenance: str | None = None  # None: the document writes the date itself


def event_occurrences(event: OneOffEvent, span: Span | None, years: Iterable[int]) -> list[Occurrence]:
    """Every time a one-off event falls; a date written by Tết falls once a year of the span.

    `years`: the years to compute for when there is no span (the national calendar).
    An end before its start (a range the notation makes impossible) gives nothing:
    `check` reports it.
    """
    if event.undated:
        return []
    if not event.tet_rule:
        first, last = event.first_day, event.last_day
        return [Occurrence("0", first, last)] if first is not None and last is not None else []
    start = event.date or event.start
    end = event.date or event.end
    out = []
    if isinstance(start, TetRelative):
        for year, first in tet_days(start, span, years):
            last = _end_for(end, year, first)
            if last is not None and last >= first:
                out.append(Occurrence(str(year), first, last, _words(start, end, year)))
    elif isinstance(start, FullDate) and isinstance(end, TetRelative):
        later = [(y, d) for y, d in tet_days(end, span, years) if d >= start.value]
        if later:
            year, last = later[0]
            out.append(Occurrence(str(year), start.value, last, tet_provenance(end, year)))
    return out


def _end_for(end: FullDate | TetRelative | None, year: int, first: date) -> date | None:
    if isinstance(end, TetRelative):
        return tet_date(end, year)
    return end.value if isinstance(end, FullDate) else first


def _words(start: TetRelative, end: FullDate | TetRelative | None, year: int) -> str:
    if isinstance(end, TetRelative) and end is not start:
        return f"{tet_provenance(start, year)} {tet_provenance(end, year)}"
    return tet_provenance(start, year)


def deadline_days(expr: TetRelative, span: Span | None, years: Iterable[int]) -> list[tuple[int, date]]:
    """(year of its Tết, date) of a deadline written by Tết: once a year of the span."""
    return tet_days(expr, span, years)
