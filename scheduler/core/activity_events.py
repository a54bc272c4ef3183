"""Repeated activities as events: one event per occurrence, inside the stated period only.

Each occurrence is its own VEVENT in feeds (not an RRULE): a subscriber's
calendar, the reminder planner and the revision ledger all see plain events,
so a shortened period cancels exactly the occurrences it drops (see
docs/dinh-dang-lich.md for why). UIDs name the day ("…event.sinh-hoat.20260303@…"):
an occurrence is the activity on that day.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from scheduler.core.campaign import Calendar, Sourced
from scheduler.core.dates import FullDate, MonthYear
from scheduler.core.events import DateOrigin, Event, EventKind
from scheduler.core.item_events import item_event
from scheduler.core.model import RepeatedActivity
from scheduler.core.repeats import occurrences
from scheduler.core.window import Window


def activity_period(calendar: Calendar, item: RepeatedActivity) -> tuple[date, date, str, DateOrigin] | None:
    """The inclusive period an activity repeats in, the words naming it and where its dates come from;
    None when its phase has no dates (or is unknown): then it has no occurrence at all."""
    if item.period is not None:
        return *item.period, f"từ {_words(item.start)} đến {_words(item.end)}", DateOrigin.DOCUMENT
    phase = next((p for p in calendar.phases if p.id == item.within), None)
    if phase is None:
        return None
    # Not the phase's dates: moving the phase's end must change only the occurrences it drops or adds.
    return phase.start, phase.end, f"trong {phase.name}", phase.origin


def _words(bound: FullDate | MonthYear | None) -> str:
    """A bound as the period's words say it: "1/3/2027", "tháng 3/2027"."""
    return f"tháng {bound.month}/{bound.year}" if isinstance(bound, MonthYear) else str(bound)


def activity_events(calendar: Calendar, window: Window) -> Iterator[Event]:
    for sourced in calendar.activities:
        yield from _occurrences(calendar, sourced, window)


def _occurrences(calendar: Calendar, sourced: Sourced[RepeatedActivity], window: Window) -> Iterator[Event]:
    item = sourced.item
    period = activity_period(calendar, item)
    if period is None:
        return
    first, last, words, phase_origin = period
    first, last = max(first, window.start), min(last, window.end)
    if last < first:
        return
    rule = item.repeat
    days = occurrences(first, last, every=rule.every, weekdays=rule.weekdays if rule.every == "week" else (),
                       day_of_month=rule.day_of_month if rule.every == "month" else None)
    lines = [f"Lặp lại: {rule.words}, {words}"]
    if item.place:
        lines.append(f"Địa điểm: {item.place}")
    if item.description:
        lines.append(item.description)
    said = f"“{item.as_written}”" if item.as_written else rule.words
    if phase_origin is DateOrigin.PROVISIONAL:
        origin, provenance = DateOrigin.PROVISIONAL, (
            f"Tạm tính: văn bản ghi {said} {words}, mà thời gian của đợt là tạm tính")
    else:
        origin, provenance = DateOrigin.DOCUMENT, f"Lịch lặp lại theo văn bản: {said}, {words}"
    for day in days:
        yield item_event(
            calendar, sourced, EventKind.EVENT, day.strftime("%Y%m%d"),
            title=item.title, start=day, end=day, description="\n".join(lines),
            origin=origin, provenance=provenance, start_time=rule.at, end_time=rule.end_at, place=item.place,
        )
