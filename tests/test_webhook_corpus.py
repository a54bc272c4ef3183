"""Channels are independent: a wave of emails to a real SMTP server beside webhooks that misbehave in every way.

Each endpoint behaviour of ``endpoint_corpus`` (refused, 500, 429 with Retry-After, an answer
after the timeout, a server that never answers or never accepts, a reset, garbage, a redirect,
TLS to a plain server, a huge body, ...) and endpoints misconfigured at send time (an impossible
port, a space, an internal host that is not allowed) are in the same wave as 40 emails, on
SQLite and PostgreSQL. Every email arrives exactly once, every webhook row ends sent, failed or
back in the queue (never claimed), the dead endpoints' breakers are open, and a second and third
tick, as ``serve`` runs them, send no email twice. Waits between attempts are injected; the
timeouts are real and short (0.5 s to connect, 1 s in all).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from db_support import BACKENDS, fresh_database
from endpoint_corpus import BEHAVIOURS, CorpusServer, backlog, closed_port, corpus  # noqa: F401
from reminder_support import WAVE_DUE, Wall, address, no_wait, write_wave
from smtp_server import SMTPServer, smtp_server, tls_files  # noqa: F401

from notifiers.base import DeliveryResult, ResultHook
from notifiers.channels import kinds
from notifiers.channels.webhook import WebhookModel
from notifiers.delivery import NoticeSource, iterate_notices
from notifiers.endpoint_health import HEALTH_FILE, paused_endpoints
from notifiers.endpoint_urls import HostPolicy
from notifiers.endpoints import EndpointOptions
from notifiers.smtp import SMTPConfig, SMTPTransport
from scheduler.reminders.ledger import Status
from scheduler.reminders.service import ReminderService, open_service
from scheduler.settings import Settings

EMAILS = 40
SECRET_ENV = "LICHTHIDUA_WEBHOOK_CORPUS"
ENV = {SECRET_ENV: "khoa-ky-thu"}
LOCAL = HostPolicy(("127.0.0.1",))
SENT = {"ok", "flaky", "huge"}
FAILED = {"redirect", "gone", "bad-port", "space", "bad-ipv6", "internal"}
# At send time, as if the file had changed under a running service: check refuses these (test_webhook).
MISCONFIGURED = {"bad-port": "https://hook.example.org:99999/x", "space": "https://hook.example.org/a b",
                 "bad-ipv6": "https://[bad/x", "internal": "http://127.0.0.2:9/x"}


def _wave(tmp: Path, hooks: list[str]) -> Path:
    """40 units with an email, then one unit per behaviour with a webhook only (a valid URL in the file)."""
    calendars = write_wave(tmp, EMAILS + len(hooks))
    wave = calendars / "recipients" / "wave.yaml"
    text = wave.read_text(encoding="utf-8")
    for j in range(len(hooks)):
        i = EMAILS + j
        text = text.replace(f"        emails: [{address(i)}]\n",
                            f'        webhook: {{url: "https://hook.example.org/{i}", secret_env: {SECRET_ENV}}}\n')
    wave.write_text(text, encoding="utf-8")
    return calendars


def _messages(server: SMTPServer) -> Counter[str]:
    ids: Counter[str] = Counter()
    for got in server.handler.messages:
        ids[email.message_from_bytes(got.data, policy=email.policy.default)["Message-ID"]] += 1
    return ids


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


def _service(tmp: Path, url: str, server: SMTPServer, wall: Wall, hooks: list[str]) -> ReminderService:
    calendars = _wave(tmp, hooks)
    settings = Settings(calendars_dir=calendars, data_dir=tmp / "var", base_url="https://lich.example.vn",
                        database_url=url, mail_from="Lịch thi đua <nhac-han@lich.example.vn>",
                        webhook_allowed_hosts=("127.0.0.1",), **server.settings())
    transport = SMTPTransport(SMTPConfig.from_settings(settings), sleep=no_wait, tls_context=server.client_tls_context())
    return open_service(settings, transport=transport, wall=wall)


def test_ten_and_more_failing_endpoints_beside_an_email_wave(
    tmp_path: Path, database: str, smtp_server: SMTPServer, corpus: CorpusServer, backlog: int,  # noqa: F811
) -> None:
    urls: dict[str, str] = {b: corpus.url(b, b) for b in BEHAVIOURS}
    urls["refused"] = f"http://127.0.0.1:{closed_port()}/hook"
    urls["backlog"] = f"http://127.0.0.1:{backlog}/hook"
    urls["tls-to-plain"] = corpus.url("ok", "tls", scheme="https")
    urls.update(MISCONFIGURED)
    hooks = sorted(urls)
    unit = {b: f"don-vi-{EMAILS + j:05d}" for j, b in enumerate(hooks)}
    wall = Wall()
    svc = _service(tmp_path, database, smtp_server, wall, hooks)
    try:
        options = EndpointOptions(LOCAL, connect_timeout=0.5, timeout=1.0, max_attempts=2, environ=ENV,
                                  health_file=tmp_path / "var" / HEALTH_FILE)
        endpoints = {unit[b]: WebhookModel.model_construct(url=u, secret_env=SECRET_ENV) for b, u in urls.items()}
        svc.channel_overrides["webhook"] = kinds()["webhook"].make(endpoints, options, sleep=no_wait, clock=wall)
        corpus.slow_seconds = 3.0

        report = asyncio.run(svc.start(WAVE_DUE))

        ids = _messages(smtp_server)
        assert len(ids) == EMAILS and set(ids.values()) == {1}, "every email once, beside the failing endpoints"
        assert report.delivered == {"email": EMAILS, "webhook": len(SENT)}
        rows = {r.email: r for r in svc.store.rows() if r.attempts}  # (the overdue notices are not due yet)
        assert not [r for r in rows.values() if r.status == Status.CLAIMED], "no row left claimed"
        for behaviour in hooks:
            row = rows[f"webhook:{unit[behaviour]}"]
            want = Status.SENT if behaviour in SENT else Status.FAILED if behaviour in FAILED else Status.PENDING
            assert (behaviour, row.status) == (behaviour, want), row.last_error
            if want is not Status.SENT:
                assert row.last_error and "Traceback" not in row.last_error
        assert "cổng" in (rows[f"webhook:{unit['bad-port']}"].last_error or "")
        assert "chuyển hướng" in (rows[f"webhook:{unit['redirect']}"].last_error or "")
        assert "Lỗi TLS" in (rows[f"webhook:{unit['tls-to-plain']}"].last_error or "")
        assert "không phải HTTP" in (rows[f"webhook:{unit['garbage']}"].last_error or "")
        assert "webhook_allowed_hosts" in (rows[f"webhook:{unit['internal']}"].last_error or "")
        assert len(corpus.paths("busy")) == 1, "a Retry-After beyond 30 s is not waited for within the wave"
        assert len(corpus.paths("flaky")) == 2 and len(corpus.paths("error")) == 2
        assert all(json.loads(s.body)["recipient"]["unit"] == unit[s.path.split("/")[2]]
                   for s in corpus.seen if s.path.split("/")[2] in BEHAVIOURS)

        # The breaker: every endpoint that gave up is paused, and says so (remind status, /admin read this file).
        dead = {b for b in hooks if b not in SENT and b not in FAILED}
        paused = {p.endpoint: p for p in paused_endpoints(tmp_path / "var", wall())}
        assert set(paused) == {f"webhook:{unit[b]}" for b in dead}
        assert all(p.until is not None and "tạm ngừng gửi đến" in p.describe() for p in paused.values())

        # Ticks as `serve` runs them: nothing sent twice; a paused endpoint is not tried before it reopens,
        # then once (half-open); the 429's row waits its Retry-After.
        seen = len(corpus.seen)
        wall.now += timedelta(minutes=2)
        asyncio.run(svc.tick(WAVE_DUE + timedelta(minutes=2)))
        assert len(corpus.seen) == seen
        wall.now += timedelta(minutes=10)
        asyncio.run(svc.tick(WAVE_DUE + timedelta(minutes=12)))
        assert len(corpus.paths("error")) == 3 and len(corpus.paths("busy")) == 2
        ids = _messages(smtp_server)
        assert len(ids) == EMAILS and set(ids.values()) == {1}
        assert not [r for r in svc.store.rows() if r.status == Status.CLAIMED]
    finally:
        svc.close()


class Broken:
    """A channel that fails in the middle of a wave (a bug, an exception nobody caught)."""

    name = "webhook"
    stops_when_down = False

    def __init__(self) -> None:
        self.calls = 0

    def describe(self) -> str:
        return "hỏng"

    async def send(self, notices: NoticeSource, now: Any, on_result: ResultHook | None = None) -> list[DeliveryResult]:
        async for _ in iterate_notices(notices):
            self.calls += 1
            raise ValueError("Port out of range 0-65535")  # what the old webhook raised for ':99999'
        return []


def test_a_channel_that_raises_never_sends_an_email_twice(
    tmp_path: Path, smtp_server: SMTPServer,  # noqa: F811
) -> None:
    """The reported bug: a webhook with an impossible port in `serve` made 535 duplicate emails for 100 reminders.

    The cause: the webhook raised (``urlsplit(...).port`` for ':99999') out of the email stream, so the results
    of emails already sent (up to 32, recorded in batches) were never written; the next tick gave the rows still
    claimed back to the queue and sent them again, and so on every minute. Now a channel's failure is its own:
    the results already reported are recorded, its own rows go back to the queue, email goes on.
    """
    wall = Wall()
    svc = _service(tmp_path, f"sqlite:///{tmp_path / 'var' / 'lichthidua.sqlite3'}", smtp_server, wall,
                   ["x"] * 10)
    broken = Broken()
    svc.channel_overrides["webhook"] = broken
    try:
        report = asyncio.run(svc.start(WAVE_DUE))
        for minutes in (1, 2, 3):
            wall.now += timedelta(minutes=minutes * 5)
            asyncio.run(svc.tick(WAVE_DUE + timedelta(minutes=minutes * 5)))
        ids = _messages(smtp_server)
        assert len(ids) == EMAILS and set(ids.values()) == {1}
        assert report.delivered == {"email": EMAILS}
        hooks = [r for r in svc.store.rows() if r.channel == "webhook" and r.attempts]
        assert len(hooks) == 10 and {r.status for r in hooks} == {Status.PENDING}
        assert all("Port out of range" in (r.last_error or "") for r in hooks)
        assert broken.calls >= 1
    finally:
        svc.close()
