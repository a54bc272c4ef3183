"""Choosing the transport from settings: SMTP when a host is set, else the outbox."""

from __future__ import annotations

import asyncio

from scheduler.settings import Settings

from notifiers.base import Transport
from notifiers.outbox import OutboxTransport
from notifiers.smtp import SMTPConfig, SMTPTransport, Sleep


def transport_from_settings(settings: Settings, *, sleep: Sleep = asyncio.sleep) -> Transport:
    if settings.smtp_host.strip():
        return SMTPTransport(SMTPConfig.from_settings(settings), sleep=sleep)
    return OutboxTransport(settings.outbox_dir)


def describe_transport(settings: Settings) -> str:
    """The start-up log line: "Chưa cấu hình SMTP: email được ghi vào thư mục var/outbox"."""
    return transport_from_settings(settings).describe()
