"""What the live service serves: one state per calendar file, swapped in as a whole.

A :class:`Snapshot` is built by each reload of :class:`~scheduler.live.repository.CalendarRepository`;
each :class:`CalendarState` is the version of one file served now (the last valid one),
with its diagnostics and the window whose events the revision ledger tracks. A digest of
the calendar and of the code that expands it says when expanding again would change nothing.
"""

from __future__ import annotations

import gc
import hashlib
import logging
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo

from scheduler.core.campaign import Calendar
from scheduler.core.days_off import data_digest
from scheduler.core.expand import default_window
from scheduler.errors import Diagnostic, Severity
from scheduler.live.catalog import Catalog

log = logging.getLogger("lichthidua.web")  # the live set's messages, as the repository's

# The code that turns a calendar into published events: a change to it must reconcile every calendar again.
_EXPANSION_CODE = ("scheduler/core/expand.py", "scheduler/core/window.py", "scheduler/core/item_events.py",
                   "scheduler/core/deadlines.py", "scheduler/core/events.py", "scheduler/core/campaign.py",
                   "scheduler/core/lunar.py", "scheduler/core/days_off.py", "scheduler/core/days_off_data.py",
                   "scheduler/core/school_years.py", "scheduler/feeds/export.py",
                   "notifiers/ics.py", "notifiers/revisions.py",
                   "scheduler/core/activity_events.py", "scheduler/core/repeats.py", "scheduler/core/derived_span.py")
_expansion_version: str | None = None


def expansion_version() -> str:
    global _expansion_version
    if _expansion_version is None:
        import holidays

        digest = hashlib.sha256(holidays.__version__.encode())
        root = Path(__file__).resolve().parents[2]
        for name in _EXPANSION_CODE:
            digest.update((root / name).read_bytes())
        _expansion_version = digest.hexdigest()
    return _expansion_version


def calendar_digest(calendar: Calendar, tracked: tuple[date, date]) -> str:
    """Equal digests: expanding and reconciling again would change nothing in the ledger."""
    text = f"{expansion_version()}|{data_digest()}|{tracked[0]}|{tracked[1]}|{calendar!r}"
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class CalendarState:
    """One calendar file as the service sees it right now."""

    id: str
    path: Path
    calendar: Calendar | None  # the version served: the latest valid one, None if never valid
    version: int  # goes up whenever a feed of this calendar could change; keys the render cache
    good_since: datetime | None  # UTC, when the served version was loaded
    diagnostics: tuple[Diagnostic, ...] = ()  # of the latest read of the file: errors and warnings
    active_tombstones: frozenset[str] = frozenset()
    tracked: tuple[date, date] | None = None  # the window last reconciled for ``calendar``

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is Severity.WARNING)

    @property
    def failing(self) -> bool:
        """The file on disk is invalid; ``calendar`` (if any) is the last good version."""
        return bool(self.errors)


@dataclass(frozen=True)
class Snapshot:
    """Everything the service serves, swapped in one assignment after each reload."""

    generation: int
    loaded_at: datetime  # UTC
    states: Mapping[str, CalendarState] = field(default_factory=dict)  # id -> state, sorted by id
    catalog: Catalog | None = None  # the latest raw catalog (broken calendars missing)
    # Calendars marked ``draft: true`` (from `new`/`import`): previewed in /admin only, never in
    # ``states``, so no feed, page or reminder sees them until the admin removes the mark.
    drafts: Mapping[str, CalendarState] = field(default_factory=dict)
    # ``calendars`` as the reload that made this snapshot kept it (updated for what it changed), or None
    served: Mapping[str, Calendar] | None = None
    # (generation, the ids whose served calendar that reload may have changed, None: any) of recent reloads
    history: tuple[tuple[int, frozenset[str] | None], ...] = ()

    @property
    def calendars(self) -> Mapping[str, Calendar]:
        """The calendars served: the latest valid version of each, broken files included (read-only)."""
        if self.served is not None:
            return self.served
        return MappingProxyType({cid: s.calendar for cid, s in self.states.items() if s.calendar is not None})

    def changed_since(self, generation: int | None) -> frozenset[str] | None:
        """The ids whose served calendar may differ from the snapshot ``generation``'s: what the reloads
        since changed; None when any may (a whole reload since, or one too long ago to be known)."""
        if generation is None or generation > self.generation:
            return None
        changed: set[str] = set()
        reloads = dict(self.history)
        for g in range(generation + 1, self.generation + 1):
            ids = reloads.get(g)
            if ids is None:
                return None
            changed |= ids
        return frozenset(changed)

    @property
    def failing(self) -> list[CalendarState]:
        return [s for s in self.states.values() if s.failing]


def served_calendars(states: Mapping[str, CalendarState], before: Mapping[str, Calendar] | None,
                     reloaded: Iterable[str]) -> Mapping[str, Calendar]:
    """The calendars served, in the states' order: ``before`` (of the same calendars, or None) updated
    for the ``reloaded`` ones, or all of them looked at when one is served for the first time."""
    if before is not None:
        served = copied(before)
        for cid in reloaded:
            calendar = states[cid].calendar
            if calendar is None:
                served.pop(cid, None)
            elif cid in served:
                served[cid] = calendar
            else:  # served for the first time: in its place among the others
                break
        else:
            return MappingProxyType(served)
    return MappingProxyType({cid: s.calendar for cid, s in states.items() if s.calendar is not None})


