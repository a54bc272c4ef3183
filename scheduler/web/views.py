"""What the web pages show, computed from events and "now": pure, so tests need no browser.

The campaign page draws one year as a timeline: phases and month-long
observances as bars (stacked in lanes when they overlap), one-day events as
marks, deadlines in red, days off shaded. Positions are percentages of the
year so the same HTML fits a phone and a desktop. Countdowns count civil days
in the calendar's zone up to the last day people can still submit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduler.core.campaign import Calendar
from scheduler.core.dates import vn_date, vn_weekday
from scheduler.core.events import DateOrigin, Event, EventKind

MONTHS = ("Th1", "Th2", "Th3", "Th4", "Th5", "Th6", "Th7", "Th8", "Th9", "Th10", "Th11", "Th12")
BAR_KINDS = (EventKind.PHASE, EventKind.OBSERVANCE)


@dataclass(frozen=True, slots=True)
class Span:
    left: float  # percent of the year from its first day
    width: float  # percent of the year


@dataclass(frozen=True, slots=True)
class Bar:
    event: Event
    span: Span
    lane: int


@dataclass(frozen=True, slots=True)
class Mark:
    event: Event
    span: Span
    label: str  # short: "28/7"


@dataclass(frozen=True, slots=True)
class Timeline:
    year: int
    months: tuple[tuple[str, Span], ...]
    bars: tuple[Bar, ...]
    lanes: int
    marks: tuple[Mark, ...]  # anniversaries, observance days, lunar dates
    deadlines: tuple[Mark, ...]
    days_off: tuple[Mark, ...]  # public holidays
    today: Span | None  # when today falls in the year


@dataclass(frozen=True, slots=True)
class DeadlineRow:
    event: Event
    last_day: date  # the last civil day on which people can still submit
    days_left: int  # from today to last_day; negative once past
    countdown: str  # "còn 12 ngày", "hôm nay là ngày cuối", "đã quá hạn 3 ngày"
    due_words: str  # "hết ngày 24/6/2024 (nộp trước 25/6/2024)"

    @property
    def urgent(self) -> bool:
        return 0 <= self.days_left <= 7


def _span(start: date, end: date, year: int) -> Span:
    first = date(year, 1, 1)
    total = (date(year + 1, 1, 1) - first).days
    lo = max(start, first)
    hi = min(end, date(year, 12, 31))
    left = (lo - first).days / total * 100
    width = ((hi - lo).days + 1) / total * 100
    return Span(round(left, 3), round(width, 3))


def _lanes(events: Sequence[Event]) -> tuple[list[tuple[Event, int]], int]:
    """Greedy interval colouring: overlapping bars go to separate lanes."""
    ends: list[date] = []
    placed = []
    for event in sorted(events, key=lambda e: (e.start, e.end)):
        for lane, end in enumerate(ends):
            if end < event.start:
                ends[lane] = event.end
                placed.append((event, lane))
                break
        else:
            ends.append(event.end)
            placed.append((event, len(ends) - 1))
    return placed, max(len(ends), 1)


def timeline(events: Iterable[Event], year: int, today: date) -> Timeline:
    in_year = [e for e in events if e.start.year <= year <= e.end.year]
    months = tuple(
        (MONTHS[m - 1],
         _span(date(year, m, 1), (date(year, m + 1, 1) if m < 12 else date(year + 1, 1, 1)) - timedelta(days=1), year))
        for m in range(1, 13)
    )
    bar_events = [e for e in in_year if e.kind in BAR_KINDS and e.end > e.start]
    placed, lanes = _lanes(bar_events)
    bars = tuple(Bar(e, _span(e.start, e.end, year), lane) for e, lane in placed)
    bar_uids = {e.uid for e in bar_events}

    def mark(e: Event) -> Mark:
        return Mark(e, _span(e.start, e.start, year), f"{e.start.day}/{e.start.month}")

    marks = tuple(
        mark(e)
        for e in in_year
        if e.uid not in bar_uids and e.kind not in (EventKind.DEADLINE, EventKind.HOLIDAY) and e.start.year == year
    )
    deadlines = tuple(mark(e) for e in in_year if e.kind is EventKind.DEADLINE)
    days_off = tuple(
        Mark(e, _span(e.start, e.end, year), f"{e.start.day}/{e.start.month}")
        for e in in_year
        if e.kind is EventKind.HOLIDAY
    )
    today_span = _span(today, today, year) if today.year == year else None
    return Timeline(year, months, bars, lanes, marks, deadlines, days_off, today_span)


def countdown(days_left: int) -> str:
    if days_left > 1:
        return f"còn {days_left} ngày"
    if days_left == 1:
        return "còn 1 ngày (hạn cuối là ngày mai)"
    if days_left == 0:
        return "hôm nay là ngày cuối"
    return f"đã quá hạn {-days_left} ngày"


def deadline_rows(events: Iterable[Event], today: date) -> list[DeadlineRow]:
    rows = []
    for e in events:
        if e.deadline is None:
            continue
        last = e.deadline.last_day
        days = (last - today).days
        rows.append(DeadlineRow(e, last, days, countdown(days), e.deadline.due_words))
    rows.sort(key=lambda r: (r.last_day, r.event.uid))
    return rows


def upcoming(rows: Sequence[DeadlineRow]) -> list[DeadlineRow]:
    return [r for r in rows if r.days_left >= 0]


def next_deadline(events: Iterable[Event], today: date) -> DeadlineRow | None:
    return next(iter(upcoming(deadline_rows(events, today))), None)


def long_date(d: date) -> str:
    """"Thứ Hai 24/6/2024": how a page names a day people must act on."""
    return f"{vn_weekday(d)} {vn_date(d)}"


def local_time(moment: datetime, zone: str = "Asia/Ho_Chi_Minh") -> str:
    """"13:22:11 ngày 21/11/2026": an instant as an admin in Việt Nam reads it."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local:%H:%M:%S} ngày {vn_date(local.date())}"


