"""When each deadline falls due, and its events: the written day, the moment it is due in
the calendar's time zone, and a warning when the last day to submit is not a working day.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from scheduler.core.campaign import Calendar, ResolvedPhase, Sourced, tet_provenance
from scheduler.core.dates import DayMonth, FullDate, TetRelative, vn_date
from scheduler.core.days_off import deadline_warnings
from scheduler.core.events import DateOrigin, DeadlineInfo, Due, Event, EventKind
from scheduler.core.item_events import dated_by_origin, item_event
from scheduler.core.model import Deadline
from scheduler.core.tet_items import deadline_days
from scheduler.core.window import Window


@lru_cache(maxsize=16)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def deadline_occurrences(
    calendar: Calendar, deadline: Deadline, window_years: range
) -> Iterator[tuple[date, str, ResolvedPhase | None]]:
    """(written date, occurrence key, phase) for each time a deadline falls due.

    A yearly date ("25/6") falls in every year of a campaign's span; when none of
    them lies inside the span (a school year's "25/6"), the first one after it
    does (the report after the campaign). Without a span (the national
    calendar), in every year of the window. A date tied to Tết ("trước Tết 10
    ngày") falls once for each Tết of the span (see `campaign.tet_days`).
    Undated deadlines never fall due.
    """
    if deadline.undated:
        return
    if isinstance(deadline.date, FullDate):
        yield deadline.date.value, "0", None
    elif isinstance(deadline.date, TetRelative):  # "trước Tết 10 ngày": once a year of the span
        years = range(window_years.start, window_years.stop + 1)
        for year, tet_day in deadline_days(deadline.date, calendar.span, years):
            yield tet_day, str(year), None
    elif isinstance(deadline.date, DayMonth):
        span = calendar.span
        days: list[date | None] | list[date]
        if span is None:
            days = [deadline.date.in_year(year) for year in window_years]
        else:
            candidates = [d for d in (deadline.date.in_year(y) for y in range(span.start.year, span.end.year + 2)) if d]
            days = [d for d in candidates if d in span] or [d for d in candidates if d > span.end][:1]
        for day in days:
            if day is not None:
                yield day, str(day.year), None
    else:
        for phase in calendar.phases:
            if deadline.after_phase in ("each", phase.id):
                yield phase.end + timedelta(days=deadline.days_after or 0), phase.id, phase


def own_deadline_warnings(calendar: Calendar, window: Window) -> Iterator[tuple[Sourced[Deadline], tuple[str, ...]]]:
    """The warnings :func:`deadline_events` gives the occurrences in ``window`` of the calendar's own
    deadlines (a last day that is not a working day), in its order, without making the events."""
    for sourced in calendar.deadlines:
        if sourced.defined_in != calendar.id:
            continue
        for written, _, _ in deadline_occurrences(calendar, sourced.item, window.years()):
            if written in window and (warnings := deadline_warnings(written, sourced.item.due)):
                yield sourced, warnings


def deadline_events(calendar: Calendar, window: Window) -> Iterator[Event]:
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
            if isinstance(item.date, TetRelative):  # the plan's own words, the computed day beside them
                words = item.date.words
                lead = "" if item.due is Due.BEFORE and words.startswith("trước") else (
                    "trước " if item.due is Due.BEFORE else "chậm nhất ")
                as_written = f"{lead}{words}: {vn_date(written)}"
            what = f"{item.title} – {phase.name}" if phase else item.title
            warnings = deadline_warnings(written, item.due)
            origin, provenance = dated_by_origin(item.dated_by, item.wording if item.dated_by == "admin" else item.as_written,
                                           sourced.issuer)
            if isinstance(item.date, TetRelative) and item.dated_by != "admin":
                origin, provenance = DateOrigin.RULE, tet_provenance(item.date, int(occurrence))
            if (phase is not None and origin is DateOrigin.DOCUMENT
                    and phase.origin in (DateOrigin.DEFAULT, DateOrigin.PROVISIONAL, DateOrigin.ADMIN)):
                # "sau mỗi đợt": the date follows the phase's end, which the plan does not give.
                origin = DateOrigin.PROVISIONAL if phase.origin is DateOrigin.PROVISIONAL else DateOrigin.DEFAULT
                provenance = (f"Tính từ ngày kết thúc {phase.name} ({vn_date(phase.end)}), ngày không do văn bản ghi: "
                              f"{phase.provenance}")
            yield item_event(
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
                origin=origin,
                provenance=provenance,
            )
