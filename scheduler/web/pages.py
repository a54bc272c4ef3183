"""The HTML pages: ``/`` (every campaign) and ``/c/{calendar}`` (one campaign, one year at a time).

Handlers look a page up in the :class:`~scheduler.web.page_cache.PageCache`
by everything it shows (calendar version or snapshot generation, the day,
the query, the extensions' data) and answer from memory, with an ETag and
304 for a browser that has it. A miss gathers a view (see
:mod:`scheduler.web.views` and :mod:`scheduler.web.listing`) and renders the
template in a worker thread: expanding a calendar never runs on the event
loop that serves feeds. Jinja autoescaping turns anything from the YAML into
text, so a title containing ``<script>`` is shown, never run.

A page already served is answered by :class:`PageFastPath` before routing,
like a feed by :class:`~scheduler.web.feed_routes.FeedFastPath`: by its URL,
while the calendar version, the day and the extensions' data keys (all in
memory) are unchanged. The routes below, with their documented and
validated query parameters, see only the first request for a URL and the
ones after something changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from scheduler.core.campaign import Calendar
from scheduler.core.events import Event
from scheduler.core.expand import Window, default_window, expand, expand_deadlines, finished, undated_items
from scheduler.errors import BadRequest, CalendarNotFound
from scheduler.feeds.query import KIND_LABELS, MAX_DATE, MIN_DATE, parse_feed_query, select
from scheduler.live.repository import CalendarRepository
from scheduler.live.snapshot import CalendarState, Snapshot, local_today
from scheduler.web import listing, views
from scheduler.web.extensions import WebExtension
from scheduler.web.feed_routes import Prebuilt, conditional_headers, route_path, send_prebuilt
from scheduler.web.http_cache import Validators, is_not_modified
from scheduler.web.page_cache import Page, PageCache
from scheduler.web.subscribe import subscribe_links

router = APIRouter(tags=["Trang web"])
NO_DATE = datetime(1970, 1, 1, tzinfo=UTC)  # pages send no Last-Modified


def _not_modified(page: Page, if_none_match: str | None) -> bool:
    """Pages are validated by ETag only (they send no Last-Modified)."""
    return if_none_match is not None and is_not_modified(Validators(page.etag, NO_DATE), if_none_match, None)


def _answer(request: Request, page: Page) -> Response:
    """200 with the page, or 304 when the browser has it."""
    if _not_modified(page, request.headers.get("if-none-match")):
        return Prebuilt(b"", 304, page.raw_not_modified)
    return Prebuilt(page.body, 200, page.raw_full)


def index_guard(repository: CalendarRepository, now: datetime) -> tuple[int, date]:
    """What `/` depends on besides its URL: the snapshot (any calendar changed) and the day."""
    return repository.snapshot.generation, local_today(now, None)


def calendar_guard(
    state: CalendarState, now: datetime, extensions: Sequence[WebExtension]
) -> tuple[object, ...] | None:
    """What `/c/{id}` depends on besides its URL, from memory; None when an extension's data is not fresh."""
    keys = []
    for extension in extensions:
        if extension.calendar_context is not None:
            data = extension.calendar_context.cached(state)
            if data is None:
                return None
            keys.append(data.key)
    return _calendar_guard(state, local_today(now, state.calendar), keys)


def _calendar_guard(state: CalendarState, today: date, keys: Sequence[object]) -> tuple[object, ...]:
    return state.version, state.diagnostics, today, tuple(keys)


def _summary(cid: str, state: CalendarState, now: datetime) -> listing.Summary:
    calendar = state.calendar
    if calendar is None:
        return listing.summarize(cid, None, state.failing, None)
    today = local_today(now, calendar)
    deadline = views.next_deadline(expand_deadlines(calendar, default_window(calendar, today)), today)
    return listing.summarize(cid, calendar, state.failing, deadline, finished=finished(calendar, today))


class Summaries:
    """One :class:`listing.Summary` per calendar, recomputed only when its version or the day changes."""

    def __init__(self) -> None:
        self._rows: dict[str, tuple[int, date, listing.Summary]] = {}

    def all(self, snapshot: Snapshot, now: datetime) -> list[listing.Summary]:
        today = local_today(now, None)
        rows: dict[str, tuple[int, date, listing.Summary]] = {}
        for cid, state in snapshot.states.items():
            hit = self._rows.get(cid)
            if hit is None or hit[0] != state.version or hit[1] != today or hit[2].failing != state.failing:
                hit = (state.version, today, _summary(cid, state, now))
            rows[cid] = hit
        self._rows = rows  # deleted calendars drop out
        return [row for _, _, row in rows.values()]


