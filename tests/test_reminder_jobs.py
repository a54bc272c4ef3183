"""The in-app scheduler: a service stopped mid-wave says so in one line, never with a traceback."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from scheduler.reminders.jobs import running_jobs
from scheduler.store.health import DatabaseHealth


class _SlowService:
    settings = SimpleNamespace()

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.health = DatabaseHealth(self.settings)  # type: ignore[arg-type]

    async def start(self, now: datetime) -> None:
        return None

    async def tick(self, now: datetime) -> None:
        self.started.set()
        await asyncio.Event().wait()  # a wave that never ends on its own


def test_a_wave_cancelled_by_shutdown_ends_quietly(caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> None:
        service = _SlowService()
        async with running_jobs(service, lambda: datetime(2024, 6, 21, tzinfo=UTC), 3600) as scheduler:  # type: ignore[arg-type]
            tick = scheduler.get_job("reminders-tick").func
            wave = asyncio.create_task(tick())
            await service.started.wait()
            wave.cancel()
            assert await wave is None  # the job returns: nothing escapes for APScheduler to print

    with caplog.at_level(logging.INFO, logger="lichthidua.reminders"):
        asyncio.run(scenario())
    assert "Dừng giữa một đợt gửi nhắc" in caplog.text
    assert "Traceback" not in caplog.text
