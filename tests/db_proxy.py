"""A TCP proxy in front of the real PostgreSQL that a test drives: the network fails, the database lives.

Modes (``proxy.mode = ...``):

* ``"pass"``: bytes flow both ways;
* ``"reset"``: every open connection is reset (RST), and every new one is reset at once
  (a firewall or a pooler dropping connections);
* ``"drop"``: packets vanish silently: nothing is forwarded any more, the sockets are held
  open, new connections are accepted and held too (a link or a firewall black-holing). When
  the mode goes back to ``"pass"``, the held connections stay black-holed (their state is gone,
  as in a firewall that forgot them); only new ones flow;
* ``"slow"``: every chunk waits ``delay`` seconds before it is forwarded (a congested link).

``proxy.silent()`` is a port that accepts connections and never answers (a PostgreSQL that
hangs at start-up).
"""

from __future__ import annotations

import select
import socket
import struct
import threading
import time
from contextlib import suppress

_HOLD = "drop"


def _reset(sock: socket.socket) -> None:
    with suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with suppress(OSError):
        sock.close()


class _Pair:
    def __init__(self, client: socket.socket, upstream: socket.socket | None, held: bool) -> None:
        self.client = client
        self.upstream = upstream
        self.held = held  # black-holed for good (see "drop")
        self.closed = False


class Proxy:
    def __init__(self, upstream: tuple[str, int] = ("127.0.0.1", 5432), *, delay: float = 0.05) -> None:
        self.upstream = upstream
        self.delay = delay
        self.mode = "pass"
        self.accepted = 0
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.server.getsockname()[1]
        self.pairs: list[_Pair] = []
        self.lock = threading.Lock()
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, url: str) -> str:
        """A database URL of 127.0.0.1:5432 made to go through this proxy."""
        return url.replace("127.0.0.1:5432", f"127.0.0.1:{self.port}")

    def set(self, mode: str) -> None:
        with self.lock:
            self.mode = mode
            pairs = list(self.pairs)
        for pair in pairs:
            if mode == "reset":
                self._close(pair, reset=True)
            elif mode == _HOLD:
                pair.held = True

    def _close(self, pair: _Pair, *, reset: bool = False) -> None:
        pair.closed = True
        for sock in (pair.client, pair.upstream):
            if sock is None:
                continue
            if reset:
                _reset(sock)
            else:
                with suppress(OSError):
                    sock.close()

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            self.accepted += 1
            mode = self.mode
            if mode == "reset":
                _reset(client)
                continue
            if mode == _HOLD:
                pair = _Pair(client, None, held=True)
            else:
                try:
                    upstream = socket.create_connection(self.upstream)
                except OSError:
                    _reset(client)
                    continue
                pair = _Pair(client, upstream, held=False)
                for a, b in ((client, upstream), (upstream, client)):
                    threading.Thread(target=self._pump, args=(pair, a, b), daemon=True).start()
            with self.lock:
                self.pairs.append(pair)

    def _pump(self, pair: _Pair, src: socket.socket, dst: socket.socket) -> None:
        try:
            while not pair.closed:
                if pair.held:  # black-holed: read nothing, send nothing, keep the socket open
                    time.sleep(0.05)
                    continue
                ready, _, _ = select.select([src], [], [], 0.05)
                if not ready or pair.held:
                    continue
                data = src.recv(65536)
                if not data:
                    break
                if self.mode == "slow":
                    time.sleep(self.delay)
                if pair.held:
                    continue  # the packet vanished
                dst.sendall(data)
        except (OSError, ValueError):
            pass
        if not pair.held and not pair.closed:
            for sock in (src, dst):
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._stop = True
        with suppress(OSError):
            self.server.close()
        with self.lock:
            pairs = list(self.pairs)
        for pair in pairs:
            self._close(pair)


class Silent:
    """A port that accepts TCP connections and never says a word (nor closes them)."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.server.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            self.held.append(client)

    def close(self) -> None:
        with suppress(OSError):
            self.server.close()
        for sock in self.held:
            with suppress(OSError):
                sock.close()
