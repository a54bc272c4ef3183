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
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from notifiers.base import Transport
from notifiers.email_message import check_address
from scheduler.core.dates import vn_date
from scheduler.core.expand import finished
from scheduler.errors import BadRequest, CalendarNotFound, CampaignFinished, Forbidden, PermanentDeliveryError
from scheduler.reminders.jobs import running_jobs
from scheduler.reminders.links import SUBMITTED
from scheduler.reminders.service import ReminderService, open_service
from scheduler.settings import Settings
from scheduler.web.extensions import PageData, WebExtension
from scheduler.web.single_flight import SingleFlight
from scheduler.live.snapshot import CalendarState, Snapshot, local_today

log = logging.getLogger("lichthidua.reminders")
TEMPLATES = Path(__file__).resolve().parent.parent / "reminders" / "templates"
router = APIRouter(prefix="/reminders", tags=["Email nhắc hạn"])
MAX_FORM = 4096
# How long a campaign page may show reminder status read from the database before reading it again: the
# bound on how late a "Đã nộp" recorded by another instance (same database) appears there. This
# instance's own submissions, reloads and re-plans show at once (ReminderService.generation).
STATUS_TTL_SECONDS = 5.0


def _service(request: Request) -> ReminderService:
    service: ReminderService | None = getattr(request.app.state, "reminders", None)
    if service is None:
        raise BadRequest("Dịch vụ email nhắc hạn chưa chạy.")
    return service


def _title(request: Request, calendar_id: str) -> str:
    """A calendar's name for people; its id only if the file is gone or broken."""
    state = request.app.state.repository.snapshot.states.get(calendar_id)
    return state.calendar.title if state is not None and state.calendar is not None else calendar_id


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def check_origin(request: Request) -> None:
    """A form post from another site is refused (cross-site request forgery).

    Browsers send ``Origin`` with every POST; it must be the service's public
    address (``base_url``) or the address the request came to. A POST without
    one is not from a browser form (RFC 8058 one-click unsubscribe comes from
    the mail provider's servers) and carries a signed token anyway.
    """
    origin = request.headers.get("origin")
    if origin is None:
        return
    allowed = {_origin(request.app.state.settings.base_url), _origin(str(request.base_url))}
    if origin.lower() not in allowed:
        raise Forbidden(f"Biểu mẫu gửi từ trang khác ({origin}) không được chấp nhận. "
                        "Hãy mở trang lịch trên chính trang web của dịch vụ rồi gửi lại.")


async def _form(request: Request) -> dict[str, str]:
    check_origin(request)
    body = await request.body()
    if len(body) > MAX_FORM:
        raise BadRequest("Dữ liệu gửi lên quá lớn.")
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        raise BadRequest("Dữ liệu gửi lên không phải UTF-8.") from None
    return {k: v[0] for k, v in parsed.items()}


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
    done = await asyncio.to_thread(service.confirm, token, request.app.state.clock())
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
    check_origin(request)
    token = token or (await _form(request)).get("token", "")
    email, scope = _service(request).unsubscribe(token, request.app.state.clock())
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
    event, who, new = service.submit(token, request.app.state.clock())
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
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._service = service
        self.ttl = ttl
        self._monotonic = monotonic
        self._reads: dict[str, _Read] = {}
        self._flight: SingleFlight[PageData] = SingleFlight()
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
        service = self._service()
        if service is None or state.calendar is None:
            return NO_DATA
        return self.cached(state) or await self._flight.run(state.id, lambda: self._read(service, state.id))

    async def _read(self, service: ReminderService, calendar_id: str) -> PageData:
        generation, at = service.generation, self._monotonic()  # before reading: what changes during it re-reads
        status = await asyncio.to_thread(service.calendar_status, calendar_id)  # database reads: off the loop
        self.reads += 1
        old = self._reads.get(calendar_id)
        if old is not None and old.status == status:
            data = old.data
        else:
            data = PageData(("reminders", next(self._serials)),
                            {"reminder_status": status, "reminder_calendar": calendar_id})
        self._reads[calendar_id] = _Read(generation, at, status, data)
        return data

    def forget_others(self, calendar_ids: set[str]) -> None:
        """Drop what is kept for calendars no longer served."""
        for cid in self._reads.keys() - calendar_ids:
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

    async def on_reload(snapshot: Snapshot) -> None:
        svc = service()

        def reload() -> None:  # reads the recipient files and writes the plan: off the event loop
            svc.load(snapshot.calendars)
            svc.replan(snapshot.loaded_at)

        await asyncio.to_thread(reload)
        status.forget_others(set(snapshot.states))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        svc = service()
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
