"""The deadline board's pure core: statuses, roll-up by the recipients' hierarchy, filters, sort, exports."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from board_support import NOW, VN, unit_count, write_province
from openpyxl import load_workbook

from scheduler.reminders import board as B
from scheduler.reminders.actions import Action, ActionKind, facts_from
from scheduler.reminders.board_export import HEADERS, to_csv, to_xlsx
from scheduler.reminders.recipients import load_directory

DEADLINE = B.Deadline("d1@lichthidua", "c", "Báo cáo tổng kết", date(2026, 11, 30), "chậm nhất ngày 30/11/2026",
                      ("huyen", "cdcs"))


def _hierarchy() -> B.Hierarchy:
    return B.Hierarchy.of([
        B.Body("h1", "LĐLĐ huyện 1", "huyen"), B.Body("h2", "LĐLĐ huyện 2", "huyen"),
        B.Body("c1", "CĐCS 1", "cdcs", "h1"), B.Body("c2", "CĐCS 2", "cdcs", "h1"),
        B.Body("c3", "CĐCS 3", "cdcs", "h2"), B.Body("p1", "CĐBP 1", "cdbp", "c1"),
    ])


def _at(day: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, 10, 0, tzinfo=VN)


def test_every_status_with_its_when_how_until_and_why() -> None:
    facts = B.Facts(
        submitted={("d1@lichthidua", "h1"): B.Submitted(_at(28)),
                   ("d1@lichthidua", "c1"): B.Submitted(_at(3, 12), B.How.PAPER, "CV số 5", "huyen1"),
                   ("d1@lichthidua", "c3"): B.Submitted(_at(2, 12))},
        returned={("d1@lichthidua", "h2"): B.Returned(_at(1, 12), "Thiếu biểu mẫu 2", "tinh")},
        extended={("d1@lichthidua", "c2"): date(2026, 12, 10), ("d1@lichthidua", "c3"): date(2026, 12, 5)},
    )
    entries = {e.unit.id: e for e in B.entries([DEADLINE], _hierarchy(), facts, NOW)}
    assert set(entries) == {"h1", "h2", "c1", "c2", "c3"}  # the section's group does not owe this deadline
    assert entries["h1"].status is B.BoardStatus.SUBMITTED
    assert entries["h1"].status_text == "đã nộp ngày 28/11/2026 (qua liên kết trong email nhắc)"
    assert entries["c1"].status is B.BoardStatus.LATE and entries["c1"].days_overdue == 3
    assert entries["c1"].status_text == "nộp muộn ngày 3/12/2026 (bản giấy), muộn 3 ngày"
    assert entries["h2"].status is B.BoardStatus.RETURNED
    assert entries["h2"].status_text == "trả lại để bổ sung (Thiếu biểu mẫu 2)" and entries["h2"].days_overdue == 7
    assert entries["c2"].status is B.BoardStatus.EXTENDED and entries["c2"].last_day == date(2026, 12, 10)
    assert entries["c2"].status_text == "được gia hạn đến 10/12/2026"
    # Submitted within its extension: on time, even though after the common last day.
    assert entries["c3"].status is B.BoardStatus.SUBMITTED and entries["c3"].days_overdue == 0
    levels = {k: e.level for k, e in entries.items()}
    assert levels == {"h1": 1, "h2": 1, "c1": 2, "c2": 2, "c3": 2}


def test_owing_past_the_last_day_counts_days_overdue_and_an_extension_that_ran_out_owes_again() -> None:
    facts = B.Facts(extended={("d1@lichthidua", "c1"): date(2026, 12, 4)})
    entries = {e.unit.id: e for e in B.entries([DEADLINE], _hierarchy(), facts, NOW)}
    assert entries["c2"].status is B.BoardStatus.OWING and entries["c2"].days_overdue == 7  # 30/11 → 7/12
    assert entries["c2"].status_text == "chưa nộp, quá hạn 7 ngày"
    assert entries["c1"].status is B.BoardStatus.OWING and entries["c1"].days_overdue == 3  # 4/12 → 7/12
    before = B.entries([DEADLINE], _hierarchy(), B.Facts(), datetime(2026, 11, 30, 16, 0, tzinfo=UTC))
    assert all(e.days_overdue == 0 and e.status_text == "chưa nộp" for e in before)  # 23:00 on the last day


def test_a_resubmission_after_a_return_counts_and_the_return_no_longer_shows() -> None:
    facts = B.Facts(submitted={("d1@lichthidua", "h2"): B.Submitted(_at(2, 12))},
                    returned={("d1@lichthidua", "h2"): B.Returned(_at(1, 12), "Thiếu", "tinh")})
    (h2,) = [e for e in B.entries([DEADLINE], _hierarchy(), facts, NOW) if e.unit.id == "h2"]
    assert h2.status is B.BoardStatus.LATE and h2.returned is None


def test_scope_is_the_units_under_a_body_and_roll_up_counts_each_child_with_everything_under_it() -> None:
    h = _hierarchy()
    facts = B.Facts(submitted={("d1@lichthidua", "c1"): B.Submitted(_at(29))})
    district = B.entries([DEADLINE], h, facts, NOW, scope="h1")
    assert {e.unit.id for e in district} == {"c1", "c2"}  # not h1 itself (its report goes to the province)
    province = B.entries([DEADLINE], h, facts, NOW)
    rolled = {r.body.id: r for r in B.roll_up(province, h)}
    assert set(rolled) == {"h1", "h2"}
    assert rolled["h1"].total == 3 and rolled["h1"].counts[B.BoardStatus.SUBMITTED] == 1
    assert [e.unit.id for e in rolled["h1"].own] == ["h1"]
    assert [r.body.id for r in B.roll_up(province, h)] == ["h1", "h2"]  # most still owing first
    below = {r.body.id: r.total for r in B.roll_up(province, h, "h1")}
    assert below == {"c1": 1, "c2": 1}


def test_filters_and_sort_by_days_overdue() -> None:
    h = _hierarchy()
    facts = B.Facts(submitted={("d1@lichthidua", "c1"): B.Submitted(_at(29))},
                    extended={("d1@lichthidua", "c2"): date(2026, 12, 5)})
    items = B.entries([DEADLINE], h, facts, NOW)
    order = [e.unit.id for e in B.by_overdue(items)]
    assert order == ["c3", "h1", "h2", "c2", "c1"]  # 7 days overdue (by name), 2 days (extended to 5/12), done
    assert {e.unit.id for e in B.select(items, statuses=[B.BoardStatus.OWING])} == {"h1", "h2", "c3", "c2"}
    assert {e.unit.id for e in B.select(items, levels=[2], statuses=B.parse_statuses(["đã nộp"]))} == {"c1"}
    assert {e.unit.id for e in B.select(items, groups=["huyen"])} == {"h1", "h2"}
    assert {e.unit.id for e in B.select(items, under="h2", hierarchy=h)} == {"c3"}
    assert B.counts(items)[B.BoardStatus.OWING] == 4
    with pytest.raises(ValueError, match="Tình trạng không rõ: 'xong'"):
        B.parse_statuses(["xong"])


def test_facts_from_actions_say_how_a_submission_came_and_ignore_undone_ones() -> None:
    at = _at(1, 12)

    def action(i: int, kind: ActionKind, **kw: object) -> Action:
        values: dict[str, object] = dict(how=None, note="", until=None, received_at=None, previous_at=None,
                                         actor="tinh", undone_at=None, undone_by=None, sent=0)
        values.update(kw)
        return Action(i, "d1@lichthidua", "c", "unit:h1", kind, at=at.replace(hour=8 + i),  # type: ignore[arg-type]
                      **values)

    subs = {"d1@lichthidua": {"unit:h1": at}}
    paper = facts_from(subs, [action(1, ActionKind.RECEIVED, how="paper", note="CV 1")])
    assert paper.submitted[("d1@lichthidua", "h1")].how is B.How.PAPER
    returned_then_link = facts_from(subs, [action(1, ActionKind.RECEIVED, how="email"),
                                           action(2, ActionKind.RETURNED, note="thiếu")])
    assert returned_then_link.submitted[("d1@lichthidua", "h1")].how is B.How.LINK
    undone = facts_from(subs, [action(1, ActionKind.RECEIVED, how="paper", undone_at=at)])
    assert undone.submitted[("d1@lichthidua", "h1")].how is B.How.LINK
    ext = facts_from({}, [action(1, ActionKind.EXTENDED, until=date(2026, 12, 9)),
                          action(2, ActionKind.EXTENDED, until=date(2026, 12, 12))])
    assert ext.extended == {("d1@lichthidua", "h1"): date(2026, 12, 12)}


def test_the_recipient_files_describe_three_levels(tmp_path: Path) -> None:
    directory = load_directory(write_province(tmp_path, districts=2, per_district=3, sections=2))
    assert directory.ok
    units = {u.id: u for g in directory.groups.values() for u in g.units}
    assert len(units) == unit_count(2, 3, 2)
    assert units["cdcs-01-002"].parent == "huyen-01" and units["cdcs-01-002"].group == "cdcs-huyen-01"
    assert units["cdbp-00-002-1"].parent == "cdcs-00-002"  # the unit's own parent: over its group's
    h = B.Hierarchy.of(B.Body(u.id, u.name, u.group, u.parent) for u in units.values())
    assert {h.level(i) for i in ("huyen-00", "cdcs-00-000", "cdbp-00-000-0")} == {1, 2, 3}
    assert [b.id for b in h.path("cdbp-00-000-0")] == ["huyen-00", "cdcs-00-000", "cdbp-00-000-0"]


def test_an_unknown_or_circular_parent_is_a_warning_with_its_line(tmp_path: Path) -> None:
    folder = tmp_path / "recipients"
    folder.mkdir()
    (folder / "a.yaml").write_text(
        "groups:\n  - id: g\n    name: G\n    units:\n"
        "      - id: a\n        name: A\n        emails: [a@x.example.org]\n        parent: huyen-0l\n"
        "      - id: b\n        name: B\n        emails: [b@x.example.org]\n        parent: c\n"
        "      - id: c\n        name: C\n        emails: [c@x.example.org]\n        parent: b\n"
        "      - id: huyen-01\n        name: H\n        emails: [h@x.example.org]\n", encoding="utf-8")
    directory = load_directory(tmp_path)
    assert directory.ok and "g" in directory.groups  # reminders still go
    diags = {d.code: d for d in directory.diagnostics}
    unknown = diags["unit.parent_unknown"]
    assert unknown.line == 8 and unknown.severity.value == "warning"
    assert "Đơn vị cấp trên 'huyen-0l' (của 'a')" in unknown.message["vi"] and "huyen-01" in (unknown.hint or {})["vi"]
    assert "vòng lại chính nó" in diags["unit.parent_cycle"].message["vi"]


def _entries() -> tuple[list[B.Entry], B.Hierarchy]:
    h = _hierarchy()
    facts = B.Facts(submitted={("d1@lichthidua", "c1"): B.Submitted(_at(3, 12), B.How.PAPER, "CV số 5")},
                    extended={("d1@lichthidua", "c2"): date(2026, 12, 10)})
    return B.by_overdue(B.entries([DEADLINE], h, facts, NOW)), h


def test_csv_is_utf8_with_a_bom_vietnamese_headers_day_first_one_row_per_unit_and_deadline() -> None:
    entries, h = _entries()
    data = to_csv(entries, h)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == HEADERS and len(rows) == 1 + len(entries)
    c1 = next(dict(zip(HEADERS, r, strict=True)) for r in rows[1:] if r[2] == "c1")
    assert c1["Tình trạng"] == "nộp muộn" and c1["Ngày nộp"] == "03/12/2026" and c1["Cách nộp"] == "bản giấy"
    assert c1["Ngày cuối của đơn vị"] == "30/11/2026" and c1["Trực thuộc"] == "LĐLĐ huyện 1"
    assert c1["Ghi chú hoặc lý do trả lại"] == "CV số 5" and c1["Hạn theo văn bản"] == "chậm nhất ngày 30/11/2026"
    c2 = next(dict(zip(HEADERS, r, strict=True)) for r in rows[1:] if r[2] == "c2")
    assert c2["Gia hạn đến"] == "10/12/2026" and c2["Tình trạng"] == "được gia hạn"
    assert c2["Ngày cuối của đơn vị"] == "10/12/2026"


def test_xlsx_opens_with_real_dates_shown_day_first() -> None:
    entries, h = _entries()
    book = load_workbook(io.BytesIO(to_xlsx(entries, h, title="Phong trào: năm 2026")))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADERS and len(rows) == 1 + len(entries)
    c1 = next(r for r in rows[1:] if r[2] == "c1")
    assert c1[8] == datetime(2026, 12, 3) and c1[10] == 3 and c1[11] is None  # no extension: an empty cell
    cell = next(c for c in sheet.iter_rows(min_row=2) if c[2].value == "c1")[8]
    assert cell.number_format == "DD/MM/YYYY"
    assert sheet.title == "Phong trào  năm 2026"
