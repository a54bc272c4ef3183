"""The revision rules of a feed: what subscribers were last told about each UID, and how that changes.

The ICS writer (:mod:`notifiers.ics`) stamps every event with the SEQUENCE and
DTSTAMP these rules give; the database store of the ledger is
``scheduler.feeds.revision_store`` (it only saves and loads what is decided here).

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

from scheduler.core.events import Event, event_from_json

CANCELLED_PREFIX = "cancelled:"  # marks the fingerprint of a cancelled event in a ledger


@dataclass(frozen=True, slots=True)
class Revision:
    """What subscribers were last told about one UID.

    ``fingerprint`` is :meth:`Event.fingerprint`, prefixed ``cancelled:`` once
    the event has been published as cancelled. ``dtstamp`` is UTC.
    """

    fingerprint: str
    sequence: int
    dtstamp: datetime



def revise(fingerprint: str, old: Revision | None, now: datetime, baseline: datetime) -> Revision:
    """The SEQUENCE rule: new → 0 at `baseline`; unchanged → as before; changed → +1 at `now`."""
    if old is None:
        if fingerprint.startswith(CANCELLED_PREFIX):
            # Subscribers had it at SEQUENCE 0 (we never saw it change): cancel above that.
            return Revision(fingerprint, 1, now)
        return Revision(fingerprint, 0, baseline)
    if old.fingerprint == fingerprint:
        return old
    return Revision(fingerprint, old.sequence + 1, now)


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
