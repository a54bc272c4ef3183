"""Subscriptions by email: double opt-in under abuse limits, confirmation, one-click unsubscribe.

A shell piece of the reminders: it takes the reminder store, the signed links
and a way to send one email, and says when a confirmation should re-plan. The
reminder service wires it; the web routes reach it through the service.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from notifiers.base import DeliveryResult
from notifiers.content import ConfirmContent
from notifiers.email_message import Recipient
from notifiers.mailer import MessageSpec
from scheduler.core.campaign import Calendar
from scheduler.errors import TooManyRequests
from scheduler.reminders.ledger import ReminderStore
from scheduler.reminders.links import CONFIRM, UNSUBSCRIBE, Links
from scheduler.settings import Settings
from scheduler.store.threads import in_database_thread

log = logging.getLogger("lichthidua.reminders")


def mailbox(email: str) -> str:
    """The mailbox an address reaches, for quotas: "A.B+tin-tuc@Vi-Du.vn" and "a.b@vi-du.vn" count together.

    Lower case, and the "+tag" of the local part dropped: the usual sub-addressing of mail servers,
    which would otherwise give one inbox a quota per tag.
    """
    local, at, domain = email.strip().lower().rpartition("@")
    if not at:
        return email.strip().lower()
    return f"{local.split('+', 1)[0] or local}@{domain}"


def _vn_duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes = max(1, rest // 60) if not hours else rest // 60
    return f"{hours} giờ {minutes} phút" if hours else f"{minutes} phút"


class Subscriptions:
    def __init__(
        self,
        settings: Settings,
        store: ReminderStore,
        links: Links,
        send_email: Callable[[MessageSpec, datetime], Awaitable[DeliveryResult]],
        on_confirmed: Callable[[datetime], object],
    ) -> None:
        self.settings = settings
        self.store = store
        self.links = links
        self.send_email = send_email
        self.on_confirmed = on_confirmed

    def unsubscribe(self, token: str, now: datetime) -> tuple[str, str]:
        payload = self.links.signer.verify(UNSUBSCRIBE, token)
        email, scope = str(payload.get("e", "")), str(payload.get("s", "*"))
        self.store.unsubscribe(email, scope, now)
        return email, scope

    def peek_unsubscribe(self, token: str) -> tuple[str, str]:
        payload = self.links.signer.verify(UNSUBSCRIBE, token)
        return str(payload.get("e", "")), str(payload.get("s", "*"))

    async def request(self, email: str, calendar: Calendar, now: datetime, client: str = "") -> bool:
        """Start double opt-in: store a pending request and mail the confirmation link. False if already confirmed.

        Limited per address (``subscribe_per_address`` a day) and per client (``subscribe_per_client`` an
        hour): TooManyRequests past either, before anything is stored or mailed.
        """
        limits = (("subscribe-client", client, timedelta(hours=1), self.settings.subscribe_per_client),
                  ("subscribe-address", mailbox(email), timedelta(hours=24), self.settings.subscribe_per_address))
        for kind, key, window, limit in limits:
            if not key:
                continue
            until = await in_database_thread(self.store.hit, kind, key, now, window=window, limit=limit)
            if until is not None:
                wait = max(60, int((until - now).total_seconds()))
                who = "địa chỉ email này" if kind == "subscribe-address" else "máy của bạn"
                raise TooManyRequests(f"Đã có quá nhiều yêu cầu đăng ký từ {who}. Hãy thử lại sau khoảng "
                                      f"{_vn_duration(wait)}; email xác nhận đã gửi trước đó vẫn dùng được.", wait)
        sub_id, nonce, confirmed = await in_database_thread(self.store.request_subscription, email, calendar.id, now)
        if confirmed:
            return False
        content = ConfirmContent(calendar_title=calendar.title, confirm_url=self.links.confirm(sub_id, nonce, now))
        # One message per request (the same nonce may be mailed again, each mail with its own expiry).
        spec = MessageSpec(f"confirm:{sub_id}:{nonce}:{secrets.token_hex(4)}", Recipient(email.strip().lower()), content)
        result = await self.send_email(spec, now)
        if not result.delivered:
            log.error("Không gửi được email xác nhận tới %s: %s", email, result.reason)
        return True

    def confirm(self, token: str, now: datetime) -> tuple[str, str] | None:
        payload = self.links.signer.verify(CONFIRM, token, now=now)
        sub = self.store.confirm_subscription(int(payload.get("i", 0)), str(payload.get("n", "")), now)
        if sub is None:
            return None
        self.on_confirmed(now)  # the new subscriber's reminders are planned at once
        return sub.email, sub.calendar_id

    def peek_confirm(self, token: str, now: datetime) -> dict[str, object]:
        return self.links.signer.verify(CONFIRM, token, now=now)
