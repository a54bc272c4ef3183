"""The deadline board in the admin area: `/admin/board/{campaign}`, its exports and the staff's actions.

Who: the admin (``admin_password_hash``, as `/admin`), or a staff account
(HTTP Basic, user name and password; scrypt hash in the database) whose scope
is one body: it sees and acts on the units under that body only, on every
route, export and download. Every action is a POST whose ``Origin`` (or,
without one, ``Referer``) is this service: a form on another site cannot act
for a logged-in staff member. Handlers call one method of
:class:`~scheduler.reminders.board_service.BoardService` each.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import logging
import math
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from scheduler.core import dates
from scheduler.errors import BadRequest, Forbidden
from scheduler.passwords import verify_password
from scheduler.reminders import board as B
from scheduler.reminders.actions import BoardStore
from scheduler.reminders.board_export import day_first, to_csv, to_xlsx
from scheduler.reminders.board_service import ADMIN, BoardService, Staff
from scheduler.web import admin

log = logging.getLogger("lichthidua.board")
TEMPLATES = Path(__file__).resolve().parent / "board_templates"
router = APIRouter(prefix="/admin/board", tags=["Quản trị"], include_in_schema=False)
PAGE_SIZE = 200
MAX_FORM = 8192
NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


class NeedsLogin(Exception):
    pass


# Verified (user, password, hash) triples: scrypt costs ~50 ms; a page and its export must not pay it each time.
_verified: dict[str, bool] = {}


def _check(password: str, stored: str, user: str) -> bool:
    key = hashlib.sha256(f"{user}\x1f{password}\x1f{stored}".encode()).hexdigest()
    hit = _verified.get(key)
    if hit is None:
        if len(_verified) > 1024:
            _verified.clear()
        hit = _verified[key] = verify_password(password, stored)
    return hit


def _basic(request: Request) -> tuple[str, str] | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, _, password = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user, password


def board_of(request: Request) -> BoardService:
    service: BoardService | None = getattr(request.app.state, "board", None)
    if service is None:
        raise BadRequest("Dịch vụ email nhắc hạn chưa chạy: bảng theo dõi nộp báo cáo cần nó.")
    return service


def staff_of(request: Request) -> Staff:
    """Who is asking: a staff account (Basic user and password), else the admin; NeedsLogin otherwise."""
    credentials = _basic(request)
    if credentials is not None:
        user, password = credentials
        account = board_of(request).store.account(user) if user else None
        if account is not None:
            if _check(password, account.password_hash, user):
                return Staff(account.username, account.name, account.scope, account.email)
            raise NeedsLogin()
    if admin.allowed(request):
        return ADMIN
    raise NeedsLogin()


def login_required(request: Request) -> Response:
    return Response("Cần đăng nhập: tài khoản cán bộ theo dõi (hoặc quản trị).\n", status_code=401,
                    media_type="text/plain; charset=utf-8",
                    headers={"WWW-Authenticate": 'Basic realm="lichthidua board", charset="UTF-8"', **NO_STORE})


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_origin(request: Request) -> None:
    """An action must come from a page of this service: Origin (or Referer) is required and must match."""
    allowed = {_origin(request.app.state.settings.base_url), _origin(str(request.base_url))}
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        referer = request.headers.get("referer")
        origin = _origin(referer) if referer else None
    if origin is None or origin.lower() not in allowed:
        raise Forbidden("Thao tác chỉ được gửi từ chính trang bảng theo dõi của dịch vụ (thiếu hoặc sai Origin).")


async def _form(request: Request) -> dict[str, str]:
    same_origin(request)
    body = await request.body()
    if len(body) > MAX_FORM:
        raise BadRequest("Dữ liệu gửi lên quá lớn.")
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        raise BadRequest("Dữ liệu gửi lên không phải UTF-8.") from None
    return {k: v[0] for k, v in parsed.items()}


def _filters(request: Request) -> dict[str, Any]:
    q = request.query_params
    try:
        statuses = B.parse_statuses(q.getlist("status"))
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    levels = []
    for raw in q.getlist("level"):
        if raw.strip():
            if not raw.strip().isdigit():
                raise BadRequest(f"Cấp '{raw}' không phải một số.")
            levels.append(int(raw))
    return dict(deadline=q.get("deadline") or None, statuses=statuses, groups=[g for g in q.getlist("group") if g],
                levels=levels, under=q.get("under") or None, text=q.get("q", ""))


def _entries(request: Request, campaign: str) -> tuple[Any, list[B.Entry], dict[str, Any], Staff]:
    staff = staff_of(request)
    service = board_of(request)
    f = _filters(request)
    service.check_under(staff, f["under"])
    view = service.view(campaign, staff, request.app.state.clock(), deadline=f["deadline"])
    picked = B.by_overdue(B.select(view.entries, statuses=f["statuses"], groups=f["groups"], levels=f["levels"],
                                   under=f["under"], hierarchy=view.hierarchy, text=f["text"]))
    return view, picked, f, staff


@router.get("", response_class=HTMLResponse)
async def campaigns(request: Request) -> Response:
    try:
        staff = staff_of(request)
    except NeedsLogin:
        return login_required(request)
    service = board_of(request)
    context = {"staff": staff, "campaigns": service.campaigns()}
    return request.app.state.templates.TemplateResponse(request, "board/index.html", context, headers=NO_STORE)


@router.get("/{campaign}", response_class=HTMLResponse)
async def board_page(request: Request, campaign: str, page: int = 1, done: str = "") -> Response:
    try:
        view, picked, f, staff = await asyncio.to_thread(_entries, request, campaign)
    except NeedsLogin:
        return login_required(request)
    service = board_of(request)
    hierarchy = view.hierarchy
    root = f["under"] or staff.root
    rolled = B.roll_up(picked, hierarchy, root)
    if not any(hierarchy.children.get(r.body.id) for r in rolled):
        rolled = []  # a flat list: the roll-up would repeat the units one by one
    pages = max(1, math.ceil(len(picked) / PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = picked[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    uids = [d.uid for d in view.deadlines]
    keys = [f"unit:{e.unit.id}" for e in shown]
    actions = await asyncio.to_thread(service.store.actions, uids, party_keys=keys, include_nudges=False)
    by_pair: dict[tuple[str, str], list[Any]] = {}
    for a in actions:
        by_pair.setdefault((a.occurrence_uid, a.unit_id), []).append(a)
    now = request.app.state.clock()
    nudged = await asyncio.to_thread(service.nudged_today, staff, uids, now)
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("page", "done")]
    breadcrumbs = [b for b in (hierarchy.path(root) if root else [])
                   if staff.root is None or b.id == staff.root or b.id in hierarchy.below(staff.root)]
    context = {
        "staff": staff, "calendar": view.calendar, "deadlines": view.deadlines, "filters": f,
        "entries": shown, "total": len(picked), "counts": B.counts(picked), "rolled": rolled,
        "hierarchy": hierarchy, "page": page, "pages": pages, "actions": by_pair, "nudged": nudged,
        "statuses": B.STATUS_ORDER, "groups": sorted({e.unit.group for e in view.entries}),
        "levels": sorted({e.level for e in view.entries}), "breadcrumbs": breadcrumbs,
        "query": urlencode(params), "query_without": _query_without(params), "day": day_first,
        "done": done, "local": _local,
        "scope_name": "mọi đơn vị" if staff.root is None else hierarchy.bodies[staff.root].name
        if staff.root in hierarchy.bodies else staff.scope,
        "files": await asyncio.to_thread(_files, service, uids, keys),
    }
    return request.app.state.templates.TemplateResponse(request, "board/board.html", context, headers=NO_STORE)


def _files(service: BoardService, uids: list[str], keys: list[str]) -> dict[tuple[str, str], list[Any]]:
    out: dict[tuple[str, str], list[Any]] = {}
    for f in service.store.files(uids, keys):
        out.setdefault((f.occurrence_uid, f.party_key.removeprefix("unit:")), []).append(f)
    return out


def _local(value: Any) -> str:
    from zoneinfo import ZoneInfo

    at = value.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    return f"{day_first(at.date())} {at:%H:%M}"


def _query_without(params: list[tuple[str, str]]) -> Any:
    def without(*names: str, **extra: str) -> str:
        kept = [(k, v) for k, v in params if k not in names] + [(k, v) for k, v in extra.items() if v]
        return urlencode(kept)
    return without


@router.get("/{campaign}/export.{fmt}")
async def export(request: Request, campaign: str, fmt: str) -> Response:
    if fmt not in ("csv", "xlsx"):
        raise BadRequest("Định dạng xuất: csv hoặc xlsx.")
    try:
        view, picked, _f, _staff = await asyncio.to_thread(_entries, request, campaign)
    except NeedsLogin:
        return login_required(request)
    if fmt == "csv":
        data = await asyncio.to_thread(to_csv, picked, view.hierarchy)
        media = "text/csv; charset=utf-8"
    else:
        data = await asyncio.to_thread(to_xlsx, picked, view.hierarchy, title=view.calendar.title)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    name = f"theo-doi-nop-{campaign}.{fmt}"
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                       "X-Content-Type-Options": "nosniff", **NO_STORE})


def _back(campaign: str, form: dict[str, str], message: str) -> RedirectResponse:
    back = form.get("back", "")
    query = back if back and "\n" not in back and "//" not in back else ""
    sep = "&" if query else ""
    return RedirectResponse(f"/admin/board/{campaign}?{query}{sep}{urlencode({'done': message})}", status_code=303)


BoardAction = Callable[[Request, str, Staff, dict[str, str]], Awaitable[str]]


def _board_action(path: str) -> Callable[[BoardAction], BoardAction]:
    """A POST of the board: the staff signed in (else the login page), the form read, the action
    done, then back to the board (the page it was posted from) saying what was done."""

    def register(act: BoardAction) -> BoardAction:
        async def route(request: Request, campaign: str) -> Response:
            try:
                staff = staff_of(request)
            except NeedsLogin:
                return login_required(request)
            form = await _form(request)
            return _back(campaign, form, await act(request, campaign, staff, form))

        route.__name__ = act.__name__
        router.post(path)(route)
        return act

    return register


@_board_action("/{campaign}/received")
async def received(request: Request, campaign: str, staff: Staff, form: dict[str, str]) -> str:
    how = form.get("how", "paper")
    if how not in ("paper", "email"):
        raise BadRequest("Cách nộp: bản giấy (paper) hoặc qua email (email).")
    on = dates.parse_day(form["on"], "Ngày nhận") if form.get("on") else None
    action = await asyncio.to_thread(board_of(request).receive, campaign, form.get("deadline", ""), form.get("unit", ""),
                                     B.How(how), form.get("note", ""), staff, request.app.state.clock(), on=on)
    return f"Đã ghi nhận (thao tác số {action})."


@_board_action("/{campaign}/return")
async def returned(request: Request, campaign: str, staff: Staff, form: dict[str, str]) -> str:
    action = await board_of(request).return_(campaign, form.get("deadline", ""), form.get("unit", ""),
                                           form.get("reason", ""), staff, request.app.state.clock())
    return f"Đã trả lại để bổ sung và gửi email lý do tới đơn vị (thao tác số {action})."


@_board_action("/{campaign}/extend")
async def extend(request: Request, campaign: str, staff: Staff, form: dict[str, str]) -> str:
    until = dates.parse_day(form.get("until", ""), "Gia hạn đến")
    action = await asyncio.to_thread(board_of(request).extend, campaign, form.get("deadline", ""), form.get("unit", ""),
                                     until, form.get("note", ""), staff, request.app.state.clock())
    return f"Đã gia hạn đến {dates.vn_date(until)} (thao tác số {action})."


@_board_action("/{campaign}/undo")
async def undo(request: Request, campaign: str, staff: Staff, form: dict[str, str]) -> str:
    raw = form.get("action", "")
    if not raw.isdigit():
        raise BadRequest("Thiếu số thao tác cần hoàn tác.")
    await asyncio.to_thread(board_of(request).undo, int(raw), staff, request.app.state.clock())
    return f"Đã hoàn tác thao tác số {raw}."


@_board_action("/{campaign}/nudge")
async def nudge(request: Request, campaign: str, staff: Staff, form: dict[str, str]) -> str:
    now = request.app.state.clock()
    service = board_of(request)
    d, _event = service.deadline(campaign, form.get("deadline", ""), now)
    today = now.astimezone(ZoneInfo(d.timezone)).date()
    new, units = await service.nudge(campaign, d.uid, today.isoformat(), staff, now)  # once a day per scope
    return (f"Đã gửi lời nhắc tới {units} đơn vị chưa nộp." if new
            else "Hôm nay đã nhắc các đơn vị chưa nộp của hạn này rồi: không gửi thêm.")


__all__ = ["router", "staff_of", "board_of", "login_required", "BoardStore"]
