"""Rules a calendar file must follow beyond its schema, each a located diagnostic.

`check_calendar_file` needs only the file; `check_references` runs once the
calendars it extends are known (celebrated commemorations, stated ordinals).
"""

from __future__ import annotations

import difflib
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scheduler.campaign import resolve_phase
from scheduler.dates import DayMonth, FullDate, vn_date
from scheduler.errors import Severity
from scheduler.loader import LoadedFile
from scheduler.model import ITEM_SECTIONS, Commemoration


def check_calendar_file(loaded: LoadedFile) -> None:
    cal = loaded.model
    assert cal is not None
    if cal.id != loaded.stem and loaded.positions.get(("id",)):
        loaded.diagnose("id.file_name", ("id",), value=cal.id, stem=loaded.stem)
    try:
        ZoneInfo(cal.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        loaded.diagnose("timezone.unknown", ("timezone",), value=cal.timezone)
    _unique_ids(loaded)
    _phases(loaded)
    _deadlines(loaded)


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


def _phases(loaded: LoadedFile) -> None:
    cal = loaded.model
    assert cal is not None
    previous = None
    for index, phase in enumerate(cal.phases):
        resolved, notes = resolve_phase(
            phase,
            year=cal.year,
            launch_date=cal.launch_date.value if isinstance(cal.launch_date, FullDate) else None,
            document_date=cal.document.date if cal.document else None,
            defined_in=cal.id,
            source="",
        )
        for code in notes:
            if code == "phase.launch_unknown" and resolved is not None:
                loaded.diagnose(code, ("phases", index, "start"), severity=Severity.WARNING,
                                fallback=vn_date(resolved.start), name=phase.name)
            elif code == "phase.year":
                loaded.diagnose(code, ("phases", index, "end"), value=str(phase.end))
        if resolved is None:
            continue
        if resolved.end < resolved.start:
            loaded.diagnose("phase.order", ("phases", index, "end"), value=str(phase.end),
                            start=vn_date(resolved.start), end=vn_date(resolved.end))
            continue
        if previous is not None:
            context = dict(name=phase.name, start=vn_date(resolved.start), previous=previous.name,
                           previous_end=vn_date(previous.end))
            if resolved.start <= previous.end:
                loaded.diagnose("phase.overlap", ("phases", index, "start"), severity=Severity.WARNING, **context)
            elif (resolved.start - previous.end).days > 1:
                loaded.diagnose("phase.gap", ("phases", index, "start"), severity=Severity.WARNING, **context)
        previous = resolved


def _deadlines(loaded: LoadedFile) -> None:
    cal = loaded.model
    assert cal is not None
    phase_ids = [p.id for p in cal.phases]
    for index, deadline in enumerate(cal.deadlines):
        if deadline.after_phase is not None and deadline.after_phase != "each" and deadline.after_phase not in phase_ids:
            # A phase of a parent calendar is fine; check_references settles it.
            pass
        if isinstance(deadline.date, FullDate) and cal.year and deadline.date.value.year not in (cal.year, cal.year + 1):
            loaded.diagnose("deadline.outside_year", ("deadlines", index, "date"), severity=Severity.WARNING,
                            value=str(deadline.date), year=cal.year)
        if isinstance(deadline.date, DayMonth) and cal.year is None and cal.phases:
            loaded.diagnose("phase.year", ("deadlines", index, "date"), value=str(deadline.date))


def check_references(
    loaded: LoadedFile,
    commemorations: dict[str, Commemoration],
    phase_ids: list[str],
    other_items: frozenset[str] = frozenset(),
) -> None:
    """Checks against everything the file can see once `extends` is resolved."""
    cal = loaded.model
    assert cal is not None
    for p_index, phase in enumerate(cal.phases):
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
            if cal.year is None:
                loaded.diagnose("ordinal.no_year", path, value=celebration.ordinal)
                continue
            assert isinstance(target.date, FullDate)
            base = target.date.value
            computed = cal.year - base.year
            if computed != celebration.ordinal:
                loaded.diagnose("ordinal.mismatch", path, value=celebration.ordinal, computed=computed,
                                base=vn_date(base), year=cal.year, id=celebration.id)
    for d_index, deadline in enumerate(cal.deadlines):
        if deadline.after_phase not in (None, "each") and deadline.after_phase not in phase_ids:
            loaded.diagnose("deadline.phase_unknown", ("deadlines", d_index, "after_phase"),
                            value=deadline.after_phase, known=", ".join(phase_ids) or "—")
