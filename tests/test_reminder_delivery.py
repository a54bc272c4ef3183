"""Reminders delivered to a real SMTP server on localhost (aiosmtpd, STARTTLS + AUTH), outage included."""

from __future__ import annotations

import asyncio
import email
import email.policy
from collections import Counter
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import icalendar
import pytest
from aiosmtpd.controller import Controller
from reminder_support import WAVE_DUE, WAVE_UID, Wall, address, no_wait, write_wave
from smtp_server import RecordingHandler, SMTPServer, free_port, smtp_server_fixture, start_server, tls_files  # noqa: F401

from notifiers.smtp import SMTPConfig, SMTPTransport
from scheduler.cli.output import run_async
from scheduler.reminders.ledger import Status
from scheduler.reminders.planning import MISSED_SUPERSEDED
from scheduler.reminders.sending import SendReport
from scheduler.reminders.service import ReminderService, open_service
from scheduler.settings import Settings


def service_for(tmp: Path, server: SMTPServer, wall: Wall, **overrides: object) -> ReminderService:
    calendars = tmp / "calendars"
    settings = Settings(calendars_dir=calendars, data_dir=tmp / "var", base_url="https://lich.example.vn",
                        mail_from="Lịch thi đua <nhac-han@lich.example.vn>",
                        **server.settings(**overrides))  # type: ignore[arg-type]
    transport = SMTPTransport(SMTPConfig.from_settings(settings), sleep=no_wait, tls_context=server.client_tls_context())
    service = open_service(settings, transport=transport, wall=wall)
    OPEN.append(service)
    return service


OPEN: list[ReminderService] = []


@pytest.fixture(autouse=True)
def _close_services() -> Iterator[None]:
    yield
    while OPEN:
        OPEN.pop().close()


def parse(data: bytes) -> EmailMessage:
    msg = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


@pytest.mark.parametrize("run", [asyncio.run, run_async], ids=["asyncio", "uvloop"])
def test_messages_arrive_with_headers_parts_and_ics(tmp_path: Path, smtp_server: SMTPServer,  # noqa: F811
                                                    run: Callable[[Coroutine[Any, Any, SendReport]], SendReport]) -> None:
    """Over STARTTLS and AUTH, on asyncio's loop and on uvloop (the loop of `serve` and `remind send-due`)."""
    # Unit 0's name, from YAML, tries to start a new header: "\r\nBcc: ...".
    write_wave(tmp_path, 5, extra_name=r"\r\nBcc: ke-xau@example.org")
    wall = Wall()
    service = service_for(tmp_path, smtp_server, wall)
    smtp_server.handler.rcpt_replies[address(3)] = ["550 5.1.1 Không có hộp thư này"]
    report = run(service.start(WAVE_DUE))
    assert (report.sent, report.failed) == (4, 1)
    received = smtp_server.handler.messages
    assert sorted(m.rcpt_tos[0] for m in received) == sorted(address(i) for i in (0, 1, 2, 4))
    for raw in received:
        assert b"\nBcc:" not in raw.data.split(b"\r\n\r\n")[0]
        msg = parse(raw.data)
        assert msg["Bcc"] is None
        assert msg["Subject"].startswith("[Nhắc hạn] Báo cáo kết quả phong trào thi đua đợt 1")
        assert msg["Subject"].count("28/6/2024") <= 1 and "Hạn chót" not in msg["Subject"]
        assert b"Subject: =?utf-8?" in raw.data  # RFC 2047 on the wire
        assert msg["From"].addresses[0].addr_spec == "nhac-han@lich.example.vn"
        assert msg["Message-ID"].endswith("@lich.example.vn>")
        assert msg["List-Unsubscribe"].startswith("<https://lich.example.vn/reminders/unsubscribe?token=")
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
        assert "https://lich.example.vn/reminders/submitted?token=" in text and "còn 7 ngày" in text
        assert "hết ngày 28/6/2024" in text and "reminders/submitted" in html
        (ics,) = list(msg.iter_attachments())
        assert ics.get_content_type() == "text/calendar" and ics.get_param("method") == "PUBLISH"
        cal = icalendar.Calendar.from_ical(ics.get_content())
        assert str(cal["METHOD"]) == "PUBLISH"
        (vevent,) = cal.walk("VEVENT")
        assert str(vevent["UID"]) == WAVE_UID
    first = next(parse(m.data) for m in received if m.rcpt_tos[0] == address(0))
    assert first["To"].addresses[0].display_name.startswith("Công đoàn cơ sở số 0")

    # The same reminder is never sent twice; the Message-ID is stable per (reminder, recipient).
    again = run(service.send_due(WAVE_DUE + timedelta(hours=1)))
    assert again.sent == 0 and len(received) == 4
    counts, rows = service.status()
    assert counts["sent"] == 4 and counts["failed"] == 1
    (failed,) = [r for r in rows if r.status == Status.FAILED]
    assert failed.email == address(3) and "550" in (failed.last_error or "")


