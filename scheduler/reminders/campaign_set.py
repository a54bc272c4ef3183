"""The served calendars as planning sees them: one Campaign each, kept while the calendar is the same.

After a reload an unchanged calendar is the same object (scheduler.live.edits), so re-planning
after one edit among 10,000 calendars expands the deadlines of that one only, and each campaign's
share of the plan's fingerprint is remembered until a deadline (or a deadline plus LOOKBACK) or
its local midnight is passed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduler.core.campaign import Calendar
from scheduler.core.events import Event
from scheduler.core.expand import Window, expand_deadlines
from scheduler.reminders.planning import LOOKBACK, Campaign, campaign_fingerprint, events_digest


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



class CampaignSet:
    """Campaigns of the calendars last given, their deadlines by UID, their fingerprint shares."""

    def __init__(self) -> None:
        self.events: dict[str, tuple[Event, Calendar]] = {}  # deadline UID -> (event, calendar)
        self._expanded: dict[str, tuple[Calendar, Window, Campaign]] = {}
        self._digests: dict[str, tuple[tuple[Event, ...], str]] = {}  # calendar id -> (deadlines, digest)
        self._parts: dict[str, tuple[Campaign, datetime, datetime, bytes]] = {}  # id -> (campaign, from, until, share)
        self._windows: dict[str, Window] = {}  # timezone -> the window of the last update

    def update(self, calendars: Iterable[Calendar], now: datetime) -> tuple[list[Campaign], bool]:
        """The campaigns of ``calendars`` at ``now``, in their order, and whether any deadline changed."""
        out = []
        windows: dict[str, Window] = {}
        kept = self._windows  # last update's windows: the same object while the day is the same (``is`` is cheap)
        expanded: dict[str, tuple[Calendar, Window, Campaign]] = {}
        changed: list[tuple[tuple[Event, ...], tuple[Event, ...], Calendar]] = []  # (old, new deadlines, calendar)
        for calendar in calendars:
            window = windows.get(calendar.timezone)
            if window is None:
                today = now.astimezone(ZoneInfo(calendar.timezone)).date()
                window = Window(today - LOOKBACK - timedelta(days=2), today + timedelta(days=400))
                before = kept.get(calendar.timezone)
                window = windows[calendar.timezone] = before if before == window else window
            hit = self._expanded.get(calendar.id)
            if hit is None or hit[0] is not calendar or (hit[1] is not window and hit[1] != window):
                deadlines = tuple(expand_deadlines(calendar, window))
                hit = (calendar, window, Campaign(calendar.id, calendar.title, deadlines, calendar.timezone,
                                                  calendar.remind_days))
                changed.append((self._expanded[calendar.id][2].events if calendar.id in self._expanded else (),
                                deadlines, calendar))
            expanded[calendar.id] = hit
            out.append(hit[2])
        gone = self._expanded.keys() - expanded.keys() if len(expanded) != len(self._expanded) or changed else set()
        for cid in gone:
            changed.append((self._expanded[cid][2].events, (), self._expanded[cid][0]))
            self._digests.pop(cid, None)
            self._parts.pop(cid, None)
        for old, _, _ in changed:
            for e in old:
                self.events.pop(e.uid, None)
        for _, new, calendar in changed:
            self.events.update((e.uid, (e, calendar)) for e in new)
        self._expanded = expanded
        self._windows = windows
        return out, bool(changed)

    def digest(self, campaign: Campaign) -> str:
        """:func:`events_digest` of the campaign's deadlines, remembered for its expanded tuple."""
        hit = self._digests.get(campaign.calendar_id)
        if hit is None or hit[0] is not campaign.events:
            hit = self._digests[campaign.calendar_id] = (campaign.events, events_digest(campaign.events))
        return hit[1]

    def fingerprint_part(self, campaign: Campaign, now: datetime) -> bytes:
        """The campaign's share of the plan's fingerprint at ``now``, remembered while it cannot change."""
        hit = self._parts.get(campaign.calendar_id)
        if hit is None or hit[0] is not campaign or not hit[1] <= now < hit[2]:
            hit = (campaign, now, campaign_fingerprint_until(campaign, now),
                   campaign_fingerprint(campaign, now, self.digest(campaign)))
            self._parts[campaign.calendar_id] = hit
        return hit[3]
