"""Issue 16, format reach: a span derived from the dated items, phases named without dates,
repeated activities. Each through check, expand, the ICS feed, the campaign page and the
JSON Schema, on tests/calendars/reach/ (a test-only calendar of 2026: today's kind of date).
"""

from __future__ import annotations

import html
import shutil
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from scheduler.core.events import DateOrigin, EventKind
from scheduler.core.expand import Window, default_window, expand, undated_items
from scheduler.core.repeats import monthly, parse_weekday, weekly
from scheduler.core.spans import SpanKind
from scheduler.live.catalog import Catalog, load_catalog
from tests.conftest import CALENDARS, FIXTURES, TODAY, find

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_support import Clock, running, settings_for  # noqa: E402

REACH = FIXTURES / "reach"
CID = "mau-pham-vi-2026"
DECEMBER_2026 = date(2026, 12, 7)


@pytest.fixture
def reach(empty_calendars_dir: Path) -> Catalog:
    shutil.copy(REACH / f"{CID}.yaml", empty_calendars_dir)
    return load_catalog(empty_calendars_dir)


def _write(folder: Path, cid: str, body: str) -> Catalog:
    (folder / f"{cid}.yaml").write_text(f"id: {cid}\ntitle: Thử\n{body}", encoding="utf-8")
    return load_catalog(folder)


def _diags(catalog: Catalog) -> list[tuple[str, str, str]]:
    return sorted((d.code, d.path, d.severity.value) for d in catalog.all_diagnostics())


# --- 1. A span derived from the dated items -------------------------------------------------


def test_the_fixture_checks_with_only_notes_and_the_launch_warning(reach: Catalog) -> None:
    assert _diags(reach) == [
        ("phase.launch_unknown", "phases[0].start", "warning"),
        ("phase.undated", "phases[2].name", "info"),
        ("phase.undated", "phases[3].name", "info"),
        ("span.derived", "id", "info"),
    ]
    note = next(d for d in reach.all_diagnostics() if d.code == "span.derived")
    assert note.message["vi"] == ("Tệp không ghi year hay span: thời gian phong trào năm 2026 (1/1/2026 – 31/12/2026) "
                                  "suy ra từ các mục có ngày")


