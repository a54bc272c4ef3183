"""Rendered HTML pages, once per key, off the event loop, answered with ETag and 304.

A page's key says everything it shows: the calendar's version (or the
snapshot's generation for ``/``), the day (countdowns move at midnight),
the query, and the extensions' data. A miss renders in a worker thread, so a
slow page never holds up the event loop that serves feeds; concurrent misses
for one key wait for a single render; old keys age out of the LRU.

Pages already served are also remembered by URL (path and raw query string)
with a *guard*: the few values the page depends on that can change under the
same URL (the calendar's version, the day, the extensions' data keys). A
request whose URL is known and whose guard still matches is answered from
there, before routing (see :class:`scheduler.web.pages.PageFastPath`): no
query parsing, no validation, no await.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from scheduler.web.http_cache import strong_etag
from scheduler.web.single_flight import SingleFlight

CACHE_SIZE = 256
CONTENT_TYPE = b"text/html; charset=utf-8"
# Browsers revalidate every time (the page changes with the day and with edits); a 304 costs a lookup.
CACHE_CONTROL = b"no-cache"

RawHeaders = tuple[tuple[bytes, bytes], ...]


@dataclass(frozen=True, slots=True)
class Page:
    body: bytes
    etag: str
    # Encoded once with the body, for the ASGI response: 200 (with length and type) and 304.
    raw_full: RawHeaders = ()
    raw_not_modified: RawHeaders = ()


def make_page(html: str) -> Page:
    body = html.encode("utf-8")
    etag = strong_etag(body)
    validators = ((b"cache-control", CACHE_CONTROL), (b"etag", etag.encode("latin-1")))
    full = ((b"content-length", str(len(body)).encode()), (b"content-type", CONTENT_TYPE), *validators)
    return Page(body, etag, full, validators)


class PageCache:
    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._pages: OrderedDict[Hashable, Page] = OrderedDict()
        self._flight: SingleFlight[Page] = SingleFlight()
        self._by_url: dict[Hashable, tuple[Hashable, Page]] = {}
        self.renders = 0  # cache misses rendered (tests read it)
        self.hits_by_url = 0  # requests answered by peek (tests read it)

    async def get(self, key: Hashable, render: Callable[[], str]) -> Page:
        hit = self._pages.get(key)
        if hit is not None:
            self._pages.move_to_end(key)
            return hit
        return await self._flight.run(key, lambda: self._miss(key, render))

    def remember(self, url: Hashable, guard: Hashable, page: Page) -> None:
        """Serve ``page`` for ``url`` while the page's ``guard`` stays equal."""
        if len(self._by_url) >= self.size * 4:  # URLs are client-controlled: bound them
            self._by_url.clear()
        self._by_url[url] = (guard, page)

    def peek(self, url: Hashable, guard: Hashable) -> Page | None:
        """The page served for ``url`` if its guard is still ``guard``; a dict lookup and one comparison."""
        hit = self._by_url.get(url)
        if hit is None or hit[0] != guard:
            return None
        self.hits_by_url += 1
        return hit[1]

    async def _miss(self, key: Hashable, render: Callable[[], str]) -> Page:
        page = await asyncio.to_thread(lambda: make_page(render()))
        self.renders += 1
        self._pages[key] = page
        while len(self._pages) > self.size:
            self._pages.popitem(last=False)
        return page
