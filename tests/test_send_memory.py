"""A wave holds only what is in flight: memory per message sent stays bounded, however long the wave.

The national wave (one instance sending ~190,000 emails) grew by about 1.7 KB per email sent: the
sender kept every notice's rows for the whole wave, and the email channel and its transport kept
every message's result. Here the same objects are counted while a wave is sent: live rows and
results never exceed a few batches, not the number of messages sent.
"""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

from reminder_support import WAVE_DUE, Wall, write_wave

from notifiers.base import DeliveryResult, DeliveryStatus, MessageSource, OutgoingMessage, ResultHook, iterate
from notifiers.outbox import OutboxTransport
from scheduler.reminders.ledger import StoredReminder
from scheduler.reminders.service import open_service
from scheduler.settings import Settings

N = 600
EVERY = 150
BATCH = 64  # ReminderService.send_due's claim size


def _live(kind: type) -> int:
    return sum(1 for o in gc.get_objects() if type(o) is kind)


class CountingTransport:
    """Takes every message at once (no server), reports it delivered, and counts what is alive every EVERY."""

    name = "memory"

    def __init__(self) -> None:
        self.taken = 0
        self.rows: list[int] = []  # live StoredReminder at each sample
        self.results: list[int] = []  # live DeliveryResult at each sample

    def describe(self) -> str:
        return "Ghi trong bộ nhớ (kiểm thử)"

    async def send_many(self, messages: MessageSource, on_result: ResultHook | None = None) -> list[DeliveryResult]:
        kept: list[DeliveryResult] = []
        async for message in iterate(messages):
            result = DeliveryResult(message.message_id, DeliveryStatus.DELIVERED, message.recipients)
            if on_result is None:
                kept.append(result)
            else:
                on_result(self.taken, result)
            self.taken += 1
            if self.taken % EVERY == 0:
                self.rows.append(_live(StoredReminder))
                self.results.append(_live(DeliveryResult))
        return kept


def test_a_long_wave_keeps_only_the_rows_and_results_in_flight(tmp_path: Path) -> None:
    write_wave(tmp_path, N)
    settings = Settings(calendars_dir=tmp_path / "calendars", data_dir=tmp_path / "var",
                        base_url="https://lich.example.vn", mail_from="Lịch thi đua <nhac-han@lich.example.vn>")
    transport = CountingTransport()
    service = open_service(settings, transport=transport, wall=Wall())
    try:
        report = asyncio.run(service.start(WAVE_DUE))
    finally:
        service.close()
    assert report.sent == N and transport.taken == N
    assert len(transport.rows) == N // EVERY
    # A claimed batch, the one the channel is taking and the notices in flight: never one per message sent.
    assert max(transport.rows) <= 2 * BATCH, transport.rows
    assert max(transport.results) <= BATCH, transport.results


def test_results_reported_through_the_hook_are_not_kept_as_well(tmp_path: Path) -> None:
    """With a hook, a transport reports each result once through it and returns none (see ResultHook)."""
    message = OutgoingMessage("<a@lich.example.vn>", "nhac-han@lich.example.vn", ("a@example.org",), b"Subject: x\r\n\r\nx\r\n")
    seen: list[tuple[int, DeliveryStatus]] = []
    outbox = OutboxTransport(tmp_path / "outbox")
    returned = asyncio.run(outbox.send_many([message] * 3, lambda i, r: seen.append((i, r.status))))
    assert returned == [] and seen == [(i, DeliveryStatus.DELIVERED) for i in range(3)]
    assert len(asyncio.run(outbox.send_many([message] * 3))) == 3  # no hook: every result returned, in order
