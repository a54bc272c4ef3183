"""Sending what is due: claim a batch, build each notice, stream it to its channel, record.

A wave is sent in batches: claim up to ``batch`` rows, build their notices,
hand each to the channel the store recorded when planning ("email",
"webhook", "chat", ...), record each result as the channel reports it, claim
the next batch. Every channel runs in a lane of its own: email keeps one
stream (its connections stay open for the whole wave) and is fed no faster
than it sends; the other channels take their notices as they come and work
on each endpoint apart, so a slow, dead or misconfigured endpoint delays no
email and no other endpoint. A crash therefore leaves at most about one batch
"in flight" (claimed, maybe sent, not recorded); those rows are retried after
their lease, or at once by the next start on the same host, and keep their
Message-ID (or delivery id) so a duplicate is recognisable.

Nothing a channel does can lose a result: outcomes already reported are
recorded even when a lane or the wave fails, and rows handed to a lane that
failed before answering go back to the queue (they were not sent), so a
failing channel never makes another channel's messages go twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from notifiers.base import DeliveryResult, DeliveryStatus
from notifiers.delivery import Address, Channel, Notice
from scheduler.reminders.ledger import Outcome, ReminderRow, ReminderStore, Status, StoredReminder
from scheduler.reminders.planning import Kind, batches, triage
from scheduler.reminders.wave import WaveMessages
from scheduler.store.threads import in_database_thread

log = logging.getLogger("lichthidua.reminders")
Clock = Callable[[], datetime]
Progress = Callable[[int, int], None]  # (rows done, rows known so far)
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(minutes=30)
MARK_EVERY = 32
ERRORS_KEPT = 100  # failures a report quotes (each is also logged or recorded on its row)
_STATUS = {DeliveryStatus.DELIVERED: Status.SENT, DeliveryStatus.PERMANENT: Status.FAILED}
Channels = Mapping[str, Channel]


@dataclass
class SendReport:
    sent: int = 0  # rows recorded as sent
    messages: int = 0  # messages handed to a channel (a digest covers several rows)
    failed: int = 0  # permanent failures, shown to the admin
    retry: int = 0  # temporary failures, back to pending
    missed: int = 0
    errors: list[str] = field(default_factory=list)  # the first ERRORS_KEPT failures, for the CLI to show
    seconds: float = 0.0  # from the first claim to the last result recorded
    delivered: dict[str, int] = field(default_factory=dict)  # messages delivered, by channel

    @property
    def handled(self) -> int:
        return self.sent + self.failed + self.retry + self.missed


def retry_delay(attempts: int) -> timedelta:
    return min(RETRY_CAP, RETRY_BASE * (2 ** max(0, attempts - 1)))


Item = tuple[Notice, Sequence[StoredReminder]]


class _Lane:
    """One channel's part of a wave: a queue of notices, the rows each covers, the channel's task."""

    def __init__(self, name: str, channel: Channel) -> None:
        self.name = name
        self.channel = channel
        # Email is fed as it sends: the next batch is claimed when it has taken every notice of the last
        # one (back-pressure: few of its rows in flight). Endpoint channels take notices as they come.
        self.paced = channel.stops_when_down
        self.queue: asyncio.Queue[list[Item] | None] = asyncio.Queue()
        self.closed = False
        self.unsent: list[Item] = []  # taken from the queue, not yet handed to the channel
        # Notice index → its rows, for the notices handed to the channel and not yet settled: only those in
        # flight, so a wave of any length holds no more than the channel's queue (see settle).
        self.open: dict[int, Sequence[StoredReminder]] = {}
        self.handed = 0  # notices handed to the channel so far (the next notice's index)
        self.streak = 0  # temporary failures in a row
        self.stop_after = max(8, int(getattr(channel, "concurrency", 8)))
        self.down: str | None = None  # why the rest of this wave's notices are not handed over
        self.task: asyncio.Future[None] | None = None

    async def notices(self) -> AsyncGenerator[Notice, None]:
        while not self.closed:
            items = await self.queue.get()
            try:
                if items is None:
                    self.closed = True
                    return
                self.unsent = list(items)
                while self.unsent:
                    notice, rows = self.unsent.pop(0)
                    self.open[self.handed] = rows
                    self.handed += 1
                    yield notice
            finally:
                self.queue.task_done()  # taken: a paced lane's producer claims the next batch now

    async def drain(self) -> list[Item]:
        """What is still queued once the channel stopped taking notices (so the producer never waits)."""
        left: list[Item] = []
        while not self.closed:
            items = await self.queue.get()
            self.queue.task_done()
            if items is None:
                self.closed = True
            else:
                left += items
        return left


class Sender:
    """Sends the due rows of a store through a mapping of channels by name (asked for on use: the
    CLI's preview needs none)."""

    def __init__(
        self,
        store: ReminderStore,
        *,
        digest: bool,
        owner: str,
        lease: timedelta,
        wall: Clock,
        channels: Channels | Callable[[], Channels],
        messages: Callable[[], WaveMessages],
        known: Callable[[str], bool],
        refresh: Callable[[datetime], object],
    ) -> None:
        self.store = store
        self.digest = digest
        self.owner = owner
        self.lease = lease
        self.wall = wall
        self.channels: Callable[[], Channels] = channels if callable(channels) else (lambda: channels)
        self.messages = messages
        self.known = known  # is this occurrence among the expanded deadlines?
        self.refresh = refresh  # expand the calendars again (another instance planned rows this one has not)
        self.unrecorded: list[Outcome] = []  # results of a wave the database was lost in (see recover)

    async def send_due(self, now: datetime, *, batch: int = 64, progress: Progress | None = None) -> SendReport:
        """Claim, build and send every reminder due at ``now``, recording each result as it comes.

        Rows are claimed ``batch`` at a time as the lanes take them (email's lane is given the next
        batch when it has taken the last one; the others take what comes) and results are recorded in
        the background every ``MARK_EVERY`` (never in a channel's own workers), so a crash leaves at
        most about a batch + the transport's queue + ``MARK_EVERY`` rows in flight.

        Every database call runs in a worker thread (a lost connection never stalls the event loop
        that serves pages and feeds). When the database fails mid-wave no more rows are claimed, what
        was already handed to a channel is sent, and its results are kept (:attr:`unrecorded`) to be
        recorded first by the next wave; then the database error is raised for the caller (the
        scheduler's back-off, the CLI's exit 75). A channel's own failure stops only its lane.
        """
        report = SendReport()
        await self.recover(report)
        messages = self.messages()
        total = await in_database_thread(self._count_due, now)
        channels = self.channels()
        lanes: dict[str, _Lane] = {}
        unmarked: list[Outcome] = []
        waits: dict[int, float] = {}  # row id → seconds the other side asked to wait (Retry-After, a breaker)
        fault: list[SQLAlchemyError] = []
        recording: list[asyncio.Future[None]] = []  # flushes started by results as they come, not yet over

        async def flush() -> None:
            if unmarked:
                outcomes = list(unmarked)
                unmarked.clear()
                asked = {o.id: waits.pop(o.id) for o in outcomes if o.id in waits}
                try:
                    await self._record(outcomes, report, asked)
                except SQLAlchemyError as exc:
                    self.unrecorded.extend(outcomes)
                    fault.append(exc)
            if progress is not None:
                progress(report.handled, max(total, report.handled))

        def outcome(rows: Sequence[StoredReminder], status: Status, message_id: str | None = None,
                    error: str | None = None) -> None:
            # Memory only (it runs in channels' workers): recording goes on in the background.
            unmarked.extend(Outcome(r.id, r.claimed_by or "", status, message_id, error) for r in rows)
            if len(unmarked) >= MARK_EVERY and not fault and (not recording or recording[-1].done()):
                # A flush that ended well is forgotten; one that raised is kept for the end of the wave to raise.
                recording[:] = [f for f in recording if not f.done() or f.cancelled() or f.exception() is not None]
                recording.append(asyncio.ensure_future(flush()))

        def settle(lane: _Lane, index: int, res: DeliveryResult) -> None:
            rows = lane.open.pop(index, None)
            if rows is None:  # settled already (or never handed): a result counts once
                return
            status = _STATUS.get(res.status, Status.PENDING)
            report.messages += 1
            if status is Status.SENT:
                report.delivered[lane.name] = report.delivered.get(lane.name, 0) + 1
            elif len(report.errors) < ERRORS_KEPT:
                report.errors.append(f"{', '.join(res.recipients)}: {res.reason}")
            if status is Status.PENDING and res.retry_after:
                waits.update((r.id, res.retry_after) for r in rows)
            lane.streak = 0 if status is not Status.PENDING else lane.streak + 1
            if lane.channel.stops_when_down and lane.streak >= lane.stop_after and lane.down is None:
                lane.down = res.reason or "nhiều lần lỗi tạm thời liên tiếp"
                log.warning("Kênh %s đang lỗi (%s): các lời nhắc còn lại của kênh này chờ lượt sau.", lane.name,
                            lane.down)
            outcome(rows, status, res.message_id, res.reason or None)

        async def run(lane: _Lane) -> None:
            stream = lane.notices()
            try:
                await lane.channel.send(stream, now, lambda i, res: settle(lane, i, res))
            except Exception as exc:  # noqa: BLE001 - one channel's failure must not stop the others
                log.error("Kênh %s dừng giữa đợt gửi: %s", lane.name, exc or type(exc).__name__)
                lane.down = f"Kênh {lane.name} gặp lỗi: {exc or type(exc).__name__}"
            finally:
                await stream.aclose()  # the batch it was in counts as taken (a paced producer waits on it)
            # Notices handed over without a result were not sent (or their fate is unknown, which the
            # lease covers): back to the queue. Then take what is still queued, so the producer never waits.
            left, lane.open = lane.open, {}
            for _, rows in sorted(left.items()):
                outcome(rows, Status.PENDING, error=lane.down or "Kênh gửi dừng trước khi trả lời")
            lane.down = lane.down or "Kênh gửi đã dừng"
            for _, rows in lane.unsent + await lane.drain():
                outcome(rows, Status.PENDING, error=lane.down)

        def lane_for(name: str) -> _Lane | None:
            lane = lanes.get(name)
            if lane is None:
                channel = channels.get(name)
                if channel is None:
                    return None
                lane = lanes[name] = _Lane(name, channel)
                lane.task = asyncio.ensure_future(run(lane))
            return lane

        def notice(group: Sequence[StoredReminder]) -> Notice | None:
            try:
                spec = messages.spec(group, now)
            except KeyError as exc:
                outcome(group, Status.PENDING, error=f"Không tìm thấy hạn chót {exc} trong các lịch đang phục vụ")
                return None
            except SQLAlchemyError:  # a summary reads the database (WaveMessages): the producer stops
                raise
            except Exception as exc:  # noqa: BLE001 - one row that cannot be built never stops the wave
                log.error("Không dựng được lời nhắc #%d: %s", group[0].id, exc)
                outcome(group, Status.PENDING, error=f"Lỗi khi dựng lời nhắc: {exc}")
                return None
            address = Address.parse(group[0].email, spec.recipient.name)
            return Notice(spec.key, address, spec.content, spec.attachments)

        async def produce() -> None:
            while not fault and (not lanes or not all(lane.down for lane in lanes.values())):
                for lane in lanes.values():
                    if lane.paced:
                        await lane.queue.join()  # email asks for more: claim the next batch
                if len(unmarked) >= MARK_EVERY:
                    await flush()
                    if fault:
                        return
                try:
                    rows = await in_database_thread(self.store.claim_due, now, self.owner, limit=batch,
                                                   lease=self.lease, wall=self.wall())
                    if not rows:
                        return
                    result = triage(rows, now, nearest=_nearest(rows))
                    if result.missed:
                        report.missed += await in_database_thread(
                            self.store.mark_missed, [(r.id, r.claimed_by or "", why) for r, why in result.missed],
                            now=self.wall())
                except SQLAlchemyError as exc:  # the rows claimed stay claimed: released by the next wave
                    fault.append(exc)
                    return
                if not all(self.known(r.occurrence_uid) for r in result.send):
                    self.refresh(now)  # another instance planned these, or this one has not yet: expand now
                handed: dict[str, list[Item]] = {}
                try:
                    for group in batches(result.send, self.digest):
                        name = group[0].channel  # the channel the store recorded when planning
                        target = lane_for(name)
                        if target is None:
                            outcome(group, Status.FAILED, error=f"Kênh gửi '{name}' chưa được cấu hình")
                        elif target.down is not None:
                            outcome(group, Status.PENDING, error=target.down)
                        elif (built := notice(group)) is not None:
                            handed.setdefault(name, []).append((built, group))
                except SQLAlchemyError as exc:
                    fault.append(exc)
                finally:
                    for name, items in handed.items():
                        lanes[name].queue.put_nowait(items)

        start = time.perf_counter()
        try:
            await produce()
        except BaseException:
            # Cancelled (the service stops) or a bug: the lanes stop now; results already in are kept for the
            # next wave, which records them before any claim is released (no message goes twice).
            for lane in lanes.values():
                if lane.task is not None:
                    lane.task.cancel()
            await asyncio.gather(*(lane.task for lane in lanes.values() if lane.task is not None),
                                 return_exceptions=True)
            self.unrecorded.extend(unmarked)
            unmarked.clear()
            raise
        for lane in lanes.values():
            lane.queue.put_nowait(None)
        await asyncio.gather(*(lane.task for lane in lanes.values() if lane.task is not None))
        await asyncio.gather(*recording)
        if fault:  # the database is lost: keep the rest for the next wave instead of waiting on it again
            self.unrecorded.extend(unmarked)
            unmarked.clear()
        await flush()
        report.seconds = time.perf_counter() - start
        if fault:
            raise fault[0]
        return report

    async def recover(self, report: SendReport | None = None) -> int:
        """Record the results an interrupted wave could not (the database was lost); how many were recorded.

        Called before a wave and before claims are released (see ReminderService.tick): a message
        already delivered is recorded as sent, never released and sent again.
        """
        if not self.unrecorded:
            return 0
        outcomes, self.unrecorded = self.unrecorded, []
        try:
            await self._record(outcomes, report or SendReport(), {})
        except BaseException:
            self.unrecorded = outcomes + self.unrecorded
            raise
        log.info("Đã ghi kết quả của %d lời nhắc gửi trong lúc mất CSDL.", len(outcomes))
        return len(outcomes)

    async def _record(self, outcomes: list[Outcome], report: SendReport, waits: Mapping[int, float]) -> None:
        """Record outcomes in a worker thread, then count them into ``report`` (on the event loop)."""
        await in_database_thread(self._mark, outcomes, waits)
        retry = sum(o.status is Status.PENDING for o in outcomes)
        report.sent += sum(o.status is Status.SENT for o in outcomes)
        report.failed += sum(o.status is Status.FAILED for o in outcomes)
        report.retry += retry
        for o in outcomes:
            if o.status is Status.FAILED:
                log.error("Không gửi được lời nhắc #%d: %s", o.id, o.error)

    def _mark(self, outcomes: list[Outcome], waits: Mapping[int, float]) -> None:
        self.store.mark(outcomes, now=self.wall())
        retry = [o.id for o in outcomes if o.status is Status.PENDING]
        if retry:
            self._delay(retry, waits)

    def _delay(self, ids: Sequence[int], waits: Mapping[int, float]) -> None:
        """A temporary failure waits before the next attempt (backoff by attempts, on the wall clock; longer
        when the other side asked for it: a Retry-After, an endpoint's breaker)."""
        t = ReminderRow.__table__  # type: ignore[attr-defined]
        wall = self.wall()
        with self.store.engine.begin() as conn:
            attempts: dict[int, int] = dict(conn.execute(select(t.c.id, t.c.attempts).where(t.c.id.in_(list(ids)))).all())
            for i in ids:
                conn.execute(t.update().where(t.c.id == i, t.c.status == Status.PENDING)
                             .values(not_before=wall + max(retry_delay(attempts.get(i, 1)),
                                                           timedelta(seconds=waits.get(i, 0.0)))))

    def _count_due(self, now: datetime) -> int:
        return self.store.count_due(now, wall=self.wall())


def _nearest(rows: Sequence[StoredReminder]) -> dict[tuple[str, str], int]:
    """What the claim read of other due reminders: (occurrence, recipient) -> smallest due offset."""
    return {(r.occurrence_uid, r.recipient_key): r.nearest for r in rows
            if r.kind == Kind.REMINDER and r.nearest is not None}