def _int_param(raw: str | None, name: str, example: str) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise BadRequest(f"Tham số '{name}' phải là một số, ví dụ {example} (nhận được: {raw!r}).") from None


@router.get("/", response_class=HTMLResponse, summary="Danh sách các phong trào thi đua")
async def index(
    request: Request,
    q: Annotated[str, Query(description="Tìm theo tên, cơ quan ban hành, số văn bản (không phân biệt dấu).")] = "",
    cap: Annotated[str | None, Query(description="Chỉ một cấp: 0 toàn quốc, 1 tỉnh, 2 cấp trên cơ sở, 3 cơ sở.")] = None,
    trang: Annotated[str | None, Query(description="Trang (mỗi trang 40 phong trào).")] = None,
) -> Response:
    app = request.app
    now = app.state.clock()
    guard = index_guard(app.state.repository, now)
    snapshot: Snapshot = app.state.repository.snapshot
    today = local_today(now, None)
    level = _int_param(cap, "cap", "1")
    if level is not None and not 0 <= level < len(listing.LEVELS):
        raise BadRequest(f"Tham số 'cap' phải từ 0 đến {len(listing.LEVELS) - 1} (nhận được: {cap!r}).")
    page = _int_param(trang, "trang", "2") or 1
    query = " ".join(q.split())[:200]
    summaries: Summaries = app.state.summaries

    def render() -> str:
        found = listing.listing(summaries.all(snapshot, now), query=query, level=level, page=page)
        return app.state.templates.get_template("index.html").render(
            {"listing": found, "snapshot": snapshot, "views": views, "today": today, "levels": listing.LEVELS}
        )

    cache: PageCache = app.state.pages
    found = await cache.get(("index", snapshot.generation, today, query, level, page), render)
    if guard == index_guard(app.state.repository, now):  # not when a reload came in meanwhile
        cache.remember(("/", request.scope["query_string"]), guard, found)
    return _answer(request, found)


def _year(raw: str | None, calendar: Calendar, today: date) -> int:
    if raw is None or raw == "":
        return views.default_year(calendar, today)
    try:
        year = int(raw)
    except ValueError:
        raise BadRequest(f"Tham số 'year' phải là một năm, ví dụ 2024 (nhận được: {raw!r}).") from None
    if not MIN_DATE.year <= year <= MAX_DATE.year:
        raise BadRequest(f"Năm phải từ {MIN_DATE.year} đến {MAX_DATE.year} (nhận được: {raw!r}).")
    return year


def _offers(calendar: Calendar, events: list[Event], window: Window, today: date) -> dict[str, bool]:
    """Which filtered feeds the page offers: only those that are not empty (the feeds' own rules decide).

    A campaign whose plan sets no dated deadline (Hà Nội's, known only through
    Long Biên's) offers no "only deadlines" feed rather than an empty one.
    """
    span = (calendar.span.start, calendar.span.end) if calendar.span is not None else None
    out = {}
    for name, params in (("deadlines", {"kinds": "deadline"}), ("own", {"inherited": "false"})):
        query = parse_feed_query(params, today, campaign=(window.start, window.end) if span else None, span=span)
        out[name] = bool(select(events, query))
    return out


def _agenda(events: list[Event]) -> list[tuple[str, list[Event]]]:
    months: dict[tuple[int, int], list[Event]] = {}
    for e in events:
        months.setdefault((e.start.year, e.start.month), []).append(e)
    return [(f"Tháng {m}/{y}", evs) for (y, m), evs in sorted(months.items())]


def calendar_view(calendar: Calendar, shown: int, today: date, base: str) -> dict[str, Any]:
    own = default_window(calendar, today)
    events = expand(calendar, Window.year(shown))
    if calendar.span is not None:
        # Like the campaign's feed: outside its span (a school year's January–August before it starts,
        # the summer after it) only the plan's own items, never a parent's days of another season.
        span = calendar.span
        events = [e for e in events if not e.inherited or (e.end >= span.start and e.start <= span.end)]
    feed_events = expand(calendar, own)
    # A campaign's deadlines are those of its own window (a school year's fall in two calendar years).
    rows = views.deadline_rows(feed_events if calendar.span is not None else events, today)
    soon = views.upcoming(views.deadline_rows(feed_events, today))
    return dict(
        calendar=calendar,
        today=today,
        year=shown,
        years=views.year_range(calendar, own.start, own.end) if calendar.span is not None else None,
        finished=finished(calendar, today),
        timeline=views.timeline(events, shown, today),
        deadlines=rows,
        upcoming=soon[:12],
        agenda=_agenda(events),
        undated=undated_items(calendar),
        offers=_offers(calendar, feed_events, own, today),
        links=subscribe_links(base, calendar.id, calendar.title),
        national_links=subscribe_links(base, calendar.id, calendar.title, {"inherited": "false"}),
        deadline_links=subscribe_links(base, calendar.id, calendar.title, {"kinds": "deadline"}),
    )


