"""Expanding a resolved calendar into dated events for a window of days.

`expand(calendar, window)` is a pure function: no clock, no files. Everything
a person reads in an event title is composed here, in Vietnamese, the way a
union official writes it ("Kỷ niệm 95 năm Ngày thành lập Công đoàn Việt Nam
(28/7/1929 – 28/7/2024)"). UIDs name the calendar, the kind, the item and the
occurrence (a year or a phase), never a date, so moving a deadline keeps its
UID and editing one event never changes another's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from scheduler import lunar
from scheduler.campaign import Calendar, ResolvedPhase, Sourced
from scheduler.dates import DayMonth, FullDate, vn_date, vn_weekday
from scheduler.errors import BadRequest, LunarDateError
from scheduler.events import AnniversaryInfo, DeadlineInfo, Due, Event, EventKind, LunarInfo, last_day
from scheduler.model import Deadline
from scheduler.public_holidays import day_off_reason, holiday_blocks, previous_working_day

KIND_ORDER = {k: i for i, k in enumerate(
    [EventKind.HOLIDAY, EventKind.PHASE, EventKind.OBSERVANCE, EventKind.LUNAR, EventKind.ANNIVERSARY, EventKind.DEADLINE]
)}
ANNIVERSARY_TITLE = "Kỷ niệm {ordinal} năm {name} ({base} – {date})"
OBSERVANCE_TITLE = "{name} năm {year}"
LUNAR_TITLE = "{name} {can_chi} {year}"


@dataclass(frozen=True, slots=True)
class Window:
    """Inclusive range of civil dates."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise BadRequest(f"Khoảng thời gian không hợp lệ: {vn_date(self.end)} trước {vn_date(self.start)}")

    @classmethod
    def year(cls, year: int, last_year: int | None = None) -> "Window":
        return cls(date(year, 1, 1), date(last_year or year, 12, 31))

    def years(self) -> range:
        return range(self.start.year, self.end.year + 1)

    def overlaps(self, start: date, end: date) -> bool:
        return start <= self.end and end >= self.start

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def default_window(calendar: Calendar, today: date) -> Window:
    """A campaign's own year, stretched to cover its phases and its own deadlines
    (the review after the last phase falls in January); for a calendar without a
    year, the year of `today`."""
    if calendar.year is None:
        return Window.year(today.year)
    start, end = date(calendar.year, 1, 1), date(calendar.year, 12, 31)
    for phase in calendar.phases:
        start, end = min(start, phase.start), max(end, phase.end)
    for sourced in calendar.deadlines:
        for day, _, _ in deadline_occurrences(calendar, sourced.item, range(calendar.year, calendar.year + 1)):
            start, end = min(start, day), max(end, day)
    return Window(start, end)


def expand(calendar: Calendar, window: Window) -> list[Event]:
    events = [
        *_phases(calendar, window),
        *_anniversaries(calendar, window),
        *_observances(calendar, window),
        *_lunar(calendar, window),
        *_holidays(calendar, window),
        *_deadlines(calendar, window),
    ]
    events.sort(key=lambda e: (e.start, KIND_ORDER[e.kind], e.uid))
    return events


def _uid(calendar: Calendar, kind: EventKind, item_id: str, occurrence: object) -> str:
    return f"{calendar.id}.{kind.value}.{item_id}.{occurrence}@lichthidua"


def _inherited(calendar: Calendar, defined_in: str, item_id: str) -> bool:
    return defined_in != calendar.id and item_id not in calendar.celebrated


def _item_event(
    calendar: Calendar, sourced: Sourced, kind: EventKind, occurrence: object, **fields: object
) -> Event:
    """An event of one YAML item: what every kind shares, plus the kind's own `fields`."""
    item = sourced.item
    fields.setdefault("description", item.description)
    fields.setdefault("inherited", _inherited(calendar, sourced.defined_in, item.id))
    return Event(
        uid=_uid(calendar, kind, item.id, occurrence),
        kind=kind,
        source=sourced.source,
        calendar_id=calendar.id,
        item_id=item.id,
        defined_in=sourced.defined_in,
        **fields,  # type: ignore[arg-type]
    )


def _phases(calendar: Calendar, window: Window) -> Iterator[Event]:
    names = {s.item.id: s.item.name for s in calendar.commemorations}
    for phase in calendar.phases:
        if not window.overlaps(phase.start, phase.end):
            continue
        lines = []
        if phase.as_written:
            lines.append(f"Thời gian: {phase.as_written}")
        if phase.theme:
            lines.append(f"Chủ đề: {phase.theme}")
        if phase.celebrates:
            lines.append("Chào mừng: " + "; ".join(names.get(c, c) for c in phase.celebrates))
        if phase.description:
            lines.append(phase.description)
        yield Event(
            uid=_uid(calendar, EventKind.PHASE, phase.id, phase.start.year),
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
        )


