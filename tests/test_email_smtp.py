"""SMTP delivery against a real aiosmtpd server on localhost (STARTTLS + AUTH, implicit TLS).

Sleeping between retries is injected: the recorded delays are asserted, no test waits.
"""

from __future__ import annotations

import asyncio

import icalendar
from email_fixtures import NOW, attachment, body, parse, reminder_spec
from smtp_server import SMTPServer, free_port, smtp_server_fixture, smtps_server_fixture, tls_files  # noqa: F401

from notifiers.base import DeliveryStatus, OutgoingMessage
from notifiers.email_message import Composer
from notifiers.mailer import Mailer, deliver
from notifiers.rendering import Templates
from notifiers.smtp import SMTPConfig, SMTPTransport
from notifiers.transport import transport_from_settings
from scheduler.settings import Settings


class Naps:
    """The injected sleep: records each delay and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def transport(server: SMTPServer, naps: Naps | None = None, **overrides: object) -> SMTPTransport:
    config = SMTPConfig.from_settings(Settings(**server.settings(**overrides)))
    return SMTPTransport(config, sleep=naps or Naps(), tls_context=server.client_tls_context())


def mailer() -> Mailer:
    return Mailer(Templates(), Composer("Lịch thi đua <lichthidua@congdoan.vn>"))


def plain(i: int) -> OutgoingMessage:
    return OutgoingMessage(f"<m{i}@congdoan.vn>", "lichthidua@congdoan.vn", (f"cdcs{i}@congdoan-kontum.vn",),
                           f"Subject: thu {i}\r\nMessage-ID: <m{i}@congdoan.vn>\r\n\r\nnoi dung\r\n".encode())


def check_arrived(server: SMTPServer, count: int) -> None:
    assert len(server.handler.messages) == count
    for received in server.handler.messages:
        msg = parse(received.data)
        assert msg["Subject"] == "[Nhắc hạn] Báo cáo sơ kết 6 tháng đầu năm – còn 7 ngày (hạn trước 25/6/2024)"
        assert msg["Message-ID"].endswith("@congdoan.vn>")
        assert msg["Auto-Submitted"] == "auto-generated"
        assert msg["List-Unsubscribe"].startswith("<https://lich.congdoan.vn/unsubscribe?token=u")
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert received.rcpt_tos == (msg["To"].addresses[0].addr_spec,)
        assert "hết ngày 24/6/2024" in body(msg, "plain") and "Đã nộp" in body(msg, "html")
        (ics,) = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
        assert ics.get_param("method") == "PUBLISH"
        assert str(icalendar.Calendar.from_ical(ics.get_content())["METHOD"]) == "PUBLISH"


def test_starttls_auth_delivers_reminders_that_parse(smtp_server: SMTPServer) -> None:
    ics = attachment()
    specs = [reminder_spec(i, ics=ics) for i in range(12)]
    results = asyncio.run(deliver(specs, mailer(), transport(smtp_server, smtp_concurrency=3), NOW))
    assert [r.status for r in results] == [DeliveryStatus.DELIVERED] * 12
    assert [r.attempts for r in results] == [1] * 12
    check_arrived(smtp_server, 12)
    # Connections are reused: 3 at most, each with two EHLOs (before and after STARTTLS).
    assert smtp_server.handler.sessions <= 6


def test_implicit_tls_delivers(smtps_server: SMTPServer) -> None:
    results = asyncio.run(deliver([reminder_spec(1)], mailer(), transport(smtps_server), NOW))
    assert results[0].status is DeliveryStatus.DELIVERED
    check_arrived(smtps_server, 1)


def test_transport_from_settings_without_cert_validation(smtp_server: SMTPServer) -> None:
    settings = Settings(**smtp_server.settings(smtp_validate_certs=False))
    results = asyncio.run(transport_from_settings(settings).send_many([plain(1)]))
    assert results[0].delivered


def test_certificate_is_checked_by_default(smtp_server: SMTPServer) -> None:
    naps = Naps()
    config = SMTPConfig.from_settings(Settings(**smtp_server.settings()))
    results = asyncio.run(SMTPTransport(config, sleep=naps).send_many([plain(1)]))  # system CAs only
    assert results[0].status is DeliveryStatus.TEMPORARY
    assert smtp_server.handler.messages == []


def test_4xx_is_retried_with_backoff_then_delivered(smtp_server: SMTPServer) -> None:
    smtp_server.handler.data_replies["cdcs1@congdoan-kontum.vn"] = ["451 4.3.0 Thử lại sau", "452 4.3.1 Hết chỗ"]
    naps = Naps()
    results = asyncio.run(transport(smtp_server, naps).send_many([plain(0), plain(1), plain(2)]))
    assert [r.status for r in results] == [DeliveryStatus.DELIVERED] * 3
    assert results[1].attempts == 3 and results[0].attempts == 1
    assert naps.delays == [2.0, 8.0]
    assert sorted(r.rcpt_tos[0] for r in smtp_server.handler.messages) == [
        "cdcs0@congdoan-kontum.vn", "cdcs1@congdoan-kontum.vn", "cdcs2@congdoan-kontum.vn"
    ]


def test_4xx_that_persists_is_reported_temporary(smtp_server: SMTPServer) -> None:
    smtp_server.handler.rcpt_replies["cdcs1@congdoan-kontum.vn"] = ["450 4.2.1 Hộp thư tạm khóa"] * 5
    naps = Naps()
    (result,) = asyncio.run(transport(smtp_server, naps).send_many([plain(1)]))
    assert result.status is DeliveryStatus.TEMPORARY
    assert (result.code, result.attempts) == (450, 3)
    assert "450" in result.reason and "tạm thời" in result.reason
    assert len(naps.delays) == 2


def test_5xx_is_permanent_and_not_retried(smtp_server: SMTPServer) -> None:
    smtp_server.handler.rcpt_replies["cdcs1@congdoan-kontum.vn"] = ["550 5.1.1 Không có hộp thư này"]
    naps = Naps()
    results = asyncio.run(transport(smtp_server, naps).send_many([plain(0), plain(1), plain(2)]))
    assert [r.status for r in results] == [DeliveryStatus.DELIVERED, DeliveryStatus.PERMANENT, DeliveryStatus.DELIVERED]
    failed = results[1]
    assert (failed.code, failed.attempts) == (550, 1)
    assert "5.1.1 Không có hộp thư này" in failed.reason
    assert smtp_server.handler.attempts["cdcs1@congdoan-kontum.vn"] == 1
    assert naps.delays == []
    error = failed.error()
    assert error is not None and type(error).__name__ == "PermanentDeliveryError"


def test_5xx_at_data_is_permanent(smtp_server: SMTPServer) -> None:
    smtp_server.handler.data_replies["cdcs1@congdoan-kontum.vn"] = ["554 5.6.0 Nội dung bị từ chối"]
    (result,) = asyncio.run(transport(smtp_server).send_many([plain(1)]))
    assert (result.status, result.code) == (DeliveryStatus.PERMANENT, 554)


def test_connection_refused_is_temporary_and_fails_fast() -> None:
    naps = Naps()
    config = SMTPConfig(host="127.0.0.1", port=free_port(), security="none", concurrency=2, timeout=2.0)
    results = asyncio.run(SMTPTransport(config, sleep=naps).send_many([plain(i) for i in range(50)]))
    assert {r.status for r in results} == {DeliveryStatus.TEMPORARY}
    assert all("Không kết nối được máy chủ SMTP 127.0.0.1" in r.reason for r in results)
    # Two workers each tried their message 3 times; the other 48 were not retried one by one.
    assert len(naps.delays) <= 4
    assert sum(r.attempts for r in results) <= 6


def test_wrong_password_is_reported(smtp_server: SMTPServer) -> None:
    (result,) = asyncio.run(transport(smtp_server, smtp_password="sai").send_many([plain(1)]))
    assert result.status is DeliveryStatus.TEMPORARY
    assert "Đăng nhập máy chủ SMTP" in result.reason
    assert smtp_server.handler.messages == []

