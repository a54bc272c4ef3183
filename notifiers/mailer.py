"""From message specs to delivered email: render, compose, send, overlapping.

This is what the reminder scheduler calls with a wave of specs. Messages are
built in small chunks on the event loop and handed to the transport as an
async stream, so the SMTP connections are already busy with the first chunk
while the next ones are rendered. A spec that cannot be built (an invalid
address, say) becomes a PERMANENT result of its own; it never stops the wave.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

from notifiers import ics
from notifiers.base import DeliveryResult, DeliveryStatus, OutgoingMessage, Transport
from notifiers.content import Content
from notifiers.email_message import Attachment, Composer, Recipient, Unsubscribe
from notifiers.ics import FeedMeta, RenderOptions, Revision
from notifiers.rendering import Templates
from scheduler.core.events import Event
from scheduler.errors import PermanentDeliveryError
from scheduler.settings import Settings

_FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class MessageSpec:
    """One email to one person, as the caller decides it."""

    key: str  # stable per (reminder, recipient): becomes the Message-ID
    recipient: Recipient
    content: Content
    attachments: tuple[Attachment, ...] = ()  # e.g. the deadline's .ics
    unsubscribe_mailto: str | None = None  # extra List-Unsubscribe mailto: link


class Mailer:
    """Templates + composer: one per process, both compile/cache once."""

    def __init__(self, templates: Templates, composer: Composer) -> None:
        self.templates = templates
        self.composer = composer

    @classmethod
    def from_settings(cls, settings: Settings) -> Mailer:
        templates = Templates(settings.templates_dir)
        templates.check()
        return cls(templates, Composer(settings.mail_from))

    def build(self, spec: MessageSpec, now: datetime) -> OutgoingMessage:
        url = getattr(spec.content, "unsubscribe_url", None)
        unsubscribe = Unsubscribe(url, spec.unsubscribe_mailto) if url else None
        return self.composer.compose(
            self.templates.render(spec.content),
            to=spec.recipient,
            key=spec.key,
            now=now,
            unsubscribe=unsubscribe,
            attachments=spec.attachments,
        )


async def deliver(
    specs: Iterable[MessageSpec],
    mailer: Mailer,
    transport: Transport,
    now: datetime,
    *,
    chunk: int = 32,
) -> list[DeliveryResult]:
    """Build and send every spec; one result per spec, in spec order."""
    specs = list(specs)
    failed: dict[int, DeliveryResult] = {}
    sent_order: list[int] = []

    async def stream() -> AsyncIterator[OutgoingMessage]:
        for index, spec in enumerate(specs):
            try:
                message = mailer.build(spec, now)
            except (PermanentDeliveryError, ValueError) as exc:
                failed[index] = DeliveryResult(
                    mailer.composer.message_id(spec.key),
                    DeliveryStatus.PERMANENT,
                    (spec.recipient.address,),
                    0,
                    None,
                    str(exc),
                )
                continue
            sent_order.append(index)
            yield message
            if len(sent_order) % chunk == 0:
                await asyncio.sleep(0)  # let the connections write what is built

    sent = await transport.send_many(stream())
    results: list[DeliveryResult | None] = [None] * len(specs)
    for index, result in failed.items():
        results[index] = result
    for index, result in zip(sent_order, sent, strict=True):
        results[index] = result
    return [r for r in results if r is not None]


def event_attachment(
    event: Event,
    meta: FeedMeta,
    *,
    now: datetime,
    revisions: Mapping[str, Revision] = MappingProxyType({}),
    options: RenderOptions = RenderOptions(),
) -> Attachment:
    """The deadline as an .ics attachment whose Content-Type method matches its METHOD.

    Build it once per deadline and share it across recipients: identical
    attachments also share one MIME skeleton in the composer.
    """
    data = ics.render_event(event, meta, now=now, revisions=revisions, options=options, method="PUBLISH")
    stem = _FILENAME_UNSAFE.sub("-", event.item_id).strip("-") or "han-chot"
    return Attachment(f"{stem}.ics", ics.content_type("PUBLISH"), data)
