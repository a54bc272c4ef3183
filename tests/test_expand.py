"""Expansion rules: stable UIDs, the public JSON shape, lunar and leap months,
29 February, windows across years, the national calendar in any year, public
holidays, `omit` and overriding a parent's item, and what `inherited` means.

Golden calendars in tests/calendars/golden/ are named after what they show.
"""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from scheduler.core import lunar
from scheduler.core.campaign import Calendar
from scheduler.core.events import DateOrigin, EventKind
from scheduler.core.expand import Window, default_window, expand, expand_deadlines
from scheduler.errors import BadRequest
from scheduler.live.catalog import Catalog, load_catalog
from tests.conftest import CALENDARS, GOLDEN_CALENDARS, TODAY, by_uid, find, one, year_events

UID = re.compile(r"^(?P<cal>[a-z0-9-]+)\.(?P<kind>[a-z]+)\.(?P<item>[a-z0-9-]+)\.(?P<occ>[A-Za-z0-9-]+)@lichthidua$")


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    folder = tmp_path_factory.mktemp("golden") / "calendars"
    folder.mkdir()
    shutil.copy(CALENDARS / "viet-nam.yaml", folder)
    for path in GOLDEN_CALENDARS.glob("*.yaml"):
        shutil.copy(path, folder)
    catalog = load_catalog(folder)
    assert catalog.ok, [d.format() for d in catalog.all_diagnostics()]
    return catalog


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _kon_tum(folder: Path) -> Calendar:
    catalog = load_catalog(folder)
    assert catalog.ok
    return catalog.get("kon-tum-2024")


# --- UIDs ----------------------------------------------------------------------------------


def test_uids_name_calendar_kind_item_and_occurrence(seed_catalog: Catalog) -> None:
    for calendar_id in seed_catalog.calendars:
        cal = seed_catalog.get(calendar_id)
        events = expand(cal, default_window(cal, TODAY))
        assert len(by_uid(events)) == len(events)  # unique within a feed
        for event in events:
            m = UID.match(event.uid)
            assert m, event.uid
            assert (m["cal"], m["kind"]) == (calendar_id, event.kind.value)
            if event.kind not in (EventKind.HOLIDAY, EventKind.WORKDAY):
                assert m["item"] == event.item_id


def test_uids_and_json_are_the_same_on_every_run(calendars_dir: Path) -> None:
    first = [e.to_json() for e in expand(_kon_tum(calendars_dir), Window.year(2024))]
    again = [e.to_json() for e in expand(_kon_tum(calendars_dir), Window.year(2024))]
    assert first == again


def test_editing_one_event_changes_no_other(calendars_dir: Path) -> None:
    before = by_uid(expand(_kon_tum(calendars_dir), Window(date(2024, 1, 1), date(2025, 1, 31))))
    kon_tum = calendars_dir / "kon-tum-2024.yaml"
    # Move the yearly report and retitle it: a new date and title, the same event.
    _edit(kon_tum, "title: Báo cáo kết quả triển khai thực hiện một năm", "title: Báo cáo tổng kết năm")
    _edit(kon_tum, "date: 25/11", "date: 28/11")
    after = by_uid(expand(_kon_tum(calendars_dir), Window(date(2024, 1, 1), date(2025, 1, 31))))
    changed = "kon-tum-2024.deadline.bao-cao-nam.2024@lichthidua"
    assert set(after) == set(before)
    assert after[changed].fingerprint() != before[changed].fingerprint()
    assert after[changed].start == date(2024, 11, 28)
    for uid in set(before) - {changed}:
        assert after[uid].fingerprint() == before[uid].fingerprint(), uid
        assert after[uid] == before[uid], uid


