"""Live calendars: reload on change, keep the last good version, remember revisions.

The web service never reads YAML itself; it asks this repository for a :class:`Snapshot`. A
reload takes each calendar's new version (valid) or keeps serving the last good one and records
why the new one was refused: an admin's typo must never take a campaign's feed down. After an
edit only the saved files are read and only the calendars they define or pass on are merged and
expanded again (scheduler.live.edits); the revision ledger is reconciled for those (see
:mod:`notifiers.revisions`) and saved in one batch, and subscribers (the reminder planner)
are told about the new snapshot. The watcher and the tombstones' timer: scheduler.live.watching.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo

from notifiers.ics import feed_meta
from notifiers.revisions import LedgerEntry, reconcile, tombstones
from scheduler.core.days_off import data_digest
from scheduler.core.events import Event
from scheduler.core.expand import Window, expand
from scheduler.feeds.revision_store import RevisionStore
from scheduler.live import snapshot as snap
from scheduler.live.catalog import PARSE_CACHE_FILE, Catalog, ParseCache, load_catalog
from scheduler.live.edits import edited_files, folder_signature, update_catalog
from scheduler.live.snapshot import CalendarState, Snapshot
from scheduler.live.watching import sleep_until_expiries, watch_folder
from scheduler.settings import Settings
from scheduler.store.faults import translate

log = logging.getLogger("lichthidua.web")

Clock = Callable[[], datetime]
Listener = Callable[[Snapshot], Awaitable[None] | None]


class CalendarRepository:
    """The live set of calendars, with its watcher, ledger and listeners."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock,
        store: RevisionStore | None = None,
        loader: Callable[[Path], Catalog] | None = None,
    ) -> None:
        self.settings = settings
        self.root = settings.calendars_dir
        self.clock = clock
        self.store = store
        self.parse_cache = ParseCache(settings.limits())
        self._custom_loader = loader  # tests hand in their own; the folder is then always read whole
        self.loader = loader or (
            lambda root: load_catalog(root, cache=self.parse_cache, previous=self._snapshot.catalog)
        )
        self.retention = timedelta(days=settings.cancelled_retention_days)
        self._snapshot = Snapshot(generation=0, loaded_at=clock())
        self._days_digest, self._days_changed = "", False
        # Ledgers are read per calendar when first needed (a reconcile, a feed), not all at start.
        self._ledgers: dict[str, Mapping[str, LedgerEntry]] = {}
        self._digests: dict[str, str] = {}  # calendar id -> digest its stored ledger was reconciled with
        self._deletions: dict[str, list[tuple[str, datetime]]] = {}  # tombstones of ledgers not read yet
        self._published: set[str] = set()  # calendars whose stored ledger has rows (read at start)
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        self._parses = threading.Lock()  # parses and catalog as a reload left them: a save takes this one alone
        self._saving: asyncio.Task[None] | None = None  # start-up's save of the parse cache, in the background
        self._signature: dict[str, tuple[int, int]] | None = None  # calendar-suffixed file -> (mtime ns, size)
        self._files: list[Path] | None = None  # the calendar files the last reload read, sorted
        self._file_set: frozenset[Path] = frozenset()  # the same
        self._files_of_states: Mapping[str, Path] | None = None  # the catalog's files, when the states have their ids
        self._days: dict[str, date] = {}  # time zone -> the local day every calendar's tracked window was made on
        self._expiry: dict[str, datetime] = {}  # calendar id -> when its next tombstone expires
        self._tasks: list[asyncio.Task[None]] = []
        self._retry: asyncio.Task[None] | None = None  # a failed reload, tried again (see _refresh_logged)
        self._latest: Snapshot | None = None  # waiting for the listeners (see refresh(background=True))
        self._notifier: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()  # set after every reload: the next tombstone expiry may have moved
        self._stop = asyncio.Event()
        self.expansions = 0  # calendars expanded by reloads (tests and benchmarks read it)
        self._parsed_saved = 0  # parse_cache.parsed when the cache was last saved
        self._reconciled: dict[str, str] = {}  # during a reload: calendar id -> digest just reconciled

    # --- reading -------------------------------------------------------------

    @property
    def snapshot(self) -> Snapshot:
        return self._snapshot

    def ledger(self, calendar_id: str) -> Mapping[str, LedgerEntry]:
        found = self._ledgers.get(calendar_id)
        if found is None:
            if self.store is None:
                return MappingProxyType({})
            loaded = MappingProxyType(self.store.load(calendar_id))
            # A reload may have put a newer one in meanwhile: keep that.
            found = self._ledgers.setdefault(calendar_id, loaded)
        return found

    def cancelled(self, calendar_id: str, now: datetime) -> list[Event]:
        """Deleted events still published as cancelled."""
        return [e.event() for e in tombstones(self.ledger(calendar_id), now, self.retention)]

    # --- listeners -----------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(snapshot)`` after every reload that changed something; returns an unsubscribe."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    async def _notify(self, snapshot: Snapshot) -> None:
        for listener in list(self._listeners):
            began = time.perf_counter()
            try:
                result = listener(snapshot)
                if inspect.isawaitable(result):
                    await result
            except Exception:  # a listener's bug must not stop the watcher
                log.exception("Lỗi trong hàm xử lý sau khi nạp lại lịch: %r", listener)
            log.debug("Hàm xử lý sau khi nạp lại %r: %.2f giây.", listener, time.perf_counter() - began)

    # --- loading -------------------------------------------------------------

    def folder_signature(self) -> dict[str, tuple[int, int]]:
        return folder_signature(self.root)

    def _incremental(self, changed: Collection[Path] | None, now: datetime) -> tuple[list[Path], set[Path], bool] | None:
        """See :func:`~scheduler.live.edits.edited_files`; None as well on a new local day somewhere
        (every tracked window may move), the first load, or with a loader handed in."""
        if changed is None or self._files is None or self._signature is None or self._custom_loader is not None:
            return None
        if any(now.astimezone(ZoneInfo(zone)).date() != day for zone, day in self._days.items()):
            return None
        return edited_files(changed, self.root, self._files, self._file_set, self._signature)

    def load_ledger(self) -> None:
        """What start-up needs from the database: digests and tombstones, not whole ledgers."""
        if self.store is not None:
            self._digests = self.store.digests()
            self._deletions = self.store.deletions()
            self._published = self.store.published()

    def _has_ledger(self, cid: str) -> bool:
        loaded = self._ledgers.get(cid)
        return bool(loaded) if loaded is not None else cid in self._published

    @property
    def parse_cache_file(self) -> Path:
        return self.settings.data_dir / PARSE_CACHE_FILE

    def save_parse_cache(self) -> None:
        try:
            with self._parses:  # the parses and the catalog built from them, as one reload left them
                self.parse_cache.save(self.parse_cache_file, self._snapshot.catalog)
        except OSError as exc:  # a cache: the next start parses again, nothing else is lost
            log.warning("Không ghi được bộ nhớ đệm lịch %s: %s", self.parse_cache_file, exc)

    def reload(self, changed: Collection[Path] | None = None) -> Snapshot:
        """Read the folder and swap in a new snapshot; blocking, so run it in a thread.

        ``changed``: the paths the watcher saw change. Then only those files are looked at and
        only the calendars they define or pass on (``extends``) are merged and expanded again;
        every other calendar keeps its state as it is. Without it, the whole folder is read.
        """
        with self._lock, self._parses:
            began, parsed, expanded = time.perf_counter(), self.parse_cache.parsed, self.expansions
            now = self.clock()
            old, old_drafts = self._snapshot.states, self._snapshot.drafts
            incremental = self._incremental(changed, now)
            catalog: Catalog | None = None
            if incremental is None:
                self._signature = self.folder_signature()
                catalog = self.loader(self.root)
                self._files = sorted(catalog.files.values()) if self._custom_loader is None else None
                states: dict[str, CalendarState] = {}
                drafts: dict[str, CalendarState] = {}
                todo = sorted(catalog.files)
                self._days, copied = {}, False
            else:
                self._files, only, moved = incremental
                previous = self._snapshot.catalog
                if not moved and previous is not None:
                    # The same files: the edited calendars and those extending them are merged again, no more.
                    catalog = update_catalog(previous, self.parse_cache, only)
                if catalog is None:
                    catalog = load_catalog(self.root, cache=self.parse_cache, previous=previous,
                                           files=self._files, only=only)
                copied = catalog.files is self._files_of_states or catalog.files.keys() == old.keys()  # the same ids
                states = snap.copied(old) if copied else {cid: state for cid, state in old.items() if cid in catalog.files}
                drafts = {cid: state for cid, state in old_drafts.items() if cid in catalog.files}
                todo = sorted(catalog.merged)
            # A days-off decision added or edited changes events of unchanged calendars: expand them all again
            # (a reload told of such a change reads the whole folder, see _incremental).
            self._days_changed, self._days_digest = data_digest() != self._days_digest, data_digest()
            if incremental is None or incremental[2]:
                self._file_set = frozenset(self._files or ())
            loaded = time.perf_counter()
            pending: list[LedgerEntry] = []
            self._reconciled = {}
            for cid in todo:
                draft = catalog.calendars.get(cid)
                if draft is not None and draft.draft and not catalog.has_errors(cid):
                    drafts[cid] = snap.draft_state(old_drafts.get(cid), cid, catalog, draft, now)
                    states.pop(cid, None)
                    continue
                drafts.pop(cid, None)
                state, entries = self._next_state(cid, catalog, old.get(cid), now)
                states[cid] = state
                pending += entries
                if state.calendar is not None:
                    self._days.setdefault(state.calendar.timezone, snap.local_today(now, state.calendar))
            kept = incremental is not None and snap.same_ids(states, old, todo if copied else None)
            states = dict(sorted(states.items())) if incremental is not None and not kept else states  # in id order
            if self.store is not None:
                if pending:
                    self.store.save(pending)
                # After the ledger: a digest never claims a reconcile whose rows were not saved.
                fresh = {cid: d for cid, d in self._reconciled.items() if self._digests.get(cid) != d}
                self.store.save_digests(fresh)
                self._digests.update(fresh)
            for cid in (old.keys() - states.keys() - drafts.keys() if not kept else ()):
                log.warning("Tệp lịch %s đã bị xóa: ngừng phục vụ lịch này.", cid)
            served = snap.served_calendars(states, self._snapshot.served if kept else None, todo)
            self._files_of_states = catalog.files if (kept and copied) or catalog.files.keys() == states.keys() else None
            self._snapshot = Snapshot(self._snapshot.generation + 1, now, MappingProxyType(states), catalog,
                                      drafts=MappingProxyType(drafts), served=served,
                                      history=snap.next_history(self._snapshot, frozenset(todo) if kept else None))
            log.debug("Nạp lại %d tệp lịch trong %.2f giây (đọc lại %d tệp trong %.2f giây, mở rộng %d lịch).",
                      len(states), time.perf_counter() - began, self.parse_cache.parsed - parsed, loaded - began,
                      self.expansions - expanded)
            return self._snapshot

    def _next_state(
        self, cid: str, catalog: Catalog, old: CalendarState | None, now: datetime
    ) -> tuple[CalendarState, list[LedgerEntry]]:
        path = catalog.files[cid]
        diagnostics = tuple(catalog.diagnostics.get(catalog.display.get(cid, ""), ()))
        calendar = catalog.calendars.get(cid)
        changes: dict[str, LedgerEntry] = {}
        tracked: tuple[date, date] | None = None
        if calendar is not None and not catalog.has_errors(cid):
            tracked = snap.tracked_window(calendar, snap.local_today(now, calendar))
            if old is not None and old.calendar == calendar and old.tracked == tracked and not self._days_changed:
                pass  # same calendar, same years: expanding again would find no change
            elif not self._has_ledger(cid):
                # Nothing published yet, so nothing to revise or cancel: the first feed records what it
                # publishes (new UIDs get SEQUENCE 0 at the baseline stamp either way). A fresh start
                # of 2,000 calendars expands none of them.
                pass
            elif old is None and cid in self._digests and self._digests[cid] == snap.calendar_digest(calendar, tracked):
                pass  # a restart: the stored ledger was reconciled with exactly this calendar
            else:
                try:
                    events = expand(calendar, Window(*tracked))
                    self.expansions += 1
                    changes = reconcile(
                        self.ledger(cid), events, now=now, baseline=feed_meta(calendar).baseline_stamp,
                        tracked=tracked,
                    )
                    self._reconciled[cid] = snap.calendar_digest(calendar, tracked)
                except Exception as exc:  # noqa: BLE001 - whatever the cause, keep the last good version
                    calendar, tracked = None, None
                    diagnostics += (snap.expand_error(path, exc),)
        else:
            calendar = None
        if changes:
            ledger = dict(self.ledger(cid))
            ledger.update(changes)
            self._ledgers[cid] = MappingProxyType(ledger)
        active = self._active_tombstones(cid, old, bool(changes), now)

        if calendar is None:  # invalid now: keep serving the last good version
            kept = old.calendar if old else None
            if not old or old.diagnostics != diagnostics:
                snap.log_errors(cid, diagnostics, serving=kept is not None)
            moved = bool(changes) or (old is not None and old.active_tombstones != active)
            version = (old.version if old else 0) + (1 if moved else 0)
            return (
                CalendarState(cid, path, kept, version, old.good_since if old else None, diagnostics, active,
                              old.tracked if old else None),
                list(changes.values()),
            )

        same = (old is not None and old.calendar == calendar and not changes and old.active_tombstones == active
                and not self._days_changed)
        if old is not None and old.failing:
            log.info("Lịch %s đã hợp lệ trở lại.", cid)
        elif old is not None and not same:
            log.info("Đã nạp lại lịch %s (%d sự kiện thay đổi).", cid, len(changes))
        if same:
            assert old is not None
            return replace(old, path=path, diagnostics=diagnostics), []
        version = (old.version if old else 0) + 1
        return CalendarState(cid, path, calendar, version, now, diagnostics, active, tracked), list(changes.values())

    def _active_tombstones(self, cid: str, old: CalendarState | None, changed: bool, now: datetime) -> frozenset[str]:
        """The UIDs published as cancelled; the ledger is scanned only when it or a tombstone's fate changed."""
        expiry = self._expiry.get(cid)
        if old is not None and not changed and (expiry is None or expiry > now):
            return old.active_tombstones
        ledger = self._ledgers.get(cid)
        deletions = (self._deletions.get(cid, []) if ledger is None
                     else [(e.uid, e.deleted_at) for e in ledger.values() if e.deleted_at is not None])
        active, expiry = snap.tombstone_window(deletions, self.retention, now)
        if expiry is None:
            self._expiry.pop(cid, None)
        else:
            self._expiry[cid] = expiry
        return active

    def next_expiry(self) -> datetime | None:
        """When the next tombstone stops being published (a feed changes then), or None."""
        return min(self._expiry.values(), default=None)

    def record(self, entries: Mapping[str, LedgerEntry]) -> None:
        """Save ledger entries first published by a feed outside the tracked window."""
        if not entries:
            return
        with self._lock:
            by_calendar: dict[str, dict[str, LedgerEntry]] = {}
            for entry in entries.values():
                by_calendar.setdefault(entry.calendar_id, {})[entry.uid] = entry
            for cid, new in by_calendar.items():
                ledger = dict(self.ledger(cid))
                ledger.update(new)
                self._ledgers[cid] = MappingProxyType(ledger)
            if self.store is not None:
                self.store.save(entries.values())

    # --- watching ------------------------------------------------------------

    def _due(self) -> bool:
        """The folder changed, or a tombstone expired (the feed drops it then)."""
        if self.folder_signature() != self._signature:
            return True
        expiry = self.next_expiry()
        return expiry is not None and expiry <= self.clock()

    async def refresh(self, *, force: bool = False, background: bool = False,
                      changed: Collection[Path] | None = None) -> bool:
        """Reload if something changed (or ``force``); tell listeners. True if reloaded.

        ``changed``: the paths the watcher saw change, so the folder need not be compared
        file by file (see :meth:`reload`).

        With ``background`` (the watcher), listeners are told in a task of their
        own and only about the latest snapshot: a slow listener (re-planning
        reminders) never delays the next edit's reload, and edits made while it
        runs are folded into one call.
        """
        if changed is None and not force and not await asyncio.to_thread(self._due):
            return False
        snapshot = await asyncio.to_thread(self.reload, changed)
        if not background:
            await self._notify(snapshot)
            return True
        self._latest = snapshot
        if self._notifier is None or self._notifier.done():
            self._notifier = asyncio.create_task(self._notify_latest(), name="lichthidua-notify")
        return True

    async def _notify_latest(self) -> None:
        while self._latest is not None:
            snapshot, self._latest = self._latest, None
            await self._notify(snapshot)

    async def start(self, *, watch: bool = True) -> None:
        await asyncio.to_thread(self.load_ledger)
        if self.store is not None:  # a service with a data folder; tests without one parse afresh
            await asyncio.to_thread(self.parse_cache.restore, self.parse_cache_file)
        await self.refresh(force=True)
        # Serving need not wait for it: a crash while saving leaves the previous file as it was (written atomically).
        self._saving = asyncio.create_task(self._save_parse_cache_if_changed(), name="lichthidua-save-parses")
        if watch:
            self._wake, self._stop = asyncio.Event(), asyncio.Event()
            self._tasks = [
                asyncio.create_task(self._watch(), name="lichthidua-watch"),
                asyncio.create_task(self._expire(), name="lichthidua-tombstones"),
            ]
            # The watcher registers with the OS in its first step; then catch up with edits
            # made while the folder was being loaded (a notification for those was never sent).
            # In the background: comparing 2,000 file signatures need not delay serving what is loaded.
            self._tasks.append(asyncio.create_task(self._catch_up(), name="lichthidua-catch-up"))

    async def _catch_up(self) -> None:
        for _ in range(3):
            await asyncio.sleep(0)
        await self._refresh_logged()

    async def stop(self) -> None:
        self._stop.set()  # the watcher's thread sees it within 50 ms; cancelling alone would wait for it
        if self._retry is not None:
            self._tasks.append(self._retry)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            try:
                await task
            except asyncio.CancelledError:
                pass
        self._tasks = []
        if self._notifier is not None:  # let listeners finish what they were told
            await asyncio.gather(self._notifier, return_exceptions=True)
            self._notifier = None
        if self._saving is not None:  # start-up's save, finished before the last one
            await asyncio.gather(self._saving, return_exceptions=True)
            self._saving = None
        await self._save_parse_cache_if_changed()  # files edited while running

    async def _save_parse_cache_if_changed(self) -> None:
        if self.store is not None and self.parse_cache.parsed != self._parsed_saved:
            self._parsed_saved = self.parse_cache.parsed
            await asyncio.to_thread(self.save_parse_cache)
            snap.release_free_memory()  # the compressed parses now read from the file

    async def _refresh_logged(self, changed: Collection[Path] | None = None) -> None:
        try:
            await self.refresh(background=True, changed=changed)
        except Exception as exc:  # keep watching: the next edit may fix whatever broke
            # The reload did not happen (database down, say): try it again after watch_interval_seconds,
            # whether or not another file changes (OS notifications only come with changes).
            self._signature = None
            fault = translate(exc, self.settings)
            if fault is not None:
                log.error("Lỗi khi nạp lại thư mục lịch %s: %s", self.root, fault)
            else:
                log.exception("Lỗi khi nạp lại thư mục lịch %s", self.root)
            if self._retry is None or self._retry.done():
                self._retry = asyncio.create_task(self._retry_later(), name="lichthidua-retry")
        self._wake.set()

    async def _retry_later(self) -> None:
        await asyncio.sleep(self.settings.watch_interval_seconds)
        await self._refresh_logged()

    async def _watch(self) -> None:
        await watch_folder(self.root, self.settings, self._stop, self._refresh_logged)

    async def _expire(self) -> None:
        await sleep_until_expiries(self.next_expiry, self.clock, self._wake, self._refresh_logged)
