"""Abuse of a running service: guessing the admin password, forged form posts, one mailbox under many "+tags".

The guessing test runs a real `lichthidua serve` and measures the feed's
latency while scrypt checks run (printed; the bound asserted is a fraction of
one scrypt check, i.e. the checks no longer run on the event loop).
"""

from __future__ import annotations

import base64
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient
from web_support import Clock, copy_calendars, serve_process, settings_for

from notifiers.outbox import OutboxTransport
from scheduler.passwords import hash_password
from scheduler.reminders.links import UNSUBSCRIBE
from scheduler.reminders.subscriptions import mailbox
from scheduler.web.admin import LoginLimiter
from scheduler.web.app import create_app
from scheduler.web.reminder_routes import reminder_extension

PASSWORD = "mật-khẩu-quản-trị-đủ-dài"
FORM = {"calendar": "kon-tum-2024"}


def _basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_failed_logins_are_limited_per_client_and_per_account() -> None:
    now = [0.0]
    limits = LoginLimiter(per_client=3, per_account=5, window=600, monotonic=lambda: now[0])
    for _ in range(3):
        assert limits.wait("10.0.0.1", "admin") == 0
        limits.failed("10.0.0.1", "admin")
    assert limits.wait("10.0.0.1", "admin") == 600  # this client: blocked for the window
    assert limits.wait("10.0.0.1", "other") == 600  # whatever account it tries next
    assert limits.wait("10.0.0.2", "admin") == 0  # another client may still try
    limits.failed("10.0.0.2", "admin")
    limits.failed("10.0.0.3", "admin")
    assert limits.wait("10.0.0.4", "admin") == 600  # 5 failures on one account from anywhere: a botnet
    assert limits.wait("10.0.0.4", "someone") == 0
    now[0] = 601
    assert limits.wait("10.0.0.1", "admin") == 0  # the window moved on


@pytest.mark.slow
def test_guessing_the_admin_password_on_a_running_service(tmp_path: Path) -> None:
    calendars = copy_calendars(tmp_path)
    env = {"LICHTHIDUA_ADMIN_PASSWORD_HASH": hash_password(PASSWORD)}
    with serve_process(tmp_path, calendars, env=env) as server, httpx.Client(base_url=server.base, timeout=30) as c:
        feed = "/feeds/kon-tum-2024.ics"
        assert c.get(feed).status_code == 200

        def feed_latencies(seconds: float) -> list[float]:
            out, end = [], time.monotonic() + seconds
            while time.monotonic() < end:
                start = time.perf_counter()
                assert c.get(feed).status_code == 200
                out.append(time.perf_counter() - start)
                time.sleep(0.01)
            return out

        quiet = feed_latencies(1.5)
        # One client guessing: ten wrong answers, then 429 in Vietnamese with Retry-After, even for the right one.
        answers = [c.get("/admin", headers=_basic("admin", f"doan-{i}")).status_code for i in range(12)]
        assert answers[:10] == [401] * 10 and answers[10:] == [429, 429], answers
        refused = c.get("/admin", headers=_basic("admin", PASSWORD))
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
        assert "Đăng nhập sai quá nhiều lần" in refused.text
        # Another client (behind the reverse proxy, X-Forwarded-For) with the right password gets in.
        ok = c.get("/admin", headers={**_basic("admin", PASSWORD), "X-Forwarded-For": "10.9.9.9"})
        assert ok.status_code == 200, ok.text[:300]

        # Many clients and account names guessing at once (every guess a scrypt check) while feeds are read.
        stop = threading.Event()
        guesses = [0]

        def guess(worker: int) -> None:
            with httpx.Client(base_url=server.base, timeout=30) as g:
                i = 0
                while not stop.is_set():
                    i += 1
                    g.get("/admin", headers={**_basic(f"u{worker}-{i}", "sai"),
                                             "X-Forwarded-For": f"10.{worker}.{i // 250}.{i % 250}"})
                    guesses[0] += 1

        workers = [threading.Thread(target=guess, args=(w,)) for w in range(4)]
        for w in workers:
            w.start()
        try:
            busy = feed_latencies(3.0)
        finally:
            stop.set()
            for w in workers:
                w.join(timeout=30)
        p50_quiet, p50_busy = statistics.median(quiet), statistics.median(busy)
        print(f"\nđoán mật khẩu: {guesses[0]} lần trong 3 s; nguồn lịch p50 {p50_quiet * 1000:.1f} ms lúc yên, "
              f"{p50_busy * 1000:.1f} ms khi bị đoán (tối đa {max(busy) * 1000:.0f} ms)")
        assert guesses[0] >= 3
        # A scrypt check on the event loop would hold every feed request behind it (p50 rose 1 ms -> 312 ms);
        # in a worker thread the feed's median stays near its quiet one (same run, same machine load).
        assert p50_busy < 5 * p50_quiet + 0.02
        assert "Traceback" not in server.log()


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = settings_for(tmp_path, copy_calendars(tmp_path), subscribe_per_address=3, subscribe_per_client=50)
    app = create_app(settings, clock=Clock(), watch=False,
                     extensions=[reminder_extension(settings, transport=OutboxTransport(tmp_path / "outbox"),
                                                    jobs=False)])
    with TestClient(app) as c:
        yield c


