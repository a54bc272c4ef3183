"""The reminder shell: plan into the database, claim what is due, send, record.

Every caller (the APScheduler tick inside ``lichthidua serve``, the
``lichthidua remind`` commands, the web routes) calls one method here. The
decisions are made by the pure core (:mod:`scheduler.reminders`); this module
only reads calendars and recipients, talks to the store and to a notifier.

A wave is sent in batches: claim up to ``batch`` rows, build and send them,
record each result, claim the next batch. A crash therefore leaves at most
one batch "in flight" (claimed, maybe sent, not recorded); those rows are
retried after their lease, or at once by the next start on the same host, and
keep their Message-ID so a duplicate is recognisable.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.engine import Engine

from notifiers.base import DeliveryResult, DeliveryStatus, OutgoingMessage, Transport
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
from notifiers.delivery import Address, Channel, Notice
from notifiers.email_message import Attachment, Recipient
from notifiers.ics import feed_meta  # the feeds' VCALENDAR header, shared with email attachments
from notifiers.mailer import Mailer, MessageSpec, deliver, event_attachment
from notifiers.transport import transport_from_settings
from notifiers.webhook import WebhookChannel
from scheduler.campaign import Calendar
from scheduler.database import engine_from_settings
from scheduler.db_lock import exclusive
from scheduler.errors import Diagnostic, PermanentDeliveryError
from scheduler.events import Event
from scheduler.expand import Window, expand
from scheduler.links import SUBMITTED, Links, Signer, load_or_create_secret
from scheduler.recipients import WEBHOOK, Directory, load_directory
from scheduler.reminder_store import Outcome, ReconcileStats, ReminderRow, ReminderStore, Status, StoredReminder, instance_id
from scheduler.reminders import LOOKBACK, Campaign, Kind, PlannedReminder, Policy, batches, on_day, plan, triage
from scheduler.settings import Settings
from scheduler.subscriptions import Subscriptions

log = logging.getLogger("lichthidua.reminders")
Clock = Callable[[], datetime]
Progress = Callable[[int, int], None]  # (rows done, rows known so far)
RETRY_BASE = timedelta(minutes=1)
MARK_EVERY = 32
_STATUS = {DeliveryStatus.DELIVERED: Status.SENT, DeliveryStatus.PERMANENT: Status.FAILED}
RETRY_CAP = timedelta(minutes=30)


def utc_now() -> datetime:
    return datetime.now(UTC)


def open_service(settings: Settings, **kwargs: object) -> ReminderService:
    """A service with the calendars of ``settings.calendars_dir`` loaded (the CLI's entry point)."""
    from scheduler.catalog import load_catalog

    from scheduler.bounds import Limits

    service = ReminderService(settings, **kwargs)  # type: ignore[arg-type]
    service.load(load_catalog(settings.calendars_dir, limits=Limits.from_settings(settings)).calendars)
    return service


@dataclass
class SendReport:
    sent: int = 0  # rows recorded as sent
    messages: int = 0  # emails handed to the transport (a digest covers several rows)
    failed: int = 0  # permanent failures, shown to the admin
    retry: int = 0  # temporary failures, back to pending
    missed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.failed + self.retry + self.missed


def _campaign_title(calendar: Calendar) -> str:
    return calendar.title


def _retry_delay(attempts: int) -> timedelta:
    return min(RETRY_CAP, RETRY_BASE * (2 ** max(0, attempts - 1)))


class ReminderService:
    """One per process; thread-safe for the store, one wave at a time per instance."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine | None = None,
        *,
        transport: Transport | None = None,
        mailer: Mailer | None = None,
        webhook: Channel | None = None,
        owner: str | None = None,
        lease: timedelta = timedelta(minutes=10),
        wall: Clock = utc_now,
    ) -> None:
        self.settings = settings
        self.engine = engine or engine_from_settings(settings)
        self.store = ReminderStore(self.engine)
        self.store.create_tables()
        self.policy = Policy.from_settings(settings)
        self.links = Links(settings.base_url, Signer(load_or_create_secret(settings)))
        self._transport = transport
        self._mailer = mailer
        self._webhook = webhook
        self.owner = owner or instance_id()
        self.lease = lease
        self.wall = wall
        self.calendars: dict[str, Calendar] = {}
        self.directory = Directory()
        self._events: dict[str, tuple[Event, Calendar]] = {}
        self._planned_day: date | None = None
        self.subscriptions = Subscriptions(settings, self.store, self.links, self._send_email, self.replan)

    def close(self) -> None:
        """Close the database connections (the engine's pool)."""
        self.engine.dispose()

    # --- collaborators, made on first use (the CLI's preview needs neither) ---

    @property
    def transport(self) -> Transport:
        if self._transport is None:
            self._transport = transport_from_settings(self.settings)
        return self._transport

    @property
    def webhook(self) -> Channel:
        """The webhook channel, to the units of the current recipients that have one."""
        if self._webhook is not None:
            return self._webhook
        return WebhookChannel(self.directory.webhooks())

    @property
    def mailer(self) -> Mailer:
        if self._mailer is None:
            self._mailer = Mailer.from_settings(self.settings)
        return self._mailer

    # --- inputs --------------------------------------------------------------

    def load(self, calendars: Mapping[str, Calendar], root: Path | None = None) -> list[Diagnostic]:
        """Take the calendars served and re-read the recipients; a broken recipients folder keeps the last good one."""
        self.calendars = dict(calendars)
        directory = load_directory(root or self.settings.calendars_dir)
        if directory.ok:
            self.directory = directory
        else:
            for d in directory.diagnostics:
                log.error("%s", d.format("vi"))
            log.error("Danh sách người nhận có lỗi: tiếp tục dùng danh sách hợp lệ gần nhất.")
        return directory.diagnostics

    def campaigns(self, now: datetime) -> list[Campaign]:
        out = []
        events: dict[str, tuple[Event, Calendar]] = {}
        for calendar in self.calendars.values():
            today = now.astimezone(ZoneInfo(calendar.timezone)).date()
            window = Window(today - LOOKBACK - timedelta(days=2), today + timedelta(days=400))
            deadlines = tuple(e for e in expand(calendar, window) if e.deadline is not None)
            events.update((e.uid, (e, calendar)) for e in deadlines)
            out.append(Campaign(calendar.id, _campaign_title(calendar), deadlines, calendar.timezone,
                                calendar.remind_days))
        self._events = events
        return out

    def planned(self, now: datetime) -> list[PlannedReminder]:
        return plan(self.campaigns(now), self.directory.groups, self.store.subscribers(), self.policy, now,
                    submitted=self.store.submitted_pairs(), opted_out=self.store.opted_out())

    def replan(self, now: datetime) -> ReconcileStats:
        """Make the ledger match the plan; one planner at a time across instances (the ``plan`` lock)."""
        with exclusive(self.engine, "plan"):
            stats = self.store.reconcile(self.planned(now), now)
        self._planned_day = now.date()
        if stats.inserted or stats.moved or stats.cancelled or stats.revived:
            log.info("Lập lại lịch nhắc: %d mới, %d dời, %d hủy, %d khôi phục.", stats.inserted, stats.moved,
                     stats.cancelled, stats.revived)
        return stats

    # --- sending -------------------------------------------------------------

    async def tick(self, now: datetime) -> SendReport:
        """What the scheduler runs: re-plan once a day (annual deadlines roll forward), then send what is due.

        Claims of a local instance that died (SIGKILL, OOM) go back to pending here too, so a surviving
        instance takes over its in-flight messages within a tick instead of after the lease.
        """
        released = self.store.release_dead_local() + self.store.release_own(self.owner)
        if released:
            log.warning("Lấy lại %d lời nhắc đang gửi dở (tiến trình đã dừng, hoặc đợt trước bị gián đoạn).", released)
        if self._planned_day != now.date():
            self.replan(now)
        return await self.send_due(now)

    async def start(self, now: datetime, *, progress: Progress | None = None) -> SendReport:
        """At start-up (and for `remind send-due`): take back claims of dead local processes, re-plan, catch up."""
        released = self.store.release_dead_local()
        if released:
            log.warning("Lấy lại %d lời nhắc đang gửi dở của tiến trình đã dừng.", released)
        self.replan(now)
        report = await self.send_due(now, progress=progress)
        if report.handled:
            log.info("Gửi bù khi khởi động: %d đã gửi, %d bỏ lỡ (hạn đã qua), %d lỗi, %d thử lại sau.",
                     report.sent, report.missed, report.failed, report.retry)
        return report

    async def send_due(self, now: datetime, *, batch: int = 64, progress: Progress | None = None) -> SendReport:
        """Claim, build and send every reminder due at ``now``, recording each result as it comes.

        One stream feeds the transport (its connections stay open for the whole
        wave); rows are claimed ``batch`` at a time as the stream is consumed and
        results are recorded every ``MARK_EVERY``, so a crash leaves at most about
        ``batch`` + the transport's queue + ``MARK_EVERY`` rows in flight.
        """
        report = SendReport()
        attachments: dict[str, Attachment] = {}
        views: dict[str, DeadlineView] = {}
        total = self._count_due(now)
        slots: list[Sequence[StoredReminder]] = []  # message index -> rows it covers
        unmarked: list[Outcome] = []
        streak = {"temporary": 0}
        stop_after = max(8, getattr(getattr(self.transport, "config", None), "concurrency", 8))

        def flush() -> None:
            if unmarked:
                self._mark(list(unmarked), report)
                unmarked.clear()
            if progress is not None:
                progress(report.handled, max(total, report.handled))

        def on_result(index: int, res: DeliveryResult) -> None:
            status = _STATUS.get(res.status, Status.PENDING)
            streak["temporary"] = 0 if status is Status.SENT else streak["temporary"] + (status is Status.PENDING)
            report.messages += 1
            if status is not Status.SENT:
                report.errors.append(f"{', '.join(res.recipients)}: {res.reason}")
            unmarked.extend(Outcome(r.id, r.claimed_by or "", status, res.message_id, res.reason or None)
                            for r in slots[index])
            if len(unmarked) >= MARK_EVERY:
                flush()

        async def stream() -> AsyncIterator[OutgoingMessage]:
            # The server looks down (only temporary failures lately): leave the rest for the next tick.
            while streak["temporary"] < stop_after:
                rows = self.store.claim_due(now, self.owner, limit=batch, lease=self.lease, wall=self.wall())
                if not rows:
                    return
                result = triage(rows, now, nearest=self._nearest_due(rows, now))
                report.missed += self.store.mark_missed(
                    [(r.id, r.claimed_by or "", why) for r, why in result.missed], now=self.wall())
                if any(r.occurrence_uid not in self._events for r in result.send):
                    self.campaigns(now)  # another instance planned these, or this one has not yet: expand now
                for group in batches(result.send, self.policy.digest):
                    if group[0].channel == WEBHOOK:  # the channel the store recorded when planning
                        # The webhook channel renders and sends its own notices; email goes on in this stream.
                        await self._send_notice(group, now, attachments, views, unmarked, report)
                        continue
                    try:
                        message = self.mailer.build(self._spec(group, now, attachments, views), now)
                    except KeyError as exc:
                        unmarked.extend(Outcome(r.id, r.claimed_by or "", Status.PENDING,
                                                error=f"Không tìm thấy hạn chót {exc} trong các lịch đang phục vụ")
                                        for r in group)
                        continue
                    except (PermanentDeliveryError, ValueError) as exc:  # an address no server will take
                        unmarked.extend(Outcome(r.id, r.claimed_by or "", Status.FAILED, error=str(exc))
                                        for r in group)
                        continue
                    slots.append(group)
                    yield message

        await self.transport.send_many(stream(), on_result)
        flush()
        return report

    async def _send_notice(self, group: Sequence[StoredReminder], now: datetime, attachments: dict[str, Attachment],
                           views: dict[str, DeadlineView], unmarked: list[Outcome], report: SendReport) -> None:
        """One group through a channel other than email (the webhook): record its result like an email's."""
        try:
            spec = self._spec(group, now, attachments, views)
        except KeyError as exc:
            unmarked.extend(Outcome(r.id, r.claimed_by or "", Status.PENDING,
                                    error=f"Không tìm thấy hạn chót {exc} trong các lịch đang phục vụ") for r in group)
            return
        notice = Notice(spec.key, Address.parse(group[0].email, spec.recipient.name), spec.content, spec.attachments)
        (res,) = await self.webhook.deliver([notice], now)
        status = _STATUS.get(res.status, Status.PENDING)
        report.messages += 1
        if status is not Status.SENT:
            report.errors.append(f"{', '.join(res.recipients)}: {res.reason}")
        unmarked.extend(Outcome(r.id, r.claimed_by or "", status, res.message_id, res.reason or None) for r in group)

    def _mark(self, outcomes: list[Outcome], report: SendReport) -> None:
        self.store.mark(outcomes, now=self.wall())
        retry = [o for o in outcomes if o.status is Status.PENDING]
        if retry:
            self._delay([o.id for o in retry])
        report.sent += sum(o.status is Status.SENT for o in outcomes)
        report.failed += sum(o.status is Status.FAILED for o in outcomes)
        report.retry += len(retry)
        for o in outcomes:
            if o.status is Status.FAILED:
                log.error("Không gửi được lời nhắc #%d: %s", o.id, o.error)

    def _delay(self, ids: Sequence[int]) -> None:
        """A temporary failure waits before the next attempt (backoff by attempts, on the wall clock)."""
        t = ReminderRow.__table__  # type: ignore[attr-defined]
        wall = self.wall()
        with self.engine.begin() as conn:
            attempts: dict[int, int] = dict(conn.execute(select(t.c.id, t.c.attempts).where(t.c.id.in_(list(ids)))).all())
            for i in ids:
                conn.execute(t.update().where(t.c.id == i, t.c.status == Status.PENDING)
                             .values(not_before=wall + _retry_delay(attempts.get(i, 1))))

    def _count_due(self, now: datetime) -> int:
        return self.store.count_due(now, wall=self.wall())

    def _nearest_due(self, rows: Sequence[StoredReminder], now: datetime) -> dict[tuple[str, str], int]:
        return self.store.nearest_due([(r.occurrence_uid, r.recipient_key) for r in rows if r.kind == Kind.REMINDER], now)

    # --- building messages ---------------------------------------------------

    def _attachment(self, uid: str, now: datetime, cache: dict[str, Attachment]) -> Attachment:
        found = cache.get(uid)
        if found is None:
            event, calendar = self._events[uid]
            found = cache[uid] = event_attachment(event, feed_meta(calendar), now=now)
        return found

    def _view(self, uid: str, now: datetime, cache: dict[str, DeadlineView]) -> DeadlineView:
        """The deadline as emails show it today; one per deadline per wave, shared by its recipients."""
        found = cache.get(uid)
        if found is None:
            event, calendar = self._events[uid]
            today = now.astimezone(ZoneInfo(calendar.timezone)).date()
            found = cache[uid] = deadline_view(event, calendar.title, today)
        return found

    def _spec(self, group: Sequence[StoredReminder], now: datetime, cache: dict[str, Attachment],
              view_cache: dict[str, DeadlineView] | None = None) -> MessageSpec:
        first = group[0]
        if first.kind == Kind.SUMMARY:
            return self._summary_spec(first, now)
        view_cache = {} if view_cache is None else view_cache
        views = [(r, self._view(r.occurrence_uid, now, view_cache)) for r in group]
        attachments = tuple(dict.fromkeys(self._attachment(r.occurrence_uid, now, cache) for r in group))
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

    def _summary_spec(self, row: StoredReminder, now: datetime) -> MessageSpec:
        event, calendar = self._events[row.occurrence_uid]
        today = now.astimezone(ZoneInfo(calendar.timezone)).date()
        status = self.deadline_status(event)
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

    # --- submissions, status, preview ----------------------------------------

    def tracked_deadlines(self, calendar_id: str) -> list[Event]:
        """Deadlines of a calendar whose units' submissions are tracked (it names groups and defines them)."""
        return [e for e, c in self._events.values() if c.id == calendar_id and e.deadline is not None
                and e.deadline.groups and e.defined_in == calendar_id and not e.inherited]

    def units_for(self, event: Event) -> list[tuple[str, str]]:
        """(party key, name) of the units that must meet a deadline."""
        info = event.deadline
        if info is None:
            return []
        return [(f"unit:{u.id}", u.name) for u in self.directory.units_of(info.groups)]

    def deadline_status(self, event: Event) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(names that submitted, names that have not) for one deadline occurrence."""
        done = self.store.submissions([event.uid]).get(event.uid, {})
        units = self.units_for(event)
        return (tuple(n for k, n in units if k in done), tuple(n for k, n in units if k not in done))

    def submit(self, token: str, now: datetime) -> tuple[Event | None, str, bool]:
        """Verify a "Đã nộp" link and record it: (deadline, who, newly recorded)."""
        payload = self.links.signer.verify(SUBMITTED, token)
        uid, party = str(payload.get("o", "")), str(payload.get("p", ""))
        new = self.store.record_submission(uid, party, now)
        found = self._events.get(uid)
        return (found[0] if found else None), self.party_name(party), new

    def peek_submitted(self, token: str) -> tuple[Event | None, str]:
        payload = self.links.signer.verify(SUBMITTED, token)
        found = self._events.get(str(payload.get("o", "")))
        return (found[0] if found else None), self.party_name(str(payload.get("p", "")))

    def party_name(self, party_key: str) -> str:
        kind, _, ident = party_key.partition(":")
        if kind == "unit":
            for group in self.directory.groups.values():
                for unit in group.units:
                    if unit.id == ident:
                        return unit.name
        return ident

    # --- subscriptions (scheduler.subscriptions does the work) ----------------

    def unsubscribe(self, token: str, now: datetime) -> tuple[str, str]:
        return self.subscriptions.unsubscribe(token, now)

    def peek_unsubscribe(self, token: str) -> tuple[str, str]:
        return self.subscriptions.peek_unsubscribe(token)

    async def request_subscription(self, email: str, calendar: Calendar, now: datetime, client: str = "") -> bool:
        return await self.subscriptions.request(email, calendar, now, client)

    def confirm(self, token: str, now: datetime) -> tuple[str, str] | None:
        return self.subscriptions.confirm(token, now)

    def peek_confirm(self, token: str, now: datetime) -> dict[str, object]:
        return self.subscriptions.peek_confirm(token, now)

    async def _send_email(self, spec: MessageSpec, now: datetime) -> DeliveryResult:
        (result,) = await deliver([spec], self.mailer, self.transport, now)
        return result

    def preview(self, day: date, now: datetime) -> list[PlannedReminder]:
        """What would go out on a local day, as planned now; nothing is written."""
        return on_day(self.planned(now), day)

    def deadline_title(self, row: StoredReminder) -> str:
        """The deadline's own name for a stored reminder (people read titles, not UIDs); its UID if it is gone."""
        found = self._events.get(row.occurrence_uid)
        if found is not None:
            return found[0].name
        calendar = self.calendars.get(row.calendar_id)
        if calendar is not None:
            day = row.due_at.astimezone(ZoneInfo(calendar.timezone)).date()
            for event in expand(calendar, Window(day - timedelta(days=2), day + timedelta(days=2))):
                if event.uid == row.occurrence_uid:
                    return event.name
        return row.occurrence_uid

    def status(self, *, limit: int = 50) -> tuple[dict[str, int], list[StoredReminder]]:
        """Counts per status and the rows an admin should look at (failed, missed, next pending)."""
        counts = self.store.counts()
        rows = self.store.rows(statuses=[Status.FAILED, Status.MISSED], limit=limit)
        rows += self.store.rows(statuses=[Status.PENDING, Status.CLAIMED], limit=limit)
        return counts, rows

