"""The ICS renderer: RFC 5545 rules byte by byte, the revision ledger, and three real parsers.

Golden files in tests/golden/ are compared byte for byte; regenerate them after
an intended change with ``LICHTHIDUA_UPDATE_GOLDEN=1 .venv/bin/python -m pytest
tests/test_ics.py`` and review the diff.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import unicodedata
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from ical.calendar_stream import IcsCalendarStream

from notifiers.ics import (
    CATEGORIES,
    FeedMeta,
    RenderOptions,
    Revision,
    content_type,
    describe,
    render_calendar,
    render_event,
)
from notifiers.ics_text import escape_text, fmt_duration, fold
from scheduler.core.events import AnniversaryInfo, DateOrigin, DeadlineInfo, Due, Event, EventKind, LunarInfo
from scheduler.errors import CalendarError, LichThiDuaError
from scheduler.feeds.options import render_options

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
JS_DIR = HERE / "js"
UPDATE_GOLDEN = os.environ.get("LICHTHIDUA_UPDATE_GOLDEN") == "1"

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = "kon-tum-2024"
NOW = datetime(2024, 3, 1, 2, 30, tzinfo=timezone.utc)
LATER = datetime(2024, 4, 2, 9, 0, tzinfo=timezone.utc)
META = FeedMeta.for_calendar(
    CAL,
    "Lịch thi đua LĐLĐ tỉnh Kon Tum năm 2024",
    document_date=date(2024, 2, 21),
    description="Theo Hướng dẫn 15/HD-LĐLĐ, Kon Tum, ngày 21 tháng 02 năm 2024",
)
LONG_TITLE = (
    "Đợt 2: Thi đua lập thành tích chào mừng kỷ niệm 79 năm Cách mạng tháng Tám thành công và "
    "Quốc khánh nước Cộng hòa xã hội chủ nghĩa Việt Nam; hướng tới Đại hội Công đoàn các cấp, "
    "nhiệm kỳ 2023–2028"
)
SCRIPT_TITLE = "<script>alert('xss')</script> Hội thao CNVCLĐ; vòng 1, bảng A"


def ev(uid: str, kind: EventKind, title: str, start: date, end: date | None = None, **kw: Any) -> Event:
    return Event(
        uid=f"{CAL}/{uid}@lichthidua",
        kind=kind,
        title=title,
        start=start,
        end=end or start,
        source=f"calendars/{CAL}.yaml:{len(uid)}",
        calendar_id=CAL,
        item_id=uid,
        defined_in=CAL,
        **kw,
    )


def deadline(uid: str, title: str, day: date, due: Due, as_written: str, **kw: Any) -> Event:
    due_at = (
        datetime(day.year, day.month, day.day, tzinfo=TZ) + timedelta(days=1)
        if due is Due.BEFORE
        else datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=TZ)
    )
    info = DeadlineInfo(due=due, due_at=due_at, as_written=as_written, **kw)
    return ev(uid, EventKind.DEADLINE, title, day, deadline=info)


PHASE_1 = ev(
    "dot-1",
    EventKind.PHASE,
    "Đợt 1: Thi đua chào mừng kỷ niệm 95 năm Ngày thành lập Công đoàn Việt Nam",
    date(2024, 1, 1),
    date(2024, 7, 31),
    description="Chủ đề: Đổi mới, sáng tạo; đoàn kết, phát triển.\nSơ kết sau đợt; báo cáo về LĐLĐ tỉnh.",
)
PHASE_2 = ev("dot-2", EventKind.PHASE, LONG_TITLE, date(2024, 8, 1), date(2024, 12, 31))
CONG_DOAN = ev(
    "cong-doan-viet-nam",
    EventKind.ANNIVERSARY,
    "Kỷ niệm 95 năm Ngày thành lập Công đoàn Việt Nam",
    date(2024, 7, 28),
    anniversary=AnniversaryInfo(date(1929, 7, 28), 95, True, ("dot-1",)),
)
DANG = ev(
    "thanh-lap-dang",
    EventKind.ANNIVERSARY,
    "Kỷ niệm 94 năm Ngày thành lập Đảng Cộng sản Việt Nam",
    date(2024, 2, 3),
    anniversary=AnniversaryInfo(date(1930, 2, 3), 94, False),
)
TET = ev(
    "tet-nguyen-dan",
    EventKind.LUNAR,
    "Tết Nguyên đán Giáp Thìn 2024",
    date(2024, 2, 10),
    lunar=LunarInfo(2024, 1, 1),
    can_chi="Giáp Thìn",
)
REPORT_BEFORE = deadline(
    "bao-cao-6-thang",
    "Báo cáo sơ kết 6 tháng đầu năm",
    date(2024, 6, 24),
    Due.BEFORE,
    "trước 25/6/2024",
    submitted_by="Công đoàn cấp trên trực tiếp cơ sở",
    submit_to="LĐLĐ tỉnh (Ban Chính sách pháp luật và Quan hệ lao động)",
    via="ldldkontum@gmail.com",
)
REPORT_NLT = deadline(
    "dang-ky-thi-dua",
    "Gửi bản đăng ký thi đua",
    date(2024, 3, 16),
    Due.NO_LATER_THAN,
    "chậm nhất ngày 16/3/2024",
    warnings=("Rơi vào Thứ Bảy",),
    submit_to="LĐLĐ tỉnh",
)
WORKERS_MONTH = ev("thang-cong-nhan", EventKind.OBSERVANCE, "Tháng Công nhân năm 2024", date(2024, 5, 1), date(2024, 5, 31))
NATIONAL_DAY = ev("quoc-khanh", EventKind.HOLIDAY, "Nghỉ lễ Quốc khánh 2/9", date(2024, 9, 2), date(2024, 9, 3))
SCRIPT = ev(
    "hoi-thao",
    EventKind.OBSERVANCE,
    SCRIPT_TITLE,
    date(2024, 10, 5),
    description="Địa điểm: Nhà văn hóa\\Sân vận động tỉnh, sáng 7:30",
)
# Typed on a keyboard that sends combining marks: must come out NFC.
DECOMPOSED = ev(
    "ngay-nha-giao",
    EventKind.ANNIVERSARY,
    unicodedata.normalize("NFD", "Kỷ niệm 42 năm Ngày Nhà giáo Việt Nam"),
    date(2024, 11, 20),
    anniversary=AnniversaryInfo(date(1982, 11, 20), 42, False),
)
EVENTS = [PHASE_1, PHASE_2, CONG_DOAN, DANG, TET, REPORT_BEFORE, REPORT_NLT, WORKERS_MONTH, NATIONAL_DAY, SCRIPT, DECOMPOSED]


# --- helpers -----------------------------------------------------------------


def unfold(body: bytes) -> list[str]:
    return body.decode().replace("\r\n ", "").split("\r\n")[:-1]


def vevents(body: bytes) -> dict[str, list[str]]:
    """Unfolded lines of each VEVENT, keyed by the UID as written."""
    out: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in unfold(body):
        if line == "BEGIN:VEVENT":
            current = []
        elif line == "END:VEVENT":
            assert current is not None
            uid = next(x[4:] for x in current if x.startswith("UID:"))
            out[uid] = current
            current = None
        elif current is not None:
            current.append(line)
    return out


def prop(lines: list[str], name: str) -> list[str]:
    return [line.split(":", 1)[1] for line in lines if re.split("[;:]", line, maxsplit=1)[0] == name]


def check_golden(name: str, body: bytes) -> None:
    path = GOLDEN / name
    if UPDATE_GOLDEN or not path.exists():
        if not UPDATE_GOLDEN:
            pytest.fail(f"golden file {path} missing; run with LICHTHIDUA_UPDATE_GOLDEN=1 to create it")
        path.write_bytes(body)
    assert body == path.read_bytes(), f"{name} differs from golden (LICHTHIDUA_UPDATE_GOLDEN=1 to accept)"


@pytest.fixture(scope="module")
def feed() -> bytes:
    return render_calendar(EVENTS, META, now=NOW).body


# --- RFC 5545 byte rules -----------------------------------------------------


def test_all_day_dates_with_exclusive_dtend(feed: bytes) -> None:
    by_uid = vevents(feed)
    for e in EVENTS:
        lines = by_uid[e.uid]
        assert prop(lines, "DTSTART") == [e.start.strftime("%Y%m%d")]
        assert prop(lines, "DTEND") == [(e.end + timedelta(days=1)).strftime("%Y%m%d")]
        assert "DTSTART;VALUE=DATE:" + e.start.strftime("%Y%m%d") in lines
    assert "DTSTART;VALUE=DATE:20240101" in by_uid[PHASE_1.uid]
    assert "DTEND;VALUE=DATE:20240801" in by_uid[PHASE_1.uid]


def test_crlf_only_and_lines_of_at_most_75_octets_each_valid_utf8(feed: bytes) -> None:
    assert feed.endswith(b"END:VCALENDAR\r\n")
    physical = feed.split(b"\r\n")[:-1]
    assert all(b"\r" not in line and b"\n" not in line for line in physical)
    assert max(len(line) for line in physical) <= 75
    for line in physical:
        line.decode("utf-8")  # strict: a split multi-byte character would raise here
    assert any(line.startswith(b" ") for line in physical), "the long Vietnamese title must fold"


@pytest.mark.parametrize("shift", range(0, 12))
def test_fold_never_splits_a_character_or_an_escape(shift: int) -> None:
    for n in range(0, 260, 7):
        text = "x" * shift + ("Kỷ niệm ngày thành lập\\, đoàn kết; ệ\\n" * 8)[:n]
        folded = fold("DESCRIPTION:" + text)
        lines = folded.split(b"\r\n")[:-1]
        assert all(len(x) <= 75 for x in lines)
        decoded = [x.decode() for x in lines]
        assert all(x.startswith(" ") for x in decoded[1:])
        assert all(not re.search(r"(?<!\\)(\\\\)*\\$", x) for x in decoded[:-1]), decoded
        assert "".join([decoded[0]] + [x[1:] for x in decoded[1:]]) == "DESCRIPTION:" + text


def test_text_is_nfc(feed: bytes) -> None:
    text = feed.decode()
    assert unicodedata.is_normalized("NFC", text)
    summary = prop(vevents(feed)[DECOMPOSED.uid], "SUMMARY")[0]
    assert summary == "Kỷ niệm 42 năm Ngày Nhà giáo Việt Nam"
    assert summary != DECOMPOSED.title  # the input really was decomposed


def test_text_escaping(feed: bytes) -> None:
    assert escape_text("a\\b;c,d\ne\r\nf\x07g\th") == "a\\\\b\\;c\\,d\\ne\\nfg\th"
    script = vevents(feed)[SCRIPT.uid]
    assert prop(script, "SUMMARY") == ["<script>alert('xss')</script> Hội thao CNVCLĐ\\; vòng 1\\, bảng A"]
    assert prop(script, "DESCRIPTION")[0].startswith("Địa điểm: Nhà văn hóa\\\\Sân vận động tỉnh\\, sáng 7:30")
    phase = vevents(feed)[PHASE_1.uid]
    assert prop(phase, "DESCRIPTION")[0].startswith(
        "Chủ đề: Đổi mới\\, sáng tạo\\; đoàn kết\\, phát triển.\\nSơ kết sau đợt\\; báo cáo về LĐLĐ tỉnh.\\n"
    )


def test_calendar_properties(feed: bytes) -> None:
    head = unfold(feed)[: unfold(feed).index("BEGIN:VTIMEZONE")]
    assert head[:5] == ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//lichthidua//Lich thi dua//VI", "CALSCALE:GREGORIAN",
                        "METHOD:PUBLISH"]
    assert "X-WR-CALNAME:Lịch thi đua LĐLĐ tỉnh Kon Tum năm 2024" in head
    assert "X-WR-CALDESC:Theo Hướng dẫn 15/HD-LĐLĐ\\, Kon Tum\\, ngày 21 tháng 02 năm 2024" in head
    assert "X-WR-TIMEZONE:Asia/Ho_Chi_Minh" in head
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H" in head
    assert "X-PUBLISHED-TTL:PT6H" in head
    daily = render_calendar([], META, now=NOW, options=RenderOptions(refresh_interval=timedelta(hours=24))).body
    assert "REFRESH-INTERVAL;VALUE=DURATION:P1D" in unfold(daily)
    assert "X-PUBLISHED-TTL:P1D" in unfold(daily)


def test_durations() -> None:
    assert fmt_duration(timedelta(hours=6)) == "PT6H"
    assert fmt_duration(timedelta(days=-7, hours=8)) == "-P6DT16H"
    assert fmt_duration(timedelta(days=-1, hours=8)) == "-PT16H"
    assert fmt_duration(timedelta(hours=8)) == "PT8H"
    assert fmt_duration(timedelta(0)) == "PT0S"
    assert fmt_duration(timedelta(days=-3)) == "-P3D"
    assert fmt_duration(timedelta(minutes=-90)) == "-PT1H30M"


@pytest.mark.parametrize("zone", ["Asia/Ho_Chi_Minh", "Europe/Berlin"])
def test_a_vtimezone_for_every_tzid(zone: str) -> None:
    meta = dataclasses.replace(META, timezone=zone)
    body = render_calendar(EVENTS, meta, now=NOW).body
    lines = unfold(body)
    defined = {x[5:] for x in lines if x.startswith("TZID:")}
    used = set(re.findall(r";TZID=([^;:]+)", body.decode()))
    assert zone in defined and used <= defined
    assert f"X-WR-TIMEZONE:{zone}" in lines
    assert not any(x.startswith("COMMENT:") for x in lines)  # icalendar's English note is dropped
    vtz = icalendar.Calendar.from_ical(body).walk("VTIMEZONE")[0]
    tz = vtz.to_tz()
    # The generated zone must agree with zoneinfo on the offsets the feed spans.
    for day in (date(2024, 1, 15), date(2024, 7, 15)):
        noon = datetime(day.year, day.month, day.day, 12)
        assert noon.replace(tzinfo=tz).utcoffset() == noon.replace(tzinfo=ZoneInfo(zone)).utcoffset()


def test_unknown_timezone_is_a_calendar_error() -> None:
    with pytest.raises(CalendarError, match="múi giờ không tồn tại"):
        FeedMeta.for_calendar(CAL, "x", timezone="Asia/Kon_Tum", year=2024)


# --- content -----------------------------------------------------------------


def test_categories_transparency_and_priority(feed: bytes) -> None:
    by_uid = vevents(feed)
    expected = {
        PHASE_1.uid: "Đợt thi đua",
        CONG_DOAN.uid: "Ngày kỷ niệm",
        WORKERS_MONTH.uid: "Hoạt động",
        TET.uid: "Âm lịch",
        REPORT_BEFORE.uid: "Hạn chót",
        NATIONAL_DAY.uid: "Ngày nghỉ lễ",
    }
    for uid, category in expected.items():
        assert prop(by_uid[uid], "CATEGORIES") == [category]
    assert set(CATEGORIES) == set(EventKind)
    for e in EVENTS:
        lines = by_uid[e.uid]
        assert "TRANSP:TRANSPARENT" in lines
        assert prop(lines, "SUMMARY") == [escape_text(e.title)]
        assert ("PRIORITY:1" in lines) == (e.kind is EventKind.DEADLINE)


def test_vietnamese_descriptions() -> None:
    assert "Kỷ niệm 95 năm (28/7/1929 – 28/7/2024), năm chẵn" in describe(CONG_DOAN).splitlines()
    assert "Kỷ niệm 94 năm (3/2/1930 – 3/2/2024)" in describe(DANG).splitlines()
    assert "Âm lịch: mùng 1 tháng Giêng năm Giáp Thìn (2024)" in describe(TET).splitlines()
    assert "Thời gian: từ 1/5/2024 đến hết 31/5/2024" in describe(WORKERS_MONTH).splitlines()
    before = describe(REPORT_BEFORE).splitlines()
    assert before[:2] == ["Hạn cuối: hết ngày 24/6/2024 (nộp trước 25/6/2024)", "Văn bản ghi: trước 25/6/2024"]
    assert "Đơn vị nộp: Công đoàn cấp trên trực tiếp cơ sở" in before
    assert "Nơi nhận: LĐLĐ tỉnh (Ban Chính sách pháp luật và Quan hệ lao động)" in before
    assert "Gửi qua: ldldkontum@gmail.com" in before
    nlt = describe(REPORT_NLT).splitlines()
    assert nlt == [
        "Hạn cuối: hết ngày 16/3/2024",
        "Văn bản ghi: chậm nhất ngày 16/3/2024",
        "Nơi nhận: LĐLĐ tỉnh",
        "Lưu ý: Rơi vào Thứ Bảy",
    ]
    assert REPORT_BEFORE.deadline is not None
    at_five = dataclasses.replace(REPORT_BEFORE.deadline, due_at=datetime(2024, 6, 25, 17, 0, tzinfo=TZ))
    assert at_five.due_words == "trước 17:00 ngày 25/6/2024"
    assert describe(dataclasses.replace(TET, lunar=LunarInfo(2023, 2, 15, leap=True), can_chi=None)) == (
        "Âm lịch: ngày 15 tháng 2 nhuận năm 2023"
    )


# --- alarms ------------------------------------------------------------------


def _alarms(body: bytes, uid: str) -> list[str]:
    return prop(vevents(body)[uid], "TRIGGER")


def test_valarms_on_deadlines_only(feed: bytes) -> None:
    assert _alarms(feed, REPORT_BEFORE.uid) == ["-P6DT16H", "-PT16H"]
    assert _alarms(feed, REPORT_NLT.uid) == ["-P6DT16H", "-PT16H"]
    for e in EVENTS:
        if e.kind is not EventKind.DEADLINE:
            assert "BEGIN:VALARM" not in vevents(feed)[e.uid]
    lines = vevents(feed)[REPORT_BEFORE.uid]
    assert lines.count("ACTION:DISPLAY") == 2
    assert prop(lines, "DESCRIPTION")[-1] == (
        "Sắp đến hạn chót: Báo cáo sơ kết 6 tháng đầu năm. Hạn cuối: hết ngày 24/6/2024 (nộp trước 25/6/2024)."
    )


@pytest.mark.parametrize(("days", "hour"), [((7, 1), 8), ((3, 0), 9), ((14,), 0)])
def test_alarm_fires_at_alarm_hour_n_days_before(days: tuple[int, ...], hour: int) -> None:
    body = render_calendar([REPORT_BEFORE], META, now=NOW, options=RenderOptions(alarm_days=days, alarm_hour=hour)).body
    vevent = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    start = datetime.combine(vevent.decoded("DTSTART"), datetime.min.time())
    fire = sorted(start + a.decoded("TRIGGER") for a in vevent.walk("VALARM"))
    assert fire == sorted(start - timedelta(days=d) + timedelta(hours=hour) for d in days)


def test_options_validate_and_follow_settings() -> None:
    from scheduler.settings import Settings

    opts = render_options(Settings(refresh_interval_hours=12, alarm_days=(3,), alarm_hour=7))
    assert (opts.refresh_interval, opts.alarm_days, opts.alarm_hour) == (timedelta(hours=12), (3,), 7)
    with pytest.raises(LichThiDuaError):
        RenderOptions(alarm_days=(-1,))
    with pytest.raises(LichThiDuaError):
        RenderOptions(alarm_hour=24)


def test_event_url_template() -> None:
    body = render_calendar([PHASE_1], META, now=NOW, options=RenderOptions(event_url="https://lich.example/{calendar_id}#{uid}")).body
    assert prop(vevents(body)[PHASE_1.uid], "URL") == [f"https://lich.example/{CAL}#{PHASE_1.uid}"]


# --- ledger: SEQUENCE, DTSTAMP, determinism ----------------------------------


def test_same_input_gives_identical_bytes_without_a_ledger(feed: bytes) -> None:
    again = render_calendar(list(reversed(EVENTS)), META, now=LATER).body
    assert again == feed
    for lines in vevents(feed).values():
        assert prop(lines, "DTSTAMP") == ["20240221T000000Z"]  # the document date, not the clock
        assert prop(lines, "SEQUENCE") == ["0"]


def test_sequence_rises_only_for_changed_events() -> None:
    first = render_calendar(EVENTS, META, now=NOW)
    assert all(r.sequence == 0 and r.dtstamp == META.baseline_stamp for r in first.revisions.values())
    moved = dataclasses.replace(DANG, source="calendars/other-line.yaml:99")  # not visible to subscribers
    changed = dataclasses.replace(REPORT_BEFORE, title="Báo cáo sơ kết 6 tháng đầu năm (bổ sung)")
    edited = [changed if e is REPORT_BEFORE else moved if e is DANG else e for e in EVENTS]
    second = render_calendar(edited, META, revisions=first.revisions, now=NOW)
    old, new = vevents(first.body), vevents(second.body)
    assert prop(new[REPORT_BEFORE.uid], "SEQUENCE") == ["1"]
    assert prop(new[REPORT_BEFORE.uid], "DTSTAMP") == ["20240301T023000Z"]
    for e in EVENTS:
        if e is not REPORT_BEFORE:
            assert new[e.uid] == old[e.uid]
    # Rendering again, later, with the returned ledger changes nothing.
    third = render_calendar(edited, META, revisions=second.revisions, now=LATER)
    assert third.body == second.body and third.revisions == second.revisions
    # A second edit raises it again.
    again = dataclasses.replace(changed, start=date(2024, 6, 21), end=date(2024, 6, 21))
    fourth = render_calendar([again], META, revisions=third.revisions, now=LATER)
    assert prop(vevents(fourth.body)[REPORT_BEFORE.uid], "SEQUENCE") == ["2"]
    assert fourth.revisions[REPORT_BEFORE.uid] == Revision(again.fingerprint(), 2, LATER)
    # Entries not rendered are carried over, so a returning event outranks what clients saw.
    assert fourth.revisions[PHASE_1.uid] == first.revisions[PHASE_1.uid]


def test_cancelled_events() -> None:
    first = render_calendar(EVENTS, META, now=NOW)
    remaining = [e for e in EVENTS if e is not REPORT_NLT]
    second = render_calendar(remaining, META, revisions=first.revisions, now=LATER, cancelled=[REPORT_NLT])
    lines = vevents(second.body)[REPORT_NLT.uid]
    assert "STATUS:CANCELLED" in lines and "BEGIN:VALARM" not in lines
    assert prop(lines, "SEQUENCE") == ["1"] and prop(lines, "DTSTAMP") == ["20240402T090000Z"]
    assert all("STATUS:CONFIRMED" in v for uid, v in vevents(second.body).items() if uid != REPORT_NLT.uid)
    # Announcing the cancellation again does not raise SEQUENCE again.
    third = render_calendar(remaining, META, revisions=second.revisions, now=LATER + timedelta(days=3), cancelled=[REPORT_NLT])
    assert third.body == second.body
    # Without a ledger it still outranks the SEQUENCE 0 subscribers have.
    fresh = render_calendar([], META, now=LATER, cancelled=[REPORT_NLT]).body
    assert prop(vevents(fresh)[REPORT_NLT.uid], "SEQUENCE") == ["1"]
    # Restored in the YAML: live again, above the cancellation.
    back = render_calendar(EVENTS, META, revisions=third.revisions, now=LATER, cancelled=[REPORT_NLT])
    restored = vevents(back.body)[REPORT_NLT.uid]
    assert "STATUS:CONFIRMED" in restored and prop(restored, "SEQUENCE") == ["2"]


def test_duplicate_uids_are_refused() -> None:
    with pytest.raises(CalendarError, match="UID bị trùng"):
        render_calendar([PHASE_1, dataclasses.replace(PHASE_1, title="khác")], META, now=NOW)


def test_naive_now_is_refused() -> None:
    with pytest.raises(LichThiDuaError):
        render_calendar(EVENTS, META, now=datetime(2024, 3, 1))


# --- single-event attachment -------------------------------------------------


def test_render_event_for_email() -> None:
    body = render_event(REPORT_BEFORE, META, now=NOW)
    assert content_type() == "text/calendar; method=PUBLISH; charset=utf-8"
    lines = unfold(body)
    assert "METHOD:PUBLISH" in lines
    assert not any(x.startswith(("X-WR-", "REFRESH-INTERVAL", "X-PUBLISHED-TTL")) for x in lines)
    assert _alarms(body, REPORT_BEFORE.uid) == ["-P6DT16H", "-PT16H"]
    # It agrees with the feed when given the feed's ledger.
    feed = render_calendar(EVENTS, META, now=NOW)
    assert vevents(body)[REPORT_BEFORE.uid] == vevents(feed.body)[REPORT_BEFORE.uid]
    changed = dataclasses.replace(REPORT_BEFORE, title="Báo cáo (sửa)")
    assert prop(vevents(render_event(changed, META, now=NOW, revisions=feed.revisions))[changed.uid], "SEQUENCE") == ["1"]
    with pytest.raises(LichThiDuaError):
        render_event(REPORT_BEFORE, META, now=NOW, method="REQUEST")  # type: ignore[arg-type]


# --- golden files --------------------------------------------------------------


def test_golden_feed(feed: bytes) -> None:
    check_golden("kon_tum_2024_feed.ics", feed)


def test_golden_deadline_with_alarms() -> None:
    check_golden("deadline_with_alarms.ics", render_event(REPORT_BEFORE, META, now=NOW))


def test_golden_changed_and_cancelled() -> None:
    first = render_calendar([PHASE_1, REPORT_BEFORE, REPORT_NLT], META, now=NOW)
    changed = dataclasses.replace(PHASE_1, end=date(2024, 7, 15))
    body = render_calendar([changed, REPORT_BEFORE], META, revisions=first.revisions, now=LATER, cancelled=[REPORT_NLT]).body
    check_golden("phase_changed_deadline_cancelled.ics", body)


# --- three independent parsers -----------------------------------------------


def expected_view(events: list[Event], *, sequences: dict[str, int] | None = None) -> dict[str, tuple[Any, ...]]:
    return {
        e.uid: (
            e.start.isoformat(),
            (e.end + timedelta(days=1)).isoformat(),
            unicodedata.normalize("NFC", e.title),
            (sequences or {}).get(e.uid, 0),
        )
        for e in events
    }


def parse_icalendar(body: bytes) -> dict[str, tuple[Any, ...]]:
    cal = icalendar.Calendar.from_ical(body)
    return {
        str(v["UID"]): (v.decoded("DTSTART").isoformat(), v.decoded("DTEND").isoformat(), str(v["SUMMARY"]), int(v["SEQUENCE"]))
        for v in cal.walk("VEVENT")
    }


def parse_ical_strict(body: bytes) -> dict[str, tuple[Any, ...]]:
    cal = IcsCalendarStream.calendar_from_ics(body.decode())
    out = {}
    for v in cal.events:
        assert type(v.dtstart) is date and type(v.dtend) is date
        out[v.uid] = (v.dtstart.isoformat(), v.dtend.isoformat(), v.summary, v.sequence)
    return out


def parse_icaljs(body: bytes) -> dict[str, tuple[Any, ...]]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node không có trong PATH: bỏ qua kiểm tra bằng ical.js")
    if not (JS_DIR / "node_modules" / "ical.js").is_dir():
        pytest.skip("thiếu tests/js/node_modules/ical.js: chạy `npm ci` trong tests/js (./run test tự làm)")
    proc = subprocess.run(
        [node, str(JS_DIR / "parse_ics.mjs")], input=body, capture_output=True, timeout=60, check=True
    )
    data = json.loads(proc.stdout)
    assert data["method"] == "PUBLISH"
    out = {}
    for v in data["events"]:
        assert v["start_is_date"] is True
        out[v["uid"]] = (v["start"], v["end"], v["summary"], v["sequence"])
    return out


PARSERS = [parse_icalendar, parse_ical_strict, parse_icaljs]


@pytest.mark.parametrize("parse", PARSERS, ids=["icalendar", "ical", "ical.js"])
def test_parsers_read_the_feed(feed: bytes, parse: Any) -> None:
    assert parse(feed) == expected_view(EVENTS)


@pytest.mark.parametrize("parse", PARSERS, ids=["icalendar", "ical", "ical.js"])
def test_parsers_read_changes_and_the_attachment(parse: Any) -> None:
    first = render_calendar(EVENTS, META, now=NOW)
    changed = dataclasses.replace(PHASE_2, title=PHASE_2.title + " (điều chỉnh)")
    live = [changed if e is PHASE_2 else e for e in EVENTS if e is not REPORT_NLT]
    second = render_calendar(live, META, revisions=first.revisions, now=LATER, cancelled=[REPORT_NLT])
    gone = dataclasses.replace(REPORT_NLT, title="[ĐÃ HỦY] " + REPORT_NLT.title)  # clients ignoring STATUS see it
    assert parse(second.body) == expected_view(live + [gone], sequences={PHASE_2.uid: 1, REPORT_NLT.uid: 1})
    assert parse(render_event(REPORT_BEFORE, META, now=NOW)) == expected_view([REPORT_BEFORE])


def test_icaljs_reads_calendar_properties_alarms_and_status(feed: bytes) -> None:
    parse_icaljs(feed)  # skips with a reason when node or ical.js is missing
    first = render_calendar(EVENTS, META, now=NOW)
    body = render_calendar(EVENTS[:-1], META, revisions=first.revisions, now=LATER, cancelled=[DECOMPOSED]).body
    proc = subprocess.run(["node", str(JS_DIR / "parse_ics.mjs")], input=body, capture_output=True, timeout=60, check=True)
    data = json.loads(proc.stdout)
    assert data["calname"] == META.name
    assert data["timezone"] == "Asia/Ho_Chi_Minh" and data["timezones"] == ["Asia/Ho_Chi_Minh"]
    assert data["refresh"] == "PT6H"
    by_uid = {e["uid"]: e for e in data["events"]}
    report = by_uid[REPORT_BEFORE.uid]
    assert [a["trigger"] for a in report["alarms"]] == ["-P6DT16H", "-PT16H"]
    assert report["description"] == describe(REPORT_BEFORE)
    assert report["categories"] == "Hạn chót"
    assert by_uid[DECOMPOSED.uid]["status"] == "CANCELLED"
    assert by_uid[SCRIPT.uid]["summary"] == SCRIPT_TITLE


def test_cancelled_description_says_so() -> None:
    body = render_calendar([], META, now=NOW, cancelled=[TET]).body
    assert prop(vevents(body)[TET.uid], "DESCRIPTION")[0].startswith("ĐÃ HỦY: sự kiện này đã bị xóa khỏi lịch.\\n")
    bare = ev("bare", EventKind.OBSERVANCE, "Ngày hội", date(2024, 6, 1))
    body = render_calendar([], META, now=NOW, cancelled=[bare]).body
    assert prop(vevents(body)[bare.uid], "DESCRIPTION") == ["ĐÃ HỦY: sự kiện này đã bị xóa khỏi lịch."]


# --- plans as written: one-off events with a time, provenance ---------------------------------

CEREMONY = ev(
    "le-phat-dong",
    EventKind.EVENT,
    "Lễ phát động phong trào thi đua năm học 2019–2020",
    date(2019, 9, 20),
    start_time=time(8, 0),
    end_time=time(11, 30),
    place="Hội trường Sở Giáo dục và Đào tạo",
    provenance="Ngày theo văn bản",
)
REVIEW_BY_ADMIN = dataclasses.replace(
    deadline("so-ket-dot", "Hạn chót: Sơ kết – Đợt 1 (chậm nhất ngày 15/8/2024)", date(2024, 8, 15),
             Due.NO_LATER_THAN, "chậm nhất ngày 15/8/2024"),
    origin=DateOrigin.ADMIN,
    provenance="Ngày do quản trị của Liên đoàn Lao động tỉnh Kon Tum đặt để nhắc việc; "
    "văn bản ghi “sau mỗi đợt thi đua”, không ghi ngày cụ thể",
)


def test_a_timed_event_has_local_times_and_its_zone() -> None:
    body = render_calendar([CEREMONY], META, now=NOW).body
    text = body.decode()
    assert "DTSTART;TZID=Asia/Ho_Chi_Minh:20190920T080000\r\n" in text
    assert "DTEND;TZID=Asia/Ho_Chi_Minh:20190920T113000\r\n" in text
    assert "BEGIN:VTIMEZONE\r\nTZID:Asia/Ho_Chi_Minh" in text
    vevent = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    assert vevent.decoded("DTSTART") == datetime(2019, 9, 20, 8, 0, tzinfo=TZ)
    assert "Địa điểm: Hội trường Sở Giáo dục và Đào tạo" in str(vevent["DESCRIPTION"])
    strict = IcsCalendarStream.calendar_from_ics(text)
    assert strict.events[0].dtstart == datetime(2019, 9, 20, 8, 0, tzinfo=TZ)
    # An attachment carries the zone it names.
    attachment = render_event(CEREMONY, META, now=NOW).decode()
    assert "BEGIN:VTIMEZONE" in attachment and "TZID=Asia/Ho_Chi_Minh:20190920T080000" in attachment


def test_an_event_without_an_end_time_is_a_moment_not_an_invented_hour() -> None:
    text = render_calendar([dataclasses.replace(CEREMONY, end_time=None)], META, now=NOW).body.decode()
    assert "DTEND;TZID=Asia/Ho_Chi_Minh:20190920T080000\r\n" in text


def test_an_admin_set_deadline_never_claims_the_documents_words() -> None:
    lines = describe(REVIEW_BY_ADMIN).splitlines()
    assert "Hạn do quản trị đặt: chậm nhất ngày 15/8/2024" in lines
    assert not any(line.startswith("Văn bản ghi") for line in lines)
    assert lines[-1] == ("Nguồn ngày: Ngày do quản trị của Liên đoàn Lao động tỉnh Kon Tum đặt để nhắc việc; "
                         "văn bản ghi “sau mỗi đợt thi đua”, không ghi ngày cụ thể")


def test_every_kind_has_a_category() -> None:
    assert {CATEGORIES[k] for k in (EventKind.EVENT, EventKind.WORKDAY)} == {"Sự kiện", "Ngày làm việc bù"}