def test_temporary_failure_is_retried_after_backoff(tmp_path: Path, smtp_server: SMTPServer) -> None:  # noqa: F811
    write_wave(tmp_path, 3)
    wall = Wall()
    service = service_for(tmp_path, smtp_server, wall)
    smtp_server.handler.data_replies[address(1)] = ["451 4.3.0 Thử lại sau"] * 3
    report = asyncio.run(service.start(WAVE_DUE))
    assert (report.sent, report.retry) == (2, 1)
    assert asyncio.run(service.send_due(WAVE_DUE)).handled == 0  # backing off: not yet
    wall.now += timedelta(minutes=5)
    assert asyncio.run(service.send_due(WAVE_DUE)).sent == 1
    assert Counter(m.rcpt_tos[0] for m in smtp_server.handler.messages) == {address(i): 1 for i in range(3)}


def _controller(handler: RecordingHandler, tls: tuple[Path, Path], port: int) -> Controller:
    import ssl

    from smtp_server import _authenticator

    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(str(tls[0]), str(tls[1]))
    controller = Controller(handler, hostname="127.0.0.1", port=port, authenticator=_authenticator,
                            server_hostname="localhost", tls_context=ctx, require_starttls=True,
                            auth_required=True, auth_require_tls=True)
    controller.start()
    return controller


@dataclass
class FlakyHandler(RecordingHandler):
    """Accepts ``budget`` messages, then answers 421 (closing) until healed."""

    budget: int = 10**9

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        if len(self.messages) >= self.budget:
            return "421 4.3.2 Máy chủ đang bảo trì"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def flaky(tls_files: tuple[Path, Path]) -> Iterator[tuple[FlakyHandler, list[Controller], int]]:  # noqa: F811
    handler = FlakyHandler(budget=120)
    port = free_port()
    controllers = [_controller(handler, tls_files, port)]
    yield handler, controllers, port
    for c in controllers:
        try:
            c.stop()
        except AssertionError:
            pass


def test_outage_mid_wave_then_every_reminder_exactly_once(
    tmp_path: Path, flaky: tuple[FlakyHandler, list[Controller], int], tls_files: tuple[Path, Path]  # noqa: F811
) -> None:
    handler, controllers, port = flaky
    n = 300
    write_wave(tmp_path, n)
    wall = Wall()
    server = SMTPServer("localhost", port, "starttls", handler, tls_files[0])
    service = service_for(tmp_path, server, wall)

    first = asyncio.run(service.start(WAVE_DUE))  # 120 accepted, then the server answers 421
    assert first.sent == 120 and first.retry > 0

    controllers[0].stop()  # now it is down: connection refused
    wall.now += timedelta(hours=1)
    down = asyncio.run(service.send_due(WAVE_DUE + timedelta(minutes=30)))
    assert down.sent == 0 and down.retry > 0

    handler.budget = 10**9  # back up, on the same port
    controllers.append(_controller(handler, tls_files, port))
    wall.now += timedelta(hours=1)
    report = asyncio.run(service.send_due(WAVE_DUE + timedelta(hours=1)))
    per_address = Counter(m.rcpt_tos[0] for m in handler.messages)
    print(f"outage: first run {first.sent} sent, during outage {down.sent}, after recovery {report.sent}; "
          f"{len(handler.messages)} messages for {n} recipients")
    assert per_address == {address(i): 1 for i in range(n)}
    assert service.store.counts()["sent"] == n
    assert {r.kind for r in service.store.rows(statuses=[Status.PENDING, Status.CLAIMED])} == {"overdue"}  # next week


