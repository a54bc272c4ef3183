"""One request to the app without a server: `lichthidua serve --get PATH`.

Admins check a feed or a page (and scripts fetch a feed) exactly as the
service would answer it, without opening a port (datasette's ``serve --get``).
The app's lifespan runs around the request, so calendars and the ledger load
as they do at start-up; the watcher does not start.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import FastAPI
from starlette.types import Message


async def get(app: FastAPI, target: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers, body) of ``GET target`` ("/feeds/kon-tum-2024.ics?kinds=deadline")."""
    parts = urlsplit(target)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": parts.path or "/",
        "raw_path": (parts.path or "/").encode(),
        "query_string": parts.query.encode(),
        "root_path": "",
        "headers": [(b"host", b"localhost")],
        "client": ("127.0.0.1", 0),
        "server": ("localhost", 80),
        "state": {},
    }
    status = 500
    headers: list[tuple[str, str]] = []
    body = bytearray()

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status = message["status"]
            headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in message.get("headers", [])]
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))

    async with app.router.lifespan_context(app):
        await app(scope, receive, send)
    return status, headers, bytes(body)