def test_a_launch_relative_first_phase_without_year_passes_check(empty_calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """The issue's case: 'từ khi phát động đến 31/7/2024' in a calendar without `year` used to fail."""
    _write(empty_calendars_dir, "phat-dong", "phases:\n  - id: dot-1\n    name: Đợt 1\n    start: ngày phát động\n"
           "    end: 31/7/2024\n  - id: dot-2\n    name: Đợt 2\n    start: 01/8/2024\n    end: hết năm\n")
    result = cli("check", empty_calendars_dir / "phat-dong.yaml")
    assert result.exit_code == 0, result.output
    assert "Cần thời gian của phong trào" not in result.output
    assert "ghi chú [id]: Tệp không ghi year hay span: thời gian phong trào năm 2024" in result.output
    assert "0 lỗi, 1 cảnh báo, 1 ghi chú." in result.output
    cal = load_catalog(empty_calendars_dir).get("phat-dong")
    assert cal.span is not None and cal.span.derived and (cal.span.start, cal.span.end) == (date(2024, 1, 1), date(2024, 12, 31))
    phases = [(e.start, e.end, e.origin, e.title) for e in expand(cal, Window.year(2024)) if e.kind is EventKind.PHASE]
    assert phases == [
        (date(2024, 1, 1), date(2024, 7, 31), DateOrigin.PROVISIONAL, "Đợt 1 phong trào thi đua (thời gian tạm tính)"),
        (date(2024, 8, 1), date(2024, 12, 31), DateOrigin.DOCUMENT, "Đợt 2 phong trào thi đua"),  # no invented "năm 2024"
    ]


def test_dates_over_two_years_derive_the_span_from_earliest_to_latest(empty_calendars_dir: Path) -> None:
    cal = _write(empty_calendars_dir, "tet", "phases:\n  - id: dot-1\n    name: Đợt 1\n    start: 15/10/2026\n"
                 "    end: 31/12/2026\n  - id: dot-2\n    name: Đợt 2\n    start: tháng 01/2027\n    end: 28/2/2027\n"
                 "deadlines:\n  - id: tong-ket\n    title: Tổng kết\n    date: 15/3/2027\n    due: chậm nhất\n"
                 ).get("tet")
    assert cal.span is not None
    # Phases decide; the report after the campaign does not stretch it.
    assert (cal.span.kind, cal.span.start, cal.span.end, cal.span.derived) == (
        SpanKind.DATES, date(2026, 10, 15), date(2027, 2, 28), True)
    assert cal.span.described == "từ 15/10/2026 đến 28/2/2027 (suy ra từ các mục có ngày)"
    window = default_window(cal, DECEMBER_2026)
    assert (window.start, window.end) == (date(2026, 10, 15), date(2027, 3, 15))


def test_without_dated_phases_deadlines_and_events_derive_it(empty_calendars_dir: Path) -> None:
    cal = _write(empty_calendars_dir, "hoi-thi", "events:\n  - id: khai-mac\n    title: Khai mạc\n    date: 10/5/2027\n"
                 "deadlines:\n  - id: dang-ky\n    title: Đăng ký\n    date: 20/4/2027\n    due: trước\n").get("hoi-thi")
    assert cal.span is not None and cal.span.words == "năm 2027" and cal.span.derived


def test_a_stated_year_is_never_replaced_and_not_marked_derived(seed_catalog: Catalog) -> None:
    cal = seed_catalog.get("kon-tum-2024")
    assert cal.span is not None and not cal.span.derived
    assert not any(d.code == "span.derived" for d in seed_catalog.all_diagnostics())


def test_nothing_dated_and_no_year_is_a_clear_error(empty_calendars_dir: Path) -> None:
    catalog = _write(empty_calendars_dir, "khong-ngay", "phases:\n  - id: dot-1\n    name: Đợt 1\n    start: ngày phát động\n"
                     "    end: hết năm\n")
    errors = [d for d in catalog.all_diagnostics() if d.severity.value == "error"]
    assert [(d.code, d.path) for d in errors] == [("phase.year", "phases[0].end")]
    assert errors[0].message["vi"] == ("Cần thời gian của phong trào để hiểu 'hết năm': tệp không ghi year hay span, "
                                       "và không mục nào có ngày đủ năm để suy ra")
    assert errors[0].hint is not None and "year: 2024" in errors[0].hint["vi"] and "31/7/2024" in errors[0].hint["vi"]


def test_the_national_calendar_needs_no_span(seed_catalog: Catalog) -> None:
    assert seed_catalog.get("viet-nam").span is None


# --- 2. Phases named without dates --------------------------------------------------------------


def test_undated_phases_are_listed_never_dated_never_events(reach: Catalog) -> None:
    cal = reach.get(CID)
    events = expand(cal, Window.year(2026))
    assert [e.item_id for e in events if e.kind is EventKind.PHASE] == ["dot-1", "dot-2"]
    listed = [(u.kind, u.item_id, u.wording) for u in undated_items(cal) if u.kind is EventKind.PHASE]
    assert listed == [(EventKind.PHASE, "dot-3", "qua 4 đợt (đợt 3 không ghi thời gian)"),
                      (EventKind.PHASE, "dot-4", "")]
    # A deadline after an undated phase is not an unknown phase: it is undated too.
    assert "so-ket-dot-3" in {u.item_id for u in undated_items(cal)}
    assert not find(events, EventKind.DEADLINE, "so-ket-dot-3")


def test_ordinals_and_gaps_still_checked_around_undated_phases(empty_calendars_dir: Path) -> None:
    catalog = _write(empty_calendars_dir, "bon-dot", """year: 2026
commemorations:
  - id: cong-doan
    name: Ngày thành lập Công đoàn Việt Nam
    date: 28/7/1929
phases:
  - id: dot-1
    name: Đợt 1
    start: 01/01/2026
    end: 30/4/2026
  - id: dot-2
    name: Đợt 2
    celebrates:
      - cong-doan: 96
  - id: dot-3
    name: Đợt 3
    start: 01/6/2026
    end: 31/8/2026
""")
    assert _diags(catalog) == [
        ("ordinal.mismatch", "phases[1].celebrates[0]", "error"),  # 2026 is the 97th: still caught
        ("phase.gap", "phases[2].start", "warning"),  # Đợt 1 → Đợt 3 compared across the undated one
        ("phase.undated", "phases[1].name", "info"),
    ]


# --- 3. Repeated activities --------------------------------------------------------------------


def test_weekdays_as_plans_write_them() -> None:
    assert [parse_weekday(w) for w in ("thứ Hai", "thứ 3", "T4", "Thứ năm", "thứ  sáu", "thứ bảy", "Chủ nhật", "CN")] == [
        0, 1, 2, 3, 4, 5, 6, 6]
    assert parse_weekday("thứ tám") is None and parse_weekday("ba") is None


def test_repeats_stay_inside_their_period() -> None:
    tuesdays = list(weekly(date(2026, 8, 1), date(2026, 8, 31), (1,)))
    assert tuesdays == [date(2026, 8, 4), date(2026, 8, 11), date(2026, 8, 18), date(2026, 8, 25)]
    assert list(monthly(date(2027, 1, 16), date(2027, 5, 31), 31)) == [date(2027, 1, 31), date(2027, 3, 31),
                                                                        date(2027, 5, 31)]  # no 31/2, no 31/4


def test_a_weekly_activity_within_a_phase_and_a_monthly_one_within_dates(reach: Catalog) -> None:
    cal = reach.get(CID)
    events = expand(cal, default_window(cal, DECEMBER_2026))
    weekly_events = find(events, EventKind.EVENT, "sinh-hoat-chuyen-de")
    assert len(weekly_events) == 13
    assert weekly_events[0].start == date(2026, 8, 4) and weekly_events[-1].start == date(2026, 10, 27)
    assert all(e.start.weekday() == 1 and date(2026, 8, 1) <= e.start <= date(2026, 10, 31) for e in weekly_events)
    first = weekly_events[0]
    assert (first.start_time, first.end_time, first.place) == (time(10, 0), time(11, 30), "Hội trường tầng 2")
    assert first.uid == f"{CID}.event.sinh-hoat-chuyen-de.20260804@lichthidua"
    assert first.provenance == "Lịch lặp lại theo văn bản: “hằng tuần vào thứ Ba, từ 10 giờ”, trong Đợt 2"
    assert first.description is not None and first.description.startswith("Lặp lại: hằng tuần vào thứ ba, 10:00 – 11:30")
    monthly_events = find(events, EventKind.EVENT, "giao-ban")
    assert [e.start for e in monthly_events] == [date(2026, 3, 15), date(2026, 4, 15), date(2026, 5, 15), date(2026, 6, 15)]
    # A window that cuts the period: only what is inside both.
    cut = find(expand(cal, Window(date(2026, 10, 20), date(2026, 12, 31))), EventKind.EVENT, "sinh-hoat-chuyen-de")
    assert [e.start for e in cut] == [date(2026, 10, 20), date(2026, 10, 27)]


def test_an_activity_in_a_provisional_phase_is_provisional(empty_calendars_dir: Path) -> None:
    cal = _write(empty_calendars_dir, "tam-tinh", """year: 2027
phases:
  - id: dot-1
    name: Đợt 1
    start: ngày phát động
    end: 31/1/2027
activities:
  - id: chao-co
    title: Chào cờ
    repeat: {every: week, on: [thứ hai, thứ năm]}
    within: dot-1
""").get("tam-tinh")
    events = find(expand(cal, Window.year(2027)), EventKind.EVENT, "chao-co")
    assert [e.start.day for e in events] == [4, 7, 11, 14, 18, 21, 25, 28]
    assert {e.origin for e in events} == {DateOrigin.PROVISIONAL}


@pytest.mark.parametrize(("body", "code", "path"), [
    ("  - id: a\n    title: A\n    repeat: {every: week, on: thứ ba}\n", "activity.unbounded", "activities[0]"),
    ("  - id: a\n    title: A\n    repeat: {every: week, on: thứ tám}\n    within: dot-1\n", "repeat.weekday",
     "activities[0].repeat.on"),
    ("  - id: a\n    title: A\n    repeat: {every: month, on: 32}\n    within: dot-1\n", "repeat.day",
     "activities[0].repeat.on"),
    ("  - id: a\n    title: A\n    repeat: {every: week, on: CN}\n    start: 01/3/2026\n", "activity.range",
     "activities[0]"),
    ("  - id: a\n    title: A\n    repeat: {every: week, on: CN}\n    within: dot-9\n", "activity.within_unknown",
     "activities[0].within"),
    ("  - id: a\n    title: A\n    repeat: {every: year, on: CN}\n    within: dot-1\n", "type",
     "activities[0].repeat.every"),
])
def test_bad_repeats_are_located_errors(empty_calendars_dir: Path, body: str, code: str, path: str) -> None:
    catalog = _write(empty_calendars_dir, "lap-lai", "year: 2026\nphases:\n  - id: dot-1\n    name: Đợt 1\n"
                     f"    start: 01/3/2026\n    end: 31/5/2026\nactivities:\n{body}")
    errors = [(d.code, d.path, d.line) for d in catalog.all_diagnostics() if d.severity.value == "error"]
    assert [(c, p) for c, p, _ in errors] == [(code, path)]
    assert errors[0][2] >= 8  # on the activity's own lines
    assert "lap-lai" not in catalog.calendars  # never served


def test_an_unbounded_repeat_is_refused_with_the_fix(empty_calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    _write(empty_calendars_dir, "vo-han", "year: 2026\nactivities:\n  - id: a\n    title: Sinh hoạt\n"
           "    repeat: {every: week, on: thứ ba}\n")
    result = cli("check", empty_calendars_dir / "vo-han.yaml")
    assert result.exit_code == 65
    assert "Hoạt động lặp lại 'a' không có thời gian: lịch không lặp lại mãi mãi" in result.output
    assert "'within: mã-đợt', hoặc 'start' và 'end'" in result.output


def test_an_activity_within_an_undated_phase_warns_and_has_no_occurrence(empty_calendars_dir: Path) -> None:
    catalog = _write(empty_calendars_dir, "dot-chua-ngay", "year: 2026\nphases:\n  - id: dot-3\n    name: Đợt 3\n"
                     "activities:\n  - id: a\n    title: A\n    repeat: {every: week, on: T2}\n    within: dot-3\n")
    assert ("activity.within_undated", "activities[0].within", "warning") in _diags(catalog)
    assert find(expand(catalog.get("dot-chua-ngay"), Window.year(2026)), EventKind.EVENT, "a") == []


# --- Surfaces: expand CLI, ICS feed, campaign page, JSON Schema ---------------------------------


def test_expand_cli_says_the_span_is_derived_and_lists_undated_phases(reach: Catalog, cli, empty_calendars_dir: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("expand", CID, "--calendars", empty_calendars_dir)
    assert result.exit_code == 0, result.output
    assert "Thời gian phong trào: năm 2026 (suy ra từ các mục có ngày)" in result.output
    assert "Sinh hoạt chuyên đề" in result.output and "Đợt 3" in result.output
    body = cli("expand", CID, "--calendars", empty_calendars_dir, "--format", "json", "--with-undated")
    import json

    data = json.loads(body.stdout)
    assert {u["item_id"] for u in data["undated"] if u["kind"] == "phase"} == {"dot-3", "dot-4"}
    assert sum(e["item"] == "sinh-hoat-chuyen-de" for e in data["events"]) == 13


@pytest.fixture
def web(tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "calendars"
    folder.mkdir()
    shutil.copy(CALENDARS / "viet-nam.yaml", folder)
    shutil.copy(REACH / f"{CID}.yaml", folder)
    clock = Clock(datetime(2026, 8, 10, 3, 0, tzinfo=UTC))  # 10/8/2026 10:00 in Việt Nam, during Đợt 2
    with running(settings_for(tmp_path, folder), clock) as client:
        yield client


def test_the_feed_has_one_vevent_per_occurrence_and_no_undated_phase(web) -> None:  # type: ignore[no-untyped-def]
    import icalendar

    r = web.get(f"/feeds/{CID}.ics")
    assert r.status_code == 200
    cal = icalendar.Calendar.from_ical(r.content)
    assert "suy ra từ các mục có ngày" in str(cal["X-WR-CALDESC"])
    events = list(cal.walk("VEVENT"))
    uids = [str(e["UID"]) for e in events]
    assert not any(".phase.dot-3." in u or ".phase.dot-4." in u for u in uids)
    weekly = [e for e in events if ".sinh-hoat-chuyen-de." in str(e["UID"])]
    assert len(weekly) == 13 and not any("RRULE" in e for e in weekly)
    start = weekly[0].decoded("DTSTART")
    assert start.replace(tzinfo=None) == datetime(2026, 8, 4, 10, 0) and str(start.tzinfo) == "Asia/Ho_Chi_Minh"
    assert weekly[0].decoded("DTEND").replace(tzinfo=None) == datetime(2026, 8, 4, 11, 30)


def test_the_page_shows_the_derived_span_the_occurrences_and_the_undated_phases(web) -> None:  # type: ignore[no-untyped-def]
    r = web.get(f"/c/{CID}")
    assert r.status_code == 200
    text = html.unescape(r.text)
    assert "Năm 2026 (suy ra từ các mục có ngày)" in text
    assert "Sinh hoạt chuyên đề" in text
    undated = text[text.index('id="chua-co-ngay"'):]
    assert "Đợt 3" in undated and "Đợt 4" in undated and "qua 4 đợt" in undated


def test_the_json_schema_accepts_the_new_constructs_and_rejects_a_bad_repeat(cli) -> None:  # type: ignore[no-untyped-def]
    import json

    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    from ruamel.yaml import YAML

    schema = json.loads(cli("schema").stdout)  # what `lichthidua schema` gives editors
    validator = jsonschema_rs.validator_for(schema)
    text = (REACH / f"{CID}.yaml").read_text(encoding="utf-8")
    assert [e.message for e in validator.iter_errors(YAML(typ="safe").load(text))] == []
    bad = YAML(typ="safe").load(text.replace("every: week", "evry: week"))
    assert any("evry" in e.message or "every" in e.message for e in validator.iter_errors(bad))
    assert "activities" in schema["properties"] and "Repeat" in schema["$defs"]
    assert "year" not in schema.get("required", [])  # a campaign may leave its span to be derived


def test_default_window_for_the_fixture_is_its_derived_year(reach: Catalog) -> None:
    cal = reach.get(CID)
    window = default_window(cal, TODAY)
    assert (window.start, window.end) == (date(2026, 1, 1), date(2026, 12, 31))


# --- Import drafts can emit the new constructs ---------------------------------------------------


def _findings():  # type: ignore[no-untyped-def]
    from scheduler.plans.findings import Activity, Findings, Phase, Where

    def at(line: int, quote: str) -> Where:
        return Where(line, None, quote)

    f = Findings(suggested_id="thu-nhap", title="Kế hoạch thử", issuer="Công đoàn thử")
    f.phases = [
        Phase(1, "Đợt 1", "ngày phát động", "31/7/2026", "từ khi phát động đến 31/7/2026", at(5, "Đợt 1 từ khi phát động ...")),
        Phase(2, "Đợt 2", "01/8/2026", "31/10/2026", "từ 01/8/2026 đến 31/10/2026", at(6, "Đợt 2 từ 01/8/2026 ...")),
        Phase(3, "Đợt 3", None, None, "qua 4 đợt", at(4, "Phong trào tổ chức qua 4 đợt")),
    ]
    f.activities = [
        Activity("sinh-hoat", "Sinh hoạt chuyên đề", at(9, "hằng tuần vào thứ Ba, từ 10 giờ"), "week", "thứ ba",
                 at="10:00", within_phase=2, as_written="hằng tuần vào thứ Ba, từ 10 giờ"),
        Activity("giao-ban", "Giao ban", at(10, "ngày 15 hằng tháng"), "month", 15, start="01/3/2026", end="30/6/2026",
                 as_written="ngày 15 hằng tháng"),
        Activity("tap-the-duc", "Tập thể dục", at(11, "sáng thứ Hai hằng tuần"), "week", "thứ hai",
                 as_written="sáng thứ Hai hằng tuần"),
    ]
    return f


def test_a_draft_emits_no_year_undated_phases_and_activities_and_checks(empty_calendars_dir: Path) -> None:
    from scheduler.plans.draft import render

    draft = render(_findings(), "thu.txt", "văn bản")
    assert "year:" not in draft.yaml and "span:" not in draft.yaml
    assert "suy ra từ các mục có ngày" in draft.yaml
    assert "activities:" in draft.yaml and "within: dot-2" in draft.yaml
    assert "repeat: {every: week, on: thứ ba, at: \"10:00\"}" in draft.yaml
    assert "id: tap-the-duc" not in draft.yaml  # no period stated: a comment, never an unbounded item
    assert any("Tập thể dục" in u and "không nêu khoảng thời gian" in u for u in draft.uncertain)
    (empty_calendars_dir / "thu-nhap.yaml").write_text(draft.yaml, encoding="utf-8")
    catalog = load_catalog(empty_calendars_dir)
    assert [d.code for d in catalog.all_diagnostics() if d.severity.value == "error"] == []
    cal = catalog.get("thu-nhap")
    assert cal.span is not None and cal.span.derived and cal.span.year == 2026
    assert [p.item.id for p in cal.undated_phases] == ["dot-3"]
    events = expand(cal, Window.year(2026))
    assert len(find(events, EventKind.EVENT, "sinh-hoat")) == 13 and len(find(events, EventKind.EVENT, "giao-ban")) == 4


def test_next_years_draft_of_a_derived_calendar_stays_derived_and_moves_activities(reach: Catalog, cli,  # type: ignore[no-untyped-def]
                                                                                   empty_calendars_dir: Path) -> None:
    result = cli("new", "mau-pham-vi-2027", "--from", CID, "--calendars", empty_calendars_dir)
    assert result.exit_code == 0, result.output
    text = (empty_calendars_dir / "mau-pham-vi-2027.yaml").read_text(encoding="utf-8")
    assert "\nyear:" not in text and "\nspan:" not in text  # still derived from the (moved) dated items
    assert "start: 01/3/2027" in text and "end: 30/6/2027" in text
    cal = load_catalog(empty_calendars_dir).get("mau-pham-vi-2027")
    assert cal.span is not None and cal.span.derived and cal.span.year == 2027
    assert [e.start for e in find(expand(cal, Window.year(2027)), EventKind.EVENT, "giao-ban")][0] == date(2027, 3, 15)


def test_shortening_the_phase_cancels_exactly_the_dropped_occurrences(tmp_path: Path) -> None:
    """One VEVENT per occurrence: the revision ledger cancels the dropped ones, the others keep SEQUENCE 0."""
    import icalendar
    from web_support import refresh

    folder = tmp_path / "calendars"
    folder.mkdir()
    shutil.copy(CALENDARS / "viet-nam.yaml", folder)
    path = folder / f"{CID}.yaml"
    shutil.copy(REACH / f"{CID}.yaml", path)
    clock = Clock(datetime(2026, 8, 10, 3, 0, tzinfo=UTC))

    def weekly(body: bytes) -> dict[str, tuple[str, int]]:
        return {str(e["UID"]): (str(e["STATUS"]), int(e["SEQUENCE"]))
                for e in icalendar.Calendar.from_ical(body).walk("VEVENT") if ".sinh-hoat-chuyen-de." in str(e["UID"])}

    with running(settings_for(tmp_path, folder), clock) as client:
        before = weekly(client.get(f"/feeds/{CID}.ics").content)
        assert len(before) == 13 and {v for v in before.values()} == {("CONFIRMED", 0)}
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("    end: 31/10/2026\n", "    end: 15/10/2026\n"), encoding="utf-8")
        clock.now += timedelta(hours=1)
        assert refresh(client)
        after = weekly(client.get(f"/feeds/{CID}.ics").content)
    dropped = {u for u in before if u.split(".")[-1].startswith(("20261020", "20261027"))}
    assert len(dropped) == 2
    assert {u: after[u][0] for u in dropped} == {u: "CANCELLED" for u in dropped}
    assert all(after[u] == ("CONFIRMED", 0) for u in before if u not in dropped)


def test_phases_all_undated_and_no_year_is_an_error_with_the_fix(empty_calendars_dir: Path) -> None:
    catalog = _write(empty_calendars_dir, "bon-dot-khong-ngay", "phases:\n  - id: dot-1\n    name: Đợt 1\n"
                     "  - id: dot-2\n    name: Đợt 2\n")
    errors = [d for d in catalog.all_diagnostics() if d.severity.value == "error"]
    assert [(d.code, d.path, d.line) for d in errors] == [("span.none", "phases", 3)]
    assert errors[0].message["vi"].startswith("Lịch có 2 đợt thi đua nhưng không có thời gian phong trào")
    assert errors[0].hint is not None and "year: 2024" in errors[0].hint["vi"]


def test_a_child_without_year_takes_its_phases_then_its_parents_span(empty_calendars_dir: Path) -> None:
    (empty_calendars_dir / "tinh-2026.yaml").write_text(
        "id: tinh-2026\ntitle: Tỉnh\nspan: năm học 2026–2027\nextends: [viet-nam]\n", encoding="utf-8")
    _write(empty_calendars_dir, "truong-a", "extends: [tinh-2026]\ndeadlines:\n  - id: bc\n    title: Báo cáo\n"
           "    date: 15/3/2027\n    due: trước\n")
    catalog = _write(empty_calendars_dir, "truong-b", "extends: [tinh-2026]\nphases:\n  - id: dot-1\n    name: Đợt 1\n"
                     "    start: 05/9/2026\n    end: 20/11/2026\n")
    inherited, own = catalog.get("truong-a").span, catalog.get("truong-b").span
    assert inherited is not None and inherited.words == "năm học 2026–2027" and not inherited.derived
    assert own is not None and own.words == "năm 2026" and own.derived
    notes = [(d.file, d.code) for d in catalog.all_diagnostics() if d.severity.value == "info"]
    assert notes == [("calendars/truong-b.yaml", "span.derived")]


def test_the_format_pages_examples_of_the_new_constructs_check(empty_calendars_dir: Path) -> None:
    """docs/dinh-dang-lich.md: the example without year and the activities example mean what the page says."""
    import re

    page = (FIXTURES.parent.parent / "docs" / "dinh-dang-lich.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```yaml\n(.*?)^```", page, flags=re.S | re.M)
    (no_year,) = [b for b in blocks if b.startswith("id: ke-hoach-khong-nam")]
    (path := empty_calendars_dir / "ke-hoach-khong-nam.yaml").write_text(no_year, encoding="utf-8")
    (activities,) = [b for b in blocks if b.startswith("activities:")]
    with_activities = no_year.replace("id: ke-hoach-khong-nam", "id: hoat-dong").replace("2024", "2026")
    with_activities = with_activities.replace("  - id: dot-2", "  - id: dot-2", 1) + activities
    (empty_calendars_dir / "hoat-dong.yaml").write_text(with_activities, encoding="utf-8")
    catalog = load_catalog(empty_calendars_dir)
    assert [d for d in catalog.all_diagnostics() if d.severity.value == "error"] == []
    cal = catalog.get("ke-hoach-khong-nam")
    assert path.is_file() and cal.span is not None and cal.span.described == "năm 2024 (suy ra từ các mục có ngày)"
    events = expand(catalog.get("hoat-dong"), Window.year(2026))
    assert find(events, EventKind.EVENT, "sinh-hoat-chuyen-de") and len(find(events, EventKind.EVENT, "giao-ban")) == 4
