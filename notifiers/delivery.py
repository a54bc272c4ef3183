"""The channel-neutral delivery interface: what to say, to whom, through which channel.

A :class:`Notice` carries *what to say* (a ``notifiers.content`` value: a
reminder, a digest, an admin summary) and *to whom* (an :class:`Address`:
a channel name and a target in that channel). A :class:`Channel` renders and
sends notices of its own kind: email renders templates into MIME and hands
them to an SMTP or outbox transport; a webhook renders JSON and POSTs it.
Callers (the reminder service) never look inside: they pick the channel by
``notice.to.channel`` and record each :class:`~notifiers.base.DeliveryResult`.

A new channel is one module in ``notifiers/`` with a class that has ``name``,
``describe()`` and ``deliver()``, plus the recipient field that addresses it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from notifiers.base import DeliveryResult, DeliveryStatus, Transport
from notifiers.content import Content
from notifiers.email_message import Attachment, Recipient
from notifiers.mailer import Mailer, MessageSpec, deliver

from scheduler.reminders.recipients import WEBHOOK

EMAIL = "email"


@dataclass(frozen=True, slots=True)
class Address:
    """To whom, through which channel: ("email", "a@congdoan.vn") or ("webhook", unit id)."""

    channel: str
    target: str
    name: str = ""  # the person's or unit's name, for a greeting

    @classmethod
    def parse(cls, address: str, name: str = "") -> Address:
        """The form the reminder store keeps: "webhook:<unit id>", or a bare email address."""
        channel, sep, target = address.partition(":")
        if sep and channel == WEBHOOK:
            return cls(WEBHOOK, target, name)
        return cls(EMAIL, address, name)

    def __str__(self) -> str:
        return self.target if self.channel == EMAIL else f"{self.channel}:{self.target}"


@dataclass(frozen=True, slots=True)
class Notice:
    """One thing to tell one addressee."""

    key: str  # stable per (reminder, recipient): the Message-ID, the webhook's delivery id
    to: Address
    content: Content
    attachments: tuple[Attachment, ...] = ()  # e.g. the deadline's .ics; channels that cannot carry files skip them


@runtime_checkable
class Channel(Protocol):
    """What a delivery channel offers. Results come back in the order notices went in;
    a notice that cannot be delivered is a result, never an exception."""

    name: str

    def describe(self) -> str:
        """One Vietnamese line for the start-up log: where notices go."""
        ...

    async def deliver(self, notices: Sequence[Notice], now: datetime) -> list[DeliveryResult]:
        ...


class EmailChannel:
    """Email: templates → MIME (the mailer), then an SMTP or outbox transport."""

    name = EMAIL

    def __init__(self, mailer: Mailer, transport: Transport) -> None:
        self.mailer = mailer
        self.transport = transport

    def describe(self) -> str:
        return self.transport.describe()

    @staticmethod
    def spec(notice: Notice) -> MessageSpec:
        return MessageSpec(notice.key, Recipient(notice.to.target, notice.to.name), notice.content, notice.attachments)

    async def deliver(self, notices: Sequence[Notice], now: datetime) -> list[DeliveryResult]:
        return await deliver([self.spec(n) for n in notices], self.mailer, self.transport, now)


async def deliver_all(notices: Sequence[Notice], channels: Mapping[str, Channel], now: datetime) -> list[DeliveryResult]:
    """Send each notice through its own channel; one result per notice, in order."""
    results: list[DeliveryResult | None] = [None] * len(notices)
    by_channel: dict[str, list[int]] = {}
    for index, notice in enumerate(notices):
        by_channel.setdefault(notice.to.channel, []).append(index)
    for name, indexes in by_channel.items():
        channel = channels.get(name)
        if channel is None:
            for i in indexes:
                results[i] = DeliveryResult(notices[i].key, DeliveryStatus.PERMANENT, (str(notices[i].to),), 0, None,
                                            f"Kênh gửi '{name}' chưa được cấu hình")
            continue
        for i, result in zip(indexes, await channel.deliver([notices[i] for i in indexes], now), strict=True):
            results[i] = result
    return [r for r in results if r is not None]
