"""The channel-neutral delivery interface: what to say, to whom, through which channel.

A :class:`Notice` carries *what to say* (a ``notifiers.content`` value: a
reminder, a digest, an admin summary) and *to whom* (an :class:`Address`:
a channel name and a target in that channel). A :class:`Channel` renders and
sends notices of its own kind: email (``notifiers.email_channel``) renders
templates into MIME and streams them to an SMTP or outbox transport; the
channels of ``notifiers/channels/`` (webhook, chat) render JSON and POST it
to the unit's endpoint. The reminder sender (``scheduler.reminders.sending``)
never looks inside: it holds a mapping of channels by name, streams each
channel its notices and records each :class:`~notifiers.base.DeliveryResult`
as it comes.

A new channel is one module in ``notifiers/channels/`` (see its ``__init__``)
plus the recipient field that addresses it; nothing else changes.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from notifiers.base import DeliveryResult, DeliveryStatus, ResultHook
from notifiers.content import Content
from notifiers.email_message import Attachment

EMAIL = "email"
_CHANNEL = re.compile(r"[a-z][a-z0-9_]*")


def channel_of(address: str) -> str:
    """The channel of an address as the reminder store keeps it: "webhook:<unit id>" → "webhook", else email."""
    channel, sep, target = address.partition(":")
    if sep and "@" not in channel and _CHANNEL.fullmatch(channel):
        return channel
    return EMAIL


@dataclass(frozen=True, slots=True)
class Address:
    """To whom, through which channel: ("email", "a@congdoan.vn") or ("webhook", unit id)."""

    channel: str
    target: str
    name: str = ""  # the person's or unit's name, for a greeting

    @classmethod
    def parse(cls, address: str, name: str = "") -> Address:
        """The form the reminder store keeps: "<channel>:<unit id>", or a bare email address."""
        channel = channel_of(address)
        if channel == EMAIL:
            return cls(EMAIL, address, name)
        return cls(channel, address.partition(":")[2], name)

    def __str__(self) -> str:
        return self.target if self.channel == EMAIL else f"{self.channel}:{self.target}"


@dataclass(frozen=True, slots=True)
class Notice:
    """One thing to tell one addressee."""

    key: str  # stable per (reminder, recipient): the Message-ID, the webhook's delivery id
    to: Address
    content: Content
    attachments: tuple[Attachment, ...] = ()  # e.g. the deadline's .ics; channels that cannot carry files skip them


NoticeSource = Iterable[Notice] | AsyncIterable[Notice]


async def iterate_notices(notices: NoticeSource) -> AsyncIterator[Notice]:
    """Walk a sync or async source the same way."""
    if isinstance(notices, AsyncIterable):
        async for notice in notices:
            yield notice
    else:
        for notice in notices:
            yield notice


@runtime_checkable
class Channel(Protocol):
    """What a delivery channel offers.

    ``send`` takes a stream of notices (a wave: the sender feeds it as rows are claimed) and
    reports each result through ``on_result(index, result)`` as soon as it is settled, keeping
    none (a wave of any length holds only what is in flight), or, without ``on_result``,
    returns them all in order. A notice that cannot be delivered is a result, never an
    exception. ``stops_when_down``: all its notices go to one server (email), so a run of
    temporary failures means the rest would fail too; channels with one endpoint per unit
    keep a breaker per endpoint instead and never stop as a whole.
    """

    name: str
    stops_when_down: bool

    def describe(self) -> str:
        """One Vietnamese line for the start-up log: where notices go."""
        ...

    async def send(self, notices: NoticeSource, now: datetime, on_result: ResultHook | None = None
                   ) -> list[DeliveryResult]:
        ...


async def deliver(channel: Channel, notices: Sequence[Notice], now: datetime) -> list[DeliveryResult]:
    """A few notices through one channel (a confirmation, a test): one result per notice, in order."""
    return await channel.send(list(notices), now)


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
                results[i] = unknown_channel(notices[i])
            continue
        for i, result in zip(indexes, await deliver(channel, [notices[i] for i in indexes], now), strict=True):
            results[i] = result
    return [r for r in results if r is not None]


def unknown_channel(notice: Notice) -> DeliveryResult:
    return DeliveryResult(notice.key, DeliveryStatus.PERMANENT, (str(notice.to),), 0, None,
                          f"Kênh gửi '{notice.to.channel}' chưa được cấu hình")
