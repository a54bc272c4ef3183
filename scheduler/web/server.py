"""The HTTP connection under uvicorn: idle and half-open connections are closed, their number bounded.

uvicorn closes a keep-alive connection idle between requests after
``timeout_keep_alive``, but not one that was opened and never sends a request,
nor one that sends its headers a byte at a time: a flood of those holds a file
descriptor each until the process runs out and feeds fail. :func:`protocol_class`
wraps uvicorn's HTTP protocol so that

* a request's headers must arrive within ``http_idle_timeout_seconds`` of the
  connection opening, or of the first byte of the next request on it;
* at most ``http_max_connections`` connections are open at once: one more is closed
  as soon as it is accepted (a closed connection is a clean answer, and its file
  descriptor is free at once);

and each kind of closing is logged once a minute at most, with how many. A body
that stops midway is bounded where it is read (see ``reminder_routes.read_form``).
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from typing import Any

from scheduler.settings import Settings

log = logging.getLogger("lichthidua.web")
LOG_EVERY_SECONDS = 60.0
KEEP_ALIVE_SECONDS = 5  # a connection idle between two requests (uvicorn's timeout_keep_alive)


class _Tally:
    """Counts closings and says so at most once a minute."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.last = 0.0

    def add(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1
        now = time.monotonic()
        if now - self.last >= LOG_EVERY_SECONDS:
            self.last = now
            said = "; ".join(f"{n} {what}" for what, n in self.counts.items())
            self.counts.clear()
            log.warning("Đã đóng các kết nối HTTP bất thường: %s.", said)


def protocol_class(base: type[asyncio.Protocol], settings: Settings) -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol ``base`` (httptools or h11), with the bounds of ``settings``."""
    timeout = settings.http_idle_timeout_seconds
    limit = settings.http_max_connections
    tally = _Tally()

    class Bounded(base):  # type: ignore[valid-type,misc]
        _header_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            if len(self.connections) > limit:
                tally.add(f"kết nối vượt giới hạn http_max_connections = {limit}")
                transport.close()
                return
            self._arm()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            cycle = getattr(self, "cycle", None)
            if cycle is not None and not cycle.response_complete:
                self._disarm()  # the headers are in: the request runs
            elif self._header_timer is None:
                self._arm()  # bytes of a next request: its headers have the same bound

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._disarm()
            self._header_timer = self.loop.call_later(timeout, self._expired)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _expired(self) -> None:
            self._header_timer = None
            cycle = getattr(self, "cycle", None)
            if cycle is not None and not cycle.response_complete:
                return
            if not self.transport.is_closing():
                tally.add(f"kết nối không gửi xong yêu cầu trong {timeout:g} giây (http_idle_timeout_seconds)")
                self.transport.close()

    Bounded.__name__ = f"Bounded{base.__name__}"
    return Bounded


def raise_file_limit(settings: Settings) -> None:
    """Let the process open what ``http_max_connections`` needs (up to the hard limit), and warn if it cannot."""
    want = settings.http_max_connections + 256  # files, database and SMTP connections beside the HTTP ones
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= want:
        return
    target = want if hard == resource.RLIM_INFINITY else min(want, hard)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ValueError, OSError):
        target = soft
    if target < want:
        log.warning("Giới hạn số tệp mở của tiến trình là %d, thấp hơn http_max_connections = %d cần: hãy nâng "
                    "LimitNOFILE (systemd) hoặc ulimit -n, hoặc giảm http_max_connections.", target,
                    settings.http_max_connections)


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """The bounds given to uvicorn.Config (see the module docstring)."""
    from uvicorn.config import HTTP_PROTOCOLS
    from uvicorn.importer import import_from_string

    try:
        base = import_from_string(HTTP_PROTOCOLS["httptools"])
    except ImportError:  # pragma: no cover - uvicorn[standard] brings httptools
        base = import_from_string(HTTP_PROTOCOLS["h11"])
    keep_alive = max(1, min(KEEP_ALIVE_SECONDS, round(settings.http_idle_timeout_seconds)))
    return dict(http=protocol_class(base, settings), timeout_keep_alive=keep_alive,
                h11_max_incomplete_event_size=16 * 1024)
