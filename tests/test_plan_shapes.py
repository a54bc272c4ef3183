"""Plans as written, in any year: the shapes the seeds lack.

The three `calendars/mau-*.yaml` calendars model a school-year plan of an
education union, a multi-year plan ("giai đoạn 2021–2025") and a Tết plan
issued the year before. Small fixtures written here cover the rest of the
format: every span word, every phase bound, undated items, admin-set dates and
one-off events with a time of day.
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from scheduler.core.dates import DateSyntaxError
from scheduler.core.events import DateOrigin, Event, EventKind
from scheduler.core.expand import Window, default_window, expand, undated_items
from scheduler.core.spans import Span, SpanKind, parse_span
from scheduler.live.catalog import Catalog, load_catalog
from tests.conftest import MODEL_IDS, find, one

TODAY = date(2026, 12, 6)  # today's kind of date: every campaign here is long finished


def _events(catalog: Catalog, calendar_id: str) -> list[Event]:
    cal = catalog.get(calendar_id)
    return expand(cal, default_window(cal, TODAY))


def _own(events: list[Event], kind: EventKind) -> list[Event]:
    return [e for e in events if e.kind is kind and not e.inherited]


# --- spans ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "kind", "start", "end", "words"),
    [
        ("năm 2024", SpanKind.YEAR, date(2024, 1, 1), date(2024, 12, 31), "năm 2024"),
        (2024, SpanKind.YEAR, date(2024, 1, 1), date(2024, 12, 31), "năm 2024"),
        ("năm học 2019–2020", SpanKind.SCHOOL_YEAR, date(2019, 9, 1), date(2020, 7, 15), "năm học 2019–2020"),
        ("Năm học 2019 - 2020", SpanKind.SCHOOL_YEAR, date(2019, 9, 1), date(2020, 7, 15), "năm học 2019–2020"),
        ("năm học 2019-2020", SpanKind.SCHOOL_YEAR, date(2019, 9, 1), date(2020, 7, 15), "năm học 2019–2020"),
        # No framework for 2026–2027 in the data: the default 31/5, labelled as such (end_rule).
        ("năm học 2026-2027", SpanKind.SCHOOL_YEAR, date(2026, 9, 1), date(2027, 5, 31), "năm học 2026–2027"),
        ("giai đoạn 2021–2025", SpanKind.PERIOD, date(2021, 1, 1), date(2025, 12, 31), "giai đoạn 2021–2025"),
        ("giai đoạn 2021 — 2025", SpanKind.PERIOD, date(2021, 1, 1), date(2025, 12, 31), "giai đoạn 2021–2025"),
        ("từ 15/10/2024 đến 28/02/2025", SpanKind.DATES, date(2024, 10, 15), date(2025, 2, 28),
         "từ 15/10/2024 đến 28/2/2025"),
        ("01/10/2024 – 28/02/2025", SpanKind.DATES, date(2024, 10, 1), date(2025, 2, 28), "từ 1/10/2024 đến 28/2/2025"),
    ],
)
def test_span_words(written: object, kind: SpanKind, start: date, end: date, words: str) -> None:
    assert parse_span(written) == Span(kind, start, end, words)


@pytest.mark.parametrize("written", ["nhiệm kỳ 2023-2028", "năm học 2019-2021", "giai đoạn 2025-2021",
                                     "từ 28/02/2025 đến 15/10/2024", "năm 24", ""])
def test_bad_span_words_are_errors(written: str) -> None:
    with pytest.raises(DateSyntaxError) as caught:
        parse_span(written)
    assert caught.value.code.startswith("span.")


def test_span_mapping_overrides_the_school_year_default(empty_calendars_dir: Path) -> None:
    (empty_calendars_dir / "nam-hoc.yaml").write_text(
        "id: nam-hoc\ntitle: Năm học\nspan:\n  as_written: năm học 2025–2026\n  start: 15/8/2025\n", encoding="utf-8")
    cal = load_catalog(empty_calendars_dir).get("nam-hoc")
    assert cal.span == Span(SpanKind.SCHOOL_YEAR, date(2025, 8, 15), date(2026, 5, 31), "năm học 2025–2026")


# --- the school-year plan ------------------------------------------------------------------


def test_school_year_phases_end_at_terms_and_at_the_end_of_the_school_year(seed_catalog: Catalog) -> None:
    events = _events(seed_catalog, "mau-giao-duc-2019-2020")
    phases = _own(events, EventKind.PHASE)
    assert [(p.item_id, p.start, p.end, p.origin) for p in phases] == [
        ("dot-1", date(2019, 9, 5), date(2019, 11, 20), DateOrigin.DOCUMENT),
        # "đến hết học kỳ I": the admin gave 11/01/2020, and every surface says so.
        ("dot-2", date(2019, 11, 21), date(2020, 1, 11), DateOrigin.ADMIN),
        # "đến hết năm học": the school year's end in the Ministry's framework, moved to 15/7/2020
        # that year; a default, not the document's words.
        ("dot-3", date(2020, 1, 12), date(2020, 7, 15), DateOrigin.DEFAULT),
    ]
    assert phases[0].title == "Đợt 1 phong trào thi đua năm học 2019–2020"
    assert phases[1].provenance == (
        "Ngày do quản trị đặt: ngày kết thúc (11/1/2020) do quản trị Công đoàn ngành Giáo dục (lịch mẫu) đặt; "
        "văn bản ghi “hết học kỳ I”.")


def test_school_year_ordinals_belong_to_two_calendar_years(seed_catalog: Catalog) -> None:
    """37 năm Ngày Nhà giáo falls in 11/2019, 90 năm thành lập Đảng in 2/2020: both in one plan."""
    events = _events(seed_catalog, "mau-giao-duc-2019-2020")
    own = {e.item_id: e for e in _own(events, EventKind.ANNIVERSARY)}
    assert {k: (v.anniversary.ordinal, v.start) for k, v in own.items()} == {  # type: ignore[union-attr]
        "nha-giao-viet-nam": (37, date(2019, 11, 20)),
        "quan-doi-nhan-dan": (75, date(2019, 12, 22)),
        "thanh-lap-dang": (90, date(2020, 2, 3)),
        "quoc-te-phu-nu": (110, date(2020, 3, 8)),
        "giai-phong-mien-nam": (45, date(2020, 4, 30)),
        "sinh-nhat-bac": (130, date(2020, 5, 19)),
    }
    assert own["thanh-lap-dang"].anniversary.celebrated_in == ("dot-3",)  # type: ignore[union-attr]


def test_a_wrong_ordinal_across_the_span_is_caught(calendars_dir: Path) -> None:
    path = calendars_dir / "mau-giao-duc-2019-2020.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("thanh-lap-dang: 90", "thanh-lap-dang: 89"),
                    encoding="utf-8")
    catalog = load_catalog(calendars_dir)
    (diag,) = [d for d in catalog.errors_for("mau-giao-duc-2019-2020")]
    assert diag.code == "ordinal.mismatch"
    assert diag.message["vi"] == "Số năm kỷ niệm 89 không khớp ngày gốc 3/2/1930: năm 2020 là kỷ niệm 90 năm"


def test_school_year_events_deadlines_and_undated_items(seed_catalog: Catalog) -> None:
    events = _events(seed_catalog, "mau-giao-duc-2019-2020")
    launch = one(events, EventKind.EVENT, "le-phat-dong")
    assert (launch.start, launch.start_time, launch.place) == (
        date(2019, 9, 20), time(8, 0), "Hội trường Sở Giáo dục và Đào tạo")
    assert [(d.item_id, d.start) for d in _own(events, EventKind.DEADLINE)] == [
        ("dang-ky-thi-dua", date(2019, 10, 15)),
        ("bao-cao-tong-ket", date(2020, 6, 15)),  # after the school year: still the campaign's
    ]
    undated = {u.item_id: u for u in undated_items(seed_catalog.get("mau-giao-duc-2019-2020"))}
    assert set(undated) == {"so-ket-dot", "so-ket-hoc-ky-1"}
    assert undated["so-ket-hoc-ky-1"].kind is EventKind.EVENT
    assert undated["so-ket-hoc-ky-1"].wording == "sau khi kết thúc học kỳ I"
    assert find(events, EventKind.DEADLINE, "so-ket-dot") == []


# --- the multi-year plan -------------------------------------------------------------------


def test_multi_year_yearly_report_falls_in_every_year(seed_catalog: Catalog) -> None:
    events = _events(seed_catalog, "mau-giai-doan-2021-2025")
    reports = find(events, EventKind.DEADLINE, "bao-cao-hang-nam")
    assert [e.start for e in reports] == [date(y, 11, 15) for y in range(2021, 2026)]
    assert [e.uid for e in reports][0] == "mau-giai-doan-2021-2025.deadline.bao-cao-hang-nam.2021@lichthidua"


def test_multi_year_named_end_is_provisional(seed_catalog: Catalog) -> None:
    phase = one(_events(seed_catalog, "mau-giai-doan-2021-2025"), EventKind.PHASE, "dot-2")
    assert (phase.start, phase.end) == (date(2024, 1, 1), date(2025, 12, 31))
    assert phase.origin is DateOrigin.PROVISIONAL
    assert phase.title.endswith("(thời gian tạm tính)")
    assert phase.provenance is not None
    assert "“đến khi tổ chức thành công Đại hội đại biểu toàn quốc lần thứ XIV của Đảng” mà không ghi ngày" in (
        phase.provenance)


def test_multi_year_ordinals_name_one_year_of_a_two_year_phase(seed_catalog: Catalog) -> None:
    """"95 năm Công đoàn" in a 2024–2025 phase is 2024; 96 năm (2025) is a national day, not the plan's."""
    events = _events(seed_catalog, "mau-giai-doan-2021-2025")
    union = {e.start.year: e for e in find(events, EventKind.ANNIVERSARY, "cong-doan-viet-nam")}
    assert union[2024].inherited is False and union[2024].anniversary.ordinal == 95  # type: ignore[union-attr]
    assert union[2025].inherited is True
    assert union[2021].inherited is True


