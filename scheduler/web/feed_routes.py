"""``GET|HEAD /feeds/{calendar}.ics``: the route only looks up and answers.

Calendar clients poll the same URL for months; the hot path is two dict
lookups (see :meth:`FeedService.for_request`), one string comparison for
If-None-Match and a response whose headers were encoded with the body. The
query parameters are documented in the OpenAPI spec by hand and validated by
:func:`scheduler.web.feeds.parse_feed_query` (only on a cache miss), not by
FastAPI on every request: that alone costs a third of the throughput.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from scheduler.web.feed_service import FeedService
from scheduler.web.http_cache import is_not_modified

router = APIRouter(tags=["Nguồn lịch ICS"])

_STRING = {"type": "string"}
PARAMETERS: list[dict[str, Any]] = [
    {"name": "from", "in": "query", "required": False, "schema": {**_STRING, "format": "date"},
     "description": "Ngày đầu (NNNN-TT-NN); mặc định 1/1 năm nay."},
    {"name": "to", "in": "query", "required": False, "schema": {**_STRING, "format": "date"},
     "description": "Ngày cuối (NNNN-TT-NN); mặc định 31/12 năm sau. Tối đa 10 năm."},
    {"name": "kinds", "in": "query", "required": False, "schema": _STRING, "example": "deadline,phase",
     "description": "Chỉ các loại sự kiện này, cách nhau bởi dấu phẩy: "
                    "phase, anniversary, observance, lunar, deadline, holiday."},
    {"name": "inherited", "in": "query", "required": False, "schema": {**_STRING, "enum": ["true", "false"]},
     "description": "false: bỏ các ngày kế thừa từ lịch cấp trên (ngày kỷ niệm chung, ngày nghỉ lễ của cả nước)."},
    {"name": "milestones", "in": "query", "required": False, "schema": {**_STRING, "enum": ["true", "false"]},
     "description": "true: trong các ngày kỷ niệm, chỉ giữ năm chẵn (tròn 5, 10 năm...)."},
    {"name": "If-None-Match", "in": "header", "required": False, "schema": _STRING,
     "description": "ETag của bản đã có: trả 304 nếu không đổi."},
    {"name": "If-Modified-Since", "in": "header", "required": False, "schema": _STRING,
     "description": "Ngày giờ HTTP của bản đã có: trả 304 nếu không đổi."},
]
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/calendar": {"schema": _STRING}}, "description": "Tệp iCalendar (RFC 5545)."},
    304: {"description": "Không thay đổi so với bản máy khách đã có (ETag / Last-Modified)."},
    400: {"content": {"text/plain": {"schema": _STRING}}, "description": "Tham số không hợp lệ (tiếng Việt)."},
    404: {"content": {"text/plain": {"schema": _STRING}}, "description": "Không có lịch này."},
    503: {"content": {"text/plain": {"schema": _STRING}},
          "description": "Lịch đang có lỗi và chưa có phiên bản hợp lệ nào."},
}


class _Prebuilt(Response):
    """A response from parts encoded when the feed was rendered; skips per-request header encoding."""

    def __init__(self, body: bytes, status_code: int, raw_headers: tuple[tuple[bytes, bytes], ...]) -> None:
        self.status_code = status_code
        self.background = None
        self.body = body
        self.raw_headers = list(raw_headers)  # a copy: middleware may add headers


async def get_feed(request: Request, calendar_id: str) -> Response:
    service: FeedService = request.app.state.feeds
    feed = await service.for_request(calendar_id, request.scope["query_string"], request.query_params)
    headers = request.headers
    if is_not_modified(feed.validators, headers.get("if-none-match"), headers.get("if-modified-since")):
        return _Prebuilt(b"", 304, feed.raw_not_modified)
    if request.method == "HEAD":
        return _Prebuilt(b"", 200, feed.raw_full)
    return _Prebuilt(feed.body, 200, feed.raw_full)


for _method in ("GET", "HEAD"):
    router.add_api_route(
        "/feeds/{calendar_id}.ics",
        get_feed,
        methods=[_method],
        response_class=Response,
        responses=RESPONSES,
        operation_id=f"{_method.lower()}_feed",
        summary="Nguồn lịch ICS để đăng ký trong Outlook, Google Calendar"
        + (" (chỉ tiêu đề)" if _method == "HEAD" else ""),
        openapi_extra={"parameters": PARAMETERS},
    )
