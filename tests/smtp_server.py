"""A real SMTP server on localhost for tests: aiosmtpd with STARTTLS (or implicit TLS) and AUTH.

Import the fixtures into a test module (``from smtp_server import smtp_server_fixture,
tls_files``). The certificate is self-signed, made at test time with the
``openssl`` command; ``server.client_tls_context()`` trusts it, so clients can
keep certificate checking on. The handler records what arrives and can be
scripted to answer with 4xx/5xx, per recipient, to exercise retries.
"""

from __future__ import annotations

import logging
import socket
import ssl
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER = "lichthidua"
PASSWORD = "mật-khẩu-thử"


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes


@dataclass
class RecordingHandler:
    """Stores messages; ``data_replies[rcpt]`` / ``rcpt_replies[rcpt]`` are consumed one per attempt."""

    messages: list[Received] = field(default_factory=list)
    data_replies: dict[str, list[str]] = field(default_factory=dict)
    rcpt_replies: dict[str, list[str]] = field(default_factory=dict)
    attempts: Counter[str] = field(default_factory=Counter)
    sessions: int = 0

    async def handle_EHLO(self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]) -> list[str]:
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:
        self.attempts[address] += 1
        replies = self.rcpt_replies.get(address)
        if replies:
            return replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        for rcpt in envelope.rcpt_tos:
            replies = self.data_replies.get(rcpt)
            if replies:
                return replies.pop(0)
        data = envelope.original_content or envelope.content
        self.messages.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(data)))
        return "250 2.0.0 Message accepted"


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class SMTPServer:
    host: str
    port: int
    security: str  # "starttls" or "tls"
    handler: RecordingHandler
    cert: Path

    def client_tls_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=str(self.cert))
        return context

    def settings(self, **overrides: Any) -> dict[str, Any]:
        values: dict[str, Any] = dict(
            smtp_host=self.host,
            smtp_port=self.port,
            smtp_security=self.security,
            smtp_username=USER,
            smtp_password=PASSWORD,
            smtp_timeout_seconds=5.0,
        )
        values.update(overrides)
        return values


def make_tls_files(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_tls_files(tmp_path_factory.mktemp("tls"))


def start_server(security: str, cert: Path, key: Path, handler: RecordingHandler | None = None) -> tuple[Controller, SMTPServer]:
    """Start a server in its own thread; the caller stops the controller."""
    handler = handler or RecordingHandler()
    # aiosmtpd logs a deprecation line per AUTH from its own code; not ours to fix.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(str(cert), str(key))
    port = free_port()
    common: dict[str, Any] = dict(
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticator,
        server_hostname="localhost",
    )
    if security == "starttls":
        controller = Controller(
            handler, tls_context=server_ctx, require_starttls=True, auth_required=True, auth_require_tls=True, **common
        )
    else:
        # aiosmtpd only knows STARTTLS as "TLS" for AUTH; over implicit TLS it offers
        # AUTH when not told to require TLS (and warns if AUTH is then mandatory).
        controller = Controller(handler, ssl_context=server_ctx, auth_required=False, auth_require_tls=False, **common)
    controller.start()
    return controller, SMTPServer("localhost", port, security, handler, cert)


@pytest.fixture(name="smtp_server")
def smtp_server_fixture(tls_files: tuple[Path, Path]) -> Iterator[SMTPServer]:
    """STARTTLS on a submission-style port, AUTH LOGIN/PLAIN required after TLS."""
    controller, server = start_server("starttls", *tls_files)
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture(name="smtps_server")
def smtps_server_fixture(tls_files: tuple[Path, Path]) -> Iterator[SMTPServer]:
    """Implicit TLS from the first byte (port 465 style), AUTH offered and checked."""
    controller, server = start_server("tls", *tls_files)
    try:
        yield server
    finally:
        controller.stop()


# The fixtures' former names, for a test module that still imports them so (ruff's F811 prefers the *_fixture names).
smtp_server = smtp_server_fixture
smtps_server = smtps_server_fixture