# --- the Tết plan issued the year before ---------------------------------------------------


def test_tet_plan_spans_two_calendar_years(seed_catalog: Catalog) -> None:
    cal = seed_catalog.get("mau-tet-at-ty-2025")
    assert cal.span == Span(SpanKind.DATES, date(2024, 11, 1), date(2025, 2, 28), "từ 1/11/2024 đến 28/2/2025")
    events = _events(seed_catalog, "mau-tet-at-ty-2025")
    first, second = _own(events, EventKind.PHASE)
    assert (first.start, first.end) == (date(2024, 11, 1), date(2025, 1, 28))  # "từ sau 31/10/2024"
    assert (second.start, second.end) == (date(2025, 1, 29), date(2025, 2, 28))
    tet = one(events, EventKind.LUNAR, "tet-nguyen-dan", year=2025)
    assert (tet.start, tet.title, tet.inherited) == (date(2025, 1, 29), "Tết Nguyên đán Ất Tỵ 2025", False)
    party = one(events, EventKind.ANNIVERSARY, "thanh-lap-dang", year=2025)
    assert party.anniversary.ordinal == 95 and party.inherited is False  # type: ignore[union-attr]
    sum_vay = one(events, EventKind.EVENT, "tet-sum-vay")
    assert (sum_vay.start_time, sum_vay.end_time) == (time(8, 0), time(11, 30))


