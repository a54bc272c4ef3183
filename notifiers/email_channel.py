"""Email as a channel: notices → MIME (the mailer) → one stream to an SMTP or outbox transport.

The stream is the point: the transport's connections stay open for the whole
wave and messages are built while earlier ones are on the wire. A notice whose
message cannot be built (an address no server will take) is a PERMANENT result
of its own; it never stops the stream.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from notifiers.base import DeliveryResult, DeliveryStatus, OutgoingMessage, ResultHook, Transport, settle
from notifiers.delivery import EMAIL, Notice, NoticeSource, iterate_notices
from notifiers.email_message import Recipient
from notifiers.mailer import Mailer, MessageSpec
from scheduler.errors import PermanentDeliveryError


class EmailChannel:
    """Email: templates → MIME (the mailer), then an SMTP or outbox transport."""

    name = EMAIL
    stops_when_down = True  # one server for every message: when it is down, the rest waits for the next tick

    def __init__(self, mailer: Mailer, transport: Transport) -> None:
        self.mailer = mailer
        self.transport = transport

    @property
    def concurrency(self) -> int:
        """Connections the transport keeps (a run of this many temporary failures means: down)."""
        return int(getattr(getattr(self.transport, "config", None), "concurrency", 8))

    def describe(self) -> str:
        return self.transport.describe()

    @staticmethod
    def spec(notice: Notice) -> MessageSpec:
        return MessageSpec(notice.key, Recipient(notice.to.target, notice.to.name), notice.content, notice.attachments)

    async def deliver(self, notices: list[Notice], now: datetime) -> list[DeliveryResult]:
        return await self.send(notices, now)

    async def send(self, notices: NoticeSource, now: datetime, on_result: ResultHook | None = None
                   ) -> list[DeliveryResult]:
        # With on_result, results go through it and are not kept (see ResultHook): a wave holds only what
        # is in flight.
        results: dict[int, DeliveryResult] = {}
        sent: dict[int, int] = {}  # the transport's index → the notice's, until the transport reports it
        handed = 0
        build = self.mailer.build

        async def stream() -> AsyncIterator[OutgoingMessage]:
            nonlocal handed
            index = 0
            async for notice in iterate_notices(notices):
                try:
                    message = build(self.spec(notice), now)
                except (PermanentDeliveryError, ValueError) as exc:  # an address no server will take
                    settle(results, on_result, index,
                           DeliveryResult(self.mailer.composer.message_id(notice.key), DeliveryStatus.PERMANENT,
                                          (notice.to.target,), 0, None, str(exc)))
                else:
                    sent[handed] = index
                    handed += 1
                    yield message
                index += 1

        def reported(i: int, result: DeliveryResult) -> None:
            if i in sent:  # each message's result counts once
                settle(results, on_result, sent.pop(i), result)

        returned = await self.transport.send_many(stream(), reported)
        for i, result in enumerate(returned):  # a transport that does not report as it goes
            reported(i, result)
        return [results[i] for i in sorted(results)]
