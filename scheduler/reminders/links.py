"""Signed links in reminder emails: confirm a subscription, unsubscribe, "Đã nộp".

Tokens are made and checked by itsdangerous (``URLSafeSerializer``: JSON
payload, base64url, HMAC-SHA1 over a key derived per purpose), the purpose
being the salt, so a "submitted" token can never be replayed as an
unsubscribe one. Expiry is a field of the payload checked against the
injected "now" (the service's clock, not the machine's). Nothing is stored
per link: the key (``settings.secret_key``, or one generated once and kept in
``data_dir/secret_key``) is the only state. Links that change something open
a page with a button (POST): mail scanners that follow every link must not
subscribe, unsubscribe or submit anyone. The one exception is RFC 8058
one-click unsubscribe, which is itself a POST.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import zlib
from datetime import datetime
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

from itsdangerous import BadData, URLSafeSerializer

from scheduler.errors import BadRequest

SUBMITTED = "submitted"
UNSUBSCRIBE = "unsubscribe"
CONFIRM = "confirm"
CONFIRM_HOURS = 48


def _compact_json(payload: dict[str, Any]) -> str:
    """``json.dumps(payload, ensure_ascii=False, separators=(",", ":"))``; a flat dict of str and int is
    written directly (what links carry), anything else goes through json.dumps."""
    if all(type(k) is str and type(v) in (str, int) for k, v in payload.items()):
        enc = encode_basestring
        return "{" + ",".join(f"{enc(k)}:{enc(v) if type(v) is str else int.__repr__(v)}"
                              for k, v in payload.items()) + "}"
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


# Payloads shorter than this are never compressed: a link's payload (an occurrence and a unit, an address
# and a scope) is about 80 bytes, which deflate does not shorten, and zlib.compress sets up a 256 KB
# compressor each call (11 to 100 us, two per email). itsdangerous reads both forms alike.
COMPRESS_FROM = 200


class Signer:
    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("secret key too short")
        self._key = key
        self._macs: dict[str, hmac.HMAC] = {}

    def _serializer(self, purpose: str) -> URLSafeSerializer:
        return URLSafeSerializer(self._key, salt=f"lichthidua.{purpose}")

    def sign(self, purpose: str, payload: dict[str, Any]) -> str:
        """``URLSafeSerializer(key, salt=f"lichthidua.{purpose}").dumps(payload)``, byte for byte, except
        that a payload under ``COMPRESS_FROM`` bytes is never compressed (the token stays one it reads).

        Written out because a wave signs two links per email: itsdangerous builds a serializer and a
        signer and derives the key again on every call; here the derived key is kept per purpose.
        """
        mac = self._macs.get(purpose)
        if mac is None:
            # itsdangerous' default derivation ("django-concat") with its default digest, SHA-1; the keyed
            # HMAC is kept and copied per link (a third of the cost of keying it again).
            key = hashlib.sha1(f"lichthidua.{purpose}".encode() + b"signer" + self._key).digest()
            mac = self._macs[purpose] = hmac.new(key, digestmod=hashlib.sha1)
        data = _compact_json(payload).encode("utf-8")
        body = _b64(data)
        if len(data) >= COMPRESS_FROM:  # itsdangerous' rule: compressed when that is shorter
            compressed = zlib.compress(data)
            if len(compressed) < len(data) - 1:
                body = b"." + _b64(compressed)
        signature = mac.copy()
        signature.update(body)
        return (body + b"." + _b64(signature.digest())).decode("ascii")

    def verify(self, purpose: str, token: str, *, now: datetime | None = None) -> dict[str, Any]:
        """The payload, or BadRequest in Vietnamese (bad, tampered or expired link)."""
        # Tokens are ASCII by construction; a hand-typed or mangled link may not be.
        if not token or not token.isascii():
            raise BadRequest("Liên kết không hợp lệ hoặc đã bị sửa. Hãy dùng đúng liên kết trong email.")
        try:
            payload = self._serializer(purpose).loads(token)
        except BadData:
            payload = self._release_0_1(purpose, token)
            if payload is None:
                raise BadRequest("Liên kết không hợp lệ hoặc đã bị sửa. Hãy dùng đúng liên kết trong email.") from None
        if not isinstance(payload, dict):
            raise BadRequest("Liên kết không hợp lệ.")
        exp = payload.get("exp")
        if exp is not None and now is not None and now.timestamp() > float(exp):
            raise BadRequest("Liên kết đã hết hạn. Hãy đăng ký lại để nhận liên kết mới.")
        return payload


    def _release_0_1(self, purpose: str, token: str) -> Any:
        """A link mailed by release 0.1 (``b64(JSON).b64(HMAC-SHA256[:20])``), or None.

        Unsubscribe and "Đã nộp" links in emails already sent must keep working
        (an unsubscribe link that stops working is a broken promise); new links
        are never made this way.
        """
        body, _, mac = token.partition(".")
        if not body or not mac or "." in mac:
            return None
        digest = hmac.new(self._key, f"{purpose}.{body}".encode(), hashlib.sha256).digest()[:20]
        expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
        if not hmac.compare_digest(mac, expected):
            return None
        try:
            return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except ValueError:
            return None


class Links:
    """Absolute URLs of the signed links, from ``settings.base_url`` (never the request's Host).

    A token is URL-safe base64 and dots, nothing to quote in a query string.
    """

    def __init__(self, base_url: str, signer: Signer) -> None:
        self.base = base_url.rstrip("/")
        self.signer = signer

    def submitted(self, occurrence_uid: str, party_key: str) -> str:
        token = self.signer.sign(SUBMITTED, {"o": occurrence_uid, "p": party_key})
        return f"{self.base}/reminders/submitted?token={token}"

    def unsubscribe(self, email: str, scope: str) -> str:
        token = self.signer.sign(UNSUBSCRIBE, {"e": email.lower(), "s": scope})
        return f"{self.base}/reminders/unsubscribe?token={token}"

    def confirm(self, subscription_id: int, nonce: str, now: datetime) -> str:
        exp = int(now.timestamp()) + CONFIRM_HOURS * 3600
        token = self.signer.sign(CONFIRM, {"i": subscription_id, "n": nonce, "exp": exp})
        return f"{self.base}/reminders/confirm?token={token}"
