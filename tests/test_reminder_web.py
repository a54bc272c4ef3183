"""Reminder pages in-process (TestClient, lifespan running): subscribe, confirm, unsubscribe, "Đã nộp"."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from notifiers.outbox import OutboxTransport
from scheduler.reminder_service import ReminderService
from scheduler.reminder_store import Status
from scheduler.web.app import create_app
from scheduler.web.reminder_routes import reminder_extension
from web_support import Clock, copy_calendars, settings_for

SIX_MONTHS = "kon-tum-2024.deadline.bao-cao-6-thang.2024@lichthidua"


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


@pytest.fixture
def client(tmp_path: Path, outbox: Path) -> Iterator[TestClient]:
    settings = settings_for(tmp_path, copy_calendars(tmp_path))
    app = create_app(settings, clock=Clock(), watch=False,
                     extensions=[reminder_extension(settings, transport=OutboxTransport(outbox), jobs=False)])
    with TestClient(app) as c:
        yield c


def service(client: TestClient) -> ReminderService:
    return client.app.state.reminders  # type: ignore[attr-defined,no-any-return]


def messages(outbox: Path) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
            for p in sorted(outbox.glob("*.eml"))]


def test_campaign_page_has_subscribe_form_and_submission_status(client: TestClient) -> None:
    page = client.get("/c/kon-tum-2024").text
    assert "Nhận email nhắc hạn chót" in page and 'action="/reminders/subscribe"' in page
    assert "Đã nộp (0/3)" in page and "Chưa nộp: Công đoàn Viên chức tỉnh (ví dụ)" in page


def test_double_opt_in(client: TestClient, outbox: Path) -> None:
    r = client.post("/reminders/subscribe", data={"calendar": "kon-tum-2024", "email": "Ban.Toi@Example.org"})
    assert r.status_code == 200 and "Kiểm tra hộp thư" in r.text
    assert service(client).store.subscribers() == []  # nothing until confirmed
    (msg,) = messages(outbox)
    assert msg["To"] == "ban.toi@example.org"
    link = re.search(r"http\S+/reminders/confirm\?token=\S+", msg.get_body(("plain",)).get_content())
    assert link is not None
    path = link.group(0).split("lich.example.vn", 1)[1]
    page = client.get(path)
    assert page.status_code == 200 and "Xác nhận đăng ký" in page.text
    assert service(client).store.subscribers() == []  # a GET (link scanner) changes nothing
    token = path.split("token=", 1)[1]
    from urllib.parse import unquote

    done = client.post("/reminders/confirm", data={"token": unquote(token)})
    assert done.status_code == 200 and "Đã đăng ký" in done.text
    assert [s.email for s in service(client).store.subscribers()] == ["ban.toi@example.org"]
    assert any(r.email == "ban.toi@example.org" for r in service(client).store.rows())


def test_nobody_can_confirm_with_a_forged_token(client: TestClient) -> None:
    r = client.post("/reminders/confirm", data={"token": "eyJpIjoxLCJuIjoiYSJ9.forged"})
    assert r.status_code == 400 and "Liên kết không hợp lệ" in r.text


def test_submitted_link_records_once_and_stops_reminders(client: TestClient) -> None:
    svc = service(client)
    url = svc.links.submitted(SIX_MONTHS, "unit:vd-kon-tum-cd-giao-duc")
    path = url.split("lich.example.vn", 1)[1]
    page = client.get(path)
    assert page.status_code == 200 and "Công đoàn ngành Giáo dục (ví dụ)" in page.text
    assert svc.store.submissions() == {}
    from urllib.parse import unquote

    token = unquote(path.split("token=", 1)[1])
    assert "Đã ghi nhận" in client.post("/reminders/submitted", data={"token": token}).text
    assert "đã báo nộp trước đó" in client.post("/reminders/submitted", data={"token": token}).text
    rows = [r for r in svc.store.rows() if r.party_key == "unit:vd-kon-tum-cd-giao-duc"
            and r.occurrence_uid == SIX_MONTHS]
    assert rows and {r.status for r in rows} == {Status.SUPPRESSED}
    assert "Đã nộp (1/3): Công đoàn ngành Giáo dục (ví dụ)" in client.get("/c/kon-tum-2024").text


def test_one_click_unsubscribe_rfc8058(client: TestClient) -> None:
    svc = service(client)
    url = svc.links.unsubscribe("vienchuc@kontum.example.org", "kon-tum-2024")
    path = url.split("lich.example.vn", 1)[1]
    assert "Hủy nhận email" in client.get(path).text
    assert svc.store.opted_out() == frozenset()
    r = client.post(path, content=b"List-Unsubscribe=One-Click",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200
    assert svc.store.opted_out() == {("vienchuc@kontum.example.org", "kon-tum-2024")}
    pending = [r for r in svc.store.rows(statuses=[Status.PENDING]) if r.email == "vienchuc@kontum.example.org"]
    assert pending == []


def test_tampered_submitted_token_is_refused(client: TestClient) -> None:
    url = service(client).links.submitted(SIX_MONTHS, "unit:x")
    body, mac = url.split("token=", 1)[1].split(".")
    r = client.post("/reminders/submitted", data={"token": body[:-2] + "AA." + mac})
    assert r.status_code == 400


def test_bad_email_is_400_and_escaped(client: TestClient) -> None:
    r = client.post("/reminders/subscribe", data={"calendar": "kon-tum-2024", "email": "<script>x</script>"})
    assert r.status_code == 400 and "<script>x" not in r.text


@pytest.mark.parametrize("path", ["/reminders/submitted", "/reminders/unsubscribe", "/reminders/confirm"])
def test_mangled_vietnamese_token_is_400_not_500(client: TestClient, path: str) -> None:
    r = client.get(path, params={"token": "Lịch thi đua ư.ơ"})
    assert r.status_code == 400 and "Liên kết không hợp lệ" in r.text


def test_scheduler_runs_in_the_app_with_an_in_memory_store(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from apscheduler.jobstores.memory import MemoryJobStore

    settings = settings_for(tmp_path, copy_calendars(tmp_path), tick_seconds=30)
    outbox = tmp_path / "outbox"
    clock = Clock(datetime(2024, 6, 21, 1, 30, tzinfo=UTC))  # Friday 21/6/2024 08:30 in Việt Nam
    app = create_app(settings, clock=clock, watch=False,
                     extensions=[reminder_extension(settings, transport=OutboxTransport(outbox))])
    with TestClient(app) as c:
        jobs = c.app.state.reminder_jobs  # type: ignore[attr-defined]
        assert isinstance(jobs._jobstores["default"], MemoryJobStore)
        tick = jobs.get_job("reminders-tick")
        assert tick.trigger.interval.total_seconds() == 30
        c.portal.call(tick.func)  # run one tick on the app's loop, now
        assert len(list(outbox.glob("*.eml"))) == 4  # the four Kon Tum addresses; the catch-up may have sent them
        c.portal.call(tick.func)
        assert len(list(outbox.glob("*.eml"))) == 4
