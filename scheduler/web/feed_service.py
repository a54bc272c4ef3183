"""Rendered feeds, once per calendar version and query, shared by every request.

Calendar clients poll the same few URLs all day; rendering is milliseconds
but a lookup is microseconds, so a request only renders on a cache miss
(first request after a reload, or a new filter). The key is (calendar id,
calendar version, query): a reload bumps the version, so stale bodies are
never served and need no explicit invalidation; old keys age out of the LRU.
Concurrent misses for one key wait for a single render.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from types import MappingProxyType

from notifiers.ics import FeedMeta, RenderOptions, render_calendar
from scheduler.errors import CalendarError, CalendarNotFound
from scheduler.core.events import Event
from scheduler.core.expand import Window, default_window, expand
from scheduler.feeds.query import FeedQuery, parse_feed_query, select
from scheduler.web.single_flight import SingleFlight
from scheduler.web.http_cache import Validators, validator_headers
from notifiers.ics import feed_meta
from scheduler.live.repository import CalendarRepository
from scheduler.live.snapshot import CalendarState, local_today
from scheduler.feeds.revisions import Ledger, LedgerEntry, reconcile
from scheduler.store.threads import in_database_thread

CONTENT_TYPE = "text/calendar; charset=utf-8"
RECORD_WAIT_SECONDS = 0.5  # how long a feed waits for its first-published dates to be saved
log = logging.getLogger("lichthidua.web")


def _saved(task: asyncio.Future[None]) -> None:
    if task.cancelled() or task.exception() is None:
        return
    exc = task.exception()
    log.warning("Chưa lưu được ngày phát hành đầu của một số sự kiện vào CSDL (%s): nguồn lịch vẫn được phục vụ.",
                str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


CACHE_SIZE = 512

CacheKey = tuple[str, int, FeedQuery]


@dataclass(frozen=True, slots=True)
class RenderedFeed:
    body: bytes
    validators: Validators
    events: int  # live events in the body
    cancelled: int  # events published as cancelled
    headers: Mapping[str, str] = field(default_factory=dict)  # ETag, Last-Modified, Cache-Control
    # The same, encoded once for the ASGI response: 200/HEAD (with length and type) and 304.
    raw_full: tuple[tuple[bytes, bytes], ...] = ()
    raw_not_modified: tuple[tuple[bytes, bytes], ...] = ()


def render_events(
    events: Sequence[Event],
    cancelled: Sequence[Event],
    meta: FeedMeta,
    ledger: Ledger,
    options: RenderOptions,
    now: datetime,
    fallback_modified: datetime,
) -> tuple[RenderedFeed, dict[str, LedgerEntry]]:
    """Render selected events with the ledger's SEQUENCE/DTSTAMP; pure.

    Returns the feed and the ledger entries for UIDs it published first
    (events outside the tracked years, asked for by a custom window).
    Last-Modified is the newest DTSTAMP in the feed: it moves exactly when
    an event in it changes, and survives restarts with the ledger.
    """
    fresh = reconcile(ledger, events, now=now, baseline=meta.baseline_stamp, tracked=None)
    revisions = {uid: e.revision for uid, e in ledger.items()}
    revisions.update({uid: e.revision for uid, e in fresh.items()})
    rendered = render_calendar(events, meta, revisions=revisions, now=now, options=options, cancelled=cancelled)
    stamps = [rendered.revisions[e.uid].dtstamp for e in (*events, *cancelled)]
    last_modified = max(stamps, default=fallback_modified)
    feed = RenderedFeed(
        body=rendered.body,
        validators=Validators.for_body(rendered.body, last_modified),
        events=len(events),
        cancelled=len(cancelled),
    )
    return feed, fresh


def render_feed(
    state: CalendarState,
    query: FeedQuery,
    repository: CalendarRepository,
    options: RenderOptions,
    now: datetime,
) -> tuple[RenderedFeed, dict[str, LedgerEntry]]:
    """Expand, filter and render one feed of a live calendar.

    Blocking (CPU only); the route runs it in a worker thread on a cache miss.
    """
    calendar = state.calendar
    if calendar is None:
        raise CalendarError(f"Lịch '{state.id}' đang có lỗi và chưa có phiên bản hợp lệ nào.")
    meta = feed_meta(calendar)
    events = select(expand(calendar, Window(query.start, query.end)), query)
    live = {e.uid for e in events}
    cancelled = [e for e in select(repository.cancelled(state.id, now), query) if e.uid not in live]
    return render_events(
        events, cancelled, meta, repository.ledger(state.id), options, now, state.good_since or meta.baseline_stamp
    )


class FeedService:
    """The render cache in front of :func:`render_feed`."""

    def __init__(
        self,
        repository: CalendarRepository,
        options: RenderOptions,
        clock: Callable[[], datetime],
        *,
        size: int = CACHE_SIZE,
    ) -> None:
        self.repository = repository
        self.options = options
        self.clock = clock
        self.size = size
        # Cache-Control max-age equals the feed's REFRESH-INTERVAL: clients and caches agree.
        self.max_age = int(options.refresh_interval.total_seconds())
        self._cache: OrderedDict[CacheKey, RenderedFeed] = OrderedDict()
        self._flight: SingleFlight[RenderedFeed] = SingleFlight()
        self._by_url: dict[tuple[str, int, bytes, date], RenderedFeed] = {}
        self.renders = 0  # how many cache misses were rendered (tests and /healthz read it)

    def state(self, calendar_id: str) -> CalendarState:
        state = self.repository.snapshot.states.get(calendar_id)
        if state is None:
            raise CalendarNotFound(f"Không có lịch '{calendar_id}'.")
        if state.calendar is None:
            raise CalendarError(f"Lịch '{calendar_id}' đang có lỗi và chưa có phiên bản hợp lệ nào.")
        return state

    async def for_request(
        self, calendar_id: str, raw_query: bytes, params: Callable[[], Mapping[str, str]]
    ) -> RenderedFeed:
        """The feed a request asks for: the hot path is two dict lookups.

        Requests are first matched by their raw query string (and today's
        date, which moves the default window), so a client polling the same
        URL skips parsing; a miss parses, and equal queries share a render.
        """
        state = self.state(calendar_id)
        today = local_today(self.clock(), state.calendar)
        key = (calendar_id, state.version, raw_query, today)
        hit = self._by_url.get(key)
        if hit is not None:
            return hit
        calendar = state.calendar
        assert calendar is not None
        span = (calendar.span.start, calendar.span.end) if calendar.span is not None else None
        window = default_window(calendar, today)
        query = parse_feed_query(params(), today, campaign=(window.start, window.end) if span else None, span=span)
        feed = self._cache.get((calendar_id, state.version, query)) or await self.get(calendar_id, query)
        if len(self._by_url) >= self.size * 4:  # URLs are client-controlled: bound them
            self._by_url.clear()
        self._by_url[key] = feed
        return feed

    def peek(self, calendar_id: str, raw_query: bytes) -> RenderedFeed | None:
        """A feed already served for exactly this URL today, or None; never raises."""
        state = self.repository.snapshot.states.get(calendar_id)
        if state is None or state.calendar is None:
            return None
        today = local_today(self.clock(), state.calendar)
        return self._by_url.get((calendar_id, state.version, raw_query, today))

    def cached(self, calendar_id: str, query: FeedQuery) -> RenderedFeed | None:
        """The fast path: a dict lookup, no await, no thread."""
        state = self.state(calendar_id)
        return self._cache.get((calendar_id, state.version, query))

    def render_now(self, calendar_id: str, query: FeedQuery) -> RenderedFeed:
        """Render synchronously and cache (benchmarks and the CLI use this)."""
        state = self.state(calendar_id)
        key = (calendar_id, state.version, query)
        feed, fresh = render_feed(state, query, self.repository, self.options, self.clock())
        self.repository.record(fresh)
        return self._store(key, feed)

    async def get(self, calendar_id: str, query: FeedQuery) -> RenderedFeed:
        state = self.state(calendar_id)
        key = (calendar_id, state.version, query)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        return await self._flight.run(key, lambda: self._miss(key, state, query))

    async def _miss(self, key: CacheKey, state: CalendarState, query: FeedQuery) -> RenderedFeed:
        feed, fresh = await asyncio.to_thread(render_feed, state, query, self.repository, self.options, self.clock())
        if fresh:
            # Saved for later renders (the feed itself is already made from memory): a database that does not
            # answer, or a full disk, delays or loses the save, never the feed.
            saving = asyncio.ensure_future(in_database_thread(self.repository.record, fresh))
            saving.add_done_callback(_saved)
            await asyncio.wait({saving}, timeout=RECORD_WAIT_SECONDS)
        return self._store(key, feed)

    def _store(self, key: CacheKey, feed: RenderedFeed) -> RenderedFeed:
        headers = validator_headers(feed.validators, self.max_age)
        raw = tuple((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items())
        full = ((b"content-length", str(len(feed.body)).encode()), (b"content-type", CONTENT_TYPE.encode()))
        feed = replace(
            feed, headers=MappingProxyType(headers), raw_full=full + raw, raw_not_modified=raw
        )
        self.renders += 1
        self._cache[key] = feed
        self._cache.move_to_end(key)
        while len(self._cache) > self.size:
            self._cache.popitem(last=False)
        return feed