def test_a_form_post_needs_a_same_origin_origin_or_referer(client: TestClient) -> None:
    home = str(client.base_url)
    post = lambda **headers: client.post("/reminders/subscribe", data={**FORM, "email": "a@vi-du.vn"},  # noqa: E731
                                         headers=headers)
    assert post().status_code == 403  # neither Origin nor Referer: not from our page
    assert "Origin" in post().text and "Referer" in post().text
    assert post(Origin="null").status_code == 403
    assert post(Origin="https://ke-gia-mao.example").status_code == 403
    assert post(Referer="https://ke-gia-mao.example/trang").status_code == 403
    assert post(Referer=f"{home}/c/kon-tum-2024").status_code == 200
    assert post(Origin=home).status_code == 200


def test_a_signed_link_is_its_own_proof(client: TestClient) -> None:
    """RFC 8058 one-click unsubscribe comes from mail providers' servers: no Origin, a signed token."""
    service = client.app.state.reminders  # type: ignore[attr-defined]
    token = service.links.signer.sign(UNSUBSCRIBE, {"e": "b@vi-du.vn", "s": "*"})
    done = client.post(f"/reminders/unsubscribe?token={token}", data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200, done.text[:300]
    forged = client.post("/reminders/unsubscribe?token=gia-mao", data={"List-Unsubscribe": "One-Click"})
    assert forged.status_code == 400


def test_plus_tags_of_one_mailbox_share_its_quota(client: TestClient) -> None:
    assert mailbox("Nguyen.Van.A+tin-tuc@Vi-Du.VN") == "nguyen.van.a@vi-du.vn"
    assert mailbox("+chi-tag@vi-du.vn") == "+chi-tag@vi-du.vn"
    home = str(client.base_url)
    answers = [client.post("/reminders/subscribe", data={**FORM, "email": address}, headers={"Origin": home}).status_code
               for address in ("can-bo+1@vi-du.vn", "can-bo+2@vi-du.vn", "Can-Bo+3@Vi-Du.vn", "can-bo@vi-du.vn")]
    assert answers == [200, 200, 200, 429]


def test_healthz_says_the_database_is_lost_and_only_an_admin_reads_why(tmp_path: Path) -> None:
    from sqlalchemy.exc import OperationalError

    from scheduler.store.health import DatabaseHealth

    settings = settings_for(tmp_path, copy_calendars(tmp_path), admin_password_hash=hash_password(PASSWORD))
    app = create_app(settings, clock=Clock(), watch=False, extensions=[])
    # What a service on PostgreSQL would have seen (this one runs on SQLite, so that it starts).
    remote = settings.model_copy(update={"database_url": "postgresql+psycopg://lich:bi-mat@db.example:5432/lichthidua"})
    app.state.db_health = DatabaseHealth(remote)
    app.state.db_health.failed(OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly")))
    with TestClient(app) as c:
        public = c.get("/healthz").json()
        assert public["status"] == "degraded" and public["database"] == "unavailable"
        assert "database_error" not in public and "db.example" not in str(public)
        admin = c.get("/healthz", headers=_basic("admin", PASSWORD)).json()
        assert "db.example" in admin["database_error"] and "database_url" in admin["database_error"]
        assert "bi-mat" not in admin["database_error"]
