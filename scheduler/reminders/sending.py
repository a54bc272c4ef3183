"""Sending what is due: claim a batch, build each message, send it through its channel, record.

A wave is sent in batches: claim up to ``batch`` rows, build and send them,
record each result, claim the next batch. A crash therefore leaves at most
one batch "in flight" (claimed, maybe sent, not recorded); those rows are
retried after their lease, or at once by the next start on the same host, and
keep their Message-ID so a duplicate is recognisable. Email goes as one stream
(its connections stay open for the whole wave); the other channels (webhooks)
get each notice as it is built, and their results are recorded the same way.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from notifiers.base import DeliveryResult, DeliveryStatus, OutgoingMessage, Transport
from notifiers.delivery import Address, Channel, Notice
from notifiers.mailer import Mailer
from scheduler.errors import PermanentDeliveryError
from scheduler.reminders.recipients import WEBHOOK
from scheduler.reminders.wave import WaveMessages
from scheduler.reminders.ledger import Outcome, ReminderRow, ReminderStore, Status, StoredReminder
from scheduler.reminders.planning import Kind, batches, triage
from scheduler.store.threads import in_database_thread

log = logging.getLogger("lichthidua.reminders")
Clock = Callable[[], datetime]
Progress = Callable[[int, int], None]  # (rows done, rows known so far)
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(minutes=30)
MARK_EVERY = 32
_STATUS = {DeliveryStatus.DELIVERED: Status.SENT, DeliveryStatus.PERMANENT: Status.FAILED}


@dataclass
class SendReport:
    sent: int = 0  # rows recorded as sent
    messages: int = 0  # messages handed to a channel (a digest covers several rows)
    failed: int = 0  # permanent failures, shown to the admin
    retry: int = 0  # temporary failures, back to pending
    missed: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0  # from the first claim to the last result recorded

    @property
    def handled(self) -> int:
        return self.sent + self.failed + self.retry + self.missed


def retry_delay(attempts: int) -> timedelta:
    return min(RETRY_CAP, RETRY_BASE * (2 ** max(0, attempts - 1)))


class Sender:
    """Sends the due rows of a store. Channels are asked for on use (the CLI's preview needs none)."""

    def __init__(
        self,
        store: ReminderStore,
        *,
        digest: bool,
        owner: str,
        lease: timedelta,
        wall: Clock,
        transport: Callable[[], Transport],
        mailer: Callable[[], Mailer],
        webhook: Callable[[], Channel],
        messages: Callable[[], WaveMessages],
        known: Callable[[str], bool],
        refresh: Callable[[datetime], object],
    ) -> None:
        self.store = store
        self.digest = digest
        self.owner = owner
        self.lease = lease
        self.wall = wall
        self.transport = transport
        self.mailer = mailer
        self.webhook = webhook
        self.messages = messages
        self.known = known  # is this occurrence among the expanded deadlines?
        self.refresh = refresh  # expand the calendars again (another instance planned rows this one has not)
        self.unrecorded: list[Outcome] = []  # results of a wave the database was lost in (see recover)

    async def send_due(self, now: datetime, *, batch: int = 64, progress: Progress | None = None) -> SendReport:
        """Claim, build and send every reminder due at ``now``, recording each result as it comes.

        One stream feeds the transport (its connections stay open for the whole
        wave); rows are claimed ``batch`` at a time as the stream is consumed and
        results are recorded every ``MARK_EVERY``, so a crash leaves at most about
        ``batch`` + the transport's queue + ``MARK_EVERY`` rows in flight. Recording runs in the
        background as results come (never in the transport's workers themselves).

        Every database call runs in a worker thread (a lost connection never stalls the event loop
        that serves pages and feeds), and none runs in the transport's workers. When the database
        fails mid-wave the stream ends, what was already handed to the transport is sent, and its
        results are kept (:attr:`unrecorded`) to be recorded first by the next wave; then the
        database error is raised for the caller (the scheduler's back-off, the CLI's exit 75).
        """
        report = SendReport()
        await self.recover(report)
        messages = self.messages()
        total = await in_database_thread(self._count_due, now)
        slots: list[Sequence[StoredReminder]] = []  # message index -> rows it covers
        unmarked: list[Outcome] = []
        streak = {"temporary": 0}
        fault: list[SQLAlchemyError] = []
        recording: list[asyncio.Future[None]] = []  # flushes started by results as they come
        stop_after = max(8, getattr(getattr(self.transport(), "config", None), "concurrency", 8))

        async def flush() -> None:
            if unmarked:
                outcomes = list(unmarked)
                unmarked.clear()
                try:
                    await self._record(outcomes, report)
                except SQLAlchemyError as exc:
                    self.unrecorded.extend(outcomes)
                    fault.append(exc)
            if progress is not None:
                progress(report.handled, max(total, report.handled))

        def on_result(index: int, res: DeliveryResult) -> None:
            # Runs in the transport's workers: memory only (a database call failing here would end the worker).
            status = _STATUS.get(res.status, Status.PENDING)
            streak["temporary"] = 0 if status is Status.SENT else streak["temporary"] + (status is Status.PENDING)
            report.messages += 1
            if status is not Status.SENT:
                report.errors.append(f"{', '.join(res.recipients)}: {res.reason}")
            unmarked.extend(Outcome(r.id, r.claimed_by or "", status, res.message_id, res.reason or None)
                            for r in slots[index])
            if len(unmarked) >= MARK_EVERY and not fault and (not recording or recording[-1].done()):
                recording.append(asyncio.ensure_future(flush()))  # in the background, off this worker

        async def stream() -> AsyncIterator[OutgoingMessage]:
            # The server looks down (only temporary failures lately): leave the rest for the next tick.
            while streak["temporary"] < stop_after and not fault:
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
                for group in batches(result.send, self.digest):
                    if group[0].channel == WEBHOOK:  # the channel the store recorded when planning
                        # The webhook channel renders and sends its own notices; email goes on in this stream.
                        await self._send_notice(group, now, messages, unmarked, report)
                        continue
                    try:
                        message = self.mailer().build(messages.spec(group, now), now)
                    except KeyError as exc:
                        unmarked.extend(Outcome(r.id, r.claimed_by or "", Status.PENDING,
                                                error=f"Không tìm thấy hạn chót {exc} trong các lịch đang phục vụ")
                                        for r in group)
                        continue
                    except (PermanentDeliveryError, ValueError) as exc:  # an address no server will take
                        unmarked.extend(Outcome(r.id, r.claimed_by or "", Status.FAILED, error=str(exc))
                                        for r in group)
                        continue
                    except SQLAlchemyError as exc:  # a summary reads the database (WaveMessages)
                        fault.append(exc)
                        return
                    slots.append(group)
                    yield message

        start = time.perf_counter()
        await self.transport().send_many(stream(), on_result)
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
            await self._record(outcomes, report or SendReport())
        except BaseException:
            self.unrecorded = outcomes + self.unrecorded
            raise
        log.info("Đã ghi kết quả của %d lời nhắc gửi trong lúc mất CSDL.", len(outcomes))
        return len(outcomes)

    async def _record(self, outcomes: list[Outcome], report: SendReport) -> None:
        """Record outcomes in a worker thread, then count them into ``report`` (on the event loop)."""
        await in_database_thread(self._mark, outcomes)
        retry = sum(o.status is Status.PENDING for o in outcomes)
        report.sent += sum(o.status is Status.SENT for o in outcomes)
        report.failed += sum(o.status is Status.FAILED for o in outcomes)
        report.retry += retry
        for o in outcomes:
            if o.status is Status.FAILED:
                log.error("Không gửi được lời nhắc #%d: %s", o.id, o.error)

    async def _send_notice(self, group: Sequence[StoredReminder], now: datetime, messages: WaveMessages,
                           unmarked: list[Outcome], report: SendReport) -> None:
        """One group through a channel other than email (the webhook): record its result like an email's."""
        try:
            spec = messages.spec(group, now)
        except KeyError as exc:
            unmarked.extend(Outcome(r.id, r.claimed_by or "", Status.PENDING,
                                    error=f"Không tìm thấy hạn chót {exc} trong các lịch đang phục vụ") for r in group)
            return
        notice = Notice(spec.key, Address.parse(group[0].email, spec.recipient.name), spec.content, spec.attachments)
        (res,) = await self.webhook().deliver([notice], now)
        status = _STATUS.get(res.status, Status.PENDING)
        report.messages += 1
        if status is not Status.SENT:
            report.errors.append(f"{', '.join(res.recipients)}: {res.reason}")
        unmarked.extend(Outcome(r.id, r.claimed_by or "", status, res.message_id, res.reason or None) for r in group)

    def _mark(self, outcomes: list[Outcome]) -> None:
        self.store.mark(outcomes, now=self.wall())
        retry = [o.id for o in outcomes if o.status is Status.PENDING]
        if retry:
            self._delay(retry)

    def _delay(self, ids: Sequence[int]) -> None:
        """A temporary failure waits before the next attempt (backoff by attempts, on the wall clock)."""
        t = ReminderRow.__table__  # type: ignore[attr-defined]
        wall = self.wall()
        with self.store.engine.begin() as conn:
            attempts: dict[int, int] = dict(conn.execute(select(t.c.id, t.c.attempts).where(t.c.id.in_(list(ids)))).all())
            for i in ids:
                conn.execute(t.update().where(t.c.id == i, t.c.status == Status.PENDING)
                             .values(not_before=wall + retry_delay(attempts.get(i, 1))))

    def _count_due(self, now: datetime) -> int:
        return self.store.count_due(now, wall=self.wall())


def _nearest(rows: Sequence[StoredReminder]) -> dict[tuple[str, str], int]:
    """What the claim read of other due reminders: (occurrence, recipient) -> smallest due offset."""
    return {(r.occurrence_uid, r.recipient_key): r.nearest for r in rows
            if r.kind == Kind.REMINDER and r.nearest is not None}