def date_range(event: Event) -> str:
    if event.start == event.end:
        return vn_date(event.start)
    return f"{vn_date(event.start)} – {vn_date(event.end)}"


def span_words(calendar: Calendar) -> str:
    """The campaign's span as the plan names it, capitalised for a heading: "Năm học 2019–2020"."""
    if calendar.span is None:
        return "Hằng năm"
    words = calendar.span.described  # "năm 2024 (suy ra từ các mục có ngày)" when the file states none
    return words[:1].upper() + words[1:]


def span_end_note(calendar: Calendar) -> str | None:
    """Where the campaign's last day comes from when the plan names it in words only ("năm học 2026–2027")."""
    if calendar.span is None or calendar.span.end_rule is None:
        return None
    return f"Kết thúc {vn_date(calendar.span.end)}: {calendar.span.end_rule}"


def default_year(calendar: Calendar, today: date) -> int:
    """The year a campaign page opens on: today's while the campaign runs, else its first year."""
    if calendar.span is None or today in calendar.span:
        return today.year
    return calendar.span.start.year


def year_range(calendar: Calendar, first: date, last: date) -> range:
    """The years a campaign page offers to browse: those of its own window (`first`..`last`)."""
    return range(first.year, last.year + 1)


def finished_words(calendar: Calendar) -> str:
    assert calendar.span is not None
    return f"Phong trào đã kết thúc ngày {vn_date(calendar.span.end)}"


def time_words(event: Event) -> str | None:
    """"08:00 – 11:30" for a one-off event with a time of day."""
    if event.start_time is None:
        return None
    words = event.start_time.strftime("%H:%M")
    if event.end_time is not None:
        words += f" – {event.end_time.strftime('%H:%M')}"
    return words


def shows_provenance(event: Event) -> bool:
    """Dates that are not simply the document's or a rule's (an admin's, a default, a provisional bound)
    say where they come from on the page; so does a plan's own date computed from its words ("trước
    Tết 10 ngày": the document does not write the day)."""
    if event.provenance is None:
        return False
    own_rule = event.origin is DateOrigin.RULE and event.kind in (EventKind.PHASE, EventKind.EVENT, EventKind.DEADLINE)
    return own_rule or event.origin in (DateOrigin.ADMIN, DateOrigin.PROVISIONAL, DateOrigin.DEFAULT)
