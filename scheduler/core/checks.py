"""Rules a calendar file must follow beyond its schema, each a located diagnostic.

`check_calendar_file` needs only the file; `check_references` runs once the
calendars it extends are known (celebrated commemorations, stated ordinals).
"""

from __future__ import annotations

import difflib
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scheduler.core import lunar
from scheduler.core.campaign import ResolvedPhase, celebrated_years, resolve_phase
from scheduler.core.dates import DayMonth, FullDate, NamedEnd, TetRelative, vn_date
from scheduler.core.derived_span import effective_span
from scheduler.core.loaded import LoadedFile
from scheduler.core.model import ITEM_SECTIONS, Commemoration, OneOffEvent
from scheduler.core.spans import Span, SpanKind
from scheduler.core.tet_items import deadline_days, event_occurrences
from scheduler.core.titles import PLACEHOLDERS, problems
from scheduler.errors import Severity


def check_calendar_file(loaded: LoadedFile) -> None:
    cal = loaded.model
    assert cal is not None
    if cal.id != loaded.stem and loaded.positions.get(("id",)):
        loaded.diagnose("id.file_name", ("id",), value=cal.id, stem=loaded.stem)
    try:
        ZoneInfo(cal.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        loaded.diagnose("timezone.unknown", ("timezone",), value=cal.timezone)
    if cal.year is not None and cal.span is not None:
        loaded.diagnose("span.twice", ("span",), value=cal.year)
    _span_bounds(loaded)
    _observance_order(loaded)
    _unique_ids(loaded)
    _titles(loaded)
    _phases(loaded)
    if cal.phases and effective_span(cal) is None and not any(d.code == "phase.year" for d in loaded.diagnostics):
        # Only phases named without dates: a campaign, but nothing says when.
        loaded.diagnose("span.none", ("phases",), key=True, value=len(cal.phases))
    _deadlines(loaded)
    _leap_months(loaded)


# What a feed can expand: a campaign's years and its length (a plan "giai đoạn 2021–2025" is 5 years).
SPAN_YEARS = (1900, 2200)
SPAN_MAX_YEARS = 10


def _span_bounds(loaded: LoadedFile) -> None:
    """The span stated (year, span) or derived from the dated items: what the feed would expand."""
    span = effective_span(loaded.model) if loaded.model is not None else None
    if span is None:
        return
    first, last = SPAN_YEARS
    if span.start.year < first or span.end.year > last or span.end.year - span.start.year >= SPAN_MAX_YEARS:
        loaded.diagnose("span.too_wide", ("id",) if span.derived else ("span",),
                        value=f"{vn_date(span.start)}–{vn_date(span.end)}", first=first, last=last,
                        years=SPAN_MAX_YEARS)


def _observance_order(loaded: LoadedFile) -> None:
    """An observance with full dates must end after it starts; a yearly one ("31/12" to "1/1") wraps the year."""
    cal = loaded.model
    assert cal is not None
    for index, item in enumerate(cal.observances):
        if isinstance(item.start, FullDate) and isinstance(item.end, FullDate) and item.end.value < item.start.value:
            loaded.diagnose("observance.order", ("observances", index, "end"), value=str(item.end), name=item.name,
                            start=str(item.start), end=str(item.end))


def _titles(loaded: LoadedFile) -> None:
    """Every placeholder of every title template: `expand` and `serve` fill them."""
    cal = loaded.model
    assert cal is not None
    for section, allowed in PLACEHOLDERS.items():
        for index, item in enumerate(getattr(cal, section)):
            if not item.title:
                continue
            for problem in problems(item.title, allowed):
                close = difflib.get_close_matches(problem.field, allowed, n=1, cutoff=0.6)
                loaded.diagnose(problem.code, (section, index, "title"), value=item.title, field=problem.field,
                                allowed=", ".join("{" + a + "}" for a in allowed),
                                suggestion=close[0] if close else None)


def _leap_months(loaded: LoadedFile) -> None:
    """A leap month the campaign's year does not have gives no event: say so."""
    cal = loaded.model
    assert cal is not None
    span = effective_span(cal)
    year = cal.year if cal.year is not None else (span.year if span and span.kind is SpanKind.YEAR else None)
    if year is None or year not in lunar.SUPPORTED_YEARS:
        return
    has = lunar.leap_month(year)
    for index, item in enumerate(cal.lunar_dates):
        _, month = item.day_month
        if item.leap and has != month:
            hint = (f"Năm {year} có tháng {has} nhuận" if has else f"Năm âm lịch {year} không có tháng nhuận")
            hint_en = (f"Year {year} has leap month {has}" if has else f"Lunar year {year} has no leap month")
            loaded.diagnose("lunar.no_leap_month", ("lunar_dates", index, "leap"), severity=Severity.WARNING,
                            value=item.date, year=year, month=month,
                            leap_hint=hint + "; bỏ 'leap: true' nếu là tháng thường", leap_hint_en=hint_en)


def _unique_ids(loaded: LoadedFile) -> None:
    cal = loaded.model
    assert cal is not None
    seen: dict[str, int] = {}
    sections: list[tuple[str, list]] = [(s, getattr(cal, s)) for s in ITEM_SECTIONS] + [("phases", cal.phases)]
    for section, items in sections:
        for index, item in enumerate(items):
            path = (section, index, "id")
            if item.id in seen:
                loaded.diagnose("id.duplicate", path, value=item.id, other_line=seen[item.id])
            else:
                seen[item.id] = loaded.where(path)[0]


PROVISIONAL_NOTES = ("phase.launch_unknown", "phase.named_end", "phase.no_start", "phase.no_end")


def _phases(loaded: LoadedFile) -> None:
    cal = loaded.model
    assert cal is not None
    span = effective_span(cal)
    previous = None
    for index, phase in enumerate(cal.phases):
        resolved, notes = resolve_phase(
            phase,
            span=span,
            launch_date=cal.launch_date.value if isinstance(cal.launch_date, FullDate) else None,
            defined_in=cal.id,
            source="",
        )
        for code in notes:
            if code in PROVISIONAL_NOTES and resolved is not None:
                field = "start" if code in ("phase.launch_unknown", "phase.no_start") else "end"
                words = phase.end.words if isinstance(phase.end, NamedEnd) else ""
                loaded.diagnose(code, ("phases", index, field), key=getattr(phase, field) is None,
                                severity=Severity.WARNING, fallback=vn_date(getattr(resolved, field)),
                                name=phase.name, value=words or None)
            elif code == "phase.undated":
                loaded.diagnose(code, ("phases", index, "name"), severity=Severity.INFO, name=phase.name,
                                value=phase.as_written)
            elif code == "phase.year":
                loaded.diagnose(code, ("phases", index, "end"), value=str(phase.end))
        if resolved is None:
            continue
        if resolved.end < resolved.start:
            loaded.diagnose("phase.order", ("phases", index, "end"), value=str(phase.end),
                            start=vn_date(resolved.start), end=vn_date(resolved.end))
            continue
        if span is not None:
            for field, day in (("start", resolved.start), ("end", resolved.end)):
                if day not in span and getattr(phase, field) is not None:
                    _outside(loaded, ("phases", index, field), day, span, what=phase.name)
            length, span_length = (resolved.end - resolved.start).days + 1, (span.end - span.start).days + 1
            if length > max(span_length, 366):
                loaded.diagnose("phase.too_long", ("phases", index, "end"), key=True, severity=Severity.WARNING,
                                value=vn_date(resolved.end), name=phase.name, days=length, span=span.words)
        if previous is not None:
            context: dict[str, Any] = dict(name=phase.name, start=vn_date(resolved.start), previous=previous.name,
                                           previous_end=vn_date(previous.end))
            if resolved.start <= previous.end:
                loaded.diagnose("phase.overlap", ("phases", index, "start"), severity=Severity.WARNING, **context)
            elif (resolved.start - previous.end).days > 1:
                loaded.diagnose("phase.gap", ("phases", index, "start"), severity=Severity.WARNING, **context)
        previous = resolved


# A report or a closing ceremony may come after the campaign: up to this long after its end
# a deadline or an event is not "outside" it. Phases get no such grace.
AFTER_SPAN_GRACE = timedelta(days=183)


def _after_span_ok(day: date, span: Span) -> bool:
    return span.start <= day <= span.end + AFTER_SPAN_GRACE


def _outside(loaded: LoadedFile, path: tuple, day: date, span: Span, *, what: str) -> None:
    loaded.diagnose("outside_span", path, severity=Severity.WARNING, value=vn_date(day), what=what,
                    span=span.words, start=vn_date(span.start), end=vn_date(span.end))


def _deadlines(loaded: LoadedFile) -> None:
    cal = loaded.model
    assert cal is not None
    span = effective_span(cal)
    for index, deadline in enumerate(cal.deadlines):
        if isinstance(deadline.date, FullDate) and span is not None and not _after_span_ok(deadline.date.value, span):
            _outside(loaded, ("deadlines", index, "date"), deadline.date.value, span, what=f"Hạn chót '{deadline.id}'")
        if isinstance(deadline.date, (DayMonth, TetRelative)) and span is None and cal.phases:
            loaded.diagnose("phase.year", ("deadlines", index, "date"), value=str(deadline.date))
        if isinstance(deadline.date, TetRelative) and span is not None:
            for _, day in deadline_days(deadline.date, span, span.years):
                if not _after_span_ok(day, span):
                    _outside(loaded, ("deadlines", index, "date"), day, span, what=f"Hạn chót '{deadline.id}'")
    for index, event in enumerate(cal.events):
        if span is None or event.undated:
            continue
        if event.tet_rule:
            _tet_event(loaded, index, event, span)
            continue
        for field in ("date", "start", "end"):
            value = getattr(event, field)
            if isinstance(value, FullDate) and not _after_span_ok(value.value, span):
                _outside(loaded, ("events", index, field), value.value, span, what=f"Sự kiện '{event.id}'")
    for index, activity in enumerate(cal.activities):
        for field, bound in zip(("start", "end"), activity.period or (), strict=False):
            if span is not None and bound not in span:
                _outside(loaded, ("activities", index, field), bound, span, what=f"Hoạt động '{activity.id}'")
    for index, item in enumerate(cal.commemorations):
        if item.base is None:
            loaded.diagnose("commemoration.no_base", ("commemorations", index, "date" if item.date else "id"),
                            severity=Severity.WARNING, value=item.name)


def _tet_event(loaded: LoadedFile, index: int, event: OneOffEvent, span: Span) -> None:
    """An event written by Tết: each year's days inside the span (with the grace after it), end after start."""
    field = "date" if event.date is not None else "start"
    occurrences = event_occurrences(event, span, span.years)
    if not occurrences:
        loaded.diagnose("event.order", ("events", index, "end"), value=event.id)
    for when in occurrences:
        if not _after_span_ok(when.first, span) or not _after_span_ok(when.last, span):
            _outside(loaded, ("events", index, field), when.first, span, what=f"Sự kiện '{event.id}'")


def check_references(
    loaded: LoadedFile,
    commemorations: dict[str, Commemoration],
    phases: list[ResolvedPhase],
    other_items: frozenset[str] = frozenset(),
    span: Span | None = None,
) -> None:
    """Checks against everything the file can see once `extends` is resolved."""
    cal = loaded.model
    assert cal is not None
    by_id = {p.id: p for p in phases}
    # A salvaged phase (one with a bad field, already reported) is checked against the span: its
    # wrong ordinal comes in the same run as its bad date, not after the date is fixed.
    salvaged = list(loaded.salvaged_phases.items())
    for p_index, phase in [*enumerate(cal.phases), *salvaged]:
        resolved = by_id.get(phase.id) if p_index < len(cal.phases) else None
        for c_index, celebration in enumerate(phase.celebrates):
            path = ("phases", p_index, "celebrates", c_index)
            target = commemorations.get(celebration.id)
            if target is None and celebration.id in other_items and celebration.ordinal is None:
                continue  # an observance or lunar date ("tổ chức các hoạt động Tháng Công nhân")
            if target is None:
                known = list(commemorations) + sorted(other_items)
                close = difflib.get_close_matches(celebration.id, known, n=1, cutoff=0.5)
                loaded.diagnose("celebrates.unknown", path, value=celebration.id,
                                suggestion=close[0] if close else None)
                continue
            if celebration.ordinal is None:
                continue
            base = target.base
            if base is None:
                loaded.diagnose("ordinal.no_base", path, severity=Severity.WARNING, value=celebration.ordinal,
                                id=celebration.id)
                continue
            years = celebrated_years(base, resolved, span)
            if not years:
                loaded.diagnose("ordinal.no_year", path, value=celebration.ordinal)
                continue
            if base.year + celebration.ordinal in years:
                continue
            year = years[0]
            computed = year - base.year
            if computed != celebration.ordinal:
                loaded.diagnose("ordinal.mismatch", path, value=celebration.ordinal, computed=computed,
                                base=vn_date(base), year=year, id=celebration.id)
    undated = [p.id for p in cal.phases if p.undated]
    phase_ids = list(by_id) + undated
    for d_index, deadline in enumerate(cal.deadlines):
        if deadline.after_phase not in (None, "each") and deadline.after_phase not in phase_ids:
            loaded.diagnose("deadline.phase_unknown", ("deadlines", d_index, "after_phase"),
                            value=deadline.after_phase, known=", ".join(phase_ids) or "—")
    for a_index, activity in enumerate(cal.activities):
        if activity.within is None:
            continue
        if activity.within in undated:
            loaded.diagnose("activity.within_undated", ("activities", a_index, "within"), severity=Severity.WARNING,
                            value=activity.within)
        elif activity.within not in by_id:
            loaded.diagnose("activity.within_unknown", ("activities", a_index, "within"), value=activity.within,
                            known=", ".join(phase_ids) or "—")