def test_adding_an_item_and_moving_lines_changes_no_other_event(calendars_dir: Path) -> None:
    before = by_uid(expand(_kon_tum(calendars_dir), Window.year(2024)))
    national = calendars_dir / "viet-nam.yaml"
    _edit(national, "commemorations:\n",
          "# Ghi chú mới.\n\ncommemorations:\n  - id: ngay-moi\n    name: Ngày mới\n    date: 01/10/2000\n")
    after = by_uid(expand(_kon_tum(calendars_dir), Window.year(2024)))
    assert set(after) - set(before) == {"kon-tum-2024.anniversary.ngay-moi.2024@lichthidua"}
    for uid, event in before.items():
        assert after[uid].fingerprint() == event.fingerprint(), uid
        if event.source.startswith("calendars/viet-nam.yaml:"):
            # Sources follow the lines, and moving lines is not a change a subscriber sees.
            line = int(event.source.rsplit(":", 1)[1])
            assert after[uid].source == f"calendars/viet-nam.yaml:{line + 5}"


def test_moving_a_deadline_keeps_its_uid(seed_catalog: Catalog) -> None:
    """UIDs never carry a date: a deadline moved from 25/6 to 28/6 updates, it does not duplicate."""
    events = expand(seed_catalog.get("kon-tum-2024"), Window.year(2024))
    assert not any(re.search(r"\d{8}", e.uid) for e in events if e.kind not in (EventKind.HOLIDAY, EventKind.WORKDAY))


# --- JSON -------------------------------------------------------------------------------------


def test_json_has_the_fields_the_issue_asks_for(seed_catalog: Catalog) -> None:
    kinds = set()
    for calendar_id in seed_catalog.calendars:
        cal = seed_catalog.get(calendar_id)
        for event in expand(cal, default_window(cal, TODAY)):
            data = event.to_json()
            kinds.add(data["kind"])
            assert {"uid", "kind", "title", "start", "end", "source"} <= data.keys()
            assert date.fromisoformat(data["start"]) <= date.fromisoformat(data["end"])
            if event.kind is EventKind.ANNIVERSARY:
                assert {"base_date", "ordinal", "milestone"} <= data.keys()
                assert isinstance(data["ordinal"], int) and isinstance(data["milestone"], bool)
            if event.kind is EventKind.LUNAR:
                assert set(data["lunar"]) == {"year", "month", "day", "leap"}
                assert data["can_chi"] == lunar.can_chi(data["lunar"]["year"])
            if event.kind is EventKind.DEADLINE:
                assert {"due", "due_at", "warnings"} <= data.keys()
                assert data["due"] in ("before", "no_later_than")
                assert isinstance(data["warnings"], list)
    assert kinds == {k.value for k in EventKind}


def test_source_points_at_the_items_line(seed_catalog: Catalog) -> None:
    """`source` is file:line of the item ("- id: ..."), so an admin can jump to it."""
    checked = 0
    for calendar_id in seed_catalog.calendars:
        cal = seed_catalog.get(calendar_id)
        for event in expand(cal, default_window(cal, TODAY)):
            if event.kind in (EventKind.HOLIDAY, EventKind.WORKDAY):
                # A day off names its own legal basis; statutory ones cite Điều 112.
                assert event.source.endswith(" (lịch viet-nam)")
                assert event.provenance == f"Căn cứ: {event.source.removesuffix(' (lịch viet-nam)')}"
                continue
            file, line = event.source.rsplit(":", 1)
            assert Path(file).name == f"{event.defined_in}.yaml"
            text = (CALENDARS / Path(file).name).read_text(encoding="utf-8").splitlines()[int(line) - 1]
            assert text.strip() == f"- id: {event.item_id}", (event.uid, event.source)
            checked += 1
    assert checked > 150


# --- lunar dates, leap months, 29/2 ----------------------------------------------------------


def test_leap_lunar_month_item_only_in_years_with_that_leap_month(golden: Catalog) -> None:
    cal = golden.get("leap-lunar-month")
    events = expand(cal, Window(date(2020, 1, 1), date(2026, 12, 31)))
    (full_moon,) = find(events, EventKind.LUNAR, "ram-thang-hai-nhuan")
    assert lunar.leap_month(2023) == 2
    assert full_moon.start == date(2023, 4, 5) == lunar.to_solar(2023, 2, 15, leap=True)
    assert full_moon.start != lunar.to_solar(2023, 2, 15)  # the ordinary 2nd month is a month earlier
    assert full_moon.title == "Rằm tháng Hai nhuận Quý Mão 2023"
    assert full_moon.description == "Ngày 15/2 nhuận âm lịch năm Quý Mão"
    data = full_moon.to_json()
    assert data["lunar"] == {"year": 2023, "month": 2, "day": 15, "leap": True}
    assert data["can_chi"] == "Quý Mão"
    assert full_moon.uid == "leap-lunar-month.lunar.ram-thang-hai-nhuan.2023@lichthidua"


