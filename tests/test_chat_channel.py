"""A third channel, added as one module (notifiers/channels/chat.py) and one recipient field (``chat:``).

Nothing else knows it: ``check`` accepts the field and checks its URL like every endpoint's,
planning writes a "chat:<unit>" reminder, the service makes the channel from the settings,
the sender streams it its notices; the bot on a local HTTP server gets ``{"text", "chat_id"}``
with its token as a Bearer header.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from reminder_support import WAVE_DUE, Wall, address, write_wave
from webhook_server import Script, server  # noqa: F401 (the fixture)

from notifiers.channels import kinds
from notifiers.endpoint_urls import HostPolicy
from notifiers.outbox import OutboxTransport
from scheduler.live.catalog import load_catalog
from scheduler.reminders.ledger import Status
from scheduler.reminders.recipients import check_recipients, load_directory
from scheduler.reminders.service import open_service
from scheduler.settings import Settings


def _calendars(tmp: Path, url: str) -> Path:
    calendars = write_wave(tmp, 2)
    wave = calendars / "recipients" / "wave.yaml"
    text = wave.read_text(encoding="utf-8")
    # don-vi-00000: the chat only; don-vi-00001: its email and the chat.
    chat = f'        chat: {{url: "{url}", chat_id: "-1001", token_env: LICHTHIDUA_CHAT_TOKEN}}'
    text = text.replace(f"        emails: [{address(0)}]", chat)
    text = text.replace(f"        emails: [{address(1)}]", f"        emails: [{address(1)}]\n{chat}")
    wave.write_text(text, encoding="utf-8")
    return calendars


def test_the_chat_channel_is_one_module_and_one_field(
    tmp_path: Path, server: tuple[str, Script], monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    url, script = server
    assert "chat" in kinds() and "webhook" in kinds()
    calendars = _calendars(tmp_path, url)
    local = HostPolicy(("127.0.0.1",))
    assert check_recipients(calendars, load_catalog(calendars), policy=local) == []
    assert {d.code for d in load_directory(calendars).diagnostics} == {"endpoint.url"}  # 127.0.0.1 not allowed

    monkeypatch.setenv("LICHTHIDUA_CHAT_TOKEN", "ma-bot-thu")
    settings = Settings(calendars_dir=calendars, data_dir=tmp_path / "var", base_url="https://lich.example.vn",
                        webhook_allowed_hosts=("127.0.0.1",))
    service = open_service(settings, transport=OutboxTransport(tmp_path / "outbox"), wall=Wall())
    try:
        report = asyncio.run(service.start(WAVE_DUE))
        assert report.delivered == {"email": 1, "chat": 2}
        rows = service.store.rows(statuses=[Status.SENT])
        assert sorted((r.email, r.channel) for r in rows) == [
            ("chat:don-vi-00000", "chat"), ("chat:don-vi-00001", "chat"), (address(1), "email")]
    finally:
        service.close()
    assert len(script.received) == 2
    for got in script.received:
        assert got.headers["Authorization"] == "Bearer ma-bot-thu"
        assert got.headers["Content-Type"] == "application/json; charset=utf-8"
        body = json.loads(got.body)
        assert set(body) == {"text", "chat_id"} and body["chat_id"] == "-1001"
        assert body["text"].startswith("[Nhắc hạn] Báo cáo kết quả phong trào thi đua đợt 1 – còn 7 ngày")
        assert "https://lich.example.vn/" in body["text"]  # the "Đã nộp" link of that unit


def test_a_missing_token_is_a_failure_the_admin_sees(tmp_path: Path, server: tuple[str, Script],  # noqa: F811
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    url, script = server
    monkeypatch.delenv("LICHTHIDUA_CHAT_TOKEN", raising=False)
    settings = Settings(calendars_dir=_calendars(tmp_path, url), data_dir=tmp_path / "var",
                        webhook_allowed_hosts=("127.0.0.1",))
    service = open_service(settings, transport=OutboxTransport(tmp_path / "outbox"), wall=Wall())
    try:
        report = asyncio.run(service.start(WAVE_DUE))
        assert (report.sent, report.failed) == (1, 2) and script.received == []
        failed = service.store.rows(statuses=[Status.FAILED])
        assert all("LICHTHIDUA_CHAT_TOKEN" in (r.last_error or "") for r in failed)
    finally:
        service.close()
