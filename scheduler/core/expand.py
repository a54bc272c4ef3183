"""Expanding a resolved calendar into dated events for a window of days.

`expand(calendar, window)` is a pure function: no clock, no files. Everything
a person reads in an event title is composed here, in Vietnamese, the way a
union official writes it ("Kỷ niệm 95 năm Ngày thành lập Công đoàn Việt Nam
(28/7/1929 – 28/7/2024)"). How one item becomes an event (UIDs, what is the
plan's own) is in scheduler.core.item_events; deadlines in scheduler.core.deadlines.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import lru_cache

from scheduler.core import lunar
from scheduler.core.activity_events import activity_events
from scheduler.core.campaign import Calendar, Sourced, own_phases
from scheduler.core.dates import DayMonth, FullDate, vn_date
from scheduler.core.days_off import holiday_blocks, make_up_workdays
from scheduler.core.deadlines import deadline_events, deadline_occurrences
from scheduler.core.events import AnniversaryInfo, DateOrigin, Event, EventKind, LunarInfo, UndatedItem
from scheduler.core.item_events import dated_by_origin, event_uid, inherited, item_event, not_own
from scheduler.core.model import Commemoration, LunarDateItem, Observance, OneOffEvent
from scheduler.core.tet_items import Occurrence, event_occurrences
from scheduler.core.titles import render
from scheduler.core.window import Window
from scheduler.errors import LunarDateError

KIND_ORDER = {k: i for i, k in enumerate(
    [EventKind.HOLIDAY, EventKind.WORKDAY, EventKind.PHASE, EventKind.OBSERVANCE, EventKind.LUNAR,
     EventKind.ANNIVERSARY, EventKind.EVENT, EventKind.DEADLINE]
)}
ANNIVERSARY_TITLE = "Kỷ niệm {ordinal} năm {name} ({base} – {date})"
YEARLY_TITLE = "{name} ({date})"  # a commemoration whose base year the plan does not give
OBSERVANCE_TITLE = "{name} năm {year}"
LUNAR_TITLE = "{name} {can_chi} {year}"


def default_window(calendar: Calendar, today: date) -> Window:
    """What a feed serves when nobody asks for dates.

    A campaign: its own span, stretched to its own phases, events and deadlines
    (a report due after the campaign closes is still the campaign's), whatever
    `today` is. The national calendar (no span): this year and the next.
    """
    if calendar.span is None:
        return Window(date(today.year, 1, 1), date(today.year + 1, 12, 31))
    start, end = calendar.span.start, calendar.span.end
    for phase in calendar.phases:
        if phase.defined_in == calendar.id:
            start, end = min(start, phase.start), max(end, phase.end)
    for day in own_dates(calendar):
        start, end = min(start, day), max(end, day)
    return Window(start, end)


def finished(calendar: Calendar, today: date) -> bool:
    """A campaign is over once its span and its own deadlines and events are all behind `today`
    (a school year's final report due 15/6 keeps it open after 31/5). The national calendar never is."""
    return calendar.span is not None and today > default_window(calendar, today).end


def own_dates(calendar: Calendar) -> Iterator[date]:
    """Every day the calendar's own deadlines and one-off events fall on."""
    assert calendar.span is not None
    for deadline in calendar.deadlines:
        if deadline.defined_in == calendar.id:
            for day, _, _ in deadline_occurrences(calendar, deadline.item, calendar.span.years):
                yield day
    for event in calendar.events:
        if event.defined_in == calendar.id:
            for when in event_occurrences(event.item, calendar.span, calendar.span.years):
                yield from (when.first, when.last)
    for activity in calendar.activities:
        if activity.defined_in == calendar.id:
            yield from activity.item.period or ()


def expand(calendar: Calendar, window: Window) -> list[Event]:
    events = [
        *_phases(calendar, window),
        *_anniversaries(calendar, window),
        *_observances(calendar, window),
        *_lunar(calendar, window),
        *_holidays(calendar, window),
        *_one_off(calendar, window),
        *activity_events(calendar, window),
        *deadline_events(calendar, window),
    ]
    events.sort(key=lambda e: (e.start, KIND_ORDER[e.kind], e.uid))
    return events


def expand_deadlines(calendar: Calendar, window: Window) -> list[Event]:
    """The deadlines of ``expand(calendar, window)``, in the same order, without expanding anything else.

    Reminders and the campaign list need only deadlines; the anniversaries,
    holidays and lunar dates a calendar inherits are most of the work of
    :func:`expand` (planning reminders for 2,000 calendars: 4 s against 0.3 s).
    """
    events = list(deadline_events(calendar, window))
    events.sort(key=lambda e: (e.start, KIND_ORDER[e.kind], e.uid))
    return events


def _phases(calendar: Calendar, window: Window) -> Iterator[Event]:
    named: tuple[Sourced[Commemoration] | Sourced[Observance] | Sourced[LunarDateItem], ...] = (
        *calendar.commemorations, *calendar.observances, *calendar.lunar_dates)
    names = {s.item.id: s.item.name for s in named}
    for phase in calendar.phases:
        if not window.overlaps(phase.start, phase.end):
            continue
        lines = []
        if phase.theme:
            lines.append(f"Chủ đề: {phase.theme}")
        if phase.celebrates:
            lines.append("Chào mừng: " + "; ".join(names.get(c, c) for c in phase.celebrates))
        if phase.description:
            lines.append(phase.description)
        yield Event(
            uid=event_uid(calendar, EventKind.PHASE, phase.id, phase.start.year),
            kind=EventKind.PHASE,
            title=phase.title,
            start=phase.start,
            end=phase.end,
            source=phase.source,
            calendar_id=calendar.id,
            item_id=phase.id,
            defined_in=phase.defined_in,
            description="\n".join(lines) or None,
            warnings=phase.warnings,
            inherited=phase.defined_in != calendar.id,
            origin=phase.origin,
            provenance=phase.provenance,
        )


def _anniversaries(calendar: Calendar, window: Window) -> Iterator[Event]:
    for sourced in calendar.commemorations:
        item = sourced.item
        if item.date is None:
            continue  # named without a date: listed by undated_items
        base = item.base
        for year in window.years():
            if isinstance(item.date, DayMonth):  # no base year: no ordinal
                day = item.date.in_year(year)
                if day is None or day not in window:
                    continue
                title = render(item.title or YEARLY_TITLE, ordinal="", name=item.name, base="", date=vn_date(day),
                               year=year)
                yield item_event(
                    calendar, sourced, EventKind.ANNIVERSARY, year, title=title, start=day, end=day,
                    provenance=f"Ngày {item.date} hằng năm; văn bản không ghi năm gốc nên không tính số năm kỷ niệm",
                )
                continue
            assert base is not None  # a full base date
            ordinal = year - base.year
            if ordinal <= 0:
                continue
            try:
                day = base.replace(year=year)
            except ValueError:  # 29/2 in a common year: no anniversary that year
                continue
            if day not in window:
                continue
            title = render(item.title or ANNIVERSARY_TITLE, ordinal=ordinal, name=item.name, base=vn_date(base),
                           date=vn_date(day), year=year)
            milestone = ordinal % 5 == 0
            celebrated_in = own_phases(calendar, item.id, day, base) if item.id in calendar.celebrated else ()
            yield item_event(
                calendar, sourced, EventKind.ANNIVERSARY, year, title=title, start=day, end=day,
                inherited=not_own(calendar, sourced.defined_in, day, bool(celebrated_in)),
                anniversary=AnniversaryInfo(base, ordinal, milestone, celebrated_in),
                provenance=f"Ngày kỷ niệm tính từ ngày gốc {vn_date(base)}: năm {year} là lần thứ {ordinal}",
            )


def _in_year(day: DayMonth | FullDate, year: int) -> date | None:
    """A yearly day (25/6) in ``year``, or a full date as it is."""
    return day.in_year(year) if isinstance(day, DayMonth) else day.value


def _observances(calendar: Calendar, window: Window) -> Iterator[Event]:
    for sourced in calendar.observances:
        item = sourced.item
        for year in window.years():
            start, end = _in_year(item.start, year), _in_year(item.end, year)
            if start is not None and end is not None and end < start and isinstance(item.end, DayMonth):
                end = item.end.in_year(year + 1)  # "31/12" to "1/1": it runs into the next year, as written
            if start is None or end is None or start.year != year or not window.overlaps(start, end):
                continue
            title = render(item.title or OBSERVANCE_TITLE, name=item.name, year=year)
            yield item_event(calendar, sourced, EventKind.OBSERVANCE, year, title=title, start=start, end=end,
                              provenance=f"Hằng năm từ {item.start} đến {item.end}")


@lru_cache(maxsize=65536)
def _lunar_to_solar(year: int, month: int, day: int, leap: bool) -> date | None:
    try:
        return lunar.to_solar(year, month, day, leap)
    except LunarDateError:  # that year has no such leap month, or month has 29 days
        return None


def _lunar(calendar: Calendar, window: Window) -> Iterator[Event]:
    for sourced in calendar.lunar_dates:
        item = sourced.item
        day_of_month, month = item.day_month
        for lunar_year in range(window.start.year - 1, window.end.year + 1):
            if lunar_year not in lunar.SUPPORTED_YEARS:
                continue
            solar = _lunar_to_solar(lunar_year, month, day_of_month, item.leap)
            if solar is None or solar not in window:
                continue
            can_chi = lunar.can_chi(lunar_year)
            written = f"{day_of_month}/{month}{' nhuận' if item.leap else ''} âm lịch"
            title = render(item.title or LUNAR_TITLE, name=item.name, can_chi=can_chi, year=lunar_year, lunar=written)
            yield item_event(
                calendar, sourced, EventKind.LUNAR, lunar_year, title=title, start=solar, end=solar,
                description=item.description or f"Ngày {written} năm {can_chi}",
                lunar=LunarInfo(lunar_year, month, day_of_month, item.leap),
                can_chi=can_chi,
                provenance=f"Ngày {written} năm {can_chi}, tính theo lịch âm Việt Nam (múi giờ UTC+7)",
            )


def _holidays(calendar: Calendar, window: Window) -> Iterator[Event]:
    """Days off, each with its own legal basis, and the Saturdays worked to make up a swapped one."""
    if not calendar.public_holidays:
        return
    defined_in = calendar.public_holidays_from or calendar.id
    for year in window.years():
        for block in holiday_blocks(year):
            if window.overlaps(block.start, block.end):
                yield _day_event(calendar, defined_in, EventKind.HOLIDAY, "nghi-le", block.start, block.end,
                                 block.title, block.description, block.basis)
        for workday in make_up_workdays(year):
            if workday.day in window:
                yield _day_event(calendar, defined_in, EventKind.WORKDAY, "lam-bu", workday.day, workday.day,
                                 workday.title, workday.description, workday.basis)


def _day_event(calendar: Calendar, defined_in: str, kind: EventKind, key: str, start: date, end: date,
               title: str, description: str, basis: str) -> Event:
    return Event(
        uid=event_uid(calendar, kind, key, start.strftime("%Y%m%d")),
        kind=kind,
        title=title,
        start=start,
        end=end,
        source=f"{basis} (lịch {defined_in})",
        calendar_id=calendar.id,
        item_id=f"{key}-{start.isoformat()}",
        defined_in=defined_in,
        description=description,
        inherited=defined_in != calendar.id,
        origin=DateOrigin.RULE,
        provenance=f"Căn cứ: {basis}",
    )


def _one_off(calendar: Calendar, window: Window) -> Iterator[Event]:
    years = range(window.start.year, window.end.year + 2)
    for sourced in calendar.events:
        item = sourced.item
        for when in event_occurrences(item, calendar.span, years):
            if window.overlaps(when.first, when.last):
                yield _one_off_event(calendar, sourced, when)


def _one_off_event(calendar: Calendar, sourced: Sourced[OneOffEvent], when: Occurrence) -> Event:
    item = sourced.item
    lines = []
    if item.time is not None:
        clock = item.time.strftime("%H:%M")
        lines.append(f"Thời gian: {clock}" + (f" – {item.end_time.strftime('%H:%M')}" if item.end_time else ""))
    if item.place:
        lines.append(f"Địa điểm: {item.place}")
    if item.description:
        lines.append(item.description)
    origin, provenance = dated_by_origin(item.dated_by, item.as_written, sourced.issuer)
    if when.provenance is not None and item.dated_by != "admin":
        origin, provenance = DateOrigin.RULE, when.provenance
    return item_event(
        calendar, sourced, EventKind.EVENT, when.key,
        title=item.title, start=when.first, end=when.last, description="\n".join(lines) or None,
        inherited=sourced.defined_in != calendar.id, origin=origin, provenance=provenance,
        start_time=item.time, end_time=item.end_time, place=item.place,
    )


def undated_items(calendar: Calendar) -> list[UndatedItem]:
    """What the plan names without a date: listed under their own heading, never given one.

    Deadlines with no date (or "sau mỗi đợt" with no number of days), one-off
    events with no date and commemorations named without a date.
    """
    out: list[UndatedItem] = []
    phase_ends = "; ".join(f"{p.name} kết thúc {vn_date(p.end)}" for p in calendar.phases)
    for sourced in calendar.deadlines:
        item = sourced.item
        if not item.undated:
            continue
        context = phase_ends if item.after_phase is not None else None
        out.append(_undated(calendar, sourced, EventKind.DEADLINE, item.title, item.wording, context,
                            submitted_by=item.submitted_by, submit_to=item.submit_to, via=item.via))
    for event in calendar.events:
        if event.item.undated:
            out.append(_undated(calendar, event, EventKind.EVENT, event.item.title, event.item.as_written or "", None))
    for phase in calendar.undated_phases:
        out.append(_undated(calendar, phase, EventKind.PHASE, phase.item.name,
                            phase.item.as_written or "", None))
    for commemoration in calendar.commemorations:
        if commemoration.item.date is None:
            out.append(_undated(calendar, commemoration, EventKind.ANNIVERSARY, commemoration.item.name,
                                commemoration.item.as_written or "", None))
    return out


def _undated(calendar: Calendar, sourced: Sourced, kind: EventKind, title: str, wording: str,
             context: str | None, **fields: str | None) -> UndatedItem:
    return UndatedItem(
        kind=kind, item_id=sourced.item.id, title=title, wording=wording, source=sourced.source,
        defined_in=sourced.defined_in, inherited=inherited(calendar, sourced.defined_in, sourced.item.id),
        context=context, **fields,
    )
