"""The admin area (`/admin`): what the public pages no longer show.

Diagnostics of every calendar and recipients file (paths relative to the
calendars folder), delivery failures, reminder status per deadline and
submissions. Access: the password or token whose hash is the
``admin_password_hash`` setting (HTTP Basic for browsers, ``Authorization:
Bearer`` for scripts); with no hash configured, only requests from the
server itself (behind nginx, uvicorn's proxy headers make the real client
the one checked, so a remote visitor is never "localhost").
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from dataclasses import replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from scheduler.passwords import verify_password
from scheduler.errors import Diagnostic
from notifiers.channels import host_policy
from notifiers.endpoints import paused_endpoints
from scheduler.reminders.recipients import load_directory
from scheduler.reminders.ledger import STATUS_VN, Status
from scheduler.web import views

VN = ZoneInfo("Asia/Ho_Chi_Minh")

router = APIRouter(tags=["Quản trị"], include_in_schema=False)
LOCAL = frozenset({"127.0.0.1", "::1", "localhost"})


def _secret(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        try:  # header values arrive decoded as Latin-1; a token typed in Vietnamese is UTF-8
            value = value.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
        return value.strip() or None
    if scheme.lower() == "basic":
        try:
            _user, _, password = base64.b64decode(value.strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return password or None
    return None


def allowed(request: Request) -> bool:
    stored = request.app.state.settings.admin_password_hash
    if not stored:
        return request.client is not None and request.client.host in LOCAL
    secret = _secret(request)
    return secret is not None and verify_password(secret, stored)


def relative(diagnostic: Diagnostic, root: Path) -> Diagnostic:
    """The diagnostic with its file relative to the calendars folder (no server paths on screen)."""
    try:
        shown = Path(diagnostic.file).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        shown = Path(diagnostic.file).name
    return replace(diagnostic, file=shown)


def _reminders(request: Request) -> dict[str, Any]:
    service = getattr(request.app.state, "reminders", None)
    if service is None:
        return {"reminders_running": False}
    store = service.store
    failed = store.rows(statuses=[Status.FAILED], limit=200)
    per_deadline = sorted(store.status_by_occurrence().items())
    submissions = store.submissions()
    # Endpoints (webhook, chat) their breaker holds back: shared through the data folder with `remind status`.
    paused = [p.describe(VN) for p in paused_endpoints(Path(service.settings.data_dir), service.wall())]
    return {"reminders_running": True, "failed": failed, "per_deadline": per_deadline, "paused": paused,
            "submissions": sorted((uid, party, at) for uid, parties in submissions.items()
                                  for party, at in parties.items()),
            "status_vn": {s.value: text for s, text in STATUS_VN.items()}}


@router.get("/admin", response_class=HTMLResponse)
async def admin_page(request: Request) -> Response:
    app = request.app
    if not allowed(request):
        if app.state.settings.admin_password_hash:
            return Response("Cần đăng nhập quản trị.\n", status_code=401, media_type="text/plain; charset=utf-8",
                            headers={"WWW-Authenticate": 'Basic realm="lichthidua admin", charset="UTF-8"',
                                     "Cache-Control": "no-store"})
        return Response("Trang quản trị chỉ mở được từ chính máy chủ khi chưa đặt admin_password_hash.\n",
                        status_code=403, media_type="text/plain; charset=utf-8", headers={"Cache-Control": "no-store"})
    root: Path = app.state.settings.calendars_dir
    snapshot = app.state.repository.snapshot
    calendars = [(state, [relative(d, root) for d in state.diagnostics]) for state in snapshot.states.values()]
    settings = app.state.settings
    directory = await asyncio.to_thread(load_directory, root, settings.limits(), host_policy(settings))
    context = {
        "snapshot": snapshot,
        "calendars": calendars,
        "recipient_diagnostics": [relative(d, root) for d in directory.diagnostics],
        "views": views,
        **await asyncio.to_thread(_reminders, request),
    }
    return app.state.templates.TemplateResponse(request, "admin.html", context,
                                                headers={"Cache-Control": "no-store", "X-Robots-Tag": "noindex"})
