"""Endpoints that misbehave on purpose: a raw socket server on 127.0.0.1:0 whose answer is chosen by the path.

``/b/<behaviour>/<anything>`` answers as :data:`BEHAVIOURS` says; every request is
recorded (path, headers, body). Nothing is stored on disk: the huge body is generated
as it is sent. The server runs in threads (one per connection) and stops with the fixture.
"""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest

# behaviour → what the server does with a request (the channel's expected outcome in brackets)
BEHAVIOURS = {
    "ok": "200 at once [delivered]",
    "flaky": "503 the first time, then 200 [delivered on a retry]",
    "error": "500 every time [temporary, breaker opens]",
    "busy": "429 with Retry-After: 120 [temporary, the row waits 120 s]",
    "slow": "200 after three times the total timeout [temporary: timeout]",
    "hang": "reads the request, never answers [temporary: timeout]",
    "drip": "the status line one byte every 0.2 s [temporary: total timeout]",
    "reset": "a TCP reset instead of an answer [temporary]",
    "close": "closes without a word [temporary]",
    "garbage": "bytes that are not HTTP [temporary]",
    "redirect": "302 to another host [permanent: not followed]",
    "gone": "404 [permanent]",
    "huge": "200 with a 64 MB body, streamed [delivered: only the head is read]",
}


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class CorpusServer:
    port: int = 0
    seen: list[Seen] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    counts: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    slow_seconds: float = 3.0

    def url(self, behaviour: str, unit: str = "x", scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}/b/{behaviour}/{unit}"

    def paths(self, behaviour: str) -> list[str]:
        return [s.path for s in self.seen if s.path.startswith(f"/b/{behaviour}/")]


def _read_request(conn: socket.socket) -> tuple[bytes, str, dict[str, str], bytes] | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
        if data[:1] == b"\x16":  # a TLS ClientHello to this plain server
            return data, "", {}, b""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return data, lines[0].split(" ")[1] if " " in lines[0] else "", headers, body


def _answer(status: str, body: bytes = b"", extra: str = "") -> bytes:
    return (f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n{extra}\r\n").encode() + body


def _handle(server: CorpusServer, conn: socket.socket) -> None:
    try:
        conn.settimeout(30)
        got = _read_request(conn)
        if got is None:
            return
        raw, path, headers, body = got
        if raw[:1] == b"\x16":  # what a plain HTTP server says to TLS
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        with server.lock:
            server.seen.append(Seen(path, headers, body))
            behaviour = path.split("/")[2] if path.count("/") >= 2 else "ok"
            server.counts[path] = n = server.counts.get(path, 0) + 1
        if behaviour == "ok" or behaviour == "flaky" and n > 1:
            conn.sendall(_answer("200 OK", b"ok"))
        elif behaviour == "flaky":
            conn.sendall(_answer("503 Service Unavailable", b"busy"))
        elif behaviour == "error":
            conn.sendall(_answer("500 Internal Server Error", "lỗi máy nhận".encode()))
        elif behaviour == "busy":
            conn.sendall(_answer("429 Too Many Requests", b"slow down", "Retry-After: 120\r\n"))
        elif behaviour == "slow":
            if not server.stop.wait(server.slow_seconds):
                conn.sendall(_answer("200 OK", b"late"))
        elif behaviour == "hang":
            server.stop.wait(60)
        elif behaviour == "drip":
            for byte in b"HTTP/1.1 200 OK\r\n":
                if server.stop.wait(0.2):
                    break
                conn.sendall(bytes([byte]))
        elif behaviour == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif behaviour == "close":
            pass
        elif behaviour == "garbage":
            conn.sendall(b"\x00\xffthis is not http at all\r\n\r\n")
        elif behaviour == "redirect":
            conn.sendall(_answer("302 Found", b"", "Location: https://elsewhere.example.org/hook\r\n"))
        elif behaviour == "gone":
            conn.sendall(_answer("404 Not Found", b"no such hook"))
        elif behaviour == "huge":
            size = 64 * 1024 * 1024
            conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Length: {size}\r\n\r\n".encode())
            chunk = b"x" * 65536
            for _ in range(size // len(chunk)):
                if server.stop.is_set():
                    break
                conn.sendall(chunk)
    except OSError:
        pass  # the client hung up (as it should, after its timeout or the head of a huge body)
    finally:
        conn.close()


@contextmanager
def threaded_server(handle: Callable[[socket.socket], None], stop: threading.Event, *,
                    join_handlers: bool = True) -> Iterator[int]:
    """A listener on 127.0.0.1 whose accept loop hands each connection to ``handle`` in a thread of its
    own until ``stop`` is set (set on leaving); yields its port. The endpoint corpus and the benchmark's
    dead webhooks (bench/scale.py) both serve this way. ``join_handlers``: wait (5 s each) for them."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.settimeout(0.2)
    threads: list[threading.Thread] = []

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=handle, args=(conn,), daemon=True)
            thread.start()
            threads.append(thread)

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        acceptor.join(5)
        listener.close()
        for thread in threads if join_handlers else ():
            thread.join(5)


@pytest.fixture
def corpus() -> Iterator[CorpusServer]:
    server = CorpusServer()
    with threaded_server(lambda conn: _handle(server, conn), server.stop) as port:
        server.port = port
        yield server


def closed_port() -> int:
    """A port nobody listens on: connections are refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def backlog() -> Iterator[int]:
    """A port that listens and never accepts: the connection is made by the kernel, then nothing."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        yield int(s.getsockname()[1])
