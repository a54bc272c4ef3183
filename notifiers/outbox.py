"""The embedded default transport: each message becomes a .eml file in a folder.

With no SMTP server configured, nothing is lost: admins open the files in any
mail client, or a relay picks them up later. The file name comes from the
Message-ID, so sending the same reminder again replaces its file instead of
adding a duplicate, and each write is atomic (temp file + rename) so a reader
never sees half a message.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from notifiers.base import DeliveryResult, DeliveryStatus, MessageSource, OutgoingMessage, ResultHook, iterate
from scheduler.files import write_atomic

_UNSAFE = re.compile(r"[^A-Za-z0-9._@-]")


def eml_name(message_id: str) -> str:
    """'<3f2a...@congdoan.vn>' -> '3f2a...@congdoan.vn.eml'; nothing that can leave the folder."""
    stem = _UNSAFE.sub("_", message_id.strip().strip("<>")).lstrip(".") or "message"
    return stem[:200] + ".eml"


class OutboxTransport:
    name = "outbox"

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def describe(self) -> str:
        return f"Chưa cấu hình SMTP: email được ghi vào thư mục {self.directory}"

    def path_for(self, message: OutgoingMessage) -> Path:
        return self.directory / eml_name(message.message_id)

    def _write_all(self, messages: list[OutgoingMessage]) -> list[DeliveryResult]:
        results = []
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            reason = f"Không tạo được thư mục {self.directory}: {exc.strerror or exc}"
            return [DeliveryResult(m.message_id, DeliveryStatus.TEMPORARY, m.recipients, 1, None, reason) for m in messages]
        for message in messages:
            try:
                write_atomic(self.path_for(message), message.data)
                results.append(DeliveryResult(message.message_id, DeliveryStatus.DELIVERED, message.recipients))
            except OSError as exc:
                reason = f"Không ghi được {self.path_for(message)}: {exc.strerror or exc}"
                results.append(DeliveryResult(message.message_id, DeliveryStatus.TEMPORARY, message.recipients, 1, None, reason))
        return results

    async def send_many(self, messages: MessageSource, on_result: ResultHook | None = None) -> list[DeliveryResult]:
        # Files are written off the event loop, in chunks, so a wave does not block the web server.
        # With on_result each result goes through it and is not kept (see ResultHook).
        results: list[DeliveryResult] = []
        chunk: list[OutgoingMessage] = []
        done = 0

        async def flush() -> None:
            nonlocal done
            written = await asyncio.to_thread(self._write_all, chunk)
            if on_result is None:
                results.extend(written)
            else:
                for i, result in enumerate(written, done):
                    on_result(i, result)
            done += len(written)

        async for message in iterate(messages):
            chunk.append(message)
            if len(chunk) >= 256:
                await flush()
                chunk = []
        if chunk:
            await flush()
        return results
