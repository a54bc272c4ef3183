"""Reminder pages and the web extension that runs the reminder service inside `serve`.

Routes: subscribe from a campaign page (double opt-in), confirm, unsubscribe
(a page with a button for people, RFC 8058 one-click POST for mail clients)
and "Đã nộp". Every link from an email opens a page with a button: only a
POST changes anything, so link scanners cannot act for people. Handlers call
one service method each; the pages are Vietnamese and autoescaped.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import AsyncIterator, Callable, Container
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import ClientDisconnect

from notifiers.base import Transport
from notifiers.email_message import check_address
from scheduler.core.dates import vn_date
from scheduler.core.expand import finished
from scheduler.errors import (
    BadRequest,
    CalendarNotFound,
    CampaignFinished,
    Forbidden,
    LichThiDuaError,
    PermanentDeliveryError,
    TemporaryFault,
)
from scheduler.live.snapshot import CalendarState, Snapshot, local_today
from scheduler.reminders.jobs import running_jobs
from scheduler.reminders.links import SUBMITTED
from scheduler.reminders.service import ReminderService, open_service
from scheduler.settings import Settings
from scheduler.store.health import DATABASE_BUSY
from scheduler.store.threads import in_database_thread
from scheduler.web.extensions import PageData, WebExtension

log = logging.getLogger("lichthidua.reminders")
T = TypeVar("T")
TEMPLATES = Path(__file__).resolve().parent.parent / "reminders" / "templates"
router = APIRouter(prefix="/reminders", tags=["Email nhắc hạn"])
MAX_FORM = 4096
# How long a campaign page may show reminder status read from the database before reading it again: the
# bound on how late a "Đã nộp" recorded by another instance (same database) appears there. This
# instance's own submissions, reloads and re-plans show at once (ReminderService.generation).
STATUS_TTL_SECONDS = 5.0
# How long a campaign page waits for that read: past it, the page is served with the last status read (or
# none) and a note, and the read goes on for the next request. A page never waits longer on the database.
STATUS_WAIT_SECONDS = 0.5
STALE_NOTE = ("Tình hình nộp báo cáo dưới đây có thể chưa cập nhật: hệ thống tạm thời không đọc được cơ sở dữ "
              "liệu. Trang sẽ tự cập nhật khi đọc lại được.")
UNKNOWN_NOTE = ("Tạm thời chưa đọc được tình hình nộp báo cáo của các đơn vị (cơ sở dữ liệu không trả lời). "
                "Trang sẽ hiện khi đọc lại được.")


def _service(request: Request) -> ReminderService:
    service: ReminderService | None = getattr(request.app.state, "reminders", None)
    if service is None:
        raise BadRequest("Dịch vụ email nhắc hạn chưa chạy.")
    return service


async def _db(request: Request, work: Callable[..., T], *args: Any) -> T:
    """``work(*args)`` (database writes) in a worker thread, never on the event loop that serves feeds and pages;
    past database_timeout_seconds the visitor gets a 503 (the write may still land: each one is idempotent)."""
    settings: Settings = request.app.state.settings
    try:
        result = await asyncio.wait_for(in_database_thread(work, *args), settings.database_timeout_seconds + 3)
    except TimeoutError:
        raise TemporaryFault(DATABASE_BUSY) from None
    request.app.state.db_health.recovered()
    return result


def _title(request: Request, calendar_id: str) -> str:
    """A calendar's name for people; its id only if the file is gone or broken."""
    state = request.app.state.repository.snapshot.states.get(calendar_id)
    return state.calendar.title if state is not None and state.calendar is not None else calendar_id


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def check_origin(request: Request, *, signed: bool = False) -> None:
    """A form post from another site is refused (cross-site request forgery).

    Browsers send ``Origin`` with every POST (and most a ``Referer``); it must be the
    service's public address (``base_url``) or the address the request came to. A
    post with neither is refused too, unless it carries a signed link token
    (``signed``): RFC 8058 one-click unsubscribe comes from the mail provider's
    servers, which send no Origin, and the token is the proof a forger cannot make.
    """
    allowed = {_origin(request.app.state.settings.base_url), _origin(str(request.base_url))}
    origin = request.headers.get("origin")
    if origin is None:
        referer = request.headers.get("referer")
        if referer is not None:
            origin = _origin(referer)
        elif signed:
            return
        else:
            raise Forbidden("Biểu mẫu gửi đến không cho biết trang gửi (thiếu tiêu đề Origin và Referer) nên không "
                            "được chấp nhận. Hãy mở trang lịch trên chính trang web của dịch vụ rồi gửi lại.")
    if origin.lower() not in allowed:
        raise Forbidden(f"Biểu mẫu gửi từ trang khác ({origin}) không được chấp nhận. "
                        "Hãy mở trang lịch trên chính trang web của dịch vụ rồi gửi lại.")


