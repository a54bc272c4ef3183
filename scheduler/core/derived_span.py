"""A campaign's span when its file states neither `year` nor `span`: derived from its dated items.

Many plans never write the campaign's year: it is plain from their phases
("Đợt 1 từ khi phát động đến 31/7/2024; Đợt 2 từ 01/8/2024 đến 31/12/2024").
The rule (documented in docs/dinh-dang-lich.md), a rule of the format, never a guess:

1. The dates considered are the phases' bounds that are known without a span:
   full dates, month precision ("tháng 01/2024": its first or last day),
   "sau 30/10/2024", "ngày phát động" once `launch_date` is set, a named end
   whose date an admin set, "hết năm" after a dated start. Only when no phase
   has one: the full dates of deadlines, one-off events, repeated activities'
   periods and `launch_date`. Commemorations' base dates never count (they are
   history, not the campaign).
2. None → no span (the file gets an error if it needs one).
3. All of them in one calendar year Y → the year Y (1/1/Y – 31/12/Y), as if
   the file said `year: Y`.
4. Otherwise → from the earliest to the latest of them (inclusive).

A calendar that extends a campaign (a district implementing its province's plan)
takes, in order: its own `year`/`span`, the span derived from its own dated
phases, its parent's span, then the span derived from its other dated items.

The result is marked `derived`: every surface says "suy ra từ các mục có ngày",
never presents it as the document's words, and phase titles do not name it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from scheduler.core.campaign import resolve_bound
from scheduler.core.dates import FullDate, vn_date
from scheduler.core.model import CalendarFile
from scheduler.core.spans import Span, SpanKind


def derived_span(cal: CalendarFile) -> Span | None:
    """The span rule 1–4 above gives `cal`, or None; a stated span is not looked at here."""
    days = list(_phase_days(cal)) or list(_other_days(cal))
    if not days:
        return None
    first, last = min(days), max(days)
    if first.year == last.year:
        return Span(SpanKind.YEAR, date(first.year, 1, 1), date(first.year, 12, 31), f"năm {first.year}", derived=True)
    return Span(SpanKind.DATES, first, last, f"từ {vn_date(first)} đến {vn_date(last)}", derived=True)


def dated_by_phases(cal: CalendarFile) -> bool:
    """Whether the derivation rests on the phases (rule 1's first half), not on deadlines or events."""
    return any(True for _ in _phase_days(cal))


def effective_span(cal: CalendarFile) -> Span | None:
    """The span the file states, else the one derived from its dated items."""
    return cal.campaign_span or derived_span(cal)


def _launch(cal: CalendarFile) -> date | None:
    return cal.launch_date.value if cal.launch_date is not None else None


def _phase_days(cal: CalendarFile) -> Iterator[date]:
    launch = _launch(cal)
    for phase in cal.phases:
        start = resolve_bound(phase.start, span=None, launch=launch, is_end=False) if phase.start else None
        end = (resolve_bound(phase.end, span=None, launch=launch, is_end=True, phase_start=start)
               if phase.end else None)
        yield from (day for day in (start, end) if day is not None)


def _other_days(cal: CalendarFile) -> Iterator[date]:
    for deadline in cal.deadlines:
        if isinstance(deadline.date, FullDate):
            yield deadline.date.value
    for event in cal.events:
        yield from (day for day in (event.first_day, event.last_day) if day is not None)
    for activity in cal.activities:
        yield from activity.period or ()
    if (launch := _launch(cal)) is not None:
        yield launch
