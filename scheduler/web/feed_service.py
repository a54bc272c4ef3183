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

from notifiers.ics import FeedMeta, RenderOptions, feed_meta, render_calendar
from notifiers.revisions import Ledger, LedgerEntry, reconcile
from scheduler.core.events import Event
from scheduler.core.expand import Window, default_window, expand
from scheduler.errors import CalendarError, CalendarNotFound
from scheduler.feeds.feed_versions import DatabaseVersions, MemoryVersions, Versions
from scheduler.feeds.query import FeedQuery, calendar_query, feed_key, feed_name, select
from scheduler.live.repository import CalendarRepository
from scheduler.live.snapshot import CalendarState, local_today
from scheduler.store.threads import in_database_thread
from scheduler.web.http_cache import Validators, validator_headers
from scheduler.web.single_flight import SingleFlight

CONTENT_TYPE = "text/calendar; charset=utf-8"
RECORD_WAIT_SECONDS = 0.5  # how long a feed waits for its first-published dates to be saved
log = logging.getLogger("lichthidua.web")


def _late_stamp(task: asyncio.Future[RenderedFeed]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("Không ghi được Last-Modified của nguồn lịch vào cơ sở dữ liệu: %s", task.exception())


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
    key: str = ""  # the feed URL's identity over time (feed_versions): "default|kinds=deadline"


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
    today = local_today(now, calendar)
    window = default_window(calendar, today)
    span = (calendar.span.start, calendar.span.end) if calendar.span is not None else None
    default = calendar_query({}, today, (window.start, window.end), span)
    meta = replace(feed_meta(calendar), name=feed_name(calendar.title, query, default))
    events = select(expand(calendar, Window(query.start, query.end)), query)
    live = {e.uid for e in events}
    cancelled = [e for e in select(repository.cancelled(state.id, now), query) if e.uid not in live]
    feed, fresh = render_events(
        events, cancelled, meta, repository.ledger(state.id), options, now, state.good_since or meta.baseline_stamp
    )
    return replace(feed, key=feed_key(query, default)), fresh


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
        self._versions: Versions | None = None
        self._memory = MemoryVersions()

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
        query = calendar_query(params(), today, (window.start, window.end), span)
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
        now = self.clock()
        feed, fresh = render_feed(state, query, self.repository, self.options, now)
        self.repository.record(fresh)
        return self._store(key, self._stamped(state.id, feed, now))

    async def get(self, calendar_id: str, query: FeedQuery) -> RenderedFeed:
        state = self.state(calendar_id)
        key = (calendar_id, state.version, query)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        return await self._flight.run(key, lambda: self._miss(key, state, query))

    async def _miss(self, key: CacheKey, state: CalendarState, query: FeedQuery) -> RenderedFeed:
        now = self.clock()
        feed, fresh = await asyncio.to_thread(render_feed, state, query, self.repository, self.options, now)
        if fresh:
            # Saved for later renders (the feed itself is already made from memory): a database that does not
            # answer, or a full disk, delays or loses the save, never the feed.
            saving = asyncio.ensure_future(in_database_thread(self.repository.record, fresh))
            saving.add_done_callback(_saved)
            await asyncio.wait({saving}, timeout=RECORD_WAIT_SECONDS)
        feed = await self._stamped_soon(state.id, feed, now)
        return self._store(key, feed)

    async def _stamped_soon(self, calendar_id: str, feed: RenderedFeed, now: datetime) -> RenderedFeed:
        """Last-Modified from the shared database when it answers in time; else from this process's
        memory (still strictly later for a new body here), so a slow database never holds a feed back."""
        stamping = asyncio.ensure_future(in_database_thread(self._stamped, calendar_id, feed, now))
        done, _ = await asyncio.wait({stamping}, timeout=RECORD_WAIT_SECONDS)
        if stamping in done and stamping.exception() is None:
            return stamping.result()
        stamping.add_done_callback(_late_stamp)
        return self._stamped(calendar_id, feed, now, versions=self._memory)

    def _stamped(self, calendar_id: str, feed: RenderedFeed, now: datetime,
                 versions: Versions | None = None) -> RenderedFeed:
        """Last-Modified strictly later whenever this URL's body changes (see feed_versions)."""
        if versions is None:
            if self._versions is None:
                store = self.repository.store
                self._versions = DatabaseVersions(store.engine) if store is not None else self._memory
            versions = self._versions
        moment = versions.stamp(calendar_id, feed.key, feed.validators.etag, now)
        return replace(feed, validators=replace(feed.validators, last_modified=moment))

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