HISTORY = 64  # reloads a snapshot tells the changes of: a listener told of the latest one folds those since it was told


def next_history(before: Snapshot, changed: frozenset[str] | None) -> tuple[tuple[int, frozenset[str] | None], ...]:
    """The history of the snapshot after ``before``, whose reload changed ``changed`` (None: any calendar)."""
    return (*before.history[-HISTORY + 1:], (before.generation + 1, changed))


def same_ids(states: Mapping[str, object], old: Mapping[str, object], changed: Iterable[str] | None) -> bool:
    """Whether ``states`` has the ids of ``old``. ``changed``: the only ids set or removed in a copy of
    ``old`` (after an edit), then only they are looked at; None: every id is."""
    if changed is None:
        return states.keys() == old.keys()
    return len(states) == len(old) and all((cid in states) == (cid in old) for cid in changed)


def copied(mapping: Mapping[str, object]) -> dict:
    """A shallow copy of a dict, or of the dict under a read-only view (at C speed: ``dict(view)`` is 20 times slower)."""
    return mapping.copy() if isinstance(mapping, (dict, MappingProxyType)) else dict(mapping)  # type: ignore[return-value]


def local_today(now: datetime, calendar: Calendar | None) -> date:
    zone = ZoneInfo(calendar.timezone if calendar else "Asia/Ho_Chi_Minh")
    return now.astimezone(zone).date()


def tracked_window(calendar: Calendar, today: date) -> tuple[date, date]:
    """The days whose events are watched for edits and deletions: what the default feed serves.

    A campaign: its own window (span and own deadlines), whatever `today` is,
    so an old campaign's dates still get SEQUENCE and cancellations right.
    The national calendar: this year and the next.
    """
    window = default_window(calendar, today)
    return window.start, window.end


def expand_error(path: Path, exc: Exception) -> Diagnostic:
    text = str(exc)
    return Diagnostic(
        file=str(path), line=1, column=1, path="", code="expand.failed", message={"vi": text, "en": text}
    )


@contextmanager
def start_up_collection() -> Iterator[None]:
    """No cyclic garbage collection while start-up builds the calendar set; what it built is frozen after.

    Restoring the parse cache and building 2,000 calendars make millions of
    objects that all live on; the collector, triggered by the allocations,
    walks the growing heap again and again for nothing (half of restoring the
    cache, a quarter of the first reload), and its first full pass after
    start-up would hold the first requests. Reference counting frees
    everything else meanwhile. Afterwards ``gc.freeze()`` moves what start-up
    built out of the collector's sight (Python's documented way to keep a
    long-lived heap out of every full collection, which also keeps those
    pauses out of feed latency); collection resumes as it was. Then the C
    allocator is asked to give back to the system what start-up's transient
    parses left free (glibc's ``malloc_trim``; 40 MB at 10,000 calendars).
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()
        release_free_memory()


def release_free_memory() -> None:
    """Return the C heap's free pages to the system, where the C library can (glibc); else nothing."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        trim = getattr(libc, "malloc_trim", None)
        if trim is not None:
            trim(0)
    except OSError:
        pass


def utc_now() -> datetime:
    return datetime.now(UTC)


def draft_state(previous: CalendarState | None, cid: str, catalog: Catalog, calendar: Calendar,
                now: datetime) -> CalendarState:
    """A draft is read and checked like any calendar, but never reconciled into a ledger."""
    version = previous.version + (previous.calendar != calendar) if previous else 1
    diagnostics = tuple(catalog.diagnostics.get(catalog.display.get(cid, ""), ()))
    return CalendarState(cid, catalog.files[cid], calendar, version, now, diagnostics)


def log_errors(cid: str, diagnostics: tuple[Diagnostic, ...], *, serving: bool) -> None:
    """A calendar found broken by a reload: its errors, and whether a last good version is still served."""
    for d in diagnostics:
        if d.severity is Severity.ERROR:
            log.error("%s", d.format("vi"))
    if serving:
        log.error("Lịch %s có lỗi: tiếp tục phục vụ phiên bản hợp lệ gần nhất.", cid)
    else:
        log.error("Lịch %s có lỗi và chưa có phiên bản hợp lệ nào để phục vụ.", cid)


_NO_UIDS: frozenset[str] = frozenset()


def tombstone_window(deletions: Iterable[tuple[str, datetime]], retention: timedelta,
                     now: datetime) -> tuple[frozenset[str], datetime | None]:
    """The UIDs still published as cancelled (deleted less than ``retention`` ago), and when the next
    of them stops being published (None: never)."""
    deletions = list(deletions)
    active = frozenset(uid for uid, at in deletions if now - at < retention) or _NO_UIDS  # most calendars: one empty set
    upcoming = [at + retention for _, at in deletions if at + retention > now]
    return active, min(upcoming, default=None)
