"""Feeds, pages, reminders and emails follow the campaign, served with today's kind of clock.

Issue 7: served in December 2026 (and in 2030), a 2024 campaign's feed must be
the 2024 plan, not "this year and the next"; every link its page offers gives
a non-empty calendar; a finished campaign says so and takes no reminder
subscription; a date the admin set is never presented as the document's.
The shipped calendars plus a school-year plan (tests/calendars/golden/) are
served in-process with the clock injected; feeds are parsed with icalendar.
"""

from __future__ import annotations

import html as html_lib
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import icalendar
import pytest
from starlette.testclient import TestClient
from web_support import ROOT, Clock, copy_calendars, running, settings_for

from notifiers.content import deadline_view
from notifiers.outbox import OutboxTransport
from scheduler.core.campaign import Calendar
from scheduler.core.events import DateOrigin, EventKind
from scheduler.core.expand import default_window, expand, undated_items
from scheduler.live.catalog import load_catalog
from scheduler.reminders.service import open_service
from scheduler.web.app import create_app
from scheduler.web.reminder_routes import reminder_extension

SCHOOL_YEAR = "school-year-admin-dated"  # năm học 2026–2027, see its file
GOLDEN = ROOT / "tests" / "calendars" / "golden" / f"{SCHOOL_YEAR}.yaml"
DEC_2026 = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)  # 10:00 in Việt Nam, the day issue 7 was filed
JUN_2030 = datetime(2030, 6, 1, 3, 0, tzinfo=UTC)
OWN_KINDS = {EventKind.PHASE.label, EventKind.DEADLINE.label, EventKind.EVENT.label}


def calendars_folder(tmp: Path) -> Path:
    folder = copy_calendars(tmp)
    shutil.copy(GOLDEN, folder / GOLDEN.name)
    return folder


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return load_catalog(calendars_folder(tmp_path_factory.mktemp("catalog")))


def campaign_ids() -> list[str]:
    ids = sorted(p.stem for p in (ROOT / "tests" / "calendars" / "seed").glob("*.yaml") if p.stem != "viet-nam")
    return [*ids, SCHOOL_YEAR]


@pytest.fixture(scope="module", params=[DEC_2026, JUN_2030], ids=["2026-12-06", "2030-06-01"])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, date]]:
    tmp = tmp_path_factory.mktemp("served")
    with running(settings_for(tmp, calendars_folder(tmp)), Clock(request.param)) as client:
        yield client, (request.param.date())


