"""The embedded default: .eml files in outbox_dir, atomic, one file per Message-ID."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from email_fixtures import NOW, attachment, body, parse, reminder_spec

from notifiers.base import DeliveryStatus, OutgoingMessage
from notifiers.email_message import Composer
from notifiers.mailer import Mailer, deliver
from notifiers.outbox import OutboxTransport, eml_name
from notifiers.rendering import Templates
from notifiers.transport import transport_from_settings
from scheduler.settings import Settings


def mailer() -> Mailer:
    return Mailer(Templates(), Composer("Lịch thi đua <lichthidua@congdoan.vn>"))


def test_outbox_writes_eml_files_that_parse(tmp_path: Path) -> None:
    outbox = tmp_path / "var" / "outbox"
    transport = transport_from_settings(Settings(outbox_dir=outbox))
    ics = attachment()
    specs = [reminder_spec(i, ics=ics) for i in range(3)]
    results = asyncio.run(deliver(specs, mailer(), transport, NOW))
    assert [r.status for r in results] == [DeliveryStatus.DELIVERED] * 3
    files = sorted(outbox.iterdir())
    assert [f.name for f in files] == sorted(eml_name(r.message_id) for r in results)
    for f in files:
        msg = parse(f.read_bytes())
        assert f.name == eml_name(msg["Message-ID"])
        assert "còn 7 ngày" in body(msg, "plain")
        assert [p.get_content_type() for p in msg.iter_attachments()] == ["text/calendar"]


def test_resending_the_same_reminder_overwrites_its_file(tmp_path: Path) -> None:
    transport = OutboxTransport(tmp_path)
    spec = reminder_spec(1)
    asyncio.run(deliver([spec], mailer(), transport, NOW))
    later = NOW.replace(hour=9)
    asyncio.run(deliver([spec], mailer(), transport, later))
    (only,) = list(tmp_path.iterdir())
    assert parse(only.read_bytes())["Date"].datetime == later
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]


def test_hostile_message_ids_stay_inside_the_folder(tmp_path: Path) -> None:
    message = OutgoingMessage("<../../etc/passwd@x>", "a@x.vn", ("b@x.vn",), b"Subject: x\r\n\r\nx\r\n")
    (result,) = asyncio.run(OutboxTransport(tmp_path).send_many([message]))
    assert result.delivered
    (only,) = list(tmp_path.iterdir())
    assert only.name == "_.._etc_passwd@x.eml"


def test_unwritable_outbox_is_a_temporary_failure(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    message = OutgoingMessage("<a@x>", "a@x.vn", ("b@x.vn",), b"Subject: x\r\n\r\nx\r\n")
    (result,) = asyncio.run(OutboxTransport(blocker / "outbox").send_many([message]))
    assert result.status is DeliveryStatus.TEMPORARY
    assert "Không tạo được thư mục" in result.reason


def test_many_messages_are_written_in_chunks(tmp_path: Path) -> None:
    messages = [OutgoingMessage(f"<{i}@x>", "a@x.vn", ("b@x.vn",), b"Subject: x\r\n\r\nx\r\n") for i in range(600)]
    results = asyncio.run(OutboxTransport(tmp_path).send_many(iter(messages)))
    assert [r.message_id for r in results] == [m.message_id for m in messages]
    assert len(os.listdir(tmp_path)) == 600
