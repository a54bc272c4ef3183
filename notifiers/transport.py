"""Choosing the transport from settings: SMTP when a host is set, else the outbox."""

from __future__ import annotations

import asyncio
from pathlib import Path

from notifiers.base import Transport
from notifiers.outbox import OutboxTransport
from notifiers.smtp import Sleep, SMTPConfig, SMTPTransport
from scheduler.settings import Settings


def outbox_dir(settings: Settings) -> Path:
    """Where .eml files go without SMTP: ``outbox_dir``, or ``data_dir/outbox`` for a deployment
    that moved its data folder and left ``outbox_dir`` at its default."""
    fields = Settings.model_fields
    if settings.outbox_dir == fields["outbox_dir"].default and settings.data_dir != fields["data_dir"].default:
        return Path(settings.data_dir) / "outbox"
    return Path(settings.outbox_dir)


def transport_from_settings(settings: Settings, *, sleep: Sleep = asyncio.sleep) -> Transport:
    """The one place a transport is chosen (the service, its start-up log line and the CLI all ask here)."""
    if settings.smtp_host.strip():
        return SMTPTransport(SMTPConfig.from_settings(settings), sleep=sleep)
    return OutboxTransport(outbox_dir(settings))


def describe_transport(settings: Settings) -> str:
    """The start-up log line: "Chưa cấu hình SMTP: email được ghi vào thư mục var/outbox"."""
    return transport_from_settings(settings).describe()