def test_digest_groups_one_persons_day_into_one_email(tmp_path: Path, smtp_server: SMTPServer) -> None:  # noqa: F811
    # Two deadlines on 28/6: one says remind_days [7], the other inherits the calendar's [7]: both due on 21/6.
    write_wave(tmp_path, 3, second_deadline=True, calendar_remind_days="[7]")
    service = service_for(tmp_path, smtp_server, Wall(), remind_digest=True)
    report = asyncio.run(service.start(WAVE_DUE))
    assert (report.sent, report.messages) == (6, 3)
    for raw in smtp_server.handler.messages:
        msg = parse(raw.data)
        text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert "Báo cáo kết quả phong trào thi đua đợt 1" in text and "danh sách đề nghị khen thưởng" in text
        assert len(list(msg.iter_attachments())) == 2
        assert "reminders/unsubscribe" in msg["List-Unsubscribe"]


def test_catch_up_sends_only_the_nearest_reminder_even_across_claims(tmp_path: Path,  # noqa: F811
                                                                     smtp_server: SMTPServer) -> None:
    """Down from before the 14-day reminder (14/6) until the 7-day one (21/6): each unit gets the 7-day one only,
    also when every row is claimed alone (the superseded row learns of its sibling from the claim)."""
    calendars = write_wave(tmp_path, 3)
    path = calendars / "wave-2024.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("remind_days: [7]", "remind_days: [14, 7]"),
                    encoding="utf-8")
    service = service_for(tmp_path, smtp_server, Wall())
    service.replan(WAVE_DUE)
    report = asyncio.run(service.send_due(WAVE_DUE, batch=1))
    assert (report.sent, report.missed) == (3, 3)
    assert len(smtp_server.handler.messages) == 3
    rows = {(r.offset_days, r.status) for r in service.store.rows() if r.kind == "reminder"}
    assert rows == {(7, Status.SENT), (14, Status.MISSED)}
    assert {r.last_error for r in service.store.rows() if r.offset_days == 14} == {MISSED_SUPERSEDED}


@pytest.mark.postgres
def test_two_instances_share_postgres_and_never_send_twice(tmp_path: Path) -> None:
    import threading

    from db_support import fresh_database

    from notifiers.outbox import OutboxTransport
    from scheduler.store.database import create_engine_for

    n = 400
    write_wave(tmp_path, n)
    with fresh_database("postgresql", tmp_path) as url:
        settings = Settings(calendars_dir=tmp_path / "calendars", data_dir=tmp_path / "var", database_url=url)
        services = [open_service(settings, engine=create_engine_for(settings.database_url),
                                 transport=OutboxTransport(tmp_path / f"outbox-{i}"), owner=f"instance-{i}:1")
                    for i in range(2)]
        try:
            services[0].replan(WAVE_DUE)  # instance 1 has not planned: it learns the deadlines when it meets them
            reports = [None, None]
            barrier = threading.Barrier(2)

            def run(i: int) -> None:
                barrier.wait()
                reports[i] = asyncio.run(services[i].send_due(WAVE_DUE, batch=16))  # type: ignore[call-overload]

            threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=120)
            files = [p.name for i in range(2) for p in (tmp_path / f"outbox-{i}").glob("*.eml")]
            print(f"two instances: {[r.sent for r in reports]} sent, {len(files)} files, {len(set(files))} distinct")
            assert len(files) == len(set(files)) == n
            assert all(r is not None and r.sent > 0 for r in reports)  # both took part
        finally:
            for s in services:
                s.engine.dispose()