def test_anniversary_of_29_february_only_in_leap_years(golden: Catalog) -> None:
    cal = golden.get("leap-lunar-month")
    events = expand(cal, Window(date(2023, 1, 1), date(2028, 12, 31)))
    days = [(e.start, e.anniversary.ordinal) for e in find(events, EventKind.ANNIVERSARY, "sinh-ngay-29-2") if e.anniversary]
    assert days == [(date(2024, 2, 29), 24), (date(2028, 2, 29), 28)]
    deadlines = [e.start for e in find(events, EventKind.DEADLINE, "nop-29-2")]
    assert deadlines == [date(2024, 2, 29), date(2028, 2, 29)]


def test_no_anniversary_before_or_on_its_base_year(golden: Catalog) -> None:
    events = expand(golden.get("leap-lunar-month"), Window(date(1999, 1, 1), date(2000, 12, 31)))
    assert find(events, EventKind.ANNIVERSARY, "sinh-ngay-29-2") == []


def test_window_spanning_years(seed_catalog: Catalog) -> None:
    window = Window(date(2023, 12, 1), date(2024, 2, 29))
    events = expand(seed_catalog.get("viet-nam"), window)
    assert all(window.overlaps(e.start, e.end) for e in events)
    assert [e.start for e in events] == sorted(e.start for e in events)
    army = one(events, EventKind.ANNIVERSARY, "quan-doi-nhan-dan")
    assert (army.start, army.anniversary.ordinal) == (date(2023, 12, 22), 79)  # type: ignore[union-attr]
    party = one(events, EventKind.ANNIVERSARY, "thanh-lap-dang")
    assert (party.start, party.anniversary.ordinal) == (date(2024, 2, 3), 94)  # type: ignore[union-attr]
    # Ông Công Ông Táo of lunar year Quý Mão (2023) falls in solar February 2024.
    kitchen = one(events, EventKind.LUNAR, "ong-cong-ong-tao")
    assert (kitchen.start, kitchen.title) == (date(2024, 2, 2), "Ông Công Ông Táo Quý Mão 2023")
    assert one(events, EventKind.LUNAR, "tet-nguyen-dan").start == date(2024, 2, 10)
    assert [e.start for e in events if e.kind is EventKind.HOLIDAY] == [date(2024, 1, 1), date(2024, 2, 8)]


def test_an_event_overlapping_the_window_edge_is_kept(seed_catalog: Catalog) -> None:
    events = expand(seed_catalog.get("kon-tum-2024"), Window(date(2024, 7, 31), date(2024, 8, 1)))
    assert [e.item_id for e in events if e.kind is EventKind.PHASE] == ["dot-1", "dot-2"]
    events = expand(seed_catalog.get("viet-nam"), Window(date(2024, 5, 31), date(2024, 5, 31)))
    assert [e.item_id for e in events] == ["thang-cong-nhan"]


@pytest.mark.parametrize(
    ("year", "tet", "name", "chinese"),
    [
        (2030, date(2030, 2, 2), "Tết Nguyên đán Canh Tuất 2030", date(2030, 2, 3)),  # UTC+7 vs UTC+8 differ
        (2007, date(2007, 2, 17), "Tết Nguyên đán Đinh Hợi 2007", date(2007, 2, 18)),
        (2024, date(2024, 2, 10), "Tết Nguyên đán Giáp Thìn 2024", date(2024, 2, 10)),
    ],
)
def test_national_calendar_in_any_year(seed_catalog: Catalog, year: int, tet: date, name: str, chinese: date) -> None:
    from lunardate import LunarDate

    national = seed_catalog.get("viet-nam")
    assert national.year is None
    window = default_window(national, date(year, 6, 1))
    assert window == Window.year(year, year + 1)  # this year and the next
    events = expand(national, window)
    new_year = one(events, EventKind.LUNAR, "tet-nguyen-dan", year=year)
    assert (new_year.start, new_year.title) == (tet, name)
    assert LunarDate(year, 1, 1).to_solar_date() == chinese  # lunardate computes for UTC+8
    union = one(events, EventKind.ANNIVERSARY, "cong-doan-viet-nam", year=year)
    assert union.anniversary is not None and union.anniversary.ordinal == year - 1929
    assert union.title == f"Kỷ niệm {year - 1929} năm Ngày thành lập Công đoàn Việt Nam (28/7/1929 – 28/7/{year})"
    assert all(e.inherited is False for e in events)  # the national calendar defines everything itself