@router.get("/c/{calendar_id}", response_class=HTMLResponse, summary="Trang của một phong trào thi đua")
async def calendar_page(
    request: Request,
    calendar_id: str,
    year: Annotated[str | None, Query(
        description="Năm hiển thị; mặc định năm nay nếu phong trào đang diễn ra, nếu không thì năm đầu của phong trào."
    )] = None,
) -> Response:
    app = request.app
    state: CalendarState | None = app.state.repository.snapshot.states.get(calendar_id)
    if state is None:
        raise CalendarNotFound(f"Không có lịch '{calendar_id}'.")
    calendar = state.calendar
    now = app.state.clock()
    today = local_today(now, calendar)
    shown = _year(year, calendar, today) if calendar is not None else None
    extra: dict[str, Any] = {}
    keys = []
    for extension in app.state.extensions:
        if extension.calendar_context is not None:
            data = extension.calendar_context.cached(state) or await extension.calendar_context.load(state)
            extra.update(data.values)
            keys.append(data.key)
    base_url = app.state.settings.base_url

    def render() -> str:
        context: dict[str, Any] = {"state": state, "views": views, "kind_labels": KIND_LABELS, "finished": False}
        if calendar is not None and shown is not None:
            context.update(calendar_view(calendar, shown, today, base_url))
        context.update(extra)
        return app.state.templates.get_template("calendar.html").render(context)

    # The extensions' data (reminder status) is part of what the page shows, so its key is part of the page's.
    key = ("c", calendar_id, state.version, repr(state.diagnostics), shown, today, tuple(keys))
    cache: PageCache = app.state.pages
    page = await cache.get(key, render)
    guard = _calendar_guard(state, today, keys)
    if guard == calendar_guard(state, now, app.state.extensions):  # the data did not move meanwhile
        cache.remember(("c", calendar_id, request.scope["query_string"]), guard, page)
    return _answer(request, page)


class PageFastPath:
    """ASGI middleware: a GET of a page already served is answered before routing.

    The URL (path and raw query string) finds the page, and its guard (see
    :meth:`PageCache.peek`) says whether it still shows what it would show
    now: the same calendar version and diagnostics (or, for `/`, snapshot
    generation), the same day, the extensions' data fresh in memory under the
    same keys. Then the answer is the stored body and headers, 200 or 304,
    exactly as the route would give them; anything else goes on to the route.
    """

    def __init__(self, app: ASGIApp, repository: CalendarRepository, pages: PageCache,
                 clock: Callable[[], datetime], extensions: Sequence[WebExtension]) -> None:
        self.app = app
        self.repository = repository
        self.pages = pages
        self.clock = clock
        self.extensions = extensions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            page = self._peek(scope)
            if page is not None:
                await self._answer(page, scope, send)
                return
        await self.app(scope, receive, send)

    def _peek(self, scope: Scope) -> Page | None:
        path = route_path(scope)
        if path == "/":
            return self.pages.peek(("/", scope["query_string"]), index_guard(self.repository, self.clock()))
        if path.startswith("/c/") and path.count("/") == 2 and len(path) > 3:
            state = self.repository.snapshot.states.get(path[3:])
            if state is None:
                return None
            guard = calendar_guard(state, self.clock(), self.extensions)
            if guard is None:
                return None
            return self.pages.peek(("c", state.id, scope["query_string"]), guard)
        return None

    @staticmethod
    async def _answer(page: Page, scope: Scope, send: Send) -> None:
        if _not_modified(page, conditional_headers(scope)[0]):  # pages are validated by ETag only
            status, headers, body = 304, page.raw_not_modified, b""
        else:
            status, headers, body = 200, page.raw_full, page.body
        await send_prebuilt(send, status, headers, body)