async def read_form(request: Request, limit: int = MAX_FORM) -> bytes:
    """The body of a form post: at most ``limit`` bytes, all within http_idle_timeout_seconds.

    A body that stops midway (the client went silent) or never ends is a 400, and a client that
    went away is said in one log line at debug level: never a traceback, never a request that waits for ever.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BadRequest("Dữ liệu gửi lên quá lớn.")
    chunks: list[bytes] = []
    size = 0

    async def read() -> None:
        nonlocal size
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise BadRequest("Dữ liệu gửi lên quá lớn.")
            chunks.append(chunk)

    try:
        await asyncio.wait_for(read(), request.app.state.settings.http_idle_timeout_seconds)
    except TimeoutError:
        raise BadRequest("Dữ liệu gửi lên không đến đủ (kết nối ngừng giữa chừng). Hãy gửi lại biểu mẫu.") from None
    except ClientDisconnect:
        log.debug("Máy khách ngắt kết nối khi đang gửi biểu mẫu tới %s.", request.url.path)
        raise BadRequest("Kết nối bị ngắt khi đang gửi dữ liệu.") from None
    return b"".join(chunks)


async def _form(request: Request) -> dict[str, str]:
    try:
        body = await read_form(request)
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        check_origin(request)
        raise BadRequest("Dữ liệu gửi lên không phải UTF-8.") from None
    except BadRequest:
        check_origin(request)  # a forged post is told it is forged first
        raise
    form = {k: v[0] for k, v in parsed.items()}
    check_origin(request, signed=bool(form.get("token")))
    return form


def _page(request: Request, title: str, message: str, *, status: int = 200, **extra: Any) -> HTMLResponse:
    context = {"title": title, "message": message, "action": None, "button": None, "token": None, **extra}
    return request.app.state.templates.TemplateResponse(request, "reminders/page.html", context, status_code=status,
                                                        headers={"Cache-Control": "no-store"})


@router.post("/subscribe", response_class=HTMLResponse, summary="Đăng ký nhận email nhắc hạn (gửi email xác nhận)")
async def subscribe(request: Request) -> HTMLResponse:
    service = _service(request)
    form = await _form(request)
    calendar_id = form.get("calendar", "")
    state = request.app.state.repository.snapshot.states.get(calendar_id)
    if state is None or state.calendar is None:
        raise CalendarNotFound(f"Không có lịch '{calendar_id}'.")
    calendar = state.calendar
    now = request.app.state.clock()
    if finished(calendar, local_today(now, calendar)):
        assert calendar.span is not None
        raise CampaignFinished(
            f"“{calendar.title}” đã kết thúc ngày {vn_date(calendar.span.end)}: không còn nhận đăng ký email "
            f"nhắc hạn cho phong trào này. Đồng chí vẫn có thể xem và đăng ký lịch của phong trào tại /c/{calendar.id}."
        )
    try:
        email = check_address(form.get("email", "").strip())
    except PermanentDeliveryError:
        raise BadRequest(f"Địa chỉ email không hợp lệ: {form.get('email', '')!r}.") from None
    client = request.client.host if request.client else ""
    await service.request_subscription(email, calendar, now, client)
    # The same answer whether or not the address was already subscribed: nobody learns who is.
    return _page(request, "Kiểm tra hộp thư",
                 f"Nếu {email} chưa đăng ký, chúng tôi vừa gửi tới địa chỉ này một email có liên kết xác nhận "
                 f"(hiệu lực 48 giờ). Chỉ sau khi bấm xác nhận, địa chỉ mới nhận email nhắc hạn của "
                 f"“{calendar.title}”.")


@router.get("/confirm", response_class=HTMLResponse, summary="Trang xác nhận đăng ký")
async def confirm_page(request: Request, token: str = "") -> HTMLResponse:
    _service(request).peek_confirm(token, request.app.state.clock())
    return _page(request, "Xác nhận đăng ký", "Bấm nút dưới đây để bắt đầu nhận email nhắc hạn chót.",
                 action="/reminders/confirm", button="Xác nhận đăng ký", token=token)


@router.post("/confirm", response_class=HTMLResponse, summary="Xác nhận đăng ký")
async def confirm(request: Request) -> HTMLResponse:
    service = _service(request)
    token = (await _form(request)).get("token", "")
    done = await _db(request, service.confirm, token, request.app.state.clock())
    if done is None:
        raise BadRequest("Liên kết xác nhận đã cũ (đã có yêu cầu mới hơn). Hãy dùng email xác nhận gần nhất.")
    email, calendar_id = done
    return _page(request, "Đã đăng ký",
                 f"{email} sẽ nhận email nhắc trước các hạn chót của “{_title(request, calendar_id)}”.")


@router.get("/unsubscribe", response_class=HTMLResponse, summary="Trang hủy nhận email nhắc")
async def unsubscribe_page(request: Request, token: str = "") -> HTMLResponse:
    email, scope = _service(request).peek_unsubscribe(token)
    what = "mọi email nhắc hạn" if scope == "*" else f"email nhắc hạn của “{_title(request, scope)}”"
    return _page(request, "Hủy nhận email nhắc", f"Ngừng gửi {what} tới {email}?",
                 action=f"/reminders/unsubscribe?token={token}", button="Hủy nhận email", token=token)


@router.post("/unsubscribe", response_class=HTMLResponse, summary="Hủy nhận email nhắc (một bước, RFC 8058)")
async def unsubscribe(request: Request, token: str = "") -> HTMLResponse:
    # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the URL, token in the query.
    check_origin(request, signed=bool(token))
    token = token or (await _form(request)).get("token", "")
    email, scope = await _db(request, _service(request).unsubscribe, token, request.app.state.clock())
    what = "mọi email nhắc hạn" if scope == "*" else f"email nhắc hạn của “{_title(request, scope)}”"
    return _page(request, "Đã hủy", f"{email} sẽ không nhận {what} nữa.")


@router.get("/submitted", response_class=HTMLResponse, summary="Trang báo 'Đã nộp'")
async def submitted_page(request: Request, token: str = "") -> Response:
    service = _service(request)
    event, who = service.peek_submitted(token)
    title = event.title if event else "hạn chót này"
    unit = str(service.links.signer.verify(SUBMITTED, token).get("p", "")).startswith("unit:")
    if unit and getattr(request.app.state, "board", None) is not None:
        # The deadline board runs: the link opens the unit's own page (this deadline first, its "Đã nộp" with an
        # optional file, every other deadline of the unit, its feed).
        return RedirectResponse(f"/don-vi?token={token}", status_code=303, headers={"Cache-Control": "no-store"})
    return _page(request, "Báo đã nộp", f"{who} xác nhận đã nộp: {title}? Sau khi xác nhận, đơn vị sẽ không "
                 f"nhận thêm email nhắc về hạn này.", action="/reminders/submitted", button="Đã nộp", token=token)


@router.post("/submitted", response_class=HTMLResponse, summary="Ghi nhận 'Đã nộp'")
async def submitted(request: Request) -> HTMLResponse:
    service = _service(request)
    token = (await _form(request)).get("token", "")
    event, who, new = await _db(request, service.submit, token, request.app.state.clock())
    title = event.title if event else "hạn chót này"
    message = f"Đã ghi nhận {who} đã nộp: {title}." if new else f"{who} đã báo nộp trước đó: {title}."
    return _page(request, "Đã ghi nhận", message + " Cảm ơn đồng chí.")


Status = dict[str, tuple[tuple[str, ...], tuple[str, ...]]]  # deadline uid -> (submitted, not yet): names
NO_DATA = PageData(None, {})


@dataclass(frozen=True, slots=True)
class _Read:
    generation: int  # the service's generation when the read began
    at: float  # monotonic seconds, when the read began
    status: Status
    data: PageData


class ReminderStatus:
    """The reminder block of a campaign page (who has submitted each deadline), served from memory.

    Reading it takes a database query; doing that on every view of a page would
    put database work (and a worker thread) on every request. It is read once
    per calendar and kept while the service's :attr:`~ReminderService.generation`
    is the same (this instance bumps it on every reload of calendars or
    recipients, every re-expansion and every "Đã nộp" it records, so those show
    on the next request) and for at most ``ttl`` seconds: a submission recorded
    by another instance sharing the database shows within ``ttl``. A re-read
    that finds the same status keeps the same key, so the page stays cached.
    """

    def __init__(self, service: Callable[[], ReminderService | None], *, ttl: float = STATUS_TTL_SECONDS,
                 wait: float = STATUS_WAIT_SECONDS, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._service = service
        self.ttl = ttl
        self._monotonic = monotonic
        self._reads: dict[str, _Read] = {}
        self.wait = wait
        self._pending: dict[str, asyncio.Future[PageData]] = {}
        self.stale = 0  # answers served stale (tests read it)
        self._serials = itertools.count(1)
        self.reads = 0  # database reads (tests read it)

    def cached(self, state: CalendarState) -> PageData | None:
        service = self._service()
        if service is None or state.calendar is None:
            return NO_DATA
        read = self._reads.get(state.id)
        if read is None or read.generation != service.generation or self._monotonic() - read.at >= self.ttl:
            return None
        return read.data

    async def load(self, state: CalendarState) -> PageData:
        """Fresh data if the database answers within ``wait`` seconds, else the last read marked stale.

        One read per calendar at a time: while it runs (a database that does not answer), later
        requests do not wait at all and get the stale data at once.
        """
        service = self._service()
        if service is None or state.calendar is None:
            return NO_DATA
        hit = self.cached(state)
        if hit is not None:
            return hit
        task = self._pending.get(state.id)
        wait = 0.0 if task is not None else self.wait
        if task is None:
            task = self._pending[state.id] = asyncio.ensure_future(self._read(service, state.id))
            task.add_done_callback(partial(self._settled, state.id))
        try:
            return await asyncio.wait_for(asyncio.shield(task), wait) if wait else (
                task.result() if task.done() else self._stale(state.id))
        except (TimeoutError, SQLAlchemyError, LichThiDuaError):
            return self._stale(state.id)

    def _settled(self, calendar_id: str, task: asyncio.Future[PageData]) -> None:
        if self._pending.get(calendar_id) is task:
            del self._pending[calendar_id]
        if not task.cancelled() and task.exception() is not None:  # retrieved: the next request reads again
            log.debug("Không đọc được tình hình nộp của %s: %s", calendar_id, task.exception())

    def _stale(self, calendar_id: str) -> PageData:
        """What the page shows while the database does not answer: the last read, with a note."""
        self.stale += 1
        old = self._reads.get(calendar_id)
        values = dict(old.data.values) if old is not None else {"reminder_calendar": calendar_id}
        values["reminder_note"] = STALE_NOTE if old is not None else UNKNOWN_NOTE
        return PageData(("reminders-stale", old.data.key if old is not None else None), values)

    async def _read(self, service: ReminderService, calendar_id: str) -> PageData:
        generation, at = service.generation, self._monotonic()  # before reading: what changes during it re-reads
        status = await in_database_thread(service.calendar_status, calendar_id)  # database reads: off the loop
        self.reads += 1
        old = self._reads.get(calendar_id)
        if old is not None and old.status == status:
            data = old.data
        else:
            data = PageData(("reminders", next(self._serials)),
                            {"reminder_status": status, "reminder_calendar": calendar_id})
        self._reads[calendar_id] = _Read(generation, at, status, data)
        return data

    def forget_others(self, calendar_ids: Container[str]) -> None:
        """Drop what is kept for calendars no longer served (what was read, not every calendar, is looked at)."""
        for cid in [cid for cid in self._reads if cid not in calendar_ids]:
            del self._reads[cid]


def reminder_extension(settings: Settings, *, transport: Transport | None = None, jobs: bool = True,
                       status_ttl: float = STATUS_TTL_SECONDS,
                       monotonic: Callable[[], float] = time.monotonic) -> WebExtension:
    """The reminder service as a web extension: routes, re-plan on reload, APScheduler while the app runs.

    ``status_ttl`` and ``monotonic`` are those of the campaign pages' reminder status (see :class:`ReminderStatus`).
    """
    holder: dict[str, ReminderService] = {}
    running: dict[str, ReminderService] = {}  # the service, while the app runs (its lifespan is entered)
    status = ReminderStatus(lambda: running.get("s"), ttl=status_ttl, monotonic=monotonic)

    def service() -> ReminderService:
        if "s" not in holder:
            holder["s"] = open_service(settings, transport=transport, load_calendars=False)
        return holder["s"]

    loaded: list[int] = []  # the generation of the snapshot last loaded

    async def on_reload(snapshot: Snapshot) -> None:
        svc = service()

        def reload() -> None:  # reads the recipient files and writes the plan: off the event loop
            # Only the calendars the reloads since the last one changed are looked at (an edit: one).
            svc.load(snapshot.calendars, changed=snapshot.changed_since(loaded[0] if loaded else None))
            loaded[:] = [snapshot.generation]
            svc.replan(snapshot.loaded_at)

        try:
            await in_database_thread(reload)
        except SQLAlchemyError as exc:
            if svc.health.failed(exc) is None:  # said once by health; a bug goes on to the repository's log
                raise
            svc.plan_later()  # the calendars are loaded: the first tick that reaches the database plans them
        status.forget_others(snapshot.states)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        svc = service()
        svc.health = app.state.db_health  # one per process: what /healthz shows
        app.state.reminders = running["s"] = svc
        log.info("Email nhắc hạn: %s.", svc.transport.describe())
        try:
            if jobs:
                async with running_jobs(svc, app.state.clock, settings.tick_seconds) as jobs_scheduler:
                    app.state.reminder_jobs = jobs_scheduler
                    yield
            else:
                yield
        finally:
            running.clear()
            svc.engine.dispose()

    return WebExtension(name="reminders", routers=(router,), on_reload=on_reload, lifespan=lifespan,
                        templates_dir=TEMPLATES, calendar_context=status)
