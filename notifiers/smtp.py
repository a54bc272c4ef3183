"""SMTP delivery with aiosmtplib: a pool of reused connections, retries, honest results.

Up to ``smtp_concurrency`` connections each send many messages in a row
(opening a TLS session per message would cap a wave at a few dozen a second).
Temporary trouble (refused or lost connection, timeout, 4xx) is retried with
backoff; 5xx is final and reported as PERMANENT with the server's code and
text so the admin sees it. The sleep between attempts is injected: tests
pass a recorder and never wait. When the server cannot be reached at all,
the rest of the batch fails fast as TEMPORARY instead of each message
waiting through its own backoff.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal

import aiosmtplib

from notifiers.base import DeliveryResult, DeliveryStatus, MessageSource, OutgoingMessage, ResultHook, iterate, settle
from scheduler.settings import Settings

Sleep = Callable[[float], Awaitable[None]]
Security = Literal["starttls", "tls", "none"]
_SECURITY_VN = {"starttls": "STARTTLS", "tls": "TLS", "none": "không mã hóa"}


def backoff_delays(attempts: int, base: float = 2.0, factor: float = 4.0, cap: float = 120.0) -> tuple[float, ...]:
    """Seconds to wait before attempts 2..``attempts``: 2, 8, 32, ... capped.

    Short on purpose: a message still failing after these goes back to the
    caller as TEMPORARY and the next scheduler tick tries again.
    """
    return tuple(min(cap, base * factor**i) for i in range(max(0, attempts - 1)))


@dataclass(frozen=True, slots=True)
class SMTPConfig:
    host: str
    port: int = 587
    security: Security = "starttls"
    username: str = ""
    password: str = field(default="", repr=False)
    timeout: float = 30.0
    concurrency: int = 8
    validate_certs: bool = True

    @classmethod
    def from_settings(cls, settings: Settings) -> SMTPConfig:
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            security=settings.smtp_security,
            username=settings.smtp_username,
            password=settings.smtp_password,
            timeout=settings.smtp_timeout_seconds,
            concurrency=settings.smtp_concurrency,
            validate_certs=settings.smtp_validate_certs,
        )


@dataclass(slots=True)
class _Batch:
    results: dict[int, DeliveryResult] = field(default_factory=dict)  # kept only without on_result
    down: str | None = None  # why the server is unreachable, once every attempt to connect failed
    on_result: ResultHook | None = None


class _ConnectFailed(Exception):
    pass


class SMTPTransport:
    name = "smtp"

    def __init__(
        self,
        config: SMTPConfig,
        *,
        sleep: Sleep = asyncio.sleep,
        max_attempts: int = 3,
        delays: tuple[float, ...] | None = None,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.config = config
        self.sleep = sleep
        self.max_attempts = max_attempts
        self.delays = delays if delays is not None else backoff_delays(max_attempts)
        self.tls_context = tls_context  # for a private CA; None means the system's

    def describe(self) -> str:
        c = self.config
        login = f", đăng nhập {c.username}" if c.username else ""
        return (
            f"Gửi email qua máy chủ SMTP {c.host}:{c.port} ({_SECURITY_VN[c.security]}{login}), "
            f"tối đa {c.concurrency} kết nối song song"
        )

    async def send_many(self, messages: MessageSource, on_result: ResultHook | None = None) -> list[DeliveryResult]:
        batch = _Batch(on_result=on_result)
        queue: asyncio.Queue[tuple[int, OutgoingMessage] | None] = asyncio.Queue(self.config.concurrency * 4)

        async def feed() -> None:
            index = 0
            async for message in iterate(messages):
                await queue.put((index, message))
                index += 1
            for _ in range(self.config.concurrency):
                await queue.put(None)

        workers = [asyncio.ensure_future(self._worker(queue, batch)) for _ in range(self.config.concurrency)]
        try:
            await feed()
            await asyncio.gather(*workers)
        finally:
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
        return [batch.results[i] for i in range(len(batch.results))]

    async def _worker(self, queue: asyncio.Queue[tuple[int, OutgoingMessage] | None], batch: _Batch) -> None:
        conn: aiosmtplib.SMTP | None = None
        try:
            while (item := await queue.get()) is not None:
                index, message = item
                result, conn = await self._deliver(message, conn, batch)
                settle(batch.results, batch.on_result, index, result)
        finally:
            if conn is not None:
                await _close(conn)

    async def _deliver(
        self, message: OutgoingMessage, conn: aiosmtplib.SMTP | None, batch: _Batch
    ) -> tuple[DeliveryResult, aiosmtplib.SMTP | None]:
        def result(status: DeliveryStatus, attempts: int, reason: str = "", code: int | None = None) -> DeliveryResult:
            return DeliveryResult(message.message_id, status, message.recipients, attempts, code, reason)

        reason, code = "", None
        for attempt in range(1, self.max_attempts + 1):
            if batch.down is not None:
                return result(DeliveryStatus.TEMPORARY, attempt - 1, batch.down), None
            try:
                if conn is None or not conn.is_connected:
                    conn = await self._connect()
                refused, _ = await conn.sendmail(message.sender, list(message.recipients), message.data)
                note = ""
                if refused:  # some, not all, recipients refused: the others got it, so no resend
                    note = "Một số người nhận bị từ chối: " + "; ".join(
                        f"{rcpt} ({resp.code} {resp.message})" for rcpt, resp in refused.items()
                    )
                return result(DeliveryStatus.DELIVERED, attempt, note), conn
            except _ConnectFailed as exc:
                reason, code, conn = str(exc), None, None
                if attempt == self.max_attempts:
                    batch.down = reason
            except aiosmtplib.SMTPRecipientsRefused as exc:
                first = exc.recipients[0]
                code, reason = first.code, _server_reason(first.code, first.message)
                if code >= 500:
                    return result(DeliveryStatus.PERMANENT, attempt, reason, code), conn
            except aiosmtplib.SMTPResponseException as exc:
                code, reason = exc.code, _server_reason(exc.code, exc.message)
                if code >= 500:
                    return result(DeliveryStatus.PERMANENT, attempt, reason, code), conn
                if code == 421:  # the server is closing this connection
                    await _drop(conn)
                    conn = None
            except ValueError as exc:  # aiosmtplib refuses an unsafe address before sending
                return result(DeliveryStatus.PERMANENT, attempt, f"Địa chỉ không hợp lệ: {exc}"), conn
            except (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError) as exc:
                code, reason = None, _connection_reason(self.config, exc)
                await _drop(conn)
                conn = None
            if attempt < self.max_attempts:
                await self.sleep(self.delays[min(attempt - 1, len(self.delays) - 1)] if self.delays else 0.0)
        return result(DeliveryStatus.TEMPORARY, self.max_attempts, reason, code), conn

    async def _connect(self) -> aiosmtplib.SMTP:
        c = self.config
        smtp = aiosmtplib.SMTP(
            hostname=c.host,
            port=c.port,
            timeout=c.timeout,
            use_tls=c.security == "tls",
            start_tls=c.security == "starttls",
            validate_certs=c.validate_certs,
            tls_context=self.tls_context,
        )
        try:
            await smtp.connect()
            if c.username:
                await smtp.login(c.username, c.password)
        except aiosmtplib.SMTPAuthenticationError as exc:
            await _drop(smtp)
            raise _ConnectFailed(f"Đăng nhập máy chủ SMTP {c.host} thất bại ({exc.code}): {exc.message}") from exc
        except (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError) as exc:
            await _drop(smtp)
            raise _ConnectFailed(_connection_reason(c, exc)) from exc
        return smtp


def _server_reason(code: int, text: str) -> str:
    if code >= 500:
        return f"Máy chủ SMTP từ chối ({code}): {text}"
    return f"Máy chủ SMTP tạm thời từ chối ({code}): {text}"


def _connection_reason(c: SMTPConfig, exc: BaseException) -> str:
    if isinstance(exc, (asyncio.TimeoutError, aiosmtplib.SMTPTimeoutError)):
        return f"Hết thời gian chờ máy chủ SMTP {c.host}:{c.port} ({c.timeout:g} giây)"
    detail = str(exc) or type(exc).__name__
    return f"Không kết nối được máy chủ SMTP {c.host}:{c.port}: {detail}"


async def _drop(conn: aiosmtplib.SMTP | None) -> None:
    """Forget a connection that may be broken, without saying QUIT."""
    if conn is not None:
        protocol = conn.protocol
        conn.close()
        await _wait_closed(protocol)
    return None


async def _wait_closed(protocol: object | None, limit: float = 1.0) -> None:
    """Wait (at most `limit` seconds) until a closed connection is really lost.

    Closing a TLS connection takes a few more turns of the event loop; a loop
    that ends first leaks the socket (ResourceWarning), as after a failed login.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while protocol is not None and getattr(protocol, "transport", None) is not None and loop.time() < deadline:
        await asyncio.sleep(0.005)


async def _close(conn: aiosmtplib.SMTP) -> None:
    """Say QUIT politely; a server that already hung up is fine too.

    The socket is closed either way, and released before we return.
    """
    protocol = conn.protocol
    try:
        if conn.is_connected:
            await conn.quit()
    except (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError):
        pass
    finally:
        conn.close()
    await _wait_closed(protocol)
