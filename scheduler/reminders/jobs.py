"""APScheduler 3 inside the web service: a catch-up run at start, then a tick.

One AsyncIOScheduler per process with the in-memory job store: APScheduler 3
must not share a job store between processes, and it does not need to. What
coordinates several instances is the database claim protocol
(:mod:`scheduler.reminders.ledger`): each instance ticks, and each due reminder
is won by exactly one of them. This is the only module that imports APScheduler.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from scheduler.reminders.service import ReminderService
from scheduler.store.faults import translate

log = logging.getLogger("lichthidua.reminders")
Clock = Callable[[], datetime]


@asynccontextmanager
async def running_jobs(service: ReminderService, clock: Clock, tick_seconds: int) -> AsyncIterator[AsyncIOScheduler]:
    """Start the scheduler (catch-up job now, then a tick every ``tick_seconds``); stop it on exit."""
    scheduler = AsyncIOScheduler(jobstores={"default": MemoryJobStore()}, timezone=UTC)
    # APScheduler narrates every run in English at INFO, and warns when a tick is skipped because the
    # previous wave still runs (normal during a long wave: the next tick continues it). Admins read our
    # Vietnamese lines instead; only its errors (none expected: every job catches its own) are kept.
    logging.getLogger("apscheduler").setLevel(max(logging.ERROR, logging.getLogger().level))

    one_wave = asyncio.Lock()  # the catch-up and the ticks never overlap in one process

    def report(what: str, exc: Exception) -> None:
        fault = translate(exc, service.settings)
        if fault is not None:  # a fault of the machine: say it, no traceback; the next tick resumes the wave
            log.error("%s: %s", what, fault)
        else:
            log.exception(what)

    def stopped() -> None:
        # The service is stopping in the middle of a wave (SIGTERM, Ctrl+C): the claims of the
        # messages in flight are taken back by the next instance or start, so nothing is lost.
        # The cancellation ends here: APScheduler would log any exception escaping a job as a traceback.
        log.info("Dừng giữa một đợt gửi nhắc: các lời nhắc đang gửi dở sẽ được gửi lại ở lần chạy sau.")

    async def run(what: str, wave: Callable[[datetime], Awaitable[object]]) -> None:
        health = service.health
        async with one_wave:
            if not health.due():  # the database is lost: back off (see DatabaseHealth)
                return
            try:
                await wave(clock())
            except asyncio.CancelledError:
                stopped()
                return
            except Exception as exc:  # the next tick tries again; never let the job die
                if health.failed(exc) is None:  # a database fault is said once, by health; others each time
                    report(what, exc)
                return
            health.recovered()

    async def catch_up() -> None:
        await run("Lỗi khi gửi bù lời nhắc lúc khởi động", service.start)

    async def tick() -> None:
        await run("Lỗi khi gửi lời nhắc đến hạn", service.tick)

    scheduler.add_job(catch_up, id="reminders-catch-up", next_run_time=datetime.now(UTC), max_instances=1)
    scheduler.add_job(tick, IntervalTrigger(seconds=tick_seconds), id="reminders-tick", max_instances=1,
                      coalesce=True, misfire_grace_time=None)
    scheduler.start()
    try:
        yield scheduler
    finally:
        scheduler.shutdown(wait=False)