def test_milestones_are_the_round_years(seed_catalog: Catalog) -> None:
    union = one(year_events(seed_catalog.get("viet-nam"), 2029), EventKind.ANNIVERSARY, "cong-doan-viet-nam")
    assert union.anniversary is not None and (union.anniversary.ordinal, union.milestone) == (100, True)
    for event in year_events(seed_catalog.get("viet-nam"), 2024):
        if event.anniversary:
            assert event.milestone is (event.anniversary.ordinal % 5 == 0)


# --- public holidays ---------------------------------------------------------------------------


def test_tet_break_is_one_block_and_gio_to_is_a_day_off(seed_catalog: Catalog) -> None:
    events = year_events(seed_catalog.get("viet-nam"), 2024)
    holidays = [e for e in events if e.kind is EventKind.HOLIDAY]
    tet = [e for e in holidays if e.title == "Nghỉ Tết Nguyên đán"]
    assert [(e.start, e.end) for e in tet] == [(date(2024, 2, 8), date(2024, 2, 14))]
    assert tet[0].uid == "viet-nam.holiday.nghi-le.20240208@lichthidua"
    gio_to = [e for e in holidays if "Giỗ Tổ Hùng Vương" in e.title]
    assert [(e.start, e.end) for e in gio_to] == [(date(2024, 4, 18), date(2024, 4, 18))]
    assert one(events, EventKind.LUNAR, "gio-to-hung-vuong").start == date(2024, 4, 18)  # lunar 10/3
    national_day = [e for e in holidays if e.title == "Nghỉ lễ Quốc khánh"]
    assert [(e.start, e.end) for e in national_day] == [(date(2024, 9, 2), date(2024, 9, 3))]
    assert {e.start for e in holidays} >= {date(2024, 1, 1), date(2024, 4, 30), date(2024, 5, 1)}


def test_each_day_off_names_its_own_legal_basis(seed_catalog: Catalog) -> None:
    """Statutory days cite Điều 112; a swapped day cites the government's notice, worded as the notice
    words it (2024: off Monday 29/4, made up by working Saturday 4/5), and the make-up day is shown."""
    events = year_events(seed_catalog.get("viet-nam"), 2024)
    by_start = {e.start: e for e in events if e.kind is EventKind.HOLIDAY}
    assert by_start[date(2024, 4, 30)].provenance == "Căn cứ: Bộ luật Lao động 2019, Điều 112"
    swap = by_start[date(2024, 4, 29)]
    assert swap.title == "Nghỉ hoán đổi (làm bù Thứ Bảy 4/5/2024)"
    assert swap.provenance is not None and "Điều 112" not in swap.provenance
    assert "hoán đổi ngày làm việc năm 2024" in swap.provenance
    (workday,) = [e for e in events if e.kind is EventKind.WORKDAY]
    assert (workday.start, workday.title) == (date(2024, 5, 4), "Làm việc bù cho ngày nghỉ Thứ Hai 29/4/2024")
    assert workday.origin is DateOrigin.RULE
    assert "Thứ Bảy 4/5/2024 là ngày làm việc" in (workday.description or "")


