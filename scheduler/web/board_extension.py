"""The deadline board as a web extension: its routes (the board, a unit's page), and the staff digest loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI

from scheduler.reminders.board_service import BoardService
from scheduler.settings import Settings
from scheduler.web.board import TEMPLATES, router
from scheduler.web.extensions import WebExtension
from scheduler.web.unit_page import router as unit_router  # also adds the file download to the board's router

log = logging.getLogger("lichthidua.board")
DIGEST_EVERY_SECONDS = 3600.0


def board_extension(settings: Settings, *, digests: bool = True) -> WebExtension:
    """The board as a web extension; install it after the reminders' (it uses ``app.state.reminders``).

    While the app runs, the staff digest is sent when due (checked hourly; once per deadline, account and day).
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        reminders = getattr(app.state, "reminders", None)
        if reminders is None:
            yield
            return
        service = app.state.board = BoardService(reminders)
        task = asyncio.create_task(_digests(service, app)) if digests else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task

    return WebExtension(name="board", routers=(router, unit_router), lifespan=lifespan, templates_dir=TEMPLATES)


async def _digests(service: BoardService, app: FastAPI) -> None:
    while True:
        try:
            await service.send_digests(app.state.clock(), app.state.settings.base_url)
        except Exception:  # a database or mail fault: logged, tried again next hour
            log.exception("Không gửi được bản tổng hợp theo dõi nộp báo cáo.")
        await asyncio.sleep(DIGEST_EVERY_SECONDS)


