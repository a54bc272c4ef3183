"""``GET|HEAD /feeds/{calendar}.ics``: the route only looks up and answers.

Calendar clients poll the same URL for months; the hot path is two dict
lookups (see :meth:`FeedService.for_request`), one string comparison for
If-None-Match and a response whose headers were encoded with the body. The
query parameters are documented in the OpenAPI spec by hand and validated by
:func:`scheduler.feeds.query.parse_feed_query` (only on a cache miss), and the
route skips FastAPI's per-request dependency solving (:class:`LeanRoute`):
together these were half of the time of a 304.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from scheduler.web.feed_service import FeedService
from scheduler.web.http_cache import is_not_modified

router = APIRouter(tags=["Nguồn lịch ICS"])

_STRING = {"type": "string"}
PARAMETERS: list[dict[str, Any]] = [
    {"name": "from", "in": "query", "required": False, "schema": {**_STRING, "format": "date"},
     "description": "Ngày đầu (NNNN-TT-NN). Không có from và to: lịch của một phong trào gồm thời gian của phong "
                    "trào và các hạn chót, sự kiện riêng của nó (dù hôm nay là ngày nào); lịch quốc gia gồm năm nay và "
                    "năm sau. Chỉ có from: đến hết năm sau năm của from."},
    {"name": "to", "in": "query", "required": False, "schema": {**_STRING, "format": "date"},
     "description": "Ngày cuối (NNNN-TT-NN). Chỉ có to: từ 1/1 năm trước năm của to. Tối đa 10 năm."},
    {"name": "kinds", "in": "query", "required": False, "schema": _STRING, "example": "deadline,phase",
     "description": "Chỉ các loại sự kiện này, cách nhau bởi dấu phẩy: "
                    "phase, anniversary, observance, lunar, deadline, holiday, workday, event."},
    {"name": "inherited", "in": "query", "required": False, "schema": {**_STRING, "enum": ["true", "false"]},
     "description": "false: chỉ giữ những gì kế hoạch tự nêu: bỏ các ngày kế thừa từ lịch cấp trên (ngày kỷ niệm "
                    "chung, ngày nghỉ lễ của cả nước) và các ngày hằng năm ngoài thời gian của phong trào."},
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


class Prebuilt(Response):
    """A response from parts encoded when the feed was rendered; skips per-request header encoding."""

    def __init__(self, body: bytes, status_code: int, raw_headers: tuple[tuple[bytes, bytes], ...]) -> None:
        self.status_code = status_code
        self.background = None
        self.body = body
        self.raw_headers = list(raw_headers)  # a copy: middleware may add headers


class LeanRoute(APIRoute):
    """An APIRoute documented from its signature but called with the request only.

    FastAPI's handler validates declared parameters and runs dependencies on
    every call; this endpoint has none beyond the path parameter, which
    Starlette has already matched. (FastAPI's documented way to customise a
    route: a subclass overriding ``get_route_handler``.)
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        endpoint = self.endpoint

        async def handler(request: Request) -> Response:
            response: Response = await endpoint(request, request.path_params["calendar_id"])
            return response

        return handler


async def get_feed(request: Request, calendar_id: str) -> Response:
    service: FeedService = request.app.state.feeds
    # Query parameters are parsed only on a miss (hence the lambda).
    feed = await service.for_request(calendar_id, request.scope["query_string"], lambda: request.query_params)
    headers = request.headers
    if is_not_modified(feed.validators, headers.get("if-none-match"), headers.get("if-modified-since")):
        return Prebuilt(b"", 304, feed.raw_not_modified)
    if request.method == "HEAD":
        return Prebuilt(b"", 200, feed.raw_full)
    return Prebuilt(feed.body, 200, feed.raw_full)


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
        route_class_override=LeanRoute,
    )


def route_path(scope: Scope) -> str:
    """The request's path inside the application (without the ``root_path`` a proxy mounts it under)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root):] if root and path.startswith(root) else path


def conditional_headers(scope: Scope) -> tuple[str | None, str | None]:
    """The request's If-None-Match and If-Modified-Since, read straight from the ASGI scope."""
    if_none_match = if_modified_since = None
    for name, value in scope["headers"]:
        if name == b"if-none-match":
            if_none_match = value.decode("latin-1")
        elif name == b"if-modified-since":
            if_modified_since = value.decode("latin-1")
    return if_none_match, if_modified_since


async def send_prebuilt(send: Send, status: int, raw_headers: tuple[tuple[bytes, bytes], ...], body: bytes) -> None:
    """An ASGI response from headers encoded in advance (the fast paths of feeds and pages)."""
    await send({"type": "http.response.start", "status": status, "headers": list(raw_headers)})
    await send({"type": "http.response.body", "body": body})


class FeedFastPath:
    """ASGI middleware: a poll of a feed URL already served is answered before routing.

    Calendar clients and caches poll the same URLs all day; for them the
    framework's routing and request objects are most of the cost. A hit in
    :meth:`FeedService.peek` (same calendar version, same raw query string,
    same day) is answered here with the precomputed body and headers, 200,
    HEAD or 304 exactly as :func:`get_feed` would; anything else (first
    request, bad parameters, unknown calendar) goes on to the route.
    """

    def __init__(self, app: ASGIApp, feeds: FeedService) -> None:
        self.app = app
        self.feeds = feeds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            path = route_path(scope)
            if path.startswith("/feeds/") and path.endswith(".ics") and path.count("/") == 2:
                feed = self.feeds.peek(path[7:-4], scope["query_string"])
                if feed is not None:
                    await self._answer(feed, scope, send)
                    return
        await self.app(scope, receive, send)

    @staticmethod
    async def _answer(feed: Any, scope: Scope, send: Send) -> None:
        if is_not_modified(feed.validators, *conditional_headers(scope)):
            status, headers, body = 304, feed.raw_not_modified, b""
        else:
            status, headers, body = 200, feed.raw_full, (b"" if scope["method"] == "HEAD" else feed.body)
        await send_prebuilt(send, status, headers, body)