@pytest.mark.parametrize("calendar_id", MODEL_IDS)
def test_each_model_names_the_kind_of_plan_it_models(calendar_id: str) -> None:
    head = (Path("calendars") / f"{calendar_id}.yaml")
    text = (Path(__file__).parent.parent / head).read_text(encoding="utf-8")
    assert text.startswith("# Lịch mẫu, dạng ")
    assert "không phải một văn bản đã ban hành" in text


@pytest.mark.parametrize("calendar_id", MODEL_IDS)
def test_models_expand_the_same_whatever_today_is(seed_catalog: Catalog, calendar_id: str) -> None:
    cal = seed_catalog.get(calendar_id)
    windows = {default_window(cal, today) for today in (date(2019, 1, 1), TODAY, date(2030, 6, 1))}
    assert len(windows) == 1


# --- the format's other constructs -------------------------------------------------------------

CONSTRUCTS = """\
id: mau-cau-truc
title: Các cấu trúc của định dạng
issuer: LĐLĐ thử
span: giai đoạn 2024–2025
extends: [viet-nam]
commemorations:
  - id: truyen-thong-nganh
    name: Ngày truyền thống ngành
    date: 20/10
  - id: thanh-lap-truong
    name: Ngày thành lập trường
    as_written: kỷ niệm ngày thành lập trường
phases:
  - id: dot-1
    name: Đợt 1
    end: 30/6/2024
  - id: dot-2
    name: Đợt 2
    start: sau 30/6/2024
    end: hết năm
  - id: dot-3
    name: Đợt 3
    start: 01/01/2025
events:
  - id: hoi-thi
    title: Hội thi cán bộ công đoàn giỏi
    start: 10/5/2024
    end: 12/5/2024
    place: Nhà Văn hóa
deadlines:
  - id: so-ket
    title: Sơ kết đợt
    after_phase: each
    days_after: 10
    dated_by: admin
    as_written: sau mỗi đợt thi đua
    due: chậm nhất
  - id: dang-ky
    title: Đăng ký
    as_written: qua email
    due: trước
"""


