"""Abuse limits on subscribing, cross-site form posts, and the signed links (itsdangerous)."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from starlette.testclient import TestClient
from web_support import Clock, copy_calendars, settings_for

from notifiers.outbox import OutboxTransport
from scheduler.errors import BadRequest
from scheduler.reminders.links import CONFIRM, SUBMITTED, UNSUBSCRIBE, Signer
from scheduler.web.app import create_app
from scheduler.web.reminder_routes import reminder_extension

FORM = {"calendar": "kon-tum-2024"}


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[TestClient, Path, Clock]]:
    settings = settings_for(tmp_path, copy_calendars(tmp_path), subscribe_per_address=3, subscribe_per_client=10)
    clock = Clock()
    outbox = tmp_path / "outbox"
    app = create_app(settings, clock=clock, watch=False,
                     extensions=[reminder_extension(settings, transport=OutboxTransport(outbox), jobs=False)])
    with TestClient(app, headers={"Origin": "http://testserver"}) as c:  # posts come from our own pages
        yield c, outbox, clock


def _mails(outbox: Path) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
            for p in sorted(outbox.glob("*.eml"))]


def _link(msg: email.message.EmailMessage) -> str:
    found = re.search(r"http\S+/reminders/confirm\?token=(\S+)", msg.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert found is not None
    return unquote(found.group(1))


def test_one_address_asked_fifty_times_gets_three_emails_and_the_first_link_works(
        setup: tuple[TestClient, Path, Clock]) -> None:
    client, outbox, clock = setup
    answers = [client.post("/reminders/subscribe", data={**FORM, "email": "nan-nhan@example.org"}).status_code
               for _ in range(50)]
    assert answers[:3] == [200, 200, 200] and set(answers[3:]) == {429}
    mails = _mails(outbox)
    assert len(mails) == 3
    assert len({_link(m) for m in mails}) >= 1
    body = mails[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Nếu không phải bạn đăng ký, hãy bỏ qua email này" in body
    refused = client.post("/reminders/subscribe", data={**FORM, "email": "nan-nhan@example.org"})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 3600
    assert "Quá nhiều yêu cầu" in refused.text and "thử lại sau" in refused.text
    # Every link mailed is still good: asking again did not invalidate the first one.
    assert client.post("/reminders/confirm", data={"token": _link(mails[0])}).status_code == 200
    assert client.post("/reminders/confirm", data={"token": _link(mails[2])}).status_code == 200
    # A day later the address may ask again.
    clock.now += timedelta(hours=24, minutes=1)
    assert client.post("/reminders/subscribe", data={**FORM, "email": "nan-nhan@example.org"}).status_code == 200


def test_one_client_is_limited_across_addresses(setup: tuple[TestClient, Path, Clock]) -> None:
    client, outbox, clock = setup
    codes = [client.post("/reminders/subscribe", data={**FORM, "email": f"nguoi-{i}@example.org"}).status_code
             for i in range(12)]
    assert codes == [200] * 10 + [429] * 2
    assert len(_mails(outbox)) == 10
    clock.now += timedelta(hours=1, minutes=1)
    assert client.post("/reminders/subscribe", data={**FORM, "email": "nguoi-99@example.org"}).status_code == 200


def test_form_posts_from_another_site_are_refused(setup: tuple[TestClient, Path, Clock]) -> None:
    client, outbox, _ = setup
    for origin in ("https://ke-xau.example", "null", "https://lich.example.vn.ke-xau.example"):
        r = client.post("/reminders/subscribe", data={**FORM, "email": "a@example.org"}, headers={"Origin": origin})
        assert r.status_code == 403 and "Biểu mẫu gửi từ trang khác" in r.text, origin
        assert client.post("/reminders/confirm", data={"token": "x"}, headers={"Origin": origin}).status_code == 403
        assert client.post("/reminders/unsubscribe?token=x", headers={"Origin": origin}).status_code == 403
    assert _mails(outbox) == []
    ok = client.post("/reminders/subscribe", data={**FORM, "email": "a@example.org"},
                     headers={"Origin": "https://lich.example.vn"})
    assert ok.status_code == 200
    del client.headers["Origin"]  # neither Origin nor Referer: refused too (issue 22)
    assert client.post("/reminders/subscribe", data={**FORM, "email": "b@example.org"}).status_code == 403


def test_signed_links_keep_their_guarantees() -> None:
    signer = Signer(b"k" * 32)
    now = datetime(2024, 6, 21, tzinfo=UTC)
    token = signer.sign(SUBMITTED, {"o": "uid@lichthidua", "p": "don-vi-1"})
    assert signer.verify(SUBMITTED, token) == {"o": "uid@lichthidua", "p": "don-vi-1"}
    with pytest.raises(BadRequest, match="không hợp lệ"):
        signer.verify(UNSUBSCRIBE, token)  # a "submitted" token is not an unsubscribe one
    with pytest.raises(BadRequest):
        Signer(b"x" * 32).verify(SUBMITTED, token)  # another key
    body, mac = token.rsplit(".", 1)
    for bad in (body[:-2] + "AA." + mac, body + "." + mac[:-1], "", "Lịch.ư", token + "x"):
        with pytest.raises(BadRequest):
            signer.verify(SUBMITTED, bad)
    expiring = signer.sign(CONFIRM, {"i": 1, "n": "a", "exp": int(now.timestamp()) + 60})
    assert signer.verify(CONFIRM, expiring, now=now)["i"] == 1
    with pytest.raises(BadRequest, match="hết hạn"):
        signer.verify(CONFIRM, expiring, now=now + timedelta(minutes=2))
    with pytest.raises(ValueError):
        Signer(b"short")


def _release_0_1_token(key: bytes, purpose: str, payload: dict[str, object]) -> str:
    """A link as release 0.1 mailed it: b64(JSON) . b64(HMAC-SHA256(purpose.body)[:20])."""
    import base64
    import hashlib
    import hmac
    import json

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")

    body = b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    return f"{body}.{b64(hmac.new(key, f'{purpose}.{body}'.encode(), hashlib.sha256).digest()[:20])}"


def test_links_in_emails_already_sent_keep_working() -> None:
    """Unsubscribe and "Đã nộp" links mailed before the switch to itsdangerous still verify, with the same
    guarantees: purpose-bound, key-bound, tamper-evident."""
    key = b"k" * 32
    signer = Signer(key)
    old = _release_0_1_token(key, UNSUBSCRIBE, {"e": "a@example.org", "s": "kon-tum-2024"})
    assert signer.verify(UNSUBSCRIBE, old) == {"e": "a@example.org", "s": "kon-tum-2024"}
    with pytest.raises(BadRequest):
        signer.verify(SUBMITTED, old)
    with pytest.raises(BadRequest):
        Signer(b"x" * 32).verify(UNSUBSCRIBE, old)
    with pytest.raises(BadRequest):
        signer.verify(UNSUBSCRIBE, old[:-1] + ("A" if old[-1] != "A" else "B"))
    assert not signer.sign(UNSUBSCRIBE, {"e": "a@example.org", "s": "kon-tum-2024"}) == old  # new links are itsdangerous'


def test_links_are_signed_exactly_as_itsdangerous_signs_them() -> None:
    """Signer.sign writes out URLSafeSerializer.dumps (a wave signs two links per email): same bytes, verifiable;
    only a short payload that deflate would shorten stays uncompressed, a token itsdangerous reads all the same."""
    import random

    from itsdangerous import URLSafeSerializer

    from scheduler.reminders.links import COMPRESS_FROM, Signer
    from scheduler.reminders.links import _compact_json as _compact

    signer = Signer(b"khoa-bi-mat-" * 4)
    rnd = random.Random(10)
    short_compressible = 0
    for i in range(500):
        purpose = ("submitted", "unsubscribe", "confirm")[i % 3]
        text = "".join(rnd.choice("abcđươạ .@-/|:Ưẫ\"\\\n\t\x01\u2028😀") for _ in range(rnd.randint(0, 400)))
        payload = ({"o": text, "p": f"unit:don-vi-{i}", "exp": i * 7919 - 10**6} if i % 2 else {"e": text.lower(), "s": "*"}
                   if i % 5 else {"i": i, "n": text, "ok": bool(i % 3), "f": 1.5})
        token = signer.sign(purpose, payload)
        theirs = URLSafeSerializer(b"khoa-bi-mat-" * 4, salt=f"lichthidua.{purpose}")
        if theirs.dumps(payload).startswith(".") and len(_compact(payload).encode()) < COMPRESS_FROM:
            short_compressible += 1
            assert not token.startswith(".") and theirs.loads(token) == payload
        else:
            assert token == theirs.dumps(payload)
        assert signer.verify(purpose, token) == payload
    assert short_compressible > 0  # the exception was met
