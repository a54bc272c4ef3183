"""What ``remind preview`` shows of a day's plan: the rows that go out, grouped into lines.

Pure, like :mod:`scheduler.reminders.planning` whose rows it reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from scheduler.reminders.planning import Kind, PlannedReminder


def on_day(planned: Iterable[PlannedReminder], day: date) -> list[PlannedReminder]:
    """What goes out on a local civil day (preview), submitted units left out."""
    return [r for r in planned if r.send_day == day and not r.suppressed]


@dataclass(frozen=True, slots=True)
class DaySummary:
    """One line of ``remind preview``: a deadline, a kind of message, how many units and emails."""

    occurrence_uid: str
    kind: Kind
    offset_days: int
    send_at: datetime  # the earliest, aware UTC
    last_day: date
    moved: bool
    parties: int  # units (or subscribers, admins) reached
    emails: int


def summarize(rows: Iterable[PlannedReminder]) -> list[DaySummary]:
    """Rows grouped by deadline and message kind, earliest first: 20,000 units read as one line."""
    groups: dict[tuple[str, Kind, int], list[PlannedReminder]] = {}
    for r in rows:
        groups.setdefault((r.occurrence_uid, r.kind, r.offset_days), []).append(r)
    out = [
        DaySummary(uid, kind, offset, min(r.send_at for r in rs), rs[0].last_day, any(r.moved for r in rs),
                   len({r.party_key for r in rs}), len(rs))
        for (uid, kind, offset), rs in groups.items()
    ]
    out.sort(key=lambda s: (s.send_at, s.occurrence_uid, s.kind.value))
    return out
