"""Rendered HTML pages, once per key, off the event loop, answered with ETag and 304.

A page's key says everything it shows: the calendar's version (or the
snapshot's generation for ``/``), the day (countdowns move at midnight),
the query, and the extensions' data. A miss renders in a worker thread, so a
slow page never holds up the event loop that serves feeds; concurrent misses
for one key wait for a single render; old keys age out of the LRU.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from scheduler.web.http_cache import strong_etag
from scheduler.web.single_flight import SingleFlight

CACHE_SIZE = 256


@dataclass(frozen=True, slots=True)
class Page:
    body: bytes
    etag: str


class PageCache:
    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._pages: OrderedDict[Hashable, Page] = OrderedDict()
        self._flight: SingleFlight[Page] = SingleFlight()
        self.renders = 0  # cache misses rendered (tests read it)

    async def get(self, key: Hashable, render: Callable[[], str]) -> Page:
        hit = self._pages.get(key)
        if hit is not None:
            self._pages.move_to_end(key)
            return hit
        return await self._flight.run(key, lambda: self._miss(key, render))

    async def _miss(self, key: Hashable, render: Callable[[], str]) -> Page:
        page = await asyncio.to_thread(self._render, render)
        self.renders += 1
        self._pages[key] = page
        while len(self._pages) > self.size:
            self._pages.popitem(last=False)
        return page

    @staticmethod
    def _render(render: Callable[[], str]) -> Page:
        body = render().encode("utf-8")
        return Page(body, strong_etag(body))
