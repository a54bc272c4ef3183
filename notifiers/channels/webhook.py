"""The webhook channel: a reminder as a signed JSON POST, for the chat tools a union uses.

A recipient unit may have ``webhook: {url: ..., secret_env: ...}`` beside or
instead of its emails. Each notice becomes one POST of a JSON body
(``application/json; charset=utf-8``) to the unit's URL:

    X-LichThiDua-Delivery:  the notice's stable key (the same on every retry: deduplicate on it)
    X-LichThiDua-Timestamp: seconds since 1970 (UTC) when this attempt was signed
    X-LichThiDua-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>

The secret is read from the environment variable the unit names, never from
the YAML; a missing secret is PERMANENT. Timeouts, retries, the breaker and
which URLs are accepted are every endpoint's (:mod:`notifiers.endpoints`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import Field

from notifiers.channels import ChannelKind
from notifiers.content import DeadlineView, DigestContent
from notifiers.delivery import Notice
from notifiers.endpoint_urls import EndpointModel
from notifiers.endpoints import HttpChannel, items, text

NAME = "webhook"
SIGNATURE_HEADER = "X-LichThiDua-Signature"
TIMESTAMP_HEADER = "X-LichThiDua-Timestamp"
DELIVERY_HEADER = "X-LichThiDua-Delivery"


class WebhookModel(EndpointModel):
    """Webhook của đơn vị: lời nhắc được POST dạng JSON, ký bằng khóa dùng chung (HMAC-SHA256)."""

    secret_env: str = Field(pattern=r"^[A-Z_][A-Z0-9_]*$",
                            description="Tên biến môi trường chứa khóa ký, ví dụ LICHTHIDUA_WEBHOOK_KON_TUM")


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    """The signature header's value; a receiver recomputes it and compares in constant time."""
    return "sha256=" + hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def verify(secret: bytes, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver does (and what the tests do): recompute, compare in constant time."""
    return hmac.compare_digest(sign(secret, int(timestamp), body), signature)


def _deadline(view: DeadlineView, submitted_url: str | None) -> dict[str, Any]:
    return {
        "uid": view.uid,
        "title": view.name,
        "campaign": view.campaign,
        "as_written": view.as_written,
        "due": view.due_text,
        "last_day": view.last_day.isoformat(),
        "days_left": view.days_left,
        "status": view.days_text,
        "overdue": view.overdue,
        "submitted_by": view.submitted_by,
        "submit_to": view.submit_to,
        "via": view.via,
        "submitted_url": submitted_url,
    }


def payload(notice: Notice, now: datetime) -> dict[str, Any]:
    """The JSON body (documented in docs): the deadlines, and one Vietnamese text for a chat."""
    content = notice.content
    found = items(content)
    if isinstance(content, DigestContent):
        kind = "digest"
    else:
        kind = "overdue" if found[0][0].overdue else "reminder"
    return {
        "type": kind,
        "id": notice.key,
        "sent_at": now.astimezone(UTC).isoformat(),
        "recipient": {"unit": notice.to.target, "name": notice.to.name},
        "text": text(content),
        "deadlines": [_deadline(view, url) for view, url in found],
    }


class WebhookChannel(HttpChannel):
    """Webhooks of the recipient units, keyed by unit id."""

    name = NAME

    def request(self, notice: Notice, endpoint: Any, now: datetime) -> tuple[bytes, dict[str, str]]:
        secret = self.environ.get(endpoint.secret_env, "")
        if not secret:
            raise ValueError(f"Thiếu khóa ký webhook: biến môi trường {endpoint.secret_env} chưa được đặt")
        body = json.dumps(payload(notice, now), ensure_ascii=False).encode("utf-8")
        return body, {"Content-Type": "application/json; charset=utf-8", "User-Agent": "lichthidua-webhook/1",
                      DELIVERY_HEADER: notice.key}

    def sign(self, endpoint: Any, headers: Mapping[str, str], body: bytes) -> dict[str, str]:
        out = dict(headers)
        secret = self.environ.get(endpoint.secret_env, "")
        stamp = int(self.clock().timestamp())
        out[TIMESTAMP_HEADER] = str(stamp)
        out[SIGNATURE_HEADER] = sign(secret.encode("utf-8"), stamp, body)
        return out


KIND = ChannelKind(
    NAME, WebhookModel, "Gửi lời nhắc tới công cụ chat của đơn vị (JSON có chữ ký HMAC)",
    WebhookChannel,
)
