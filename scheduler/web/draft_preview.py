"""Drafts from `new` and `import` (``draft: true``): previewed by the admin, published nowhere.

A draft is not in the served snapshot's states, so feeds, pages and reminders never
see it. Here the admin sees its page and its feed as they would be published, under
/admin/ban-nhap/, until removing the mark publishes it.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from notifiers.ics import feed_meta, render_calendar
from scheduler.core.expand import default_window, expand
from scheduler.errors import CalendarNotFound
from scheduler.feeds.query import KIND_LABELS
from scheduler.live.snapshot import CalendarState, local_today
from scheduler.web import views
from scheduler.web.admin import allowed

router = APIRouter(tags=["Quản trị"], include_in_schema=False)
NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


def _refused(request: Request) -> Response:
    if request.app.state.settings.admin_password_hash:
        return Response("Cần đăng nhập quản trị.\n", status_code=401, media_type="text/plain; charset=utf-8",
                        headers={"WWW-Authenticate": 'Basic realm="lichthidua admin", charset="UTF-8"', **NO_STORE})
    return Response("Trang quản trị chỉ mở được từ chính máy chủ khi chưa đặt admin_password_hash.\n",
                    status_code=403, media_type="text/plain; charset=utf-8", headers=NO_STORE)


def _draft(request: Request, calendar_id: str) -> CalendarState:
    state = request.app.state.repository.snapshot.drafts.get(calendar_id)
    if state is None or state.calendar is None:
        raise CalendarNotFound(f"Không có bản nháp '{calendar_id}'.")
    return state


@router.get("/admin/ban-nhap/{calendar_id}.ics")
async def draft_feed(request: Request, calendar_id: str) -> Response:
    if not allowed(request):
        return _refused(request)
    state = _draft(request, calendar_id)
    calendar = state.calendar
    assert calendar is not None
    now: datetime = request.app.state.clock()
    events = expand(calendar, default_window(calendar, local_today(now, calendar)))
    body = render_calendar(events, feed_meta(calendar), now=now.astimezone(timezone.utc)).body
    return Response(body, media_type="text/calendar; charset=utf-8", headers=NO_STORE)


@router.get("/admin/ban-nhap/{calendar_id}", response_class=HTMLResponse)
async def draft_page(request: Request, calendar_id: str) -> Response:
    if not allowed(request):
        return _refused(request)
    from scheduler.web.pages import calendar_view  # the public page's own view, unchanged

    state = _draft(request, calendar_id)
    calendar = state.calendar
    assert calendar is not None
    now = request.app.state.clock()
    today = local_today(now, calendar)
    shown = views.default_year(calendar, today)
    context: dict[str, Any] = {"state": state, "views": views, "kind_labels": KIND_LABELS, "finished": False,
                               "draft_preview": True}
    context.update(calendar_view(calendar, shown, today, request.app.state.settings.base_url))
    html = request.app.state.templates.get_template("calendar.html").render(context)
    return HTMLResponse(html, headers=NO_STORE)
