"""``GET|HEAD /feeds/{calendar}.ics``: the route only parses, looks up and answers.

The hot path (a client polling an unchanged feed) is: parse five query
parameters, one dict lookup in the render cache, one string comparison for
If-None-Match, and a response whose headers were computed with the body.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from scheduler.web.feed_service import CONTENT_TYPE, FeedService
from scheduler.web.feeds import FeedQuery, parse_feed_query
from scheduler.web.http_cache import is_not_modified
from scheduler.web.repository import local_today

router = APIRouter(tags=["Nguồn lịch ICS"])

_ICS_RESPONSE = {
    200: {"content": {"text/calendar": {}}, "description": "Tệp iCalendar (RFC 5545)."},
    304: {"description": "Không thay đổi so với bản máy khách đã có (ETag / Last-Modified)."},
    400: {"description": "Tham số không hợp lệ (thông báo tiếng Việt)."},
    404: {"description": "Không có lịch này."},
    503: {"description": "Lịch đang có lỗi và chưa có phiên bản hợp lệ nào."},
}


def feed_query(request: Request, service: FeedService, calendar_id: str) -> FeedQuery:
    state = service.state(calendar_id)
    today = local_today(service.clock(), state.calendar)
    return parse_feed_query(request.query_params, today)


async def get_feed(
    request: Request,
    calendar_id: str,
    from_: Annotated[
        str | None, Query(alias="from", description="Ngày đầu (NNNN-TT-NN); mặc định 1/1 năm nay.")
    ] = None,
    to: Annotated[str | None, Query(description="Ngày cuối (NNNN-TT-NN); mặc định 31/12 năm sau.")] = None,
    kinds: Annotated[
        str | None,
        Query(description="Chỉ các loại sự kiện này, cách nhau bởi dấu phẩy: "
              "phase, anniversary, observance, lunar, deadline, holiday."),
    ] = None,
    inherited: Annotated[
        str | None, Query(description="false: bỏ các ngày kỷ niệm kế thừa từ lịch cấp trên (lịch quốc gia).")
    ] = None,
    milestones: Annotated[
        str | None, Query(description="true: chỉ giữ các ngày kỷ niệm năm chẵn (tròn 5, 10 năm...).")
    ] = None,
) -> Response:
    service: FeedService = request.app.state.feeds
    query = feed_query(request, service, calendar_id)
    feed = service.cached(calendar_id, query) or await service.get(calendar_id, query)
    headers = dict(feed.headers)
    if is_not_modified(
        feed.validators, request.headers.get("if-none-match"), request.headers.get("if-modified-since")
    ):
        return Response(status_code=304, headers=headers)
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(feed.body))
        return Response(media_type=CONTENT_TYPE, headers=headers)
    return Response(feed.body, media_type=CONTENT_TYPE, headers=headers)


for _method in ("GET", "HEAD"):
    router.add_api_route(
        "/feeds/{calendar_id}.ics",
        get_feed,
        methods=[_method],
        response_class=Response,
        responses=_ICS_RESPONSE,  # type: ignore[arg-type]
        operation_id=f"{_method.lower()}_feed",
        summary="Nguồn lịch ICS để đăng ký trong Outlook, Google Calendar"
        + (" (chỉ tiêu đề)" if _method == "HEAD" else ""),
    )
