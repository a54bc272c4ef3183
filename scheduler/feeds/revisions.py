"""The revision ledger of a feed: what subscribers were last told about each UID.

Calendar clients only replace an event they already have when its SEQUENCE
goes up, and they only drop one when it comes back ``STATUS:CANCELLED``. So
after every reload the service compares what a calendar now expands to with
what it published before (:func:`reconcile`): changed events get SEQUENCE + 1,
deleted ones become tombstones that are published as cancelled for
``cancelled_retention_days``. The rules for live events are those of
:func:`notifiers.ics.render_calendar`, so the renderer agrees with the ledger
and leaves it unchanged. Pure: the caller passes "now" and stores the result.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from notifiers.ics import CANCELLED_PREFIX, Revision, revise
from scheduler.core.events import Event, event_from_json



@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One UID of one calendar, as last published."""

    calendar_id: str
    uid: str
    revision: Revision
    start: date  # of the event, to tell whether it lies in a window
    event_json: str  # Event.to_json(): a deleted event is re-published from it
    deleted_at: datetime | None = None  # UTC; set while the event is a tombstone

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    def event(self) -> Event:
        return event_from_json(json.loads(self.event_json))


Ledger = Mapping[str, LedgerEntry]  # uid -> entry, for one calendar


def _entry(event: Event, revision: Revision) -> LedgerEntry:
    return LedgerEntry(
        calendar_id=event.calendar_id,
        uid=event.uid,
        revision=revision,
        start=event.start,
        event_json=json.dumps(event.to_json(), ensure_ascii=False, sort_keys=True),
    )


def reconcile(
    ledger: Ledger,
    events: Iterable[Event],
    *,
    now: datetime,
    baseline: datetime,
    tracked: tuple[date, date] | None,
) -> dict[str, LedgerEntry]:
    """The entries that change when ``events`` are published; merge them into the ledger.

    ``tracked`` is the window (inclusive) that ``events`` cover completely:
    a live entry starting in it whose UID is missing from ``events`` was
    deleted. Without ``tracked`` (a feed for some other window) nothing is
    deleted, only added or revised. ``baseline`` is the stamp of a UID never
    published (``FeedMeta.baseline_stamp``) when the ledger is empty, so first renders are
    reproducible; a UID added to a calendar already published is stamped ``now``.
    """
    changed: dict[str, LedgerEntry] = {}
    seen: set[str] = set()
    # The first publication is stamped with the plan's date (reproducible); an event that appears
    # later carries the time it appeared, so clients and Last-Modified see the change.
    first_stamp = baseline if not ledger else now
    for event in events:
        seen.add(event.uid)
        old = ledger.get(event.uid)
        revision = revise(event.fingerprint(), old.revision if old else None, now, first_stamp)
        if old is None or revision != old.revision:
            changed[event.uid] = _entry(event, revision)
    if tracked is not None:
        first, last = tracked
        for uid, old in ledger.items():
            if uid in seen or old.deleted or not first <= old.start <= last:
                continue
            cancelled = CANCELLED_PREFIX + old.revision.fingerprint.removeprefix(CANCELLED_PREFIX)
            revision = revise(cancelled, old.revision, now, baseline)
            changed[uid] = replace(old, revision=revision, deleted_at=now)
    return changed


def tombstones(ledger: Ledger, now: datetime, retention: timedelta) -> list[LedgerEntry]:
    """Deleted events still announced as cancelled at ``now``."""
    return [e for e in ledger.values() if e.deleted_at is not None and now - e.deleted_at < retention]


def next_expiry(ledger: Ledger, retention: timedelta) -> datetime | None:
    """When the next tombstone stops being published: the feed changes then."""
    times = [e.deleted_at + retention for e in ledger.values() if e.deleted_at is not None]
    return min(times) if times else None