def _anniversaries(calendar: Calendar, window: Window) -> Iterator[Event]:
    for sourced in calendar.commemorations:
        item = sourced.item
        assert isinstance(item.date, FullDate)
        base = item.date.value
        for year in window.years():
            ordinal = year - base.year
            if ordinal <= 0:
                continue
            try:
                day = base.replace(year=year)
            except ValueError:  # 29/2 in a common year: no anniversary that year
                continue
            if day not in window:
                continue
            title = (item.title or ANNIVERSARY_TITLE).format(
                ordinal=ordinal, name=item.name, base=vn_date(base), date=vn_date(day), year=year
            )
            milestone = ordinal % 5 == 0
            yield _item_event(
                calendar, sourced, EventKind.ANNIVERSARY, year, title=title, start=day, end=day,
                anniversary=AnniversaryInfo(base, ordinal, milestone, calendar.celebrated.get(item.id, ())),
            )


def _observances(calendar: Calendar, window: Window) -> Iterator[Event]:
    for sourced in calendar.observances:
        item = sourced.item
        for year in window.years():
            start = item.start.in_year(year) if isinstance(item.start, DayMonth) else item.start.value
            end = item.end.in_year(year) if isinstance(item.end, DayMonth) else item.end.value
            if start is None or end is None or start.year != year or not window.overlaps(start, end):
                continue
            title = (item.title or OBSERVANCE_TITLE).format(name=item.name, year=year)
            yield _item_event(calendar, sourced, EventKind.OBSERVANCE, year, title=title, start=start, end=end)


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
            title = (item.title or LUNAR_TITLE).format(name=item.name, can_chi=can_chi, year=lunar_year, lunar=written)
            yield _item_event(
                calendar, sourced, EventKind.LUNAR, lunar_year, title=title, start=solar, end=solar,
                description=item.description or f"Ngày {written} năm {can_chi}",
                lunar=LunarInfo(lunar_year, month, day_of_month, item.leap),
                can_chi=can_chi,
            )


def _holidays(calendar: Calendar, window: Window) -> Iterator[Event]:
    if not calendar.public_holidays:
        return
    defined_in = calendar.public_holidays_from or calendar.id
    for year in window.years():
        for block in holiday_blocks(year):
            if not window.overlaps(block.start, block.end):
                continue
            yield Event(
                uid=_uid(calendar, EventKind.HOLIDAY, "nghi-le", block.start.strftime("%Y%m%d")),
                kind=EventKind.HOLIDAY,
                title=block.title,
                start=block.start,
                end=block.end,
                source=f"Bộ luật Lao động 2019, Điều 112 (lịch {defined_in})",
                calendar_id=calendar.id,
                item_id=f"nghi-le-{block.start.isoformat()}",
                defined_in=defined_in,
                description="; ".join(dict.fromkeys(block.names)),
                inherited=defined_in != calendar.id,
            )


@lru_cache(maxsize=16)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def deadline_occurrences(calendar: Calendar, deadline: Deadline, window_years: range) -> Iterator[tuple[date, str, ResolvedPhase | None]]:
    """(written date, occurrence key, phase) for each time a deadline falls due."""
    if isinstance(deadline.date, FullDate):
        yield deadline.date.value, "0", None
    elif isinstance(deadline.date, DayMonth):
        years = [calendar.year] if calendar.year is not None else list(window_years)
        for year in years:
            day = deadline.date.in_year(year)
            if day is not None:
                yield day, str(year), None
    else:
        for phase in calendar.phases:
            if deadline.after_phase in ("each", phase.id):
                yield phase.end + timedelta(days=deadline.days_after or 0), phase.id, phase


@lru_cache(maxsize=8192)
def deadline_warnings(written: date, due: Due) -> tuple[str, ...]:
    """Warn when the last day people can submit is not a working day."""
    last = last_day(due, written)
    reason = day_off_reason(last)
    if reason is None:
        return ()
    earlier = previous_working_day(last)
    return (
        f"Ngày cuối để nộp ({vn_weekday(last)} {vn_date(last)}) là {reason}: "
        f"nên nộp chậm nhất {vn_weekday(earlier)} {vn_date(earlier)}",
    )


def _deadlines(calendar: Calendar, window: Window) -> Iterator[Event]:
    zone = _zone(calendar.timezone)
    for sourced in calendar.deadlines:
        item = sourced.item
        for written, occurrence, phase in deadline_occurrences(calendar, item, window.years()):
            if written not in window:
                continue
            if item.due is Due.BEFORE:
                due_at = datetime.combine(written, time(0, 0), zone)
                as_written = f"trước {vn_date(written)}"
            else:
                due_at = datetime.combine(written, time(23, 59, 59), zone)
                as_written = f"chậm nhất ngày {vn_date(written)}"
            what = f"{item.title} – {phase.name}" if phase else item.title
            warnings = deadline_warnings(written, item.due)
            yield _item_event(
                calendar, sourced, EventKind.DEADLINE, occurrence,
                title=f"Hạn chót: {what} ({as_written})",
                start=written,
                end=written,
                deadline=DeadlineInfo(
                    due=item.due,
                    due_at=due_at,
                    as_written=as_written,
                    warnings=warnings,
                    submitted_by=item.submitted_by,
                    submit_to=item.submit_to,
                    via=item.via,
                    groups=tuple(item.groups),
                    phase=phase.id if phase else None,
                    remind_days=tuple(item.remind_days) if item.remind_days is not None else None,
                ),
                warnings=warnings,
                inherited=sourced.defined_in != calendar.id,
            )
