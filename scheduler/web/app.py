"""The FastAPI application: wiring only.

``create_app(settings)`` builds the services (calendar repository, feed
cache, templates), installs extensions (see :mod:`scheduler.web.extensions`)
and maps our error hierarchy to HTTP answers in Vietnamese: a bad parameter
is a 400 with a message an official can act on, never a 500 or a 422.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from scheduler.errors import CalendarError, CalendarNotFound, LichThiDuaError
from scheduler.feeds.options import render_options
from scheduler.feeds.revision_store import RevisionStore
from scheduler.live.repository import CalendarRepository
from scheduler.live.snapshot import release_free_memory, start_up_collection, utc_now
from scheduler.settings import Settings
from scheduler.store.database import create_tables, engine_from_settings
from scheduler.store.faults import translate
from scheduler.store.health import DATABASE_BUSY, DatabaseHealth, OnceAMinute
from scheduler.web import admin, api_docs, draft_preview, feed_routes, pages
from scheduler.web.extensions import WebExtension
from scheduler.web.feed_service import FeedService
from scheduler.web.page_cache import PageCache
from scheduler.web.reminder_routes import reminder_extension

log = logging.getLogger("lichthidua.web")
HERE = Path(__file__).parent
STATUS_TEXT = {
    400: "Yêu cầu không hợp lệ",
    404: "Không tìm thấy",
    403: "Không được phép",
    405: "Phương thức không được hỗ trợ",
    410: "Phong trào đã kết thúc",
    429: "Quá nhiều yêu cầu",
    500: "Lỗi máy chủ",
    503: "Lịch tạm thời chưa phục vụ được",
}


def builtin_extensions(settings: Settings) -> list[WebExtension]:
    """The extensions `lichthidua serve` installs; add new ones here."""
    from scheduler.web.board_extension import board_extension

    return [reminder_extension(settings), board_extension(settings)]


def _templates(extensions: Sequence[WebExtension]) -> Jinja2Templates:
    dirs = [str(e.templates_dir) for e in extensions if e.templates_dir is not None]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*dirs, str(HERE / "templates")]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return Jinja2Templates(env=env)


def _wants_html(request: Request) -> bool:
    path = request.url.path
    return not (path.startswith("/feeds/") or path.startswith("/healthz") or path.startswith("/api"))


def _error_response(request: Request, status: int, message: str, details: Sequence[str] = (),
                    retry_after: int | None = None) -> Response:
    headers = {"Retry-After": str(retry_after or 60)} if status in (429, 503) else None
    if _wants_html(request):
        templates: Jinja2Templates = request.app.state.templates
        return templates.TemplateResponse(
            request,
            "error.html",
            {"status": status, "title": STATUS_TEXT.get(status, "Lỗi"), "message": message, "details": details},
            status_code=status,
            headers=headers,
        )
    text = "\n".join([message, *details]) + "\n"
    return PlainTextResponse(text, status_code=status, headers=headers)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LichThiDuaError)
    async def our_error(request: Request, exc: LichThiDuaError) -> Response:
        status = exc.http_status  # the mapping lives in scheduler.errors
        message = str(exc)
        if isinstance(exc, CalendarError) and not isinstance(exc, CalendarNotFound):
            # The diagnostics (server paths, file contents) are for admins, at /admin.
            message = (message if not exc.diagnostics else "Lịch này đang có lỗi và chưa có phiên bản hợp lệ nào.")
            message += " Quản trị viên xem chi tiết tại trang quản trị (/admin)."
        if status >= 500 and status != 503:
            log.exception("Lỗi khi xử lý %s", request.url.path, exc_info=exc)
        return _error_response(request, status, message, retry_after=getattr(exc, "retry_after_seconds", None))

    @app.exception_handler(SQLAlchemyError)
    async def database_error(request: Request, exc: SQLAlchemyError) -> Response:
        # The database is lost or refuses (said once in the log by DatabaseHealth, shown in /healthz); the
        # visitor learns only to come back, not which server failed.
        if request.app.state.db_health.failed(exc) is None:
            log.exception("Lỗi khi xử lý %s", request.url.path, exc_info=exc)
            return _error_response(request, 500, "Lỗi máy chủ.")
        return _error_response(request, 503, DATABASE_BUSY, retry_after=30)

    @app.exception_handler(OSError)
    async def machine_fault(request: Request, exc: OSError) -> Response:
        # A full or read-only disk while serving: one line in the log (not one per request), a 503 to the visitor.
        fault = translate(exc, request.app.state.settings)
        if fault is None:
            log.exception("Lỗi khi xử lý %s", request.url.path, exc_info=exc)
            return _error_response(request, 500, "Lỗi máy chủ.")
        request.app.state.disk_faults.add(str(fault))
        return _error_response(request, 503, "Máy chủ tạm thời không ghi được dữ liệu. Vui lòng thử lại sau ít phút.",
                               retry_after=60)

    @app.exception_handler(ClientDisconnect)
    async def client_gone(request: Request, exc: ClientDisconnect) -> Response:
        log.debug("Máy khách ngắt kết nối giữa chừng: %s", request.url.path)
        return Response(status_code=400)

    @app.exception_handler(RequestValidationError)
    async def bad_parameters(request: Request, exc: RequestValidationError) -> Response:
        details = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path"))
            details.append(f"Tham số '{where}' không hợp lệ (giá trị: {err.get('input')!r}).")
        return _error_response(request, 400, "Yêu cầu có tham số không hợp lệ.", details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return _error_response(request, 404, f"Không có trang {request.url.path}.")
        if exc.status_code == 405:
            response = _error_response(request, 405, f"Không hỗ trợ phương thức {request.method} ở đây.")
            if exc.headers:
                response.headers.update(exc.headers)
            return response
        return _error_response(request, exc.status_code, STATUS_TEXT.get(exc.status_code, str(exc.detail)))


def create_app(
    settings: Settings,
    *,
    clock: Callable[[], datetime] = utc_now,
    extensions: Sequence[WebExtension] | None = None,
    watch: bool = True,
) -> FastAPI:
    """The web service. ``clock`` returns an aware "now"; ``watch=False`` for tests that call refresh()."""
    extensions = builtin_extensions(settings) if extensions is None else list(extensions)
    repository = CalendarRepository(settings, clock=clock)
    render = render_options(settings, event_url=settings.base_url.rstrip("/") + "/c/{calendar_id}")
    feeds = FeedService(repository, render, clock)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = engine_from_settings(settings)
        create_tables(engine)
        app.state.engine = engine
        repository.store = RevisionStore(engine)
        with start_up_collection():
            await repository.start(watch=watch)
        snapshot = repository.snapshot
        loaded = [cid for cid, s in snapshot.states.items() if s.calendar is not None and not s.failing]
        shown = ", ".join(loaded[:20]) + (f" và {len(loaded) - 20} lịch khác" if len(loaded) > 20 else "")
        log.info("Đã nạp %d lịch: %s", len(loaded), shown or "(không có)")
        for state in snapshot.failing:
            log.error("Lịch %s có lỗi (%d lỗi).", state.id, len(state.errors))
        try:
            async with AsyncExitStack() as stack:
                for extension in extensions:
                    if extension.on_reload is not None:
                        result = extension.on_reload(snapshot)
                        if result is not None:
                            await result
                        stack.callback(repository.subscribe(extension.on_reload))
                    if extension.lifespan is not None:
                        await stack.enter_async_context(extension.lifespan(app))
                release_free_memory()  # what the first re-plan made and dropped
                yield
        finally:
            await repository.stop()
            engine.dispose()

    app = FastAPI(
        title="Lịch thi đua",
        description="Lịch, hạn chót và nguồn lịch ICS của các phong trào thi đua Công đoàn.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served by api_docs, from local files
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.clock = clock
    app.state.repository = repository
    app.state.feeds = feeds
    app.state.extensions = extensions
    app.state.templates = _templates(extensions)
    app.state.pages = PageCache()
    app.state.summaries = pages.Summaries()
    app.state.db_health = DatabaseHealth(settings)
    app.state.disk_faults = OnceAMinute(log, "Lỗi ghi dữ liệu khi phục vụ (lặp lại %d lần trong phút qua): %s")
    _install_error_handlers(app)
    app.add_middleware(pages.PageFastPath, repository=repository, pages=app.state.pages, clock=clock,
                       extensions=extensions)
    app.add_middleware(feed_routes.FeedFastPath, feeds=feeds)
    app.include_router(feed_routes.router)
    app.include_router(pages.router)
    app.include_router(admin.router)
    app.include_router(draft_preview.router)

    @app.get("/healthz", tags=["Giám sát"], summary="Tình trạng dịch vụ")
    async def healthz(request: Request) -> JSONResponse:
        snapshot = repository.snapshot
        # Public: which calendars have problems and whether a last good version is served; the
        # diagnostics (file paths, contents) are for admins, at /admin. Memory only: never waits on the database.
        failing = {s.id: {"served": "last_good" if s.calendar is not None else "none"} for s in snapshot.failing}
        database = app.state.db_health.view()
        body: dict[str, Any] = {
            "status": "degraded" if failing or not database.ok else "ok",
            "database": "ok" if database.ok else "unavailable",
            "calendars": sorted(snapshot.calendars),
            "failing": failing,
            "generation": snapshot.generation,
            "loaded_at": snapshot.loaded_at.isoformat(),
            "feed_renders": feeds.renders,
        }
        if not database.ok:
            body["database_down_seconds"] = round(database.since_seconds)
            if await admin.allowed_async(request):
                body["database_error"] = database.reason  # names the server: for admins only
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    @app.head("/healthz", tags=["Giám sát"], summary="Tình trạng dịch vụ (chỉ tiêu đề, cho công cụ giám sát)")
    async def healthz_head() -> Response:
        return Response(headers={"Cache-Control": "no-store"})

    api_docs.install(app, app.title)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for extension in extensions:
        for router in extension.routers:
            app.include_router(router)
    return app