def test_culture_day_is_not_labelled_article_112(seed_catalog: Catalog) -> None:
    events = year_events(seed_catalog.get("viet-nam"), 2026)
    culture = [e for e in events if e.kind is EventKind.HOLIDAY and e.start == date(2026, 11, 24)]
    assert [e.title for e in culture] == ["Nghỉ Ngày Văn hóa Việt Nam"]
    assert "không thuộc Điều 112" in (culture[0].provenance or "")
    moved = [e for e in events if e.kind is EventKind.HOLIDAY and e.start == date(2026, 4, 27)]
    assert moved[0].title == "Nghỉ bù: Ngày Giỗ Tổ Hùng Vương" and "Điều 111" in (moved[0].provenance or "")


def test_a_deadline_on_a_make_up_saturday_is_on_a_working_day(empty_calendars_dir: Path) -> None:
    (empty_calendars_dir / "lam-bu.yaml").write_text(
        "id: lam-bu\ntitle: Làm bù\nyear: 2024\nextends: [viet-nam]\ndeadlines:\n"
        "  - {id: nop, title: Nộp báo cáo, date: 04/5/2024, due: chậm nhất}\n"
        "  - {id: nop-cn, title: Nộp báo cáo, date: 05/5/2024, due: chậm nhất}\n", encoding="utf-8")
    events = year_events(load_catalog(empty_calendars_dir).get("lam-bu"), 2024)
    assert one(events, EventKind.DEADLINE, "nop").warnings == ()  # Saturday 4/5/2024 is worked
    (warning,) = one(events, EventKind.DEADLINE, "nop-cn").warnings
    assert warning.endswith("nên nộp chậm nhất Thứ Bảy 4/5/2024")


def test_holidays_can_be_turned_off_by_a_child(calendars_dir: Path) -> None:
    (calendars_dir / "khong-nghi-le.yaml").write_text(
        "id: khong-nghi-le\ntitle: Không ngày nghỉ\nyear: 2024\nextends: [viet-nam]\npublic_holidays: false\n",
        encoding="utf-8",
    )
    cal = load_catalog(calendars_dir).get("khong-nghi-le")
    events = year_events(cal, 2024)
    assert not any(e.kind is EventKind.HOLIDAY for e in events)
    assert any(e.kind is EventKind.ANNIVERSARY for e in events)


def test_a_deadline_on_a_public_holiday_warns(golden: Catalog) -> None:
    event = one(year_events(golden.get("child-overrides-parent"), 2024), EventKind.DEADLINE, "bao-cao-quoc-khanh")
    assert event.deadline is not None
    assert event.deadline.due_at == datetime.combine(date(2024, 9, 2), datetime.max.time().replace(microsecond=0),
                                                     event.deadline.due_at.tzinfo)
    assert event.deadline.warnings == (
        "Ngày cuối để nộp (Thứ Hai 2/9/2024) là ngày nghỉ lễ (Quốc khánh): nên nộp chậm nhất Thứ Sáu 30/8/2024",
    )
    assert event.uid == "child-overrides-parent.deadline.bao-cao-quoc-khanh.0@lichthidua"


def test_a_before_deadline_on_a_working_day_does_not_warn(golden: Catalog) -> None:
    event = one(year_events(golden.get("child-overrides-parent"), 2024), EventKind.DEADLINE, "bao-cao-thang")
    assert event.deadline is not None
    assert event.deadline.due_at.isoformat() == "2024-03-20T00:00:00+07:00"
    assert event.deadline.due_at.utcoffset() == timedelta(hours=7)
    assert event.deadline.warnings == ()  # the last day, Tuesday 19/3, is a working day


# --- extends: omit, override, inherited ---------------------------------------------------------


def test_omit_removes_inherited_items(golden: Catalog) -> None:
    events = year_events(golden.get("child-overrides-parent"), 2024)
    items = {e.item_id for e in events}
    assert "quoc-te-phu-nu" not in items and "ong-cong-ong-tao" not in items
    assert "thanh-lap-doan" in items


