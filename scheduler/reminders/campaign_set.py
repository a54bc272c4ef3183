"""The served calendars as planning sees them: one Campaign each, kept while the calendar is the same.

After a reload an unchanged calendar is the same object (scheduler.live.edits), so re-planning
after one edit among 10,000 calendars expands the deadlines of that one only. Told which calendars
an edit may have changed, :meth:`CampaignSet.update` looks at those alone.

Each campaign's share of the plan's fingerprint is remembered until a deadline (or a deadline plus
LOOKBACK) or its local midnight is passed, and the shares are combined by a sum
(:func:`~scheduler.reminders.planning.combine_shares`): a new share replaces its old one in the sum,
so the fingerprint after an edit costs the edited campaign's share, not 10,000 of them. The set
also notes which shares moved since the plan this process remembers (:meth:`CampaignSet.moved`).
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Iterable, Mapping
from datetime import datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from scheduler.core.campaign import Calendar
from scheduler.core.events import Event
from scheduler.core.expand import Window, expand_deadlines
from scheduler.reminders.fingerprint import SHARES, campaign_fingerprint, events_digest, share_value
from scheduler.reminders.planning import LOOKBACK, Campaign


def campaign_fingerprint_until(c: Campaign, now: datetime) -> datetime:
    """Until when :func:`campaign_fingerprint` of ``c`` stays what it is at ``now``: the campaign's next
    local midnight, or the next moment a deadline (or a deadline plus LOOKBACK) is passed."""
    zone = ZoneInfo(c.timezone)
    local = now.astimezone(zone)
    until = datetime.combine(local.date() + timedelta(days=1), time(), zone)
    for e in c.events:
        if e.deadline is not None:
            for moment in (e.deadline.due_at, e.deadline.due_at + LOOKBACK):
                if now < moment < until:
                    until = moment
    return until


class Share(NamedTuple):
    """One campaign's share of the fingerprint, valid from ``since`` until ``until``."""

    campaign: Campaign
    since: datetime
    until: datetime
    part: bytes
    value: int
    deadlines: frozenset[str]  # the UIDs of its deadlines
    digest: str  # :func:`events_digest` of its deadlines


NO_SHARE: tuple[bytes, frozenset[str]] = (b"", frozenset())
Moved = Mapping[str, tuple[frozenset[str], frozenset[str]]]  # calendar id -> (deadline UIDs before, after)
Changes = list[tuple[tuple[Event, ...], tuple[Event, ...], Calendar]]  # (deadlines before, after, calendar)


def _window(timezone: str, now: datetime) -> Window:
    today = now.astimezone(ZoneInfo(timezone)).date()
    return Window(today - LOOKBACK - timedelta(days=2), today + timedelta(days=400))


