"""How one item of a calendar becomes an event: its UID, whether it is the plan's own
(feeds with `inherited=false` drop the rest), and who gave its date.

UIDs name the calendar, the kind, the item and the occurrence (a year or a
phase), never a date, so moving a deadline keeps its UID and editing one event
never changes another's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from scheduler.core.campaign import Calendar, Sourced, own_phases
from scheduler.core.events import DateOrigin, Event, EventKind


def event_uid(calendar: Calendar, kind: EventKind, item_id: str, occurrence: object) -> str:
    return f"{calendar.id}.{kind.value}.{item_id}.{occurrence}@lichthidua"


def inherited(calendar: Calendar, defined_in: str, item_id: str, day: date | None = None) -> bool:
    """Whether an occurrence is NOT the plan's own: feeds with `inherited=false` drop it.

    The plan's own: what it celebrates (that occurrence: see `own_phases`), and what
    it defines itself within its span. Everything else comes from a parent calendar
    or from another year than the campaign's.
    """
    if day is None:  # an undated item: the plan's own if it defines or celebrates it
        return defined_in != calendar.id and item_id not in calendar.celebrated
    celebrated = item_id in calendar.celebrated and bool(own_phases(calendar, item_id, day, None))
    return not_own(calendar, defined_in, day, celebrated)


def not_own(calendar: Calendar, defined_in: str, day: date, celebrated: bool) -> bool:
    if celebrated:
        return False
    if defined_in != calendar.id:
        return True
    return calendar.span is not None and day not in calendar.span


def item_event(
    calendar: Calendar, sourced: Sourced[Any], kind: EventKind, occurrence: object, **fields: object
) -> Event:
    """An event of one YAML item: what every kind shares, plus the kind's own `fields`."""
    item = sourced.item
    fields.setdefault("description", item.description)
    if "inherited" not in fields:
        fields["inherited"] = inherited(calendar, sourced.defined_in, item.id, fields["start"])  # type: ignore[arg-type]
    fields.setdefault("origin", DateOrigin.RULE)
    return Event(
        uid=event_uid(calendar, kind, item.id, occurrence),
        kind=kind,
        source=sourced.source,
        calendar_id=calendar.id,
        item_id=item.id,
        defined_in=sourced.defined_in,
        **fields,  # type: ignore[arg-type]
    )


def dated_by_origin(dated_by: str, wording: str | None, issuer: str | None) -> tuple[DateOrigin, str]:
    """The origin and its sentence for an item whose date the document or an admin gives."""
    if dated_by == "admin":
        by = f" của {issuer}" if issuer else ""
        said = f"văn bản ghi “{wording}”" if wording else "văn bản không ghi ngày"
        return DateOrigin.ADMIN, f"Ngày do quản trị{by} đặt để nhắc việc; {said}, không ghi ngày cụ thể"
    if wording:
        return DateOrigin.DOCUMENT, f"Ngày theo văn bản: “{wording}”"
    return DateOrigin.DOCUMENT, "Ngày theo văn bản"