def test_an_item_with_the_parents_id_replaces_it(golden: Catalog) -> None:
    events = year_events(golden.get("child-overrides-parent"), 2024)
    union = one(events, EventKind.ANNIVERSARY, "cong-doan-viet-nam")
    assert union.title == "Chào mừng 95 năm Ngày thành lập Công đoàn Việt Nam (28/7/1929 – 28/7/2024)"
    assert union.defined_in == "child-overrides-parent"
    assert union.source.endswith("child-overrides-parent.yaml:9")
    assert union.inherited is False
    tet = one(events, EventKind.LUNAR, "tet-nguyen-dan", year=2024)
    assert (tet.title, tet.defined_in) == ("Mừng Xuân Giáp Thìn 2024", "child-overrides-parent")
    # The replacement is used, not added: one event per item and year.
    assert len(find(events, EventKind.ANNIVERSARY, "cong-doan-viet-nam")) == 1


def test_inherited_means_from_a_parent_and_not_celebrated_here(golden: Catalog) -> None:
    events = year_events(golden.get("child-overrides-parent"), 2024)
    flags = {e.item_id: (e.defined_in, e.inherited) for e in events if e.kind is not EventKind.HOLIDAY}
    assert flags["quoc-khanh"] == ("viet-nam", False)  # national, but Đợt 2 celebrates it
    assert flags["cach-mang-thang-tam"] == ("viet-nam", True)  # national, not celebrated
    assert flags["thang-cong-nhan"] == ("viet-nam", True)
    assert flags["cong-doan-tinh"] == ("child-overrides-parent", False)  # its own, celebrated or not
    assert flags["dot-1"] == ("child-overrides-parent", False)
    assert flags["bao-cao-thang"] == ("child-overrides-parent", False)
    assert all(e.inherited for e in events if e.kind is EventKind.HOLIDAY)  # turned on by viet-nam
    quoc_khanh = one(events, EventKind.ANNIVERSARY, "quoc-khanh")
    assert quoc_khanh.anniversary is not None and quoc_khanh.anniversary.celebrated_in == ("dot-2",)


def test_a_child_without_phases_inherits_its_parents_phases(calendars_dir: Path) -> None:
    (calendars_dir / "kon-tum-huyen-2024.yaml").write_text(
        "id: kon-tum-huyen-2024\ntitle: Lịch huyện\nextends: [kon-tum-2024]\n", encoding="utf-8"
    )
    cal = load_catalog(calendars_dir).get("kon-tum-huyen-2024")
    assert cal.year == 2024 and cal.lineage == ("kon-tum-2024", "viet-nam")
    events = year_events(cal, 2024)
    phases = [e for e in events if e.kind is EventKind.PHASE]
    assert [(e.item_id, e.defined_in, e.inherited) for e in phases] == [
        ("dot-1", "kon-tum-2024", True),
        ("dot-2", "kon-tum-2024", True),
    ]
    assert all(e.uid.startswith("kon-tum-huyen-2024.") for e in events)
    deadline = one(events, EventKind.DEADLINE, "bao-cao-6-thang")
    assert (deadline.defined_in, deadline.inherited) == ("kon-tum-2024", True)


# --- windows --------------------------------------------------------------------------------------


def test_a_backwards_window_is_a_bad_request() -> None:
    with pytest.raises(BadRequest, match="Khoảng thời gian không hợp lệ"):
        Window(date(2024, 12, 1), date(2024, 1, 1))


def test_expansion_reads_no_clock(seed_catalog: Catalog) -> None:
    cal = seed_catalog.get("kon-tum-2024")
    assert default_window(cal, date(2019, 1, 1)) == default_window(cal, date(2031, 12, 31))
    assert expand(cal, default_window(cal, date(2019, 1, 1))) == expand(cal, default_window(cal, TODAY))


def test_expand_deadlines_is_the_deadlines_of_expand(golden: Catalog) -> None:
    """Reminders and the campaign list expand deadlines only: exactly what expand() has, in its order."""
    shipped = load_catalog(CALENDARS)
    calendars = [*golden.calendars.values(), *shipped.calendars.values()]
    windows = [Window(date(2019, 1, 1), date(2030, 12, 31)), Window(date(2024, 6, 24), date(2024, 6, 30))]
    found = 0
    for calendar in calendars:
        for window in [*windows, default_window(calendar, TODAY)]:
            wanted = [e for e in expand(calendar, window) if e.deadline is not None]
            assert expand_deadlines(calendar, window) == wanted, calendar.id
            found += len(wanted)
    assert found > 50