class CampaignSet:
    """Campaigns of the calendars last given, their deadlines by UID, their fingerprint shares."""

    def __init__(self) -> None:
        self.events: dict[str, tuple[Event, Calendar]] = {}  # deadline UID -> (event, calendar)
        self._expanded: dict[str, tuple[Calendar, Window, Campaign]] = {}  # in the calendars' order
        self._windows: dict[str, Window] = {}  # timezone -> the window of the last update
        self._list: list[Campaign] | None = None  # the campaigns in order, made when asked for
        self._shares: dict[str, Share] = {}
        self._sum = 0  # of the shares' values, modulo SHARES
        self._due: list[tuple[datetime, str]] = []  # (until, calendar id): a heap of when shares expire
        self._stale: set[str] = set()  # campaigns whose share must be made again
        self._latest: datetime | None = None  # the ``now`` of the last :meth:`shares`
        self._since: dict[str, tuple[bytes, frozenset[str]]] = {}  # id -> (part, deadlines) as of :meth:`mark`

    @property
    def campaigns(self) -> list[Campaign]:
        """The campaigns of the last update, in the calendars' order."""
        if self._list is None:
            self._list = [hit[2] for hit in self._expanded.values()]
        return self._list

    def update(self, calendars: Mapping[str, Calendar], now: datetime, only: Collection[str] | None = None) -> bool:
        """Take ``calendars`` at ``now``; whether any deadline changed. ``only``: the ids whose calendar may
        differ from the last update's (None: any); every calendar is looked at when the ids are new or
        gone, or a window moved (a new local day)."""
        if only is not None and self._expanded and len(calendars) == len(self._expanded) and all(
                cid in self._expanded and cid in calendars and calendars[cid].timezone in self._windows
                for cid in only) and all(_window(tz, now) == window for tz, window in self._windows.items()):
            changed = self._take((cid, calendars[cid]) for cid in only)
        else:
            changed = self._whole(calendars, now)
        for old, _, _ in changed:
            for e in old:
                self.events.pop(e.uid, None)
        for _, new, calendar in changed:
            self.events.update((e.uid, (e, calendar)) for e in new)
        if changed:
            self._list = None
        return bool(changed)

    def _take(self, calendars: Iterable[tuple[str, Calendar]]) -> Changes:
        """Calendars of known ids in known time zones, in the windows of the last update."""
        changed: Changes = []
        for cid, calendar in calendars:
            hit = self._expanded[cid]
            if hit[0] is calendar:
                continue
            new = self._expand(cid, calendar, self._windows[calendar.timezone])
            changed.append((hit[2].events, new[2].events, calendar))
            self._expanded[cid] = new
        return changed

    def _whole(self, calendars: Mapping[str, Calendar], now: datetime) -> Changes:
        windows: dict[str, Window] = {}
        kept = self._windows  # last update's windows: the same object while the day is the same (``is`` is cheap)
        expanded: dict[str, tuple[Calendar, Window, Campaign]] = {}
        changed: Changes = []
        for cid, calendar in calendars.items():
            window = windows.get(calendar.timezone)
            if window is None:
                window = _window(calendar.timezone, now)
                before = kept.get(calendar.timezone)
                window = windows[calendar.timezone] = before if before == window else window
            hit = self._expanded.get(cid)
            if hit is None or hit[0] is not calendar or (hit[1] is not window and hit[1] != window):
                new = self._expand(cid, calendar, window)
                changed.append((hit[2].events if hit is not None else (), new[2].events, calendar))
                hit = new
            expanded[cid] = hit
        gone = self._expanded.keys() - expanded.keys() if len(expanded) != len(self._expanded) or changed else set()
        self._stale.update(gone)
        for cid in gone:
            changed.append((self._expanded[cid][2].events, (), self._expanded[cid][0]))
        self._expanded = expanded
        self._windows = windows
        return changed

    def _expand(self, cid: str, calendar: Calendar, window: Window) -> tuple[Calendar, Window, Campaign]:
        deadlines = tuple(expand_deadlines(calendar, window))
        self._stale.add(cid)
        return (calendar, window, Campaign(calendar.id, calendar.title, deadlines, calendar.timezone,
                                           calendar.remind_days))

    # --- the fingerprint's shares ------------------------------------------------------

    def shares(self, now: datetime) -> int:
        """The campaigns' shares at ``now`` combined (see :func:`~scheduler.reminders.planning.combine_shares`):
        only the shares of campaigns changed since, or whose share ``now`` moved, are made again."""
        if self._latest is None or now < self._latest:  # the first time, or the clock went back: all of them
            stale: Collection[str] = self._shares.keys() | self._expanded.keys()
            self._due = []
        else:
            stale = self._stale
            while self._due and self._due[0][0] <= now:
                until, cid = heapq.heappop(self._due)
                found = self._shares.get(cid)
                if found is not None and found.until == until:
                    stale.add(cid)
        for cid in list(stale):
            self._share(cid, now)
        self._stale = set()
        self._latest = now
        return self._sum

    def _share(self, cid: str, now: datetime) -> None:
        old = self._shares.pop(cid, None)
        if old is not None:
            self._sum = (self._sum - old.value) % SHARES
        self._since.setdefault(cid, (old.part, old.deadlines) if old is not None else NO_SHARE)
        hit = self._expanded.get(cid)
        if hit is None:
            return
        campaign = hit[2]
        same = old is not None and old.campaign is campaign  # a new day, a deadline passed: the same deadlines
        digest = old.digest if same and old is not None else events_digest(campaign.events)
        part = campaign_fingerprint(campaign, now, digest)
        share = Share(campaign, now, campaign_fingerprint_until(campaign, now), part, share_value(part),
                      old.deadlines if same and old is not None else
                      frozenset(e.uid for e in campaign.events if e.deadline is not None), digest)
        self._shares[cid] = share
        self._sum = (self._sum + share.value) % SHARES
        heapq.heappush(self._due, (share.until, cid))

    def deadlines(self, calendar_id: str) -> frozenset[str]:
        """The UIDs of a campaign's deadlines as of the last :meth:`shares`."""
        found = self._shares.get(calendar_id)
        return found.deadlines if found is not None else frozenset()

    def moved(self) -> Moved:
        """The campaigns whose share differs from the one they had at the last :meth:`mark` (or that were
        added or removed since), with their deadlines' UIDs then and now. After :meth:`shares`."""
        out = {}
        for cid, (part, deadlines) in self._since.items():
            now = self._shares.get(cid)
            if (now.part if now is not None else b"") != part:
                out[cid] = (deadlines, now.deadlines if now is not None else frozenset())
        return out

    def mark(self) -> None:
        """The shares as they are now are those of the plan remembered: :meth:`moved` counts from here."""
        self._since = {}

    def touching(self, uids: Iterable[str]) -> list[Campaign]:
        """The campaigns having a deadline among ``uids`` (a UID names its own calendar's deadline)."""
        ids = {found[1].id for uid in uids if (found := self.events.get(uid)) is not None}
        return [self._expanded[cid][2] for cid in ids if cid in self._expanded]
