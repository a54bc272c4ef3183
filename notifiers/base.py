"""The delivery interface every notifier implements (email today, others later).

A notifier is a :class:`Transport`: it takes ready-to-send messages and says,
for each one, what happened. It never raises for a message that could not be
delivered; the caller records each :class:`DeliveryResult` (and shows the
permanent ones to the admin), so one bad address cannot stop a wave of
reminders. Building messages is not the transport's business: see
``notifiers.email_message``.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

from scheduler.errors import DeliveryError, PermanentDeliveryError


class DeliveryStatus(StrEnum):
    DELIVERED = "delivered"
    # Worth trying again later: connection refused, timeout, 4xx.
    TEMPORARY = "temporary"
    # Retrying will not help: 5xx, an address the server rejects.
    PERMANENT = "permanent"


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One message as it goes on the wire: envelope plus RFC 5322 bytes (CRLF)."""

    message_id: str  # "<hash@domain>", also the caller's handle on the result
    sender: str  # envelope sender (bare address)
    recipients: tuple[str, ...]  # envelope recipients (bare addresses)
    data: bytes


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    message_id: str
    status: DeliveryStatus
    recipients: tuple[str, ...]
    attempts: int = 1
    code: int | None = None  # the SMTP reply code, when the server gave one
    reason: str = ""  # Vietnamese for people, with the server's own text when there is one
    retry_after: float | None = None  # TEMPORARY: seconds the other side asked to wait (Retry-After, a breaker)

    @property
    def delivered(self) -> bool:
        return self.status is DeliveryStatus.DELIVERED

    def error(self) -> DeliveryError | None:
        """The failure as the project's exception type, for callers that raise."""
        if self.status is DeliveryStatus.DELIVERED:
            return None
        cls = PermanentDeliveryError if self.status is DeliveryStatus.PERMANENT else DeliveryError
        code = f" ({self.code})" if self.code is not None else ""
        return cls(f"Không gửi được {self.message_id} tới {', '.join(self.recipients)}{code}: {self.reason}")


MessageSource = Iterable[OutgoingMessage] | AsyncIterable[OutgoingMessage]
# Called with (index in the source, result) as soon as each message is settled, so a caller
# can record progress during a long wave instead of after it (crash safety). A result reported
# through the hook is not kept: the list returned is then empty, and a wave of any length holds
# only the messages in flight, not one result per message sent.
ResultHook = Callable[[int, DeliveryResult], None]


def settle(results: dict[int, DeliveryResult], on_result: ResultHook | None, index: int,
           result: DeliveryResult) -> None:
    """A message's result as ResultHook says: reported through the hook, or, without one, kept to be returned."""
    if on_result is None:
        results[index] = result
    else:
        on_result(index, result)


@runtime_checkable
class Transport(Protocol):
    """What a notifier must offer. Without a hook, results come back in the order messages went in;
    with one, each is reported through it and none is returned (see ResultHook)."""

    name: str  # "smtp", "outbox"

    def describe(self) -> str:
        """One Vietnamese line for the start-up log: where messages go."""
        ...

    async def send_many(self, messages: MessageSource, on_result: ResultHook | None = None) -> list[DeliveryResult]:
        """Deliver every message; an async source lets building overlap with sending."""
        ...


async def send_one(transport: Transport, message: OutgoingMessage) -> DeliveryResult:
    """Convenience for single messages (a confirmation email, an admin summary)."""
    (result,) = await transport.send_many([message])
    return result


async def iterate(messages: MessageSource) -> AsyncIterator[OutgoingMessage]:
    """Walk a sync or async source the same way."""
    if isinstance(messages, AsyncIterable):
        async for message in messages:
            yield message
    else:
        for message in messages:
            yield message
