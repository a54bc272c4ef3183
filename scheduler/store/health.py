"""Whether the database answers, as this process last saw it: said once in the log, shown in /healthz.

The reminder sender (and whatever else writes) reports each database fault
here and each success. The first fault is logged once, in Vietnamese, with
what to check; the following ones are not (a tick every minute would fill the
log); the recovery is logged once, with how long it lasted. While the
database is lost, :meth:`DatabaseHealth.due` spaces the attempts out (back-off
from ``base`` doubling to ``cap`` seconds), so a dead server is not hammered
and a live one is found again soon after it returns.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from scheduler.errors import LichThiDuaError
from scheduler.settings import Settings
from scheduler.store.faults import translate

log = logging.getLogger("lichthidua.database")
# What a visitor reads when a request needs the database and it does not answer (the server's name is for admins).
DATABASE_BUSY = ("Hệ thống tạm thời không đọc, ghi được dữ liệu (cơ sở dữ liệu không trả lời). Yêu cầu của "
                 "đồng chí chưa được ghi nhận; vui lòng thử lại sau ít phút.")


@dataclass(frozen=True, slots=True)
class HealthView:
    """What /healthz shows: ``reason`` (names the database) for admins only."""

    ok: bool
    since_seconds: float
    reason: str
    failures: int


class DatabaseHealth:
    def __init__(self, settings: Settings, *, base: float = 1.0, cap: float = 60.0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.base = base
        self.cap = cap
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self.down_since: float | None = None
        self.reason = ""
        self.failures = 0
        self._next_try = 0.0

    @property
    def ok(self) -> bool:
        return self.down_since is None

    def failed(self, exc: BaseException) -> LichThiDuaError | None:
        """Record a fault of the database; our error for it, or None when ``exc`` is no database fault (a bug)."""
        if not isinstance(exc, SQLAlchemyError):
            return None
        fault = translate(exc, self.settings)
        if fault is None:
            return None
        with self._lock:
            now = self._monotonic()
            first = self.down_since is None
            if first:
                self.down_since = now
            self.failures += 1
            self.reason = str(fault)
            self._next_try = now + min(self.cap, self.base * 2 ** (self.failures - 1))
        if first:
            lost = "Không kết nối được" in str(fault)
            log.error(("Mất kết nối CSDL: %s" if lost else "CSDL không dùng được: %s")
                      + " Việc gửi email nhắc tạm dừng; dịch vụ tự thử lại (giãn dần tới %d giây một lần) và tự gửi "
                      "tiếp khi CSDL trả lời. Trang và nguồn lịch vẫn phục vụ bình thường.", fault, round(self.cap))
        return fault

    def recovered(self) -> None:
        """The database answered: say so once if it had been lost."""
        with self._lock:
            if self.down_since is None:
                return
            lasted = self._monotonic() - self.down_since
            failures = self.failures
            self.down_since, self.reason, self.failures, self._next_try = None, "", 0, 0.0
        log.warning("CSDL đã trả lời trở lại sau %d giây (%d lần thử không được): tiếp tục gửi email nhắc.",
                    round(lasted), failures)

    def due(self) -> bool:
        """Whether to try the database now (always, unless it is lost and the back-off has not run out)."""
        return self.down_since is None or self._monotonic() >= self._next_try

    def view(self) -> HealthView:
        with self._lock:
            since = 0.0 if self.down_since is None else self._monotonic() - self.down_since
            return HealthView(self.down_since is None, since, self.reason, self.failures)


class OnceAMinute:
    """A fault met by many requests, logged once a minute with how many times (``template``: count, message)."""

    def __init__(self, logger: logging.Logger, template: str, *, every: float = 60.0, level: int = logging.ERROR,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.logger = logger
        self.level = level
        self.template = template
        self.every = every
        self._monotonic = monotonic
        self._last = -every
        self._count = 0

    def add(self, message: str) -> None:
        self._count += 1
        now = self._monotonic()
        if now - self._last >= self.every:
            self.logger.log(self.level, self.template, self._count, message)
            self._last, self._count = now, 0