def vevents(body: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def day(event: icalendar.Event, name: str = "DTSTART") -> date:
    value = event.decoded(name)
    return value.date() if isinstance(value, datetime) else value


def offered_feeds(page: str, cid: str) -> list[str]:
    """Every .ics link the campaign page offers, as paths with their query."""
    links = re.findall(rf'href="https://lich\.example\.vn(/feeds/{re.escape(cid)}\.ics[^"]*)"', page)
    return sorted({html_lib.unescape(link) for link in links})


# --- feeds --------------------------------------------------------------------------


@pytest.mark.parametrize("cid", campaign_ids())
def test_every_offered_feed_is_the_plan_and_nothing_of_another_year(
    served: tuple[TestClient, date], catalog, cid: str  # type: ignore[no-untyped-def]
) -> None:
    client, _ = served
    calendar: Calendar = catalog.get(cid)
    assert calendar.span is not None
    window = default_window(calendar, date(2000, 1, 1))  # the campaign's own window: no "today" in it
    own_uids = {e.uid for e in expand(calendar, window) if not e.inherited}
    page = client.get(f"/c/{cid}").text
    feeds = offered_feeds(page, cid)
    assert f"/feeds/{cid}.ics" in feeds
    for path in feeds:
        events = vevents(client.get(path).content)
        assert events, f"{path}: lịch rỗng"
        for e in events:
            start, kind = day(e), str(e["CATEGORIES"].cats[0])
            # Inside the span, or the plan's own phase, deadline or event (a report due after it closes).
            assert start in calendar.span or (kind in OWN_KINDS and str(e["UID"]) in own_uids), (path, e["SUMMARY"])
            assert window.start <= start <= window.end, (path, e["SUMMARY"])
        uids = {str(e["UID"]) for e in events}
        if "inherited=false" in path:
            assert uids == own_uids  # the plan's own items, all of them, and only them
        elif "kinds=deadline" in path:
            assert {str(e["CATEGORIES"].cats[0]) for e in events} == {EventKind.DEADLINE.label}
        else:
            assert own_uids <= uids  # the default feed holds every item of the plan
    # A filtered feed is offered exactly when it is not empty.
    has_deadlines = any(e.kind is EventKind.DEADLINE for e in expand(calendar, window))
    assert (f"/feeds/{cid}.ics?kinds=deadline" in feeds) == has_deadlines
    assert (f"/feeds/{cid}.ics?inherited=false" in feeds) == bool(own_uids)


def test_which_filtered_feeds_each_shipped_campaign_offers(served: tuple[TestClient, date]) -> None:
    client, _ = served
    offers = {cid: offered_feeds(client.get(f"/c/{cid}").text, cid) for cid in campaign_ids()}
    assert offers["kon-tum-2024"] == [
        "/feeds/kon-tum-2024.ics", "/feeds/kon-tum-2024.ics?inherited=false", "/feeds/kon-tum-2024.ics?kinds=deadline"]
    assert offers[SCHOOL_YEAR] == [f"/feeds/{SCHOOL_YEAR}.ics", f"/feeds/{SCHOOL_YEAR}.ics?inherited=false",
                                   f"/feeds/{SCHOOL_YEAR}.ics?kinds=deadline"]
    # Long Biên's deadlines are all undated: no "only deadlines" link, and the page says why.
    assert offers["long-bien-2024"] == ["/feeds/long-bien-2024.ics", "/feeds/long-bien-2024.ics?inherited=false"]
    assert "Kế hoạch không ghi hạn chót nào có ngày cụ thể." in client.get("/c/long-bien-2024").text
    # Hà Nội's file holds nothing of its own (only what Long Biên quotes of it): only the full feed.
    assert offers["ha-noi-2024"] == ["/feeds/ha-noi-2024.ics"]


def test_a_2024_plan_served_in_2026_is_the_2024_plan(served: tuple[TestClient, date]) -> None:
    client, _ = served
    events = vevents(client.get("/feeds/kon-tum-2024.ics").content)
    assert {day(e).year for e in events} == {2024}
    titles = {str(e["SUMMARY"]) for e in events}
    assert "Đợt 1 phong trào thi đua năm 2024" in titles
    assert "Hạn chót: Báo cáo kết quả triển khai thực hiện 6 tháng đầu năm (trước 25/6/2024)" in titles
    deadlines = vevents(client.get("/feeds/kon-tum-2024.ics?kinds=deadline").content)
    assert len(deadlines) == 2
    # Asked for 2026 explicitly: the national days of 2026 are there, but none is the 2024 plan's own.
    later = vevents(client.get("/feeds/kon-tum-2024.ics?from=2026-01-01").content)
    assert any("97 năm Ngày thành lập Công đoàn Việt Nam" in str(e["SUMMARY"]) for e in later)
    own_later = vevents(client.get("/feeds/kon-tum-2024.ics?inherited=false&from=2026-01-01").content)
    assert not any("Công đoàn" in str(e["SUMMARY"]) for e in own_later)
    assert own_later == []


def test_the_national_calendar_keeps_this_year_and_the_next(served: tuple[TestClient, date]) -> None:
    client, today = served
    events = vevents(client.get("/feeds/viet-nam.ics").content)
    assert {day(e).year for e in events} == {today.year, today.year + 1}


def test_school_year_feed_spans_two_calendar_years(served: tuple[TestClient, date]) -> None:
    client, _ = served
    events = {str(e["UID"]): e for e in vevents(client.get(f"/feeds/{SCHOOL_YEAR}.ics").content)}
    assert min(day(e) for e in events.values()) >= date(2026, 9, 1)
    assert max(day(e) for e in events.values()) <= date(2027, 5, 31)
    meeting = events[f"{SCHOOL_YEAR}.event.hoi-nghi-so-ket-hk1.0@lichthidua"]
    assert meeting.decoded("DTSTART") == datetime(2027, 1, 15, 8, 0, tzinfo=meeting.decoded("DTSTART").tzinfo)
    assert str(meeting["DTSTART"].params["TZID"]) == "Asia/Ho_Chi_Minh"
    assert "Hội trường Sở Giáo dục và Đào tạo" in str(meeting["DESCRIPTION"])
    admin = events[f"{SCHOOL_YEAR}.deadline.bao-cao-so-ket-hk1.0@lichthidua"]
    text = str(admin["DESCRIPTION"])
    assert "Văn bản ghi" not in text and "Hạn do quản trị đặt: chậm nhất ngày 20/1/2027" in text
    assert "“sau khi kết thúc học kỳ I”" in text
    # "25/5" each year of the span: the one in the school year's second calendar year.
    assert f"{SCHOOL_YEAR}.deadline.bao-cao-tong-ket.2027@lichthidua" in events
    # The undated registration has no VEVENT.
    assert not any("dang-ky-danh-hieu" in uid for uid in events)


def test_an_old_campaign_still_gets_sequence_and_cancellations(tmp_path: Path) -> None:
    """Edited in 2030, a 2017 campaign's feed raises SEQUENCE and publishes its deleted day as cancelled."""
    from web_support import refresh

    folder = calendars_folder(tmp_path)
    path = folder / "cao-bang-2017.yaml"
    text = path.read_text(encoding="utf-8")
    phase = "cao-bang-2017.phase.dot-2.2017@lichthidua"
    own_day = "cao-bang-2017.anniversary.cong-doan-cao-bang.2017@lichthidua"
    clock = Clock(JUN_2030)  # the ledger used to track only the last 12 years before "today"
    with running(settings_for(tmp_path, folder), clock) as client:
        before = {str(e["UID"]): e for e in vevents(client.get("/feeds/cao-bang-2017.ics").content)}
        assert {phase, own_day} <= set(before)
        edited = text.replace("    theme: Thi đua lập thành tích chào mừng kỷ niệm 88 năm",
                                "    theme: Thi đua chào mừng kỷ niệm 88 năm")
        start, end = edited.index("commemorations:"), edited.index("phases:")
        edited = edited[:start] + edited[end:]
        edited = edited.replace("      - cong-doan-cao-bang: 70\n", "")
        path.write_text(edited, encoding="utf-8")
        assert refresh(client)
        after = {str(e["UID"]): e for e in vevents(client.get("/feeds/cao-bang-2017.ics").content)}
    assert after[phase]["SEQUENCE"] == before[phase]["SEQUENCE"] + 1
    assert after[own_day]["STATUS"] == "CANCELLED"
    assert after[own_day]["SEQUENCE"] == before[own_day]["SEQUENCE"] + 1


# --- pages --------------------------------------------------------------------------


def test_finished_campaign_page(served: tuple[TestClient, date]) -> None:
    client, _ = served
    page = client.get("/c/kon-tum-2024").text
    assert "Phong trào đã kết thúc ngày 31/12/2024." in page
    assert "Năm 2024" in page and "?year=2025" not in page and "?year=2023" not in page  # nothing to browse
    assert "<details open>\n    <summary>Hạn chót đã qua của phong trào (2)</summary>" in page
    assert "Chưa có ngày" in page
    assert "Văn bản ghi: “Sau mỗi đợt thi đua, các cấp Công đoàn tổ chức sơ, tổng kết, biểu dương, khen thưởng”" in page
    index = client.get("/").text
    assert index.count("Đã kết thúc") == len(campaign_ids()) - (0 if served[1] > date(2027, 5, 31) else 1)


def test_school_year_campaign_page(served: tuple[TestClient, date]) -> None:
    client, today = served
    page = client.get(f"/c/{SCHOOL_YEAR}").text
    assert "Năm học 2026–2027" in page
    # Opens on the running year in December 2026, on the first year once it is over.
    assert "<h2>Năm 2026" in page
    assert '?year=2027"' in page and '?year=2025"' not in page
    finished = today > date(2027, 5, 31)
    assert ("Phong trào đã kết thúc ngày 31/5/2027." in page) == finished
    later = client.get(f"/c/{SCHOOL_YEAR}?year=2027").text
    assert "Thời gian: 08:00 – 11:30" in later and "Địa điểm: Hội trường Sở Giáo dục và Đào tạo" in later
    assert "Ngày do quản trị của Công đoàn ngành Giáo dục tỉnh Thử Nghiệm đặt để nhắc việc" in later
    assert "Ngày làm việc bù" in later or "Sự kiện" in later  # legend and agenda know the new kinds
    assert '?year=2026"' in later and '?year=2028"' not in later
    undated = page.split('id="chua-co-ngay"', 1)[1].split("</section>", 1)[0]
    assert "Đăng ký danh hiệu thi đua" in undated and "Văn bản ghi: “đầu năm học (văn bản không ghi ngày)”" in undated
    assert "Nơi nhận: Công đoàn ngành Giáo dục tỉnh" in undated
    index = client.get("/").text
    assert "Năm học 2026–2027" in index


def test_shipped_school_year_page(served: tuple[TestClient, date]) -> None:
    """The model school-year plan (calendars/mau-giao-duc-2019-2020.yaml), long over in 2026 and 2030."""
    client, _ = served
    page = client.get("/c/mau-giao-duc-2019-2020").text
    assert "Năm học 2019–2020" in page and "Phong trào đã kết thúc ngày 15/7/2020." in page
    assert "<h2>Năm 2019" in page and '?year=2020"' in page and '?year=2018"' not in page
    # Đợt 2 "đến hết học kỳ I": the admin's date, said as such where the phase is listed.
    assert "ngày kết thúc (11/1/2020) do quản trị Công đoàn ngành Giáo dục (lịch mẫu) đặt; văn bản ghi “hết học kỳ I”" in page
    assert "Thời gian: 08:00" in page and "Địa điểm: Hội trường Sở Giáo dục và Đào tạo" in page
    undated = page.split('id="chua-co-ngay"', 1)[1].split("</section>", 1)[0]
    assert "Hội nghị sơ kết học kỳ I" in undated and "Văn bản ghi: “sau khi kết thúc học kỳ I”" in undated
    assert "Sơ kết đợt thi đua" in undated and "Văn bản ghi: “sau mỗi đợt thi đua”" in undated
    # The final report due after the school year (15/6/2020) is still the campaign's, in its feed.
    deadlines = {str(e["SUMMARY"]) for e in vevents(client.get("/feeds/mau-giao-duc-2019-2020.ics?kinds=deadline").content)}
    assert "Hạn chót: Báo cáo tổng kết phong trào thi đua năm học (chậm nhất ngày 15/6/2020)" in deadlines
    # and on its page, opened on 2019, with the school year's other deadline.
    past = page.split("Hạn chót đã qua của phong trào (2)", 1)[1].split("</details>", 1)[0]
    assert "15/10/2019" in past and "15/6/2020" in past


def test_make_up_workday_on_the_page(tmp_path: Path) -> None:
    with running(settings_for(tmp_path, calendars_folder(tmp_path)), Clock(DEC_2026)) as client:
        page = client.get("/c/kon-tum-2024").text
    assert "Làm việc bù cho ngày nghỉ Thứ Hai 29/4/2024" in page
    assert 'class="mark kind-workday"' in page


def test_no_raw_ids_where_names_belong(served: tuple[TestClient, date]) -> None:
    client, _ = served
    for cid in campaign_ids():
        text = client.get(f"/c/{cid}").text
        visible = re.sub(r"<[^>]+>", " ", re.sub(r"<script>.*?</script>", "", text, flags=re.S))
        for raw in ("thang-cong-nhan", "tet-nguyen-dan", "cong-doan-viet-nam", "nha-giao-viet-nam"):
            assert raw not in visible, (cid, raw)
        for e in vevents(client.get(f"/feeds/{cid}.ics").content):
            assert not re.search(r"\b[a-z0-9]+(?:-[a-z0-9]+){2,}\b", str(e.get("DESCRIPTION", ""))), e["SUMMARY"]


# --- reminders ----------------------------------------------------------------------


@pytest.fixture
def reminder_client(tmp_path: Path) -> Iterator[TestClient]:
    settings = settings_for(tmp_path, calendars_folder(tmp_path))
    app = create_app(settings, clock=Clock(DEC_2026), watch=False,
                     extensions=[reminder_extension(settings, transport=OutboxTransport(tmp_path / "outbox"), jobs=False)])
    with TestClient(app, headers={"Origin": "http://testserver"}) as c:  # posts come from our own pages
        yield c


def test_finished_campaign_takes_no_reminder_subscription(reminder_client: TestClient, tmp_path: Path) -> None:
    page = reminder_client.get("/c/kon-tum-2024").text
    assert 'action="/reminders/subscribe"' not in page
    assert "không còn nhận đăng ký email nhắc hạn cho phong trào này" in page
    r = reminder_client.post("/reminders/subscribe", data={"calendar": "kon-tum-2024", "email": "a@example.org"})
    assert r.status_code == 410
    assert "đã kết thúc ngày 31/12/2024: không còn nhận đăng ký email nhắc hạn" in html_lib.unescape(r.text)
    assert reminder_client.app.state.reminders.store.subscribers() == []  # type: ignore[attr-defined]
    assert not list((tmp_path / "outbox").glob("*.eml"))
    # The running school-year campaign still offers it.
    assert 'action="/reminders/subscribe"' in reminder_client.get(f"/c/{SCHOOL_YEAR}").text
    ok = reminder_client.post("/reminders/subscribe", data={"calendar": SCHOOL_YEAR, "email": "a@example.org"})
    assert ok.status_code == 200 and "Phát động phong trào thi đua trong cán bộ, nhà giáo" in ok.text


def test_reminders_follow_the_span_and_skip_undated_deadlines(tmp_path: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for(tmp_path, calendars_folder(tmp_path))
    service = open_service(settings, transport=OutboxTransport(tmp_path / "outbox"), load_calendars=False)
    try:
        service.store.create_tables()
        service.load(catalog.calendars)
        for cid in (SCHOOL_YEAR, "long-bien-2024"):
            sub_id, nonce, _ = service.store.request_subscription("ban@example.org", cid, DEC_2026)
            service.store.confirm_subscription(sub_id, nonce, DEC_2026)
        planned = {p.occurrence_uid for p in service.planned(DEC_2026)}
    finally:
        service.engine.dispose()
    # Both deadlines of the school year, in its second calendar year, are planned in December 2026.
    assert f"{SCHOOL_YEAR}.deadline.bao-cao-so-ket-hk1.0@lichthidua" in planned
    assert f"{SCHOOL_YEAR}.deadline.bao-cao-tong-ket.2027@lichthidua" in planned
    # Undated deadlines never produce a reminder, whatever the clock.
    undated = {u.item_id for c in catalog.calendars.values() for u in undated_items(c)}
    assert {"dang-ky-danh-hieu", "dang-ky-phat-dong", "bao-cao-sau-dot"} <= undated
    assert not any(f".deadline.{item}." in uid for uid in planned for item in undated)


# --- emails -------------------------------------------------------------------------


def test_an_admin_date_is_never_presented_as_the_document_s(catalog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from email_fixtures import body, parse

    from notifiers.content import ReminderContent
    from notifiers.email_message import Composer, Recipient
    from notifiers.mailer import Mailer, MessageSpec
    from notifiers.rendering import Templates

    calendar = catalog.get(SCHOOL_YEAR)
    events = {e.item_id: e for e in expand(calendar, default_window(calendar, DEC_2026.date()))}
    admin, written = events["bao-cao-so-ket-hk1"], events["bao-cao-tong-ket"]
    assert admin.origin is DateOrigin.ADMIN and written.origin is DateOrigin.DOCUMENT
    mailer = Mailer(Templates(), Composer("Lịch thi đua <lichthidua@congdoan.vn>"))
    for event, admin_set in ((admin, True), (written, False)):
        view = deadline_view(event, calendar.title, DEC_2026.date())
        assert view.set_by_admin is admin_set
        spec = MessageSpec(key=f"reminder:{event.uid}:7:a@example.org", recipient=Recipient("a@example.org"),
                           content=ReminderContent(deadline=view))
        msg = parse(mailer.build(spec, DEC_2026).data)
        for text in (body(msg, "plain"), html_lib.unescape(body(msg, "html"))):
            if admin_set:
                assert "Hạn theo văn bản" not in text and "Văn bản ghi" not in text
                assert "Hạn do quản trị đặt" in text and "“sau khi kết thúc học kỳ I”" in text
                assert "Công đoàn ngành Giáo dục tỉnh Thử Nghiệm" in text
            else:
                assert "Hạn theo văn bản" in text and "Hạn do quản trị đặt" not in text
