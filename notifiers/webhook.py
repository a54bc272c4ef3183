"""The webhook channel: a reminder as a signed JSON POST, for the chat tools a union uses.

A recipient unit may have ``webhook: {url: ..., secret_env: ...}`` beside or
instead of its emails (see ``scheduler.reminders.recipients``). Each notice becomes one
POST of a JSON body (``application/json; charset=utf-8``) to the unit's URL:

    X-LichThiDua-Delivery:  the notice's stable key (the same on every retry: deduplicate on it)
    X-LichThiDua-Timestamp: seconds since 1970 (UTC) when this attempt was signed
    X-LichThiDua-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>

The secret is read from the environment variable the unit names, never from
the YAML. Retried like email: a timeout, a refused connection, a 5xx, 408 or
429 is tried again (2 s, 8 s, ...), then left TEMPORARY for the next tick;
any other 4xx, a 3xx (redirects are not followed) or a missing secret is
PERMANENT. Only ``https://`` URLs, or ``http://`` to this machine (a local bridge).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import http.client
import json
import os
import ssl
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from scheduler.reminders.recipients import Webhook

from notifiers.base import DeliveryResult, DeliveryStatus
from notifiers.content import DeadlineView, DigestContent, ReminderContent
from notifiers.delivery import WEBHOOK, Notice
from notifiers.smtp import backoff_delays

SIGNATURE_HEADER = "X-LichThiDua-Signature"
TIMESTAMP_HEADER = "X-LichThiDua-Timestamp"
DELIVERY_HEADER = "X-LichThiDua-Delivery"
_RETRY_STATUSES = {408, 429}


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


def _line(view: DeadlineView, submitted_url: str | None) -> str:
    tag = "[Quá hạn]" if view.overdue else "[Nhắc hạn]"
    text = f"{tag} {view.name} – {view.days_text} (hạn {view.as_written}). Hạn cuối: {view.weekday}, {view.due_text}."
    return text + (f" Đã nộp thì bấm: {submitted_url}" if submitted_url else "")


def payload(notice: Notice, now: datetime) -> dict[str, Any]:
    """The JSON body (documented in the README): the deadlines, and one Vietnamese text for a chat."""
    content = notice.content
    if isinstance(content, ReminderContent):
        items = [(content.deadline, content.submitted_url)]
        kind = "overdue" if content.deadline.overdue else "reminder"
    elif isinstance(content, DigestContent):
        items = [(item.deadline, item.submitted_url) for item in content.items]
        kind = "digest"
    else:
        raise ValueError(f"Kênh webhook không gửi loại nội dung {type(content).__name__}")
    return {
        "type": kind,
        "id": notice.key,
        "sent_at": now.astimezone(UTC).isoformat(),
        "recipient": {"unit": notice.to.target, "name": notice.to.name},
        "text": "\n".join(_line(view, url) for view, url in items),
        "deadlines": [_deadline(view, url) for view, url in items],
    }


Post = Callable[[str, bytes, dict[str, str], float], tuple[int, str]]


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, str]:
    """One HTTP POST (blocking; run in a thread): (status, first bytes of the answer)."""
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(parts.hostname or "", parts.port, timeout=timeout,
                                           context=ssl.create_default_context())
    else:
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read(300).decode("utf-8", "replace")
    finally:
        conn.close()


class WebhookChannel:
    """Webhooks of the recipient units, keyed by unit id."""

    name = WEBHOOK

    def __init__(
        self,
        endpoints: Mapping[str, Webhook],
        *,
        environ: Mapping[str, str] | None = None,
        timeout: float = 10.0,
        max_attempts: int = 3,
        delays: Sequence[float] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        concurrency: int = 8,
        send: Post = post,
    ) -> None:
        self.endpoints = dict(endpoints)
        self.environ = os.environ if environ is None else environ
        self.timeout = timeout
        self.max_attempts = max(1, max_attempts)
        self.delays = tuple(delays) if delays is not None else backoff_delays(self.max_attempts)
        self.sleep = sleep
        self.clock = clock
        self.send = send
        self._slots = asyncio.Semaphore(concurrency)

    def describe(self) -> str:
        return f"webhook tới {len(self.endpoints)} đơn vị"

    async def deliver(self, notices: Sequence[Notice], now: datetime) -> list[DeliveryResult]:
        return list(await asyncio.gather(*(self._one(n, now) for n in notices)))

    async def _one(self, notice: Notice, now: datetime) -> DeliveryResult:
        who = (f"{WEBHOOK}:{notice.to.target}",)

        def result(status: DeliveryStatus, attempts: int, reason: str, code: int | None = None) -> DeliveryResult:
            return DeliveryResult(notice.key, status, who, attempts, code, reason)

        endpoint = self.endpoints.get(notice.to.target)
        if endpoint is None:
            return result(DeliveryStatus.PERMANENT, 0, f"Đơn vị '{notice.to.target}' không có webhook")
        secret = self.environ.get(endpoint.secret_env, "")
        if not secret:
            return result(DeliveryStatus.PERMANENT, 0,
                          f"Thiếu khóa ký webhook: biến môi trường {endpoint.secret_env} chưa được đặt")
        try:
            body = json.dumps(payload(notice, now), ensure_ascii=False).encode("utf-8")
        except ValueError as exc:
            return result(DeliveryStatus.PERMANENT, 0, str(exc))
        reason, code = "", None
        async with self._slots:
            for attempt in range(1, self.max_attempts + 1):
                stamp = int(self.clock().timestamp())
                headers = {
                    "Content-Type": "application/json; charset=utf-8",
                    "User-Agent": "lichthidua-webhook/1",
                    DELIVERY_HEADER: notice.key,
                    TIMESTAMP_HEADER: str(stamp),
                    SIGNATURE_HEADER: sign(secret.encode("utf-8"), stamp, body),
                }
                try:
                    status, answer = await asyncio.to_thread(self.send, endpoint.url, body, headers, self.timeout)
                except TimeoutError:
                    code, reason = None, f"Máy nhận webhook không trả lời sau {self.timeout:g} giây"
                except OSError as exc:
                    code, reason = None, f"Không kết nối được tới webhook: {exc.strerror or exc}"
                else:
                    code = status
                    if 200 <= status < 300:
                        return result(DeliveryStatus.DELIVERED, attempt, "", status)
                    reason = f"Máy nhận webhook trả lời {status}: {answer.strip()[:200]}".rstrip(": ")
                    if status < 500 and status not in _RETRY_STATUSES:
                        return result(DeliveryStatus.PERMANENT, attempt, reason, status)
                if attempt < self.max_attempts:
                    await self.sleep(self.delays[min(attempt - 1, len(self.delays) - 1)] if self.delays else 0.0)
        return result(DeliveryStatus.TEMPORARY, self.max_attempts, reason, code)
