"""The webhook channel against a real HTTP server on 127.0.0.1: signed JSON, retries, failures, URL rules.

The server is http.server in a thread; each test scripts its answers. Waits
between attempts are injected (recorded, not slept); the timeout test waits
for a real socket timeout of 0.3 s. 127.0.0.1 is reached because the tests
list it, as a deployment would in ``webhook_allowed_hosts``.
"""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path

import pytest
from email_fixtures import CAMPAIGN, NOW, TODAY, deadline_event
from webhook_server import Script, server_fixture  # noqa: F401 (the fixture)

from notifiers.base import DeliveryStatus
from notifiers.channels.webhook import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookChannel,
    WebhookModel,
    verify,
)
from notifiers.content import DigestContent, DigestItem, ReminderContent, deadline_view
from notifiers.delivery import Address, Notice, deliver_all
from notifiers.email_channel import EmailChannel
from notifiers.email_message import Composer
from notifiers.endpoint_urls import HostPolicy
from notifiers.endpoints import EndpointOptions
from notifiers.mailer import Mailer
from notifiers.outbox import OutboxTransport
from notifiers.rendering import Templates

SECRET = "bi-mat-dung-chung-cua-cdcs"
ENV = {"LICHTHIDUA_WEBHOOK_KON_TUM": SECRET}


def _notice(key: str = "rem:1", overdue: bool = False) -> Notice:
    today = date(2024, 6, 27) if overdue else TODAY
    view = deadline_view(deadline_event(title="Hạn chót: Báo cáo sơ kết 6 tháng đầu năm (trước 25/6/2024)"),
                         CAMPAIGN, today)
    content = ReminderContent(view, "CĐCS Sở Y tế", "https://lich.vn/reminders/submitted?t=abc")
    return Notice(key, Address("webhook", "cdcs-so-y-te", "CĐCS Sở Y tế"), content)


LOCAL = HostPolicy(("127.0.0.1",))


def _channel(url: str, **kwargs: object) -> tuple[WebhookChannel, list[float]]:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    options: dict[str, object] = {"environ": ENV, "timeout": 2.0, "policy": LOCAL, **kwargs}
    endpoint = WebhookModel(url=url, secret_env="LICHTHIDUA_WEBHOOK_KON_TUM")
    channel = WebhookChannel({"cdcs-so-y-te": endpoint}, EndpointOptions(**options), sleep=sleep)  # type: ignore[arg-type]
    return channel, waits


def test_signed_json_post(server: tuple[str, Script]) -> None:
    url, script = server
    channel, waits = _channel(url)
    (result,) = asyncio.run(channel.deliver([_notice()], NOW))
    assert result.status is DeliveryStatus.DELIVERED and result.attempts == 1 and result.code == 200
    assert result.recipients == ("webhook:cdcs-so-y-te",) and waits == []
    (got,) = script.received
    assert got.headers["Content-Type"] == "application/json; charset=utf-8"
    assert got.headers[DELIVERY_HEADER] == "rem:1"
    assert verify(SECRET.encode(), got.headers[TIMESTAMP_HEADER], got.body, got.headers[SIGNATURE_HEADER])
    assert not verify(b"khoa-khac", got.headers[TIMESTAMP_HEADER], got.body, got.headers[SIGNATURE_HEADER])
    assert not verify(SECRET.encode(), got.headers[TIMESTAMP_HEADER], got.body.replace(b"7", b"8"),
                      got.headers[SIGNATURE_HEADER])
    body = json.loads(got.body.decode("utf-8"))
    assert body["type"] == "reminder" and body["id"] == "rem:1" and body["sent_at"] == "2024-06-17T01:00:00+00:00"
    assert body["recipient"] == {"unit": "cdcs-so-y-te", "name": "CĐCS Sở Y tế"}
    assert body["text"] == ("[Nhắc hạn] Báo cáo sơ kết 6 tháng đầu năm – còn 7 ngày (hạn trước 25/6/2024). "
                            "Hạn cuối: Thứ Hai, hết ngày 24/6/2024 (nộp trước 25/6/2024). "
                            "Đã nộp thì bấm: https://lich.vn/reminders/submitted?t=abc")
    (deadline,) = body["deadlines"]
    assert deadline["title"] == "Báo cáo sơ kết 6 tháng đầu năm" and deadline["last_day"] == "2024-06-24"
    assert deadline["days_left"] == 7 and deadline["overdue"] is False and deadline["as_written"] == "trước 25/6/2024"


