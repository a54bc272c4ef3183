"""A unit with a webhook gets its reminders as signed JSON POSTs, beside or instead of email:
the reminder service end to end, against a real HTTP server on 127.0.0.1, an outage included."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from reminder_support import WAVE_DUE, WAVE_UID, Wall, address, no_wait, write_wave
from webhook_server import Script, server_fixture  # noqa: F401 (the fixture)

from notifiers.channels.webhook import DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookChannel, verify
from notifiers.endpoint_urls import HostPolicy
from notifiers.endpoints import EndpointOptions
from notifiers.outbox import OutboxTransport
from scheduler.reminders.ledger import Status
from scheduler.reminders.service import ReminderService, open_service
from scheduler.settings import Settings

SECRET = "khoa-ky-cua-don-vi"


@pytest.fixture
def service(tmp_path: Path, server: tuple[str, Script]) -> Iterator[tuple[ReminderService, Script, Path, Wall]]:
    url, script = server
    calendars = write_wave(tmp_path, 3)
    wave = calendars / "recipients" / "wave.yaml"
    text = wave.read_text(encoding="utf-8")
    hook = f'        webhook: {{url: "{url}", secret_env: LICHTHIDUA_WEBHOOK_WAVE}}'
    # don-vi-00000: webhook instead of email; don-vi-00001: both; don-vi-00002: email only.
    text = text.replace(f"        emails: [{address(0)}]", hook)
    text = text.replace(f"        emails: [{address(1)}]", f"        emails: [{address(1)}]\n{hook}")
    wave.write_text(text, encoding="utf-8")
    settings = Settings(calendars_dir=calendars, data_dir=tmp_path / "var", base_url="https://lich.example.vn",
                        webhook_allowed_hosts=("127.0.0.1",))
    outbox = tmp_path / "outbox"
    wall = Wall()
    service = open_service(settings, transport=OutboxTransport(outbox), wall=wall)
    options = EndpointOptions(HostPolicy(("127.0.0.1",)), timeout=2.0, environ={"LICHTHIDUA_WEBHOOK_WAVE": SECRET})
    service.channel_overrides["webhook"] = WebhookChannel(service.directory.webhooks(), options, sleep=no_wait,
                                                          clock=wall)
    try:
        yield service, script, outbox, wall
    finally:
        service.close()


def test_webhook_beside_and_instead_of_email(service: tuple[ReminderService, Script, Path, Wall]) -> None:
    svc, script, outbox, _ = service
    report = asyncio.run(svc.start(WAVE_DUE))
    assert (report.sent, report.failed, report.retry) == (4, 0, 0)  # 2 emails + 2 webhooks
    assert len(list(outbox.iterdir())) == 2
    assert len(script.received) == 2
    units = set()
    for got in script.received:
        assert verify(SECRET.encode(), got.headers[TIMESTAMP_HEADER], got.body, got.headers[SIGNATURE_HEADER])
        body = json.loads(got.body)
        units.add(body["recipient"]["unit"])
        assert body["type"] == "reminder" and body["id"] == got.headers[DELIVERY_HEADER]
        (deadline,) = body["deadlines"]
        assert deadline["uid"] == WAVE_UID and deadline["days_left"] == 7
        assert deadline["submitted_url"].startswith("https://lich.example.vn/")
        assert body["text"].startswith("[Nhắc hạn] Báo cáo kết quả phong trào thi đua đợt 1 – còn 7 ngày")
    assert units == {"don-vi-00000", "don-vi-00001"}
    rows = svc.store.rows(statuses=[Status.SENT])
    assert sorted(r.email for r in rows) == sorted([address(1), address(2), "webhook:don-vi-00000",
                                                    "webhook:don-vi-00001"])
    # The store records each reminder's channel (migration 0003), and sending follows it.
    assert {(r.email, r.channel) for r in rows} == {
        (address(1), "email"), (address(2), "email"),
        ("webhook:don-vi-00000", "webhook"), ("webhook:don-vi-00001", "webhook")}


def test_a_webhook_outage_is_retried_later(service: tuple[ReminderService, Script, Path, Wall]) -> None:
    svc, script, _, wall = service
    script.answers = [503] * 6  # both webhooks fail all 3 attempts
    report = asyncio.run(svc.start(WAVE_DUE))
    assert (report.sent, report.retry) == (2, 2)
    retrying = [r for r in svc.store.rows(statuses=[Status.PENDING]) if r.last_error]  # (overdue notices wait too)
    assert {r.email for r in retrying} == {"webhook:don-vi-00000", "webhook:don-vi-00001"}
    assert all("Máy nhận trả lời 503" in (r.last_error or "") for r in retrying)
    wall.now += timedelta(hours=1)  # past the backoff; the receiver is back
    again = asyncio.run(svc.send_due(WAVE_DUE + timedelta(hours=1)))
    assert (again.sent, again.retry) == (2, 0)
    ids = [r.headers[DELIVERY_HEADER] for r in script.received]
    assert len(ids) == 8 and len(set(ids)) == 2  # the same delivery id on every retry: receivers deduplicate
