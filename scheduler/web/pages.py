"""The HTML pages: ``/`` (every campaign) and ``/c/{calendar}`` (one campaign's year).

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
from scheduler.expand import Window, expand
from scheduler.web import views
from scheduler.web.feeds import KIND_LABELS, MAX_DATE, MIN_DATE
from scheduler.web.repository import CalendarState, local_today
from scheduler.web.subscribe import subscribe_links

router = APIRouter(tags=["Trang web"])


@dataclass(frozen=True, slots=True)
class CampaignRow:
    state: CalendarState
    calendar: Calendar | None
    next_deadline: views.DeadlineRow | None


def _campaign_row(state: CalendarState, today_utc: Any) -> CampaignRow:
    calendar = state.calendar
    if calendar is None:
        return CampaignRow(state, None, None)
    today = local_today(today_utc, calendar)
    year = calendar.year or today.year
    first = min(today, date(year, 1, 1))
    last = max(date(year, 12, 31), date(today.year + 1, 12, 31))
    events = expand(calendar, Window(first, last))
    return CampaignRow(state, calendar, views.next_deadline(events, today))


def _sort_key(row: CampaignRow) -> tuple[int, int, str]:
    # Campaigns with a coming deadline first, soonest first; then the rest by year (newest first).
    if row.next_deadline is not None:
        return (0, row.next_deadline.days_left, row.state.id)
    year = row.calendar.year if row.calendar and row.calendar.year else 0
    return (1, -year, row.state.id)


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
        return calendar.year or today.year
    try:
        year = int(raw)
    except ValueError:
        raise BadRequest(f"Tham số 'year' phải là một năm, ví dụ 2024 (nhận được: {raw!r}).") from None
    if not MIN_DATE.year <= year <= MAX_DATE.year:
        raise BadRequest(f"Năm phải từ {MIN_DATE.year} đến {MAX_DATE.year} (nhận được: {raw!r}).")
    return year


def _agenda(events: list[Event]) -> list[tuple[str, list[Event]]]:
    months: dict[tuple[int, int], list[Event]] = {}
    for e in events:
        months.setdefault((e.start.year, e.start.month), []).append(e)
    return [(f"Tháng {m}/{y}", evs) for (y, m), evs in sorted(months.items())]


@router.get("/c/{calendar_id}", response_class=HTMLResponse, summary="Trang của một phong trào thi đua")
async def calendar_page(
    request: Request,
    calendar_id: str,
    year: Annotated[str | None, Query(description="Năm hiển thị; mặc định năm của phong trào.")] = None,
) -> HTMLResponse:
    app = request.app
    state: CalendarState | None = app.state.repository.snapshot.states.get(calendar_id)
    if state is None:
        raise CalendarNotFound(f"Không có lịch '{calendar_id}'.")
    context: dict[str, Any] = {"state": state, "views": views, "kind_labels": KIND_LABELS}
    calendar = state.calendar
    if calendar is not None:
        today = local_today(app.state.clock(), calendar)
        shown = _year(year, calendar, today)
        events = expand(calendar, Window.year(shown))
        rows = views.deadline_rows(events, today)
        soon = views.upcoming(
            views.deadline_rows(expand(calendar, Window(today, date(today.year + 1, 12, 31))), today)
        ) if shown < today.year else views.upcoming(rows)
        context.update(
            calendar=calendar,
            today=today,
            year=shown,
            timeline=views.timeline(events, shown, today),
            deadlines=rows,
            upcoming=soon[:12],
            agenda=_agenda(events),
            links=subscribe_links(app.state.settings.base_url, calendar.id, calendar.title),
            national_links=subscribe_links(
                app.state.settings.base_url, calendar.id, calendar.title, {"inherited": "false"}
            ),
            deadline_links=subscribe_links(
                app.state.settings.base_url, calendar.id, calendar.title, {"kinds": "deadline"}
            ),
        )
    for extension in app.state.extensions:
        if extension.calendar_context is not None:
            extra = extension.calendar_context(request, state)
            context.update(await extra if inspect.isawaitable(extra) else extra)
    return app.state.templates.TemplateResponse(request, "calendar.html", context)