@pytest.fixture
def constructs(empty_calendars_dir: Path) -> Catalog:
    (empty_calendars_dir / "mau-cau-truc.yaml").write_text(CONSTRUCTS, encoding="utf-8")
    return load_catalog(empty_calendars_dir)


def test_constructs_check_with_the_expected_warnings(constructs: Catalog) -> None:
    diags = sorted((d.line, d.code, d.severity) for d in constructs.all_diagnostics())
    assert diags == [
        (9, "commemoration.no_base", "warning"),  # "20/10": no base year, no ordinal
        (10, "commemoration.no_base", "warning"),  # named without a date: listed as undated
        (14, "phase.no_start", "warning"),  # the phase's line: it has no start key
        (21, "phase.no_end", "warning"),
    ]


def test_constructs_expand(constructs: Catalog) -> None:
    cal = constructs.get("mau-cau-truc")
    events = expand(cal, Window.year(2024, 2025))
    phases = [(e.item_id, e.start, e.end, e.origin) for e in events if e.kind is EventKind.PHASE]
    assert phases == [
        ("dot-1", date(2024, 1, 1), date(2024, 6, 30), DateOrigin.PROVISIONAL),
        ("dot-2", date(2024, 7, 1), date(2024, 12, 31), DateOrigin.DOCUMENT),  # "hết năm" of the year it starts in
        ("dot-3", date(2025, 1, 1), date(2025, 12, 31), DateOrigin.PROVISIONAL),
    ]
    yearly = find(events, EventKind.ANNIVERSARY, "truyen-thong-nganh")
    assert [(e.start, e.title, e.anniversary) for e in yearly] == [
        (date(2024, 10, 20), "Ngày truyền thống ngành (20/10/2024)", None),
        (date(2025, 10, 20), "Ngày truyền thống ngành (20/10/2025)", None),
    ]
    contest = one(events, EventKind.EVENT, "hoi-thi")
    assert (contest.start, contest.end, contest.place) == (date(2024, 5, 10), date(2024, 5, 12), "Nhà Văn hóa")
    reviews = find(events, EventKind.DEADLINE, "so-ket")
    assert [e.start for e in reviews] == [date(2024, 7, 10), date(2025, 1, 10), date(2026, 1, 10)][:len(reviews)]
    assert all(e.origin is DateOrigin.ADMIN for e in reviews)
    assert reviews[0].provenance == ("Ngày do quản trị của LĐLĐ thử đặt để nhắc việc; văn bản ghi “sau mỗi đợt thi "
                                     "đua”, không ghi ngày cụ thể")
    undated = {u.item_id: u.wording for u in undated_items(cal)}
    assert undated == {"dang-ky": "qua email", "thanh-lap-truong": "kỷ niệm ngày thành lập trường"}


def test_the_json_schema_accepts_every_construct(tmp_path: Path) -> None:
    """Editors validate with `lichthidua schema`: spans, named ends, events and dated_by included."""
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    from ruamel.yaml import YAML

    from scheduler.core.model import json_schema

    validator = jsonschema_rs.validator_for(json_schema())
    named_end = CONSTRUCTS.replace("    end: hết năm\n", "    end:\n      until: hết học kỳ I\n      date: 15/1/2025\n")
    for text in (CONSTRUCTS, named_end, CONSTRUCTS.replace("span: giai đoạn 2024–2025",
                                                           "span:\n  as_written: năm học 2024–2025\n  start: 15/8/2024")):
        data = YAML(typ="safe").load(text)
        assert [e.message for e in validator.iter_errors(data)] == []
    bad = YAML(typ="safe").load(CONSTRUCTS.replace("    place: Nhà Văn hóa\n", "    plase: Nhà Văn hóa\n"))
    assert any("plase" in e.message for e in validator.iter_errors(bad))


def test_a_campaign_is_over_only_after_its_own_last_deadline(seed_catalog: Catalog) -> None:
    """The school year 2019–2020 ended 15/7/2020 (the framework moved it); the campaign is open until then."""
    from scheduler.core.expand import finished

    cal = seed_catalog.get("mau-giao-duc-2019-2020")
    assert not finished(cal, date(2020, 6, 5))
    assert finished(cal, date(2020, 7, 16))
    assert finished(seed_catalog.get("kon-tum-2024"), TODAY)
    assert not finished(seed_catalog.get("viet-nam"), TODAY)  # the national calendar never ends
