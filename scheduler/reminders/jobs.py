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
    running: set[asyncio.Task[object]] = set()  # the jobs under way, ended (and awaited) on exit

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
        task = asyncio.current_task()
        if task is not None:
            running.add(task)
        try:
            async with one_wave:  # a tick may wait here for a long catch-up: stopping then ends it quietly too
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
        except asyncio.CancelledError:  # stopped while waiting for the wave before it: nothing of its own ran
            return
        finally:
            running.discard(task)  # type: ignore[arg-type]

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
        # Stopping (SIGTERM or Ctrl+C) ends the jobs under way here, before the server exits: each says
        # its one line. Left to APScheduler, a job would be cancelled but not run again before the process
        # ends (SIGTERM: no line), or, waiting for the wave before it, end in a traceback (Ctrl+C).
        jobs = list(running)
        for job in jobs:
            job.cancel()
        if jobs:
            await asyncio.wait(jobs, timeout=10)
        scheduler.shutdown(wait=False)