def test_5xx_is_retried_with_the_same_delivery_id(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [503, 500, 200]
    channel, waits = _channel(url)
    (result,) = asyncio.run(channel.deliver([_notice()], NOW))
    assert result.status is DeliveryStatus.DELIVERED and result.attempts == 3
    assert waits == [2.0, 8.0]
    assert {r.headers[DELIVERY_HEADER] for r in script.received} == {"rem:1"} and len(script.received) == 3


def test_5xx_every_time_is_temporary(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [502, 502, 502]
    (result,) = asyncio.run(_channel(url)[0].deliver([_notice()], NOW))
    assert result.status is DeliveryStatus.TEMPORARY and result.attempts == 3 and result.code == 502
    assert "Máy nhận trả lời 502: lỗi máy nhận" == result.reason


def test_4xx_is_permanent_but_429_is_retried(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [404]
    (result,) = asyncio.run(_channel(url)[0].deliver([_notice()], NOW))
    assert result.status is DeliveryStatus.PERMANENT and result.attempts == 1 and result.code == 404
    script.answers = [429, 200]
    (result,) = asyncio.run(_channel(url)[0].deliver([_notice("rem:2")], NOW))
    assert result.status is DeliveryStatus.DELIVERED and result.attempts == 2


def test_timeout_is_temporary(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = ["hang", "hang"]
    channel, waits = _channel(url, timeout=0.3, max_attempts=2)
    (result,) = asyncio.run(channel.deliver([_notice()], NOW))
    script.release.set()
    assert result.status is DeliveryStatus.TEMPORARY and result.attempts == 2 and result.code is None
    assert result.reason == "Máy nhận không trả lời hết trong 0.3 giây" and waits == [2.0]


def test_refused_connection_is_temporary() -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (result,) = asyncio.run(_channel(f"http://127.0.0.1:{port}/")[0].deliver([_notice()], NOW))
    assert result.status is DeliveryStatus.TEMPORARY and f"Không kết nối được tới 127.0.0.1:{port}" in result.reason


def test_missing_secret_is_permanent_and_sends_nothing(server: tuple[str, Script]) -> None:
    url, script = server
    (result,) = asyncio.run(_channel(url, environ={})[0].deliver([_notice()], NOW))
    assert result.status is DeliveryStatus.PERMANENT and result.attempts == 0
    assert "LICHTHIDUA_WEBHOOK_KON_TUM" in result.reason and script.received == []


def test_digest_and_overdue(server: tuple[str, Script]) -> None:
    url, script = server
    late = _notice(overdue=True)
    assert isinstance(late.content, ReminderContent)
    digest = Notice("digest:1", late.to, DigestContent((DigestItem(late.content.deadline, None),), TODAY))
    results = asyncio.run(_channel(url)[0].deliver([late, digest], NOW))
    assert [r.status for r in results] == [DeliveryStatus.DELIVERED] * 2
    bodies = {json.loads(r.body)["type"]: json.loads(r.body) for r in script.received}
    assert bodies["overdue"]["text"].startswith("[Quá hạn] Báo cáo sơ kết 6 tháng đầu năm – đã quá hạn 3 ngày")
    assert bodies["digest"]["deadlines"][0]["overdue"] is True


def test_one_interface_routes_each_notice_to_its_channel(server: tuple[str, Script], tmp_path: Path) -> None:
    url, script = server
    email = EmailChannel(Mailer(Templates(), Composer("Lịch thi đua <lichthidua@congdoan.vn>")),
                         OutboxTransport(tmp_path / "outbox"))
    by_mail = Notice("rem:mail", Address("email", "a@congdoan.vn", "Nguyễn Văn An"), _notice().content)
    unknown = Notice("rem:sms", Address("sms", "0900000000"), _notice().content)
    results = asyncio.run(deliver_all([_notice("rem:hook"), by_mail, unknown],
                                      {"email": email, "webhook": _channel(url)[0]}, NOW))
    assert [r.status for r in results] == [DeliveryStatus.DELIVERED, DeliveryStatus.DELIVERED, DeliveryStatus.PERMANENT]
    assert len(script.received) == 1 and len(list((tmp_path / "outbox").iterdir())) == 1
    assert results[2].reason == "Kênh gửi 'sms' chưa được cấu hình"


def test_addresses_as_stored() -> None:
    assert Address.parse("webhook:cdcs-so-y-te") == Address("webhook", "cdcs-so-y-te")
    assert Address.parse("a@congdoan.vn") == Address("email", "a@congdoan.vn")
    assert str(Address("webhook", "x")) == "webhook:x" and str(Address("email", "a@b.vn")) == "a@b.vn"


def test_only_https_or_an_allowed_host() -> None:
    none, local = HostPolicy(), HostPolicy(("127.0.0.1", "cau-noi.noi-bo", "10.20.0.0/16"))
    assert none.url_problem("https://chat.example.vn/hooks/abc") is None
    assert none.url_problem("https://chat.example.vn:8443/hooks/abc") is None
    assert "webhook_allowed_hosts" in (none.url_problem("http://127.0.0.1:9000/hook") or "")
    assert local.url_problem("http://127.0.0.1:9000/hook") is None
    assert local.url_problem("http://cau-noi.noi-bo/hook") is None and local.url_problem("https://10.20.3.4/") is None
    assert "webhook_allowed_hosts" in (local.url_problem("http://chat.example.vn/hooks/abc") or "")
    for internal in ("https://127.0.0.1/x", "https://localhost/x", "https://10.1.2.3/x", "https://192.168.1.1/x",
                     "https://[::1]/x", "https://169.254.169.254/latest", "https://[::ffff:127.0.0.1]/x",
                     "https://0.0.0.0/x", "https://100.64.0.1/x"):
        assert "mạng nội bộ" in (none.url_problem(internal) or ""), internal
    assert "mạng nội bộ" in (local.url_problem("https://10.21.0.1/x") or "")
    refused = {
        "ftp://x": "https://",
        "chat.example.vn/hooks": "https://",
        "/hooks/abc": "https://",
        "https://chat.example.vn:99999/hook": "cổng",
        "https://chat.example.vn:0/hook": "cổng",
        "https://chat.example.vn:http/hook": "cổng",
        "https://chat.example.vn/ho ok": "khoảng trắng",
        " https://chat.example.vn/hook": "khoảng trắng",
        "https://chat.example.vn/hook\n": "khoảng trắng",
        "https://[bad/x": "cú pháp",
        "https:///x": "thiếu tên máy",
        "https://ch@t!.vn/x": "không hợp lệ",
        "": "trống",
    }
    for url, why in refused.items():
        problem = none.url_problem(url)
        assert problem is not None and why in problem, (url, problem)


def test_the_docs_show_the_json_that_is_sent() -> None:
    import re

    from notifiers.channels.webhook import payload

    page = (Path(__file__).resolve().parent.parent / "docs" / "nhac-han.md").read_text(encoding="utf-8")
    section = page[page.index("## Webhook"):]
    documented = json.loads(re.search(r"```json\n(.*?)```", section, re.S)[1])  # type: ignore[index]
    sent = payload(_notice(), NOW)
    assert set(documented) == set(sent)
    assert set(documented["recipient"]) == set(sent["recipient"])
    assert set(documented["deadlines"][0]) == set(sent["deadlines"][0])


def test_a_name_that_resolves_to_this_machine_is_refused_when_sending() -> None:
    """The URL's host is checked by name at `check`; what it resolves to is checked again when sending."""
    from notifiers.endpoints import EndpointError, _resolve

    with pytest.raises(EndpointError) as refused:
        asyncio.run(_resolve("localhost", 80, HostPolicy()))
    assert refused.value.final and "webhook_allowed_hosts" in refused.value.reason
    assert "127.0.0.1" in asyncio.run(_resolve("localhost", 80, HostPolicy(("localhost",))))
    assert asyncio.run(_resolve("127.0.0.1", 80, LOCAL)) == ["127.0.0.1"]


def test_an_endpoint_may_have_its_own_timeouts(server: tuple[str, Script]) -> None:
    """`timeout_seconds` of one unit's webhook wins over the setting (here 5 s) for that endpoint only."""
    url, script = server
    script.answers = ["hang"]
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    endpoint = WebhookModel(url=url, secret_env="LICHTHIDUA_WEBHOOK_KON_TUM", timeout_seconds=0.3)
    channel = WebhookChannel({"cdcs-so-y-te": endpoint}, EndpointOptions(LOCAL, timeout=5.0, max_attempts=1,
                                                                         environ=ENV), sleep=sleep)
    (result,) = asyncio.run(channel.deliver([_notice()], NOW))
    script.release.set()
    assert result.status is DeliveryStatus.TEMPORARY and result.reason == "Máy nhận không trả lời hết trong 0.3 giây"
