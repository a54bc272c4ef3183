"""Channels that POST to an endpoint per unit (webhook, chat): the URL rules, the HTTP exchange, the breaker.

Every HTTP channel (see ``notifiers/channels/``) shares this machinery, so each
endpoint is independent of every other endpoint and of email:

- **URLs** (:class:`HostPolicy`): an absolute ``https://`` URL with a valid host and
  port, no spaces; ``http://`` only to a host the deployment lists in
  ``webhook_allowed_hosts``; loopback, private, link-local and reserved addresses
  (written in the URL, or what a name resolves to when sending) only when listed.
  ``check`` refuses the others with file and line; sending refuses them too, never
  with a traceback.
- **The exchange** (:func:`post`): plain asyncio sockets, no thread: a connect timeout
  (TCP and TLS) and a total timeout per attempt; names are resolved in a small pool of
  its own, so a slow DNS never takes the threads other work needs. The answer's head and
  the first bytes of its body are read, the rest never (a huge body costs nothing).
- **Per endpoint** (:class:`HttpChannel`): one request at a time per endpoint, attempts
  with backoff (``Retry-After`` of a 429/503 honoured when short, else handed to the
  caller, which waits that long before the row is tried again), and a breaker: an endpoint
  that gave up is not tried again for ``breaker_seconds`` (doubling while it stays dead,
  at most an hour); its notices come back TEMPORARY at once, with the time it reopens.
  The state is kept in a small JSON file in the data folder (:class:`Health`), so cron
  runs share it and ``remind status`` and ``/admin`` show it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import ssl
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from notifiers.base import DeliveryResult, DeliveryStatus, ResultHook, settle
from notifiers.content import Content, DeadlineView, DigestContent, ReminderContent
from notifiers.delivery import Notice, NoticeSource, iterate_notices
from notifiers.endpoint_health import EndpointState, Health
from notifiers.endpoint_urls import HostPolicy, is_internal, literal_ip

log = logging.getLogger("lichthidua.channels")
Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], datetime]
_READ_LIMIT = 64 * 1024  # of an answer's head; the body is read only for its first bytes
_RETRY_STATUSES = {408, 425, 429}


# --- the exchange ----------------------------------------------------------------------


class EndpointError(Exception):
    """An attempt that failed; ``final``: retrying will not help (a policy refusal, a redirect)."""

    def __init__(self, reason: str, *, final: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.final = final


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: Mapping[str, str]  # lower-case names
    text: str  # the first bytes of the body


_DNS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="lichthidua-dns")


async def _resolve(host: str, port: int, policy: HostPolicy) -> list[str]:
    """Addresses to connect to; an internal one only when the host is listed."""
    ip = literal_ip(host)
    if ip is not None:
        candidates = [str(ip)]
    else:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.run_in_executor(_DNS, socket.getaddrinfo, host, port, 0, socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise EndpointError(f"Không tìm thấy máy '{host}' ({exc.strerror or exc})") from None
        candidates = list(dict.fromkeys(str(info[4][0]) for info in infos))
    allowed = [a for a in candidates if policy.allows(host) or not is_internal(ipaddress.ip_address(a.split("%")[0]))]
    if not allowed:
        raise EndpointError(f"'{host}' trỏ tới máy này hoặc mạng nội bộ ({', '.join(candidates)}), chưa có trong "
                            "cài đặt webhook_allowed_hosts: không gửi", final=True)
    return allowed


async def post(url: str, body: bytes, headers: Mapping[str, str], *, policy: HostPolicy, connect_timeout: float,
               timeout: float, tls: ssl.SSLContext | None = None) -> Answer:
    """One POST: connect within ``connect_timeout``, the whole exchange within ``timeout``.

    Raises :class:`EndpointError` (Vietnamese reason) for anything that is not an HTTP answer.
    """
    problem, parts = policy.parse(url)
    if problem is not None or parts is None:
        raise EndpointError(f"Địa chỉ không dùng được: {problem}", final=True)
    host = parts.hostname or ""
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    writer: asyncio.StreamWriter | None = None
    try:
        async with asyncio.timeout(timeout):
            try:
                async with asyncio.timeout(connect_timeout):
                    addresses = await _resolve(host, port, policy)
                    reader, writer = await asyncio.open_connection(
                        addresses[0], port, ssl=(tls or ssl.create_default_context()) if secure else None,
                        server_hostname=host if secure else None, limit=_READ_LIMIT)
            except TimeoutError:
                raise EndpointError(f"Không kết nối được tới {host}:{port} sau {connect_timeout:g} giây") from None
            name = f"[{host}]" if ":" in host else host  # an IPv6 address
            head = [f"POST {path} HTTP/1.1", f"Host: {name if port == (443 if secure else 80) else f'{name}:{port}'}",
                    f"Content-Length: {len(body)}", "Connection: close",
                    *(f"{k}: {v}" for k, v in headers.items())]
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode("utf-8") + body)
            await writer.drain()
            status_line = await reader.readline()
            fields = status_line.decode("latin-1").split(None, 2)
            if len(fields) < 2 or not fields[0].startswith("HTTP/") or not fields[1].isdigit():
                raise EndpointError("Máy nhận trả lời không phải HTTP" if status_line else
                                    "Máy nhận đóng kết nối mà không trả lời")
            answer: dict[str, str] = {}
            while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                answer[name.strip().lower()] = value.strip()
                if len(answer) > 100:
                    raise EndpointError("Máy nhận trả lời quá nhiều tiêu đề")
            text = (await reader.read(300)).decode("utf-8", "replace")
            return Answer(int(fields[1]), answer, text)
    except EndpointError:
        raise
    except TimeoutError:
        raise EndpointError(f"Máy nhận không trả lời hết trong {timeout:g} giây") from None
    except ssl.SSLError as exc:
        raise EndpointError(f"Lỗi TLS với {host}:{port} ({exc.reason or exc}); máy nhận có dùng https không?") from None
    except (asyncio.LimitOverrunError, ValueError):
        raise EndpointError("Máy nhận trả lời không phải HTTP (dòng quá dài)") from None
    except (ConnectionError, OSError, asyncio.IncompleteReadError) as exc:
        detail = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise EndpointError(f"Không kết nối được tới {host}:{port}: {detail}") from None
    finally:
        if writer is not None:
            writer.close()
            try:
                async with asyncio.timeout(1):
                    await writer.wait_closed()
            except (TimeoutError, OSError, ssl.SSLError):
                pass


def retry_after(headers: Mapping[str, str], now: datetime) -> float | None:
    """Seconds a ``Retry-After`` asks for (a number, or an HTTP date), or None."""
    raw = headers.get("retry-after", "").strip()
    if not raw:
        return None
    if raw.isdigit():
        return float(raw)
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


# --- the channel -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EndpointOptions:
    """How every HTTP channel treats its endpoints (from settings, see ``notifiers.channels.options``)."""

    policy: HostPolicy = HostPolicy()
    connect_timeout: float = 5.0
    timeout: float = 10.0
    max_attempts: int = 3
    delays: tuple[float, ...] = (2.0, 8.0)
    retry_after_cap: float = 30.0  # a longer Retry-After is handed to the caller instead of waited for
    breaker_seconds: float = 300.0
    breaker_cap_seconds: float = 3600.0
    concurrency: int = 32  # endpoints served at once (one request at a time each)
    health_file: Path | None = None
    environ: Mapping[str, str] | None = None  # secrets are read from here (None: os.environ)
    tls: ssl.SSLContext | None = None  # a private CA; None: the system's


class HttpChannel:
    """A channel whose notices go to one endpoint per unit, each endpoint on its own.

    Subclasses give ``name`` and :meth:`request` (the body and headers of one notice).
    """

    name = "http"
    stops_when_down = False  # every endpoint has its own breaker: the channel as a whole never stops

    def __init__(self, endpoints: Mapping[str, Any], options: EndpointOptions = EndpointOptions(), *,
                 sleep: Sleep = asyncio.sleep, clock: Clock = lambda: datetime.now(UTC)) -> None:
        import os

        self.endpoints = dict(endpoints)
        self.options = options
        self.environ: Mapping[str, str] = os.environ if options.environ is None else options.environ
        self.sleep = sleep
        self.clock = clock
        self.health = Health.load(options.health_file)
        self._locks: dict[str, asyncio.Lock] = {}
        self._slots: asyncio.Semaphore | None = None

    def describe(self) -> str:
        return f"{self.name} tới {len(self.endpoints)} đơn vị"

    def request(self, notice: Notice, endpoint: Any, now: datetime) -> tuple[bytes, dict[str, str]]:
        """The body and headers of one notice; ValueError when it cannot be sent (PERMANENT)."""
        raise NotImplementedError

    def key(self, notice: Notice) -> str:
        return f"{self.name}:{notice.to.target}"

    async def deliver(self, notices: Sequence[Notice], now: datetime) -> list[DeliveryResult]:
        return await self.send(notices, now)

    async def send(self, notices: NoticeSource, now: datetime, on_result: ResultHook | None = None
                   ) -> list[DeliveryResult]:
        """Each notice to its endpoint; endpoints at once, each one request at a time. Never raises."""
        self._slots = self._slots or asyncio.Semaphore(max(1, self.options.concurrency))
        results: dict[int, DeliveryResult] = {}  # kept only without on_result (see ResultHook)
        tasks: set[asyncio.Future[None]] = set()  # the notices in flight
        touched: set[str] = set()

        async def one(index: int, notice: Notice) -> None:
            try:
                res = await self._one(notice, now, touched)
            except Exception as exc:  # noqa: BLE001 - a bug here must not stop other endpoints or the wave
                log.exception("Lỗi khi gửi %s qua %s", notice.key, self.name)
                res = self._result(notice, DeliveryStatus.TEMPORARY, 0, f"Lỗi nội bộ khi gửi: {exc}")
            settle(results, on_result, index, res)

        index = 0
        async for notice in iterate_notices(notices):
            task = asyncio.ensure_future(one(index, notice))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            index += 1
        if tasks:
            await asyncio.gather(*tasks)
        self.health.save(touched)
        return [results[i] for i in range(len(results))]

    def _result(self, notice: Notice, status: DeliveryStatus, attempts: int, reason: str,
                code: int | None = None, wait: float | None = None) -> DeliveryResult:
        return DeliveryResult(notice.key, status, (self.key(notice),), attempts, code, reason, wait)

    async def _one(self, notice: Notice, now: datetime, touched: set[str]) -> DeliveryResult:
        endpoint = self.endpoints.get(notice.to.target)
        if endpoint is None:  # the recipients list changed, or is broken just now: try again later
            return self._result(notice, DeliveryStatus.TEMPORARY, 0,
                                f"Đơn vị '{notice.to.target}' không có {self.name} trong danh sách người nhận")
        try:
            body, headers = self.request(notice, endpoint, now)
        except ValueError as exc:
            return self._result(notice, DeliveryStatus.PERMANENT, 0, str(exc))
        key = self.key(notice)
        lock = self._locks.setdefault(key, asyncio.Lock())
        assert self._slots is not None
        async with lock, self._slots:
            state = self.health.states.get(key)
            wall = self.clock()
            if state is not None and state.open_until is not None and state.open_until > wall:
                wait = (state.open_until - wall).total_seconds()
                return self._result(notice, DeliveryStatus.TEMPORARY, 0,
                                    f"Tạm ngừng gửi tới điểm nhận này đến {state.open_until:%H:%M} UTC "
                                    f"(lỗi liên tiếp: {state.reason})", wait=wait)
            trial = state is not None and state.failures > 0  # half-open: one attempt decides
            res = await self._attempts(notice, endpoint, body, headers, 1 if trial else self.options.max_attempts)
            touched.add(key)
            self._record(key, res)
            return res

    def _record(self, key: str, res: DeliveryResult) -> None:
        """The breaker: closed by a delivery, opened (for longer each time) by a give-up."""
        if res.status is not DeliveryStatus.TEMPORARY:
            if key in self.health.states and res.status is DeliveryStatus.DELIVERED:
                log.info("Điểm nhận %s hoạt động trở lại.", key)
                del self.health.states[key]
            return
        wall = self.clock()
        state = self.health.states.setdefault(key, EndpointState(since=wall))
        state.failures += 1
        state.reason = res.reason
        seconds = min(self.options.breaker_cap_seconds, self.options.breaker_seconds * 2 ** (state.failures - 1))
        seconds = max(seconds, res.retry_after or 0.0)  # a Retry-After longer than the pause is honoured too
        state.open_until = wall + timedelta(seconds=seconds)
        log.warning("Tạm ngừng gửi tới %s trong %d giây (%d lần thất bại liên tiếp): %s", key, seconds,
                    state.failures, res.reason)

    async def _attempts(self, notice: Notice, endpoint: Any, body: bytes, headers: Mapping[str, str],
                        attempts: int) -> DeliveryResult:
        o = self.options
        reason, code, wait = "", None, None
        for attempt in range(1, attempts + 1):
            try:
                answer = await post(endpoint.url, body, self.sign(endpoint, headers, body), policy=o.policy,
                                    connect_timeout=getattr(endpoint, "connect_timeout_seconds", None)
                                    or o.connect_timeout,
                                    timeout=getattr(endpoint, "timeout_seconds", None) or o.timeout, tls=o.tls)
            except EndpointError as exc:
                code, reason = None, exc.reason
                if exc.final:
                    return self._result(notice, DeliveryStatus.PERMANENT, attempt, reason)
            else:
                code = answer.status
                if 200 <= code < 300:
                    return self._result(notice, DeliveryStatus.DELIVERED, attempt, "", code)
                reason = f"Máy nhận trả lời {code}: {answer.text.strip()[:200]}".rstrip(": ")
                if 300 <= code < 400:
                    where = answer.headers.get("location", "")
                    return self._result(notice, DeliveryStatus.PERMANENT, attempt,
                                        f"Máy nhận chuyển hướng ({code}) tới {where or '?'}: không đi theo; "
                                        "sửa địa chỉ trong danh sách người nhận", code)
                if code < 500 and code not in _RETRY_STATUSES:
                    return self._result(notice, DeliveryStatus.PERMANENT, attempt, reason, code)
                wait = retry_after(answer.headers, self.clock())
                if wait is not None and wait > o.retry_after_cap:  # leave it to the next tick, that late
                    return self._result(notice, DeliveryStatus.TEMPORARY, attempt, reason, code, wait)
            if attempt < attempts:
                delay = o.delays[min(attempt - 1, len(o.delays) - 1)] if o.delays else 0.0
                await self.sleep(max(delay, wait or 0.0))
        return self._result(notice, DeliveryStatus.TEMPORARY, attempts, reason, code, wait)

    def sign(self, endpoint: Any, headers: Mapping[str, str], body: bytes) -> dict[str, str]:
        """Headers of one attempt (a webhook signs each attempt with its time)."""
        return dict(headers)


# --- what a chat shows ------------------------------------------------------------------


def line(view: DeadlineView, submitted_url: str | None) -> str:
    """One deadline in one line of Vietnamese text, as chats show it."""
    tag = "[Quá hạn]" if view.overdue else "[Nhắc hạn]"
    text = f"{tag} {view.name} – {view.days_text} (hạn {view.as_written}). Hạn cuối: {view.weekday}, {view.due_text}."
    return text + (f" Đã nộp thì bấm: {submitted_url}" if submitted_url else "")


def items(content: Content) -> list[tuple[DeadlineView, str | None]]:
    """The deadlines a reminder or a digest speaks of; ValueError for content a chat does not carry."""
    if isinstance(content, ReminderContent):
        return [(content.deadline, content.submitted_url)]
    if isinstance(content, DigestContent):
        return [(item.deadline, item.submitted_url) for item in content.items]
    raise ValueError(f"Kênh này không gửi loại nội dung {type(content).__name__}")


def text(content: Content) -> str:
    return "\n".join(line(view, url) for view, url in items(content))
