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
import logging
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from notifiers.channels import host_policy
from notifiers.endpoint_health import paused_endpoints
from scheduler.errors import Diagnostic
from scheduler.passwords import verify_password
from scheduler.reminders.ledger import STATUS_VN, Status
from scheduler.reminders.recipients import load_directory
from scheduler.store.health import OnceAMinute
from scheduler.store.threads import in_database_thread
from scheduler.web import views

VN = ZoneInfo("Asia/Ho_Chi_Minh")

router = APIRouter(tags=["Quản trị"], include_in_schema=False)
log = logging.getLogger("lichthidua.web")
LOCAL = frozenset({"127.0.0.1", "::1", "localhost"})
# Failed logins: at most 10 per client and 100 per account (all clients together) in 15 minutes (see LoginLimiter).
ADMIN_FAILS_PER_CLIENT = 10
ADMIN_FAILS_PER_ACCOUNT = 100
ADMIN_FAILS_WINDOW_SECONDS = 15 * 60.0


def _credentials(request: Request) -> tuple[str | None, str]:
    """(the secret offered, the account it is offered for: the Basic user name, or "token" for a bearer)."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        try:  # header values arrive decoded as Latin-1; a token typed in Vietnamese is UTF-8
            value = value.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
        return value.strip() or None, "token"
    if scheme.lower() == "basic":
        try:
            user, _, password = base64.b64decode(value.strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None, ""
        return password or None, user.strip().lower()[:100]
    return None, ""


def _secret(request: Request) -> str | None:
    return _credentials(request)[0]


def allowed(request: Request) -> bool:
    """Blocking (scrypt, ~50 ms of CPU): call :func:`authorize` from the event loop instead."""
    stored = request.app.state.settings.admin_password_hash
    if not stored:
        return request.client is not None and request.client.host in LOCAL
    secret = _secret(request)
    return secret is not None and verify_password(secret, stored)


class LoginLimiter:
    """Failed admin logins, counted per client (its address) and per account, in a sliding window.

    Past ``per_client`` failures of one client, or ``per_account`` failures for one account (from
    any number of clients: a guessing botnet), further attempts are refused with 429 before any
    password is checked, until the oldest failure leaves the window. Successes are not counted.
    Memory only, per process: behind several instances each counts its own.
    """

    def __init__(self, *, per_client: int = ADMIN_FAILS_PER_CLIENT, per_account: int = ADMIN_FAILS_PER_ACCOUNT,
                 window: float = ADMIN_FAILS_WINDOW_SECONDS, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.limits = {"client": per_client, "account": per_account}
        self.window = window
        self._monotonic = monotonic
        self._fails: dict[tuple[str, str], deque[float]] = {}

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        times = self._fails.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._fails[key]
        return times

    def wait(self, client: str, account: str) -> float:
        """Seconds before this client may try again for this account (0: it may try now)."""
        now = self._monotonic()
        wait = 0.0
        for kind, key in (("client", client), ("account", account)):
            times = self._recent((kind, key), now)
            if len(times) >= self.limits[kind]:
                wait = max(wait, times[0] + self.window - now)
        return wait

    def failed(self, client: str, account: str) -> None:
        now = self._monotonic()
        if len(self._fails) > 100_000:  # a flood of distinct clients: forget the oldest picture
            self._fails.clear()
        for kind, key in (("client", client), ("account", account)):
            self._fails.setdefault((kind, key), deque()).append(now)


def limiter(request: Request) -> LoginLimiter:
    found: LoginLimiter | None = getattr(request.app.state, "admin_logins", None)
    if found is None:
        found = request.app.state.admin_logins = LoginLimiter()
    return found


def _failures(request: Request) -> OnceAMinute:
    found: OnceAMinute | None = getattr(request.app.state, "admin_failures", None)
    if found is None:
        found = request.app.state.admin_failures = OnceAMinute(
            log, "Đăng nhập trang quản trị sai %d lần trong phút qua (%s).", level=logging.WARNING)
    return found


def _hashing(request: Request) -> asyncio.Semaphore:
    found: asyncio.Semaphore | None = getattr(request.app.state, "admin_hashing", None)
    if found is None:
        found = request.app.state.admin_hashing = asyncio.Semaphore(1)
    return found


async def authorize(request: Request) -> Response | None:
    """None if the request may see /admin; else the answer: 401 (ask for the password), 403, or 429."""
    stored = request.app.state.settings.admin_password_hash
    if not stored:
        if request.client is not None and request.client.host in LOCAL:
            return None
        return Response("Trang quản trị chỉ mở được từ chính máy chủ khi chưa đặt admin_password_hash.\n",
                        status_code=403, media_type="text/plain; charset=utf-8", headers={"Cache-Control": "no-store"})
    secret, account = _credentials(request)
    client = request.client.host if request.client is not None else ""
    if secret is not None:
        limits = limiter(request)
        wait = limits.wait(client, account)
        if wait > 0:
            minutes = max(1, math.ceil(wait / 60))
            return Response(f"Đăng nhập sai quá nhiều lần. Hãy thử lại sau khoảng {minutes} phút.\n", status_code=429,
                            media_type="text/plain; charset=utf-8",
                            headers={"Retry-After": str(math.ceil(wait)), "Cache-Control": "no-store"})
        # scrypt costs ~50 ms of CPU and 16 MB: in a worker thread, one at a time, so feeds and pages keep
        # their latency (and the machine its memory) while someone guesses.
        async with _hashing(request):
            ok = await asyncio.to_thread(verify_password, secret, stored)
        if ok:
            return None
        limits.failed(client, account)
        _failures(request).add(f"lần gần nhất từ {client or '?'}, tài khoản {account!r}")
    return Response("Cần đăng nhập quản trị.\n", status_code=401, media_type="text/plain; charset=utf-8",
                    headers={"WWW-Authenticate": 'Basic realm="lichthidua admin", charset="UTF-8"',
                             "Cache-Control": "no-store"})


async def allowed_async(request: Request) -> bool:
    """Whether the request carries the admin's secret (checked as /admin does: limited, off the event loop)."""
    return await authorize(request) is None


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
    # People read a deadline's title, not its UID (kon-tum-2024.deadline.bao-cao-6-thang.2024@lichthidua).
    titles = {uid: service.title_of(uid, calendar_id) for calendar_id, uid in dict(per_deadline)}
    titles.update({uid: service.title_of(uid) for uid in submissions if uid not in titles})
    titles.update({r.occurrence_uid: service.deadline_title(r) for r in failed if r.occurrence_uid not in titles})
    return {"reminders_running": True, "failed": failed, "per_deadline": per_deadline, "titles": titles,
            "paused": paused,
            "submissions": sorted((uid, party, at) for uid, parties in submissions.items()
                                  for party, at in parties.items()),
            "status_vn": {s.value: text for s, text in STATUS_VN.items()}}


@router.get("/admin", response_class=HTMLResponse)
async def admin_page(request: Request) -> Response:
    app = request.app
    refused = await authorize(request)
    if refused is not None:
        return refused
    root: Path = app.state.settings.calendars_dir
    snapshot = app.state.repository.snapshot
    calendars = [(state, [relative(d, root) for d in state.diagnostics]) for state in snapshot.states.values()]
    drafts = [(state, [relative(d, root) for d in state.diagnostics]) for state in snapshot.drafts.values()]
    settings = app.state.settings
    directory = await asyncio.to_thread(load_directory, root, settings.limits(), host_policy(settings))
    context = {
        "snapshot": snapshot,
        "calendars": calendars,
        "drafts": drafts,
        "recipient_diagnostics": [relative(d, root) for d in directory.diagnostics],
        "views": views,
        **await in_database_thread(_reminders, request),
    }
    return app.state.templates.TemplateResponse(request, "admin.html", context,
                                                headers={"Cache-Control": "no-store", "X-Robots-Tag": "noindex"})
