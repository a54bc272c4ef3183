"""The reminder service: wires the reminder shell pieces and plans into the database.

Every caller (the APScheduler tick inside ``lichthidua serve``, the
``lichthidua remind`` commands, the web routes) calls one method here. The
decisions are made by the pure core (:mod:`scheduler.reminders.planning`); this module
reads calendars and recipients and plans into the store. The other pieces:
sending (:mod:`scheduler.reminders.sending`), what each message says
(:mod:`scheduler.reminders.wave`), subscriptions
(:mod:`scheduler.reminders.subscriptions`), the scheduler jobs (:mod:`scheduler.reminders.jobs`).
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from notifiers.base import DeliveryResult, Transport
from notifiers.channels import endpoint_options, host_policy, kinds
from notifiers.delivery import EMAIL, Channel
from notifiers.email_channel import EmailChannel
from notifiers.mailer import Mailer, MessageSpec, deliver
from notifiers.transport import transport_from_settings
from scheduler.core.campaign import Calendar
from scheduler.core.collector import paused
from scheduler.core.events import Event
from scheduler.core.expand import Window, default_window, expand, expand_deadlines
from scheduler.reminders.campaign_set import CampaignSet
from scheduler.reminders.channel_set import LazyChannels
from scheduler.reminders.day_summary import on_day
from scheduler.reminders.fingerprint import plan_fingerprint
from scheduler.reminders.ledger import ReconcileStats, ReminderStore, Status, StoredReminder, instance_id
from scheduler.reminders.links import SUBMITTED, Links, Signer
from scheduler.reminders.plan_memory import PlanInputs, changed_scope, plan_code_version, remember
from scheduler.reminders.planning import Campaign, PlannedReminder, Policy, plan, plan_rows
from scheduler.reminders.recipients import Directory, files_digest, load_directory
from scheduler.reminders.scope import Scope
from scheduler.reminders.sending import Progress, Sender, SendReport
from scheduler.reminders.subscriptions import Subscriptions
from scheduler.reminders.wave import WaveMessages
from scheduler.settings import Settings
from scheduler.store.database import create_tables, engine_from_settings
from scheduler.store.db_lock import exclusive
from scheduler.store.health import DatabaseHealth
from scheduler.store.secret import load_or_create_secret
from scheduler.store.threads import in_database_thread

log = logging.getLogger("lichthidua.reminders")
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def open_service(
    settings: Settings,
    *,
    engine: Engine | None = None,
    transport: Transport | None = None,
    load_calendars: bool = True,
    **kwargs: object,
) -> ReminderService:
    """The one place a reminder service is wired: the engine (tables brought to the latest schema),
    the transport and the link signer (its secret key read or created), each from ``settings``
    unless given. With ``load_calendars`` (the CLI), the calendars of ``settings.calendars_dir`` are
    loaded; the web service leaves them to its live calendar set."""
    engine = engine or engine_from_settings(settings)
    create_tables(engine)
    signer = Signer(load_or_create_secret(settings))
    service = ReminderService(settings, engine, signer, transport=transport or transport_from_settings(settings),
                              **kwargs)  # type: ignore[arg-type]
    if load_calendars:
        from scheduler.live.catalog import PARSE_CACHE_FILE, load_catalog_cached

        # The service's parses (data_dir): a cron job over 2,000 calendars parses only the files that changed.
        service.load(load_catalog_cached(settings.calendars_dir, settings.data_dir / PARSE_CACHE_FILE,
                                         settings.limits()).calendars)
    return service


def policy_from(settings: Settings) -> Policy:
    """When reminders are due and who gets the digest, as the settings say."""
    return Policy(
        days=tuple(int(d) for d in settings.remind_days),
        hour=settings.remind_hour,
        digest=settings.remind_digest,
        admin_emails=tuple(settings.admin_emails),
    )


class ReminderService:
    """One per process; thread-safe for the store, one wave at a time per instance."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        signer: Signer,
        *,
        transport: Transport,
        mailer: Mailer | None = None,
        channels: Mapping[str, Channel] | None = None,
        owner: str | None = None,
        lease: timedelta = timedelta(minutes=10),
        wall: Clock = utc_now,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.store = ReminderStore(engine)
        self.policy = policy_from(settings)
        self.links = Links(settings.base_url, signer)
        self.transport = transport
        self._mailer = mailer
        self.channel_overrides: dict[str, Channel] = dict(channels or {})  # by name, over the settings' channels
        self.owner = owner or instance_id()
        self.lease = lease
        self.wall = wall
        self.calendars: dict[str, Calendar] = {}
        self._root = settings.calendars_dir  # where recipients/ is read from, when it is needed
        self._directory = Directory()
        self._directory_read = False  # read on first use: a ledger planned from the same files needs none
        self.last_plan_skipped = False  # the last replan found the ledger planned from the same inputs
        self.last_plan_scope: Scope | None = None  # what the last replan planned: None when all of it
        self._set = CampaignSet()
        self._pending: set[str] | None = None  # calendars loaded since the set last took them (None: any)
        self._taking = threading.RLock()  # a load (after a reload) and the set taking it (a wave, a re-plan) in turn
        self._planned_day: date | None = None
        self._memory: PlanInputs | None = None  # the inputs of the last plan this process stamped
        # Bumped whenever what a campaign page shows of reminders may have changed here: recipients or
        # calendars reloaded, deadlines re-expanded, a "Đã nộp" recorded (see web.reminder_routes.ReminderStatus).
        self._generations = itertools.count(1)
        self.generation = 0
        self.health = DatabaseHealth(settings)  # the web app puts its own here (one per process, shown in /healthz)
        self.subscriptions = Subscriptions(settings, self.store, self.links, self._send_email, self.replan)
        self.sender = Sender(
            self.store, digest=self.policy.digest, owner=self.owner, lease=lease, wall=wall,
            channels=lambda: LazyChannels(self.channel, lambda: [EMAIL, *kinds(), *self.channel_overrides]),
            messages=self._wave_messages, known=lambda uid: uid in self._events,
            refresh=self.campaigns,
        )

    def close(self) -> None:
        """Close the database connections (the engine's pool)."""
        self.engine.dispose()

    # --- collaborators made on first use (the CLI's preview needs neither) ---

    def channel(self, name: str) -> Channel | None:
        """The channel ``name`` (email: the mailer and the transport; the others: to the units of the current
        recipients that have its field), or None when no such channel exists."""
        found = self.channel_overrides.get(name)
        if found is not None:
            return found
        if name == EMAIL:
            return EmailChannel(self.mailer, self.transport)
        kind = kinds().get(name)
        if kind is None:
            return None
        return kind.make(self.directory.endpoints(name), endpoint_options(self.settings), clock=self.wall)

    @property
    def mailer(self) -> Mailer:
        if self._mailer is None:
            self._mailer = Mailer.from_settings(self.settings)
        return self._mailer

    # --- inputs --------------------------------------------------------------

    def load(self, calendars: Mapping[str, Calendar], root: Path | None = None, *,
             changed: Collection[str] | None = None) -> None:
        """Take the calendars served; the recipients (under ``root``) are read again when next needed.

        ``changed``: the ids whose calendar may differ from the last load's (the live set says so after
        an edit), so only they are looked at; None: any may."""
        with self._taking:  # the campaign set takes them in turn (see _take)
            if changed is not None and self.calendars and all(
                    cid in self.calendars and (cal := calendars.get(cid)) is not None and not cal.draft for cid in changed):
                for cid in changed:  # the same ids: replaced in place, a reader's iteration never sees a new size
                    self.calendars[cid] = calendars[cid]
                if self._pending is not None:
                    self._pending.update(changed)
            else:
                self.calendars = {cid: cal for cid, cal in calendars.items() if not cal.draft}  # drafts send nothing
                self._pending = None
        self._root = root or self.settings.calendars_dir
        self._directory_read = False
        self.generation = next(self._generations)

    @property
    def directory(self) -> Directory:
        """The recipient groups, read on first use after a load (planning, the admin summary, webhooks).

        A broken recipients folder keeps the last good one. Sending needs none: rows carry their
        address and the unit's name, so a ledger already planned from the same files is sent without it.
        """
        if not self._directory_read:
            directory = load_directory(self._root, self.settings.limits(), host_policy(self.settings))
            if directory.ok:
                self._directory = directory
            else:
                for d in directory.diagnostics:
                    log.error("%s", d.format("vi"))
                log.error("Danh sách người nhận có lỗi: tiếp tục dùng danh sách hợp lệ gần nhất.")
            self._directory_read = True
        return self._directory

    @property
    def recipients_read(self) -> bool:
        """Whether the recipient files were read since the last load (planning skipped reads none)."""
        return self._directory_read

    def campaigns(self, now: datetime) -> list[Campaign]:
        """One Campaign per calendar, in the calendars' order (see :class:`CampaignSet`)."""
        self._take(now)
        return self._set.campaigns

    def _take(self, now: datetime) -> None:
        """The campaign set takes the calendars loaded since it last did."""
        with self._taking:
            pending, self._pending = self._pending, set()
            if self._set.update(self.calendars, now, pending):
                self.generation = next(self._generations)

    @property
    def _events(self) -> dict[str, tuple[Event, Calendar]]:
        return self._set.events

    def planned(self, now: datetime, *, only_day: date | None = None) -> list[PlannedReminder]:
        return plan(self.campaigns(now), self.directory.groups, self.store.subscribers(), self.policy, now,
                    submitted=self.store.submitted_pairs(), opted_out=self.store.opted_out(), only_day=only_day,
                    extended=self.extensions())

    def extensions(self) -> dict[tuple[str, str], date]:
        """Later last days staff gave single units on the deadline board (see scheduler.reminders.actions)."""
        from scheduler.reminders.actions import BoardStore

        return BoardStore(self.engine).extensions()

    def changed(self) -> None:
        """Something the pages show of reminders changed here (a board action): they read it again."""
        self.generation = next(self._generations)

    def replan(self, now: datetime) -> ReconcileStats:
        """Make the ledger match the plan; one planner at a time across instances (the ``plan`` lock).

        The plan's inputs (calendars' deadlines, the recipient files' bytes, subscriptions, opt-outs,
        submissions, policy, local day) are fingerprinted first: when the ledger was already planned
        from the same ones (the stamp in the database, written by whichever instance planned), the
        recipients are not read and nothing is planned. Several ``send-due`` processes and instances
        therefore share the planned rows instead of each re-reading 20,000 units.
        """
        with exclusive(self.engine, "plan"):
            with self._taking:
                self._take(now)
                shares = self._set.shares(now)  # the campaigns changed since, not all of them
            subscribers, submitted, opted_out = (self.store.subscribers(), self.store.submitted_pairs(),
                                                 self.store.opted_out())
            extended, code = self.extensions(), plan_code_version()
            recipients = files_digest(self._root, self.settings.limits(), host_policy(self.settings))
            fingerprint = plan_fingerprint((), recipients, subscribers, self.policy, now, submitted=submitted,
                                           opted_out=opted_out, code=code, extended=extended, shares=shares)
            stamp = self.store.plan_stamp()
            self.last_plan_skipped = stamp is not None and stamp.fingerprint == fingerprint
            if self.last_plan_skipped:
                assert stamp is not None
                log.info("Lịch nhắc đã được lập từ đúng dữ liệu này (%s, lúc %s): không đọc lại danh sách người "
                         "nhận, không lập lại.", stamp.planned_by,
                         stamp.planned_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%d/%m/%Y %H:%M:%S giờ Việt Nam"))
                self._planned_day = now.date()
                return ReconcileStats()
            memory = self._memory
            groups = self.directory.groups  # read again only when the files changed (load_directory)
            inputs = remember(fingerprint, code=code, policy=self.policy, opted_out=opted_out, recipients=recipients,
                              groups=groups, subscribers=subscribers, submitted=submitted, extended=extended)
            # The ledger is what this process planned last: only what changed since is planned and compared.
            scope = (changed_scope(memory, inputs, self._set.moved(), self._set.deadlines, lambda: self._set.campaigns)
                     if memory is not None and stamp is not None and stamp.fingerprint == memory.fingerprint else None)
            campaigns = self._set.campaigns if scope is None else self._set.touching(scope.occurrences | scope.parties.keys())
            # Planned as the ledger takes the rows, a chunk at a time: a national wave is never held whole.
            with paused():  # millions of objects made and freed, none in cycles
                planned = plan_rows(campaigns, groups, subscribers, self.policy, now, submitted=submitted,
                                    opted_out=opted_out, extended=extended, scope=scope)
                stats = self.store.reconcile(planned, now, scope=scope)
            self.last_plan_scope = scope
            self.store.save_plan_stamp(fingerprint, self.owner, self.wall())
            self._memory = inputs
            self._set.mark()  # the shares of the plan remembered
        self._planned_day = now.date()
        if stats.inserted or stats.moved or stats.cancelled or stats.revived:
            log.info("Lập lại lịch nhắc: %d mới, %d dời, %d hủy, %d khôi phục.", stats.inserted, stats.moved,
                     stats.cancelled, stats.revived)
        return stats

    def plan_later(self) -> None:
        """Planning failed (the database was lost): the next tick plans again, whatever day it is."""
        self._planned_day = None

    # --- sending -------------------------------------------------------------

    async def tick(self, now: datetime) -> SendReport:
        """What the scheduler runs: re-plan once a day (annual deadlines roll forward), then send what is due.

        Claims of a local instance that died (SIGKILL, OOM) go back to pending here too, so a surviving
        instance takes over its in-flight messages within a tick instead of after the lease; and so do
        this instance's own claims left by a wave the database was lost in, once the results it could
        not record then are recorded (a message delivered is never released and sent again).
        """
        await self.sender.recover()
        released = await in_database_thread(lambda: self.store.release_dead_local() + self.store.release_own(self.owner))
        if released:
            log.warning("Lấy lại %d lời nhắc đang gửi dở (tiến trình đã dừng, hoặc đợt trước bị gián đoạn).", released)
        if self._planned_day != now.date():
            await in_database_thread(self.replan, now)  # expands and writes: never on the event loop that serves
        return await self.send_due(now)

    async def start(self, now: datetime, *, progress: Progress | None = None) -> SendReport:
        """At start-up (and for `remind send-due`): take back claims of dead local processes, re-plan, catch up."""
        released = await in_database_thread(self.store.release_dead_local)
        if released:
            log.warning("Lấy lại %d lời nhắc đang gửi dở của tiến trình đã dừng.", released)
        await in_database_thread(self.replan, now)  # expands and writes: never on the event loop that serves
        report = await self.send_due(now, progress=progress)
        if report.handled:
            log.info("Gửi bù khi khởi động: %d đã gửi, %d bỏ lỡ (hạn đã qua), %d lỗi, %d thử lại sau.",
                     report.sent, report.missed, report.failed, report.retry)
        return report

    async def send_due(self, now: datetime, *, batch: int = 64, progress: Progress | None = None) -> SendReport:
        """Claim, build and send every reminder due at ``now`` (scheduler.reminders.sending does the work)."""
        return await self.sender.send_due(now, batch=batch, progress=progress)

    def _wave_messages(self) -> WaveMessages:
        return WaveMessages(self.links, self.store, lambda uid: self._events[uid], self.deadline_status)

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
        return self._status(event, self.store.submissions([event.uid]).get(event.uid, {}))

    def calendar_status(self, calendar_id: str) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
        """:meth:`deadline_status` of every tracked deadline of a calendar, in one database query."""
        events = self.tracked_deadlines(calendar_id)
        if not events:
            return {}
        done = self.store.submissions([e.uid for e in events])
        return {e.uid: self._status(e, done.get(e.uid, {})) for e in events}

    def _status(self, event: Event, done: Mapping[str, object]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        units = self.units_for(event)
        return (tuple(n for k, n in units if k in done), tuple(n for k, n in units if k not in done))

    def submit(self, token: str, now: datetime) -> tuple[Event | None, str, bool]:
        """Verify a "Đã nộp" link and record it: (deadline, who, newly recorded)."""
        payload = self.links.signer.verify(SUBMITTED, token)
        uid, party = str(payload.get("o", "")), str(payload.get("p", ""))
        new = self.store.record_submission(uid, party, now)
        self.generation = next(self._generations)
        found = self._events.get(uid)
        return (found[0] if found else None), self.party_name(party), new

    def peek_submitted(self, token: str) -> tuple[Event | None, str]:
        payload = self.links.signer.verify(SUBMITTED, token)
        found = self._events.get(str(payload.get("o", "")))
        return (found[0] if found else None), self.party_name(str(payload.get("p", "")))

    def party_name(self, party_key: str) -> str:
        kind, _, ident = party_key.partition(":")
        if kind == "unit" and (unit := self.directory.unit(ident)) is not None:
            return unit.name
        return ident

    # --- subscriptions (scheduler.reminders.subscriptions does the work) ----------------

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
        return on_day(self.planned(now, only_day=day), day)

    def title_of(self, uid: str, calendar_id: str | None = None, *, today: date | None = None) -> str:
        """A deadline occurrence's own name from its UID alone (admin tables); its UID if it is gone."""
        found = self._events.get(uid)
        if found is not None:
            return found[0].name
        calendar = self.calendars.get(calendar_id or uid.split(".deadline.", 1)[0])
        if calendar is not None:
            window = default_window(calendar, today or datetime.now(UTC).date())
            for event in expand_deadlines(calendar, window):
                if event.uid == uid:
                    return event.name
        return uid

    def deadline_title(self, row: StoredReminder | PlannedReminder) -> str:
        """The deadline's own name for a reminder (people read titles, not UIDs); its UID if it is gone."""
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

