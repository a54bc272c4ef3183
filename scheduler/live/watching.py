"""The calendar folder's watcher and the tombstones' timer: they only wake the live set.

Watching uses the operating system's file notifications (watchfiles: inotify, FSEvents,
ReadDirectoryChangesW), which cost nothing while nothing changes; ``watch_polling = true`` polls
every ``watch_interval_seconds`` instead, for file systems that send no notifications. Each batch of
changes is handed on with its paths (scheduler.live.edits reloads only those).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection
from datetime import datetime
from pathlib import Path

from scheduler.settings import Settings

log = logging.getLogger("lichthidua.web")

OnChange = Callable[[Collection[Path] | None], Awaitable[None]]


async def watch_folder(root: Path, settings: Settings, stop: asyncio.Event, on_change: OnChange) -> None:
    """Call ``on_change(paths)`` when files under ``root`` change (``None``: look at the whole folder)."""
    from watchfiles import awatch

    interval_ms = max(1, int(settings.watch_interval_seconds * 1000))
    while not stop.is_set():
        if not root.is_dir():  # nothing to watch yet: look again later
            await asyncio.sleep(settings.watch_interval_seconds)
            await on_change(None)
            continue
        try:
            async for changes in awatch(
                root, force_polling=settings.watch_polling, poll_delay_ms=interval_ms, debounce=1600, step=50,
                rust_timeout=60_000, stop_event=stop, recursive=True, ignore_permission_denied=True,
            ):
                await on_change({Path(path) for _, path in changes})
            return  # stopped
        except (FileNotFoundError, OSError) as exc:  # the folder went away or cannot be watched
            log.warning("Không theo dõi được thư mục lịch %s (%s): thử lại sau.", root, exc)
            await asyncio.sleep(settings.watch_interval_seconds)
        await on_change(None)


async def sleep_until_expiries(next_expiry: Callable[[], datetime | None], clock: Callable[[], datetime],
                               wake: asyncio.Event, on_due: OnChange) -> None:
    """Call ``on_due(None)`` when the next tombstone expires: sleeps until then (or until ``wake``,
    set after every reload: the next expiry may have moved), not in a polling loop."""
    while True:
        expiry = next_expiry()
        wake.clear()
        timeout = None if expiry is None else max(0.0, (expiry - clock()).total_seconds())
        try:
            await asyncio.wait_for(wake.wait(), timeout=timeout)
            continue
        except TimeoutError:
            pass
        await on_due(None)
