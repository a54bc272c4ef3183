"""Each unit's own page and feed, opened from the signed link in its reminders.

`/don-vi?token=…`: every deadline that concerns the unit across campaigns, its
status and due date (the extended one where staff gave one), a "Đã nộp"
button with an optional attached file (PDF, DOCX, XLSX, ODT; checked from the
bytes; size and count limits in the settings). `/don-vi/lich/{token}.ics`:
its personal feed, revocable from the page. Staff download attached files
from the board (`/admin/board/files/{id}`), within their scope only; files are
always sent as downloads, never shown inline.
"""

from __future__ import annotations

import asyncio
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from scheduler.errors import BadRequest, LichThiDuaError
from scheduler.reminders.unit_feed import feed
from scheduler.reminders.unit_files import KINDS, ascii_name
from scheduler.reminders.unit_pages import UnitPages
from scheduler.web.board import NeedsLogin, board_of, login_required, staff_of
from scheduler.web.board import router as board_router
from scheduler.web.reminder_routes import check_origin

router = APIRouter(prefix="/don-vi", tags=["Trang đơn vị"], include_in_schema=False)
FORM_OVERHEAD = 64 * 1024
# The token in the URL never leaves the site.
NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "same-origin"}


class TooLarge(LichThiDuaError):
    exit_code = 64
    http_status = 413


def units_of(request: Request) -> UnitPages:
    board_of(request)  # says so when the board is not running
    units: UnitPages = request.app.state.units
    return units


def _page(request: Request, token: str, message: str = "", status: int = 200) -> HTMLResponse:
    units = units_of(request)
    board = units.board
    body = units.unit_from(token)
    now = request.app.state.clock()
    entries = units.unit_entries(body, now)
    highlight = units.deadline_of_link(token)  # opened from a reminder: that deadline first
    entries.sort(key=lambda e: e.deadline.uid != highlight)
    files = board.store.files([e.deadline.uid for e in entries], [f"unit:{body.id}"])
    hierarchy = board.hierarchy()
    context = {
        "unit": body, "parent": hierarchy.bodies.get(body.parent) if body.parent else None, "entries": entries,
        "token": token, "message": message, "feed_url": units.feed_link(body.id),
        "files": {uid: [f for f in files if f.occurrence_uid == uid] for uid in {f.occurrence_uid for f in files}},
        "max_kb": board.reminders.settings.submission_file_max_bytes // 1024,
        "max_files": board.reminders.settings.submission_files_max, "kinds": ", ".join(KINDS.values()),
        "titles": {c.id: c.title for c in board.campaigns()},
        "highlight": next((e for e in entries if e.deadline.uid == highlight), None),
    }
    return request.app.state.templates.TemplateResponse(request, "board/unit.html", context, status_code=status,
                                                        headers=NO_STORE)


@router.get("", response_class=HTMLResponse)
async def unit_page(request: Request, token: str = "") -> HTMLResponse:
    return await asyncio.to_thread(_page, request, token)


async def _multipart(request: Request, limit: int) -> dict[str, tuple[str, bytes]]:
    """name → (file name or "", bytes) of a form; the body is read up to ``limit`` bytes, no further."""
    check_origin(request)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"Dữ liệu gửi lên quá lớn (tối đa {limit // 1024:,} KB).".replace(",", "."))
        chunks.append(chunk)
    body = b"".join(chunks)
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("application/x-www-form-urlencoded"):
        from urllib.parse import parse_qs

        return {k: ("", v[0].encode()) for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
    if not ctype.startswith("multipart/form-data"):
        raise BadRequest("Biểu mẫu không hợp lệ.")
    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + ctype.encode("latin-1") + b"\r\n\r\n" + body)
    out: dict[str, tuple[str, bytes]] = {}
    for part in message.iter_parts() if message.is_multipart() else ():  # type: ignore[attr-defined]
        assert isinstance(part, Message)
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or name in out:
            continue
        payload = part.get_payload(decode=True)
        out[name] = (part.get_filename() or "", payload if isinstance(payload, bytes) else b"")
    return out


@router.post("/nop", response_class=HTMLResponse)
async def submit(request: Request) -> HTMLResponse:
    units = units_of(request)
    form = await _multipart(request, units.board.reminders.settings.submission_file_max_bytes + FORM_OVERHEAD)
    token = form.get("token", ("", b""))[1].decode("utf-8", "replace")
    uid = form.get("deadline", ("", b""))[1].decode("utf-8", "replace")
    filename, data = form.get("file", ("", b""))
    body = units.unit_from(token)
    new = await asyncio.to_thread(units.unit_submit, body, uid, request.app.state.clock(), filename=filename,
                                  data=data)
    message = ("Đã ghi nhận đơn vị đã nộp" if new else "Đơn vị đã báo nộp hạn này trước đó") + \
        (f"; đã nhận tệp {filename}." if data else ".") + " Cảm ơn đồng chí."
    return await asyncio.to_thread(_page, request, token, message)


@router.post("/lich-moi", response_class=HTMLResponse)
async def new_feed(request: Request) -> HTMLResponse:
    units = units_of(request)
    form = await _multipart(request, FORM_OVERHEAD)
    token = form.get("token", ("", b""))[1].decode("utf-8", "replace")
    body = units.unit_from(token)
    await asyncio.to_thread(units.board.store.revoke_feed, f"unit:{body.id}", request.app.state.clock())
    return await asyncio.to_thread(_page, request, token, "Đã tạo liên kết lịch mới; liên kết cũ không dùng được nữa.")


@router.get("/lich/{token}.ics")
async def unit_feed(request: Request, token: str) -> Response:
    units = units_of(request)
    body = await asyncio.to_thread(units.unit_from_feed, token)
    now = request.app.state.clock()
    entries = await asyncio.to_thread(units.unit_entries, body, now)
    data = feed(body.name, entries, now, page_url=units.unit_link(body.id))
    return Response(data, media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "no-cache, private", "Content-Disposition": 'inline; filename="han-nop.ics"'})


@board_router.get("/files/{file_id}")
async def download(request: Request, file_id: int) -> Response:
    try:
        staff = staff_of(request)
    except NeedsLogin:
        return login_required(request)
    path, name, _kind = await asyncio.to_thread(units_of(request).file_for, staff, file_id)
    try:
        data = await asyncio.to_thread(path.read_bytes)
    except OSError:
        raise BadRequest("Tệp đã bị xóa khỏi thư mục dữ liệu.") from None
    disposition = f"attachment; filename=\"{ascii_name(name)}\"; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type="application/octet-stream",
                    headers={"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff",
                             "Content-Security-Policy": "sandbox; default-src 'none'", "Cache-Control": "no-store"})
