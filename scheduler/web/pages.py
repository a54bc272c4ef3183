"""The HTML pages: ``/`` (every campaign) and ``/c/{calendar}`` (one campaign, one year at a time).

Handlers gather a view (see :mod:`scheduler.web.views`) and render a
template; Jinja autoescaping turns anything from the YAML into text, so a
title containing ``<script>`` is shown, never run.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from scheduler.campaign import Calendar
from scheduler.errors import BadRequest, CalendarNotFound
from scheduler.events import Event
from scheduler.expand import Window, default_window, expand, finished, undated_items
from scheduler.web import views
from scheduler.web.feeds import KIND_LABELS, MAX_DATE, MIN_DATE, parse_feed_query, select
from scheduler.web.repository import CalendarState, local_today
from scheduler.web.subscribe import subscribe_links

router = APIRouter(tags=["Trang web"])


@dataclass(frozen=True, slots=True)
class CampaignRow:
    state: CalendarState
    calendar: Calendar | None
    next_deadline: views.DeadlineRow | None
    finished: bool = False


def _campaign_row(state: CalendarState, now: Any) -> CampaignRow:
    calendar = state.calendar
    if calendar is None:
        return CampaignRow(state, None, None)
    today = local_today(now, calendar)
    events = expand(calendar, default_window(calendar, today))
    return CampaignRow(state, calendar, views.next_deadline(events, today), finished(calendar, today))


def _sort_key(row: CampaignRow) -> tuple[int, int, str]:
    # Campaigns with a coming deadline first, soonest first; then running ones and the national
    # calendar; then finished ones, the most recent first.
    if row.next_deadline is not None:
        return (0, row.next_deadline.days_left, row.state.id)
    span = row.calendar.span if row.calendar else None
    return (2 if row.finished else 1, -(span.end.toordinal() if span else 0), row.state.id)


@router.get("/", response_class=HTMLResponse, summary="Danh sách các phong trào thi đua")
async def index(request: Request) -> HTMLResponse:
    app = request.app
    snapshot = app.state.repository.snapshot
    now = app.state.clock()
    rows = sorted((_campaign_row(s, now) for s in snapshot.states.values()), key=_sort_key)
    return app.state.templates.TemplateResponse(
        request,
        "index.html",
        {"rows": rows, "snapshot": snapshot, "views": views, "today": local_today(now, None)},
    )


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


@router.get("/c/{calendar_id}", response_class=HTMLResponse, summary="Trang của một phong trào thi đua")
async def calendar_page(
    request: Request,
    calendar_id: str,
    year: Annotated[str | None, Query(
        description="Năm hiển thị; mặc định năm nay nếu phong trào đang diễn ra, nếu không thì năm đầu của phong trào."
    )] = None,
) -> HTMLResponse:
    app = request.app
    state: CalendarState | None = app.state.repository.snapshot.states.get(calendar_id)
    if state is None:
        raise CalendarNotFound(f"Không có lịch '{calendar_id}'.")
    context: dict[str, Any] = {"state": state, "views": views, "kind_labels": KIND_LABELS, "finished": False}
    calendar = state.calendar
    if calendar is not None:
        today = local_today(app.state.clock(), calendar)
        own = default_window(calendar, today)
        shown = _year(year, calendar, today)
        events = expand(calendar, Window.year(shown))
        feed_events = expand(calendar, own)
        # A campaign's deadlines are those of its own window (a school year's fall in two calendar years).
        rows = views.deadline_rows(feed_events if calendar.span is not None else events, today)
        soon = views.upcoming(views.deadline_rows(feed_events, today))
        base = app.state.settings.base_url
        context.update(
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
    for extension in app.state.extensions:
        if extension.calendar_context is not None:
            extra = extension.calendar_context(request, state)
            context.update(await extra if inspect.isawaitable(extra) else extra)
    return app.state.templates.TemplateResponse(request, "calendar.html", context)
