"""The admin area: who may see it, and what it shows that the public pages and /healthz do not."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from starlette.testclient import TestClient
from web_support import Clock, copy_calendars, settings_for

from notifiers.outbox import OutboxTransport
from scheduler.errors import SettingsError
from scheduler.passwords import hash_password, verify_password
from scheduler.reminders.ledger import Outcome, Status
from scheduler.settings import load_settings
from scheduler.web.app import create_app
from scheduler.web.reminder_routes import reminder_extension

PASSWORD = "mật khẩu quản trị 2024"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    calendars = copy_calendars(tmp_path)
    (calendars / "hong.yaml").write_text("id: hong\ntitle: Hỏng\nyear: abc\n", encoding="utf-8")
    settings = settings_for(tmp_path, calendars, admin_password_hash=hash_password(PASSWORD))
    app = create_app(settings, clock=Clock(), watch=False,
                     extensions=[reminder_extension(settings, transport=OutboxTransport(tmp_path / "outbox"), jobs=False)])
    with TestClient(app) as c:
        yield c


def test_the_password_is_kept_only_as_a_hash() -> None:
    stored = hash_password(PASSWORD)
    assert PASSWORD not in stored and stored.startswith("scrypt$")
    assert verify_password(PASSWORD, stored) and not verify_password("sai", stored)
    assert not verify_password(PASSWORD, "scrypt$1$1$1$$") and not verify_password("", stored)
    with pytest.raises(SettingsError, match="admin_password_hash.*mã băm"):
        load_settings(environ={"LICHTHIDUA_ADMIN_PASSWORD_HASH": PASSWORD}, config_file=Path("/khong-co.toml"))


def test_admin_needs_the_password(client: TestClient) -> None:
    r = client.get("/admin")
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Basic")
    assert client.get("/admin", auth=("admin", "sai")).status_code == 401
    assert client.get("/admin", headers={"Authorization": "Bearer sai"}).status_code == 401
    assert client.get("/admin", auth=("admin", PASSWORD)).status_code == 200
    assert client.get("/admin", headers={"Authorization": ("Bearer " + PASSWORD).encode()}).status_code == 200


def test_without_a_password_only_the_server_itself(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, copy_calendars(tmp_path))
    app = create_app(settings, clock=Clock(), watch=False, extensions=[])
    with TestClient(app) as c:  # the test client is not 127.0.0.1
        r = c.get("/admin")
        assert r.status_code == 403 and "admin_password_hash" in r.text
    with TestClient(app, client=("127.0.0.1", 50000)) as c:
        assert c.get("/admin").status_code == 200


def test_public_pages_and_healthz_show_no_paths_or_diagnostics(client: TestClient, tmp_path: Path) -> None:
    health = client.get("/healthz").json()
    assert health["status"] == "degraded" and health["failing"] == {"hong": {"served": "none"}}
    for path in ("/healthz", "/c/hong", "/", "/feeds/hong.ics"):
        body = html.unescape(client.get(path).text)
        assert str(tmp_path) not in body, path
        assert "hong.yaml" not in body and "cần một số nguyên" not in body, path


def test_admin_shows_diagnostics_recipients_failures_status_and_submissions(client: TestClient, tmp_path: Path) -> None:
    service = client.app.state.reminders  # type: ignore[attr-defined]
    store = service.store
    rows = store.rows(statuses=[Status.PENDING], limit=2)
    assert len(rows) == 2
    now = datetime(2024, 6, 21, 1, 0, tzinfo=UTC)
    claimed = store.claim_due(datetime(2030, 1, 1, tzinfo=UTC), "admin-test:1", limit=1, lease=timedelta(minutes=5),
                              wall=now)
    store.mark([Outcome(claimed[0].id, claimed[0].claimed_by or "", Status.FAILED,
                        error="550 5.1.1 Hộp thư không tồn tại")], now=now)
    store.record_submission(rows[1].occurrence_uid, rows[1].party_key, now)
    # A recipients file broken after the plan was made (the service keeps the last good list).
    (tmp_path / "calendars" / "recipients" / "sai.yaml").write_text(
        "groups:\n  - id: sai\n    name: Sai\n    units:\n      - id: u\n        name: U\n        emails: [khong-phai-email]\n",
        encoding="utf-8")
    page = html.unescape(client.get("/admin", auth=("admin", PASSWORD)).text)
    assert str(tmp_path) not in page
    assert "hong.yaml:3:7: lỗi [year]" in page  # relative to the calendars folder
    assert "recipients/sai.yaml:7:" in page and "khong-phai-email" in page
    assert "550 5.1.1 Hộp thư không tồn tại" in page and claimed[0].email in page
    assert rows[1].occurrence_uid in page and rows[1].party_key in page
    assert "chờ gửi:" in page and "lỗi: 1" in page
    assert client.get("/admin", auth=("admin", PASSWORD)).headers["cache-control"] == "no-store"


def test_admin_says_which_endpoints_are_paused(client: TestClient, tmp_path: Path) -> None:
    """A dead webhook's breaker (kept in the data folder by the channels) is shown in Vietnam time."""
    from notifiers.endpoint_health import HEALTH_FILE, EndpointState, Health

    service = client.app.state.reminders  # type: ignore[attr-defined]
    page = html.unescape(client.get("/admin", auth=("admin", PASSWORD)).text)
    assert "Không có điểm nhận nào đang lỗi." in page
    health = Health(Path(service.settings.data_dir) / HEALTH_FILE)
    wall = service.wall()
    health.states["webhook:cd-so-y-te"] = EndpointState(
        2, wall + timedelta(minutes=10), "Máy nhận không trả lời hết trong 10 giây", wall)
    health.save(["webhook:cd-so-y-te"])
    page = html.unescape(client.get("/admin", auth=("admin", PASSWORD)).text)
    until = (wall + timedelta(minutes=10)).astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert (f"webhook:cd-so-y-te: tạm ngừng gửi đến {until:%H:%M} ngày {until:%d/%m/%Y}, sau 2 lần thất bại liên "
            "tiếp: Máy nhận không trả lời hết trong 10 giây") in page
