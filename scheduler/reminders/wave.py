"""What each stored reminder says: its content, its addressee and its deadline's .ics, for one wave.

One :class:`WaveMessages` per wave: a deadline's view (as emails and webhooks
show it today) and its .ics attachment are built once and shared by every
recipient. Nothing here knows channels: each channel renders what it is given.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from notifiers.content import (
    AdminSummaryContent,
    Content,
    DeadlineStatus,
    DeadlineView,
    DigestContent,
    DigestItem,
    FailureLine,
    ReminderContent,
    deadline_view,
)
from notifiers.email_message import Attachment, Recipient
from notifiers.ics import feed_meta  # the feeds' VCALENDAR header, shared with email attachments
from notifiers.mailer import MessageSpec, event_attachment
from scheduler.core.campaign import Calendar
from scheduler.core.events import Event
from scheduler.reminders.ledger import ReminderStore, Status, StoredReminder
from scheduler.reminders.links import Links
from scheduler.reminders.planning import Kind

EventLookup = Callable[[str], tuple[Event, Calendar]]  # an occurrence uid → its event; KeyError when unknown
StatusOf = Callable[[Event], tuple[tuple[str, ...], tuple[str, ...]]]  # (submitted, not submitted)


class WaveMessages:
    def __init__(self, links: Links, store: ReminderStore, event: EventLookup, status_of: StatusOf) -> None:
        self.links = links
        self.store = store
        self.event = event
        self.status_of = status_of
        self.attachments: dict[str, Attachment] = {}
        self.views: dict[str, DeadlineView] = {}

    def attachment(self, uid: str, now: datetime) -> Attachment:
        cache = self.attachments
        found = cache.get(uid)
        if found is None:
            event, calendar = self.event(uid)
            found = cache[uid] = event_attachment(event, feed_meta(calendar), now=now)
        return found

    def view(self, uid: str, now: datetime) -> DeadlineView:
        """The deadline as emails show it today; one per deadline per wave, shared by its recipients."""
        cache = self.views
        found = cache.get(uid)
        if found is None:
            event, calendar = self.event(uid)
            today = now.astimezone(ZoneInfo(calendar.timezone)).date()
            found = cache[uid] = deadline_view(event, calendar.title, today)
        return found

    def spec(self, group: Sequence[StoredReminder], now: datetime) -> MessageSpec:
        """The message of one group of rows (one reminder, or one person's digest); KeyError for an unknown deadline."""
        first = group[0]
        if first.kind == Kind.SUMMARY:
            return self.summary_spec(first, now)
        views = [(r, self.view(r.occurrence_uid, now)) for r in group]
        attachments = tuple(dict.fromkeys(self.attachment(r.occurrence_uid, now) for r in group))
        name = first.party_name if first.party_key.startswith("unit:") else ""
        recipient = Recipient(first.email, name)
        if len(group) == 1:
            r, view = views[0]
            content: Content = ReminderContent(
                deadline=view, recipient_name=name,
                submitted_url=self.links.submitted(r.occurrence_uid, r.party_key),
                unsubscribe_url=self.links.unsubscribe(r.email, r.calendar_id),
            )
            return MessageSpec(r.message_key, recipient, content, attachments)
        items = tuple(DigestItem(v, self.links.submitted(r.occurrence_uid, r.party_key)) for r, v in views)
        today = views[0][1].last_day - timedelta(days=views[0][1].days_left)
        key = "digest:" + hashlib.sha256("\n".join(sorted(r.message_key for r in group)).encode()).hexdigest()[:24]
        content = DigestContent(items=items, today=today, recipient_name=name,
                                unsubscribe_url=self.links.unsubscribe(first.email, "*"))
        return MessageSpec(key, recipient, content, attachments)

    def summary_spec(self, row: StoredReminder, now: datetime) -> MessageSpec:
        event, calendar = self.event(row.occurrence_uid)
        today = now.astimezone(ZoneInfo(calendar.timezone)).date()
        status = self.status_of(event)
        failures = tuple(
            FailureLine(r.email, True, None, r.last_error or "")
            for r in self.store.rows(statuses=[Status.FAILED], occurrence_uids=[event.uid])
        )
        content = AdminSummaryContent(
            today=today,
            deadlines=(DeadlineStatus(deadline_view(event, calendar.title, today), *status),),
            failures=failures,
        )
        return MessageSpec(row.message_key, Recipient(row.email, ""), content)
