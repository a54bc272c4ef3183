"""Reminder pages in-process (TestClient, lifespan running): subscribe, confirm, unsubscribe, "Đã nộp"."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest
from starlette.testclient import TestClient
from web_support import MARCH_2024, Clock, copy_calendars, settings_for

from notifiers.outbox import OutboxTransport
from scheduler.reminders.ledger import ReminderStore, Status
from scheduler.reminders.service import ReminderService
from scheduler.store.database import engine_from_settings
from scheduler.web.app import create_app
from scheduler.web.reminder_routes import STATUS_TTL_SECONDS, ReminderStatus, reminder_extension

SIX_MONTHS = "kon-tum-2024.deadline.bao-cao-6-thang.2024@lichthidua"


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


@dataclass
class Monotonic:
    """The injected monotonic clock of the pages' reminder status (see ReminderStatus)."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def monotonic() -> Monotonic:
    return Monotonic()


@pytest.fixture
def client(tmp_path: Path, outbox: Path, monotonic: Monotonic) -> Iterator[TestClient]:
    settings = settings_for(tmp_path, copy_calendars(tmp_path))
    extension = reminder_extension(settings, transport=OutboxTransport(outbox), jobs=False, monotonic=monotonic)
    app = create_app(settings, clock=Clock(), watch=False, extensions=[extension])
    with TestClient(app, headers={"Origin": "http://testserver"}) as c:  # posts come from our own pages
        yield c


def service(client: TestClient) -> ReminderService:
    return client.app.state.reminders  # type: ignore[attr-defined,no-any-return]


def status(client: TestClient) -> ReminderStatus:
    (extension,) = client.app.state.extensions  # type: ignore[attr-defined]
    assert isinstance(extension.calendar_context, ReminderStatus)
    return extension.calendar_context


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

    done = client.post("/reminders/confirm", data={"token": unquote(token)})
    assert done.status_code == 200 and "Đã đăng ký" in done.text
    assert [s.email for s in service(client).store.subscribers()] == ["ban.toi@example.org"]
    assert any(r.email == "ban.toi@example.org" for r in service(client).store.rows())


def test_nobody_can_confirm_with_a_forged_token(client: TestClient) -> None:
    r = client.post("/reminders/confirm", data={"token": "eyJpIjoxLCJuIjoiYSJ9.forged"})
    assert r.status_code == 400 and "Liên kết không hợp lệ" in r.text


def test_submitted_link_records_once_and_stops_reminders(client: TestClient) -> None:
    svc = service(client)
    assert "Đã nộp (0/3)" in client.get("/c/kon-tum-2024").text  # the page is in memory now
    url = svc.links.submitted(SIX_MONTHS, "unit:vd-kon-tum-cd-giao-duc")
    path = url.split("lich.example.vn", 1)[1]
    page = client.get(path)
    assert page.status_code == 200 and "Công đoàn ngành Giáo dục (ví dụ)" in page.text
    assert svc.store.submissions() == {}

    token = unquote(path.split("token=", 1)[1])
    assert "Đã ghi nhận" in client.post("/reminders/submitted", data={"token": token}).text
    assert "đã báo nộp trước đó" in client.post("/reminders/submitted", data={"token": token}).text
    rows = [r for r in svc.store.rows() if r.party_key == "unit:vd-kon-tum-cd-giao-duc"
            and r.occurrence_uid == SIX_MONTHS]
    assert rows and {r.status for r in rows} == {Status.SUPPRESSED}
    # At once, although the page was cached and the status's time to live has not passed.
    assert "Đã nộp (1/3): Công đoàn ngành Giáo dục (ví dụ)" in client.get("/c/kon-tum-2024").text


def test_a_campaign_page_view_reads_no_database_while_the_status_is_fresh(client: TestClient,
                                                                         monotonic: Monotonic) -> None:
    pages = client.app.state.pages  # type: ignore[attr-defined]
    first = client.get("/c/kon-tum-2024")
    reads, renders, hits = status(client).reads, pages.renders, pages.hits_by_url
    for _ in range(5):
        again = client.get("/c/kon-tum-2024")
        assert again.content == first.content and again.headers.items() == first.headers.items()
    assert (status(client).reads, pages.renders, pages.hits_by_url) == (reads, renders, hits + 5)
    cached = client.get("/c/kon-tum-2024", headers={"If-None-Match": first.headers["etag"]})
    assert cached.status_code == 304 and cached.headers["etag"] == first.headers["etag"]
    monotonic.now += STATUS_TTL_SECONDS  # stale: read again, the same status keeps the same page
    assert client.get("/c/kon-tum-2024").content == first.content
    assert (status(client).reads, pages.renders) == (reads + 1, renders)


def test_a_submission_recorded_by_another_instance_shows_within_the_time_to_live(
    client: TestClient, monotonic: Monotonic
) -> None:
    assert "Đã nộp (0/3)" in client.get("/c/kon-tum-2024").text
    other = ReminderStore(engine_from_settings(client.app.state.settings))  # type: ignore[attr-defined]
    try:  # another instance on the same database records "Đã nộp"; this one is not told
        assert other.record_submission(SIX_MONTHS, "unit:vd-kon-tum-cd-giao-duc", MARCH_2024)
    finally:
        other.engine.dispose()
    monotonic.now += STATUS_TTL_SECONDS - 0.5
    assert "Đã nộp (0/3)" in client.get("/c/kon-tum-2024").text  # still the page read before
    monotonic.now += 0.5
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
    with TestClient(app, headers={"Origin": "http://testserver"}) as c:  # posts come from our own pages
        jobs = c.app.state.reminder_jobs  # type: ignore[attr-defined]
        assert isinstance(jobs._jobstores["default"], MemoryJobStore)
        tick = jobs.get_job("reminders-tick")
        assert tick.trigger.interval.total_seconds() == 30
        c.portal.call(tick.func)  # run one tick on the app's loop, now
        assert len(list(outbox.glob("*.eml"))) == 4  # the four Kon Tum addresses; the catch-up may have sent them
        c.portal.call(tick.func)
        assert len(list(outbox.glob("*.eml"))) == 4
