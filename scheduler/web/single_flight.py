"""One render per key at a time: concurrent misses for the same key wait for the first.

Feeds and pages are rendered in worker threads on a cache miss; when a
hundred clients ask for the same new feed at once, one renders and the others
await its result (shielded, so a client that disconnects does not cancel the
render the others wait for). A failed render fails its waiters too, and the
next request tries again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class SingleFlight(Generic[V]):
    def __init__(self) -> None:
        self._pending: dict[Hashable, asyncio.Future[V]] = {}

    async def run(self, key: Hashable, make: Callable[[], Awaitable[V]]) -> V:
        pending = self._pending.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            value = await make()
            future.set_result(value)
            return value
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: waiters re-raise it, nobody else must
            raise
        finally:
            del self._pending[key]
