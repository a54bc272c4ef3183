"""A real HTTP server on 127.0.0.1:0 (http.server in a thread) that records webhook POSTs
and answers as each test scripts: a status per request, or "hang" to make the client time out."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Script:
    answers: list[int | str] = field(default_factory=list)  # HTTP status, or "hang" to time out
    received: list[Received] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


@pytest.fixture(name="server")
def server_fixture() -> Iterator[tuple[str, Script]]:
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            script.received.append(Received(dict(self.headers.items()), body))
            answer = script.answers.pop(0) if script.answers else 200
            if answer == "hang":
                script.release.wait(5)
                answer = 200
            assert isinstance(answer, int)
            text = b"ok" if answer < 300 else "lỗi máy nhận".encode()
            self.send_response(answer)
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/hook/cdcs?k=1", script
    finally:
        script.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)




# The fixture's former name, for a test module that still imports it so (ruff's F811 prefers server_fixture).
server = server_fixture
