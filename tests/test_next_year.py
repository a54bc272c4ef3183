"""Next year's calendar in one command: `lichthidua new NEW_ID --from OLD_ID`.

The draft must pass `check`, expand to the new span's dates with recomputed
ordinals, keep the file's comments and key order, clear what an admin set for
one year only, and flag each line a person must check. And a file copied by
hand, new id and year but last year's dates, must not pass `check` silently.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from scheduler.core.draft_yaml import CHECK
from scheduler.core.events import DateOrigin, EventKind
from scheduler.core.expand import Window, expand, undated_items
from scheduler.core.next_span import target_span
from scheduler.core.next_year import draft_next
from scheduler.core.spans import SpanKind, parse_span
from scheduler.core.text_rewrite import shift_text
from scheduler.errors import BadRequest
from scheduler.live.catalog import load_catalog
from tests.conftest import CALENDARS, REPO, copy_fixture

LICHTHIDUA = Path(sys.executable).parent / "lichthidua"

# --- the pure parts -----------------------------------------------------------------------------


def test_dates_in_texts_move_as_written() -> None:
    assert shift_text("Từ tháng 01/2024 đến 31/7/2024", 3)[0] == "Từ tháng 01/2027 đến 31/7/2027"
    assert shift_text("01/8/2024, 2024-08-01", 1)[0] == "01/8/2025, 2025-08-01"
    assert shift_text("29/02/2024", 1) == ("28/02/2025", ["29/02/2024 → 28/02/2025"])
    # Only the campaign's years move in a title: the base year of an anniversary is history.
    assert shift_text("(2/9/1945 – 2/9/2024), năm 2024", 3, only={2024})[0] == "(2/9/1945 – 2/9/2027), năm 2027"
    # Document numbers are not dates.
    assert shift_text("Kế hoạch số 09/KH-TLĐ", 3)[0] == "Kế hoạch số 09/KH-TLĐ"


def test_the_new_span() -> None:
    school = parse_span("năm học 2019–2020")
    assert target_span(school).words == "năm học 2020–2021"
    assert target_span(school, year=2025).words == "năm học 2025–2026"
    assert target_span(parse_span("giai đoạn 2021–2025")).words == "giai đoạn 2026–2030"
    assert target_span(parse_span("năm 2024"), span="năm học 2024 - 2025").kind is SpanKind.SCHOOL_YEAR
    with pytest.raises(BadRequest, match="--year hoặc --span"):
        target_span(school, year=2025, span="năm 2025")
    with pytest.raises(BadRequest, match="không hiểu 'mùa thu 2025'"):
        target_span(school, span="mùa thu 2025")


def _kon_tum_draft(years: int = 3):  # type: ignore[no-untyped-def]
    catalog = load_catalog(CALENDARS)
    old = catalog.get("kon-tum-2024")
    assert old.span is not None
    text = old.path.read_text(encoding="utf-8")
    draft = draft_next(text, new_id=f"kon-tum-{2024 + years}", old_span=old.span, new_span=old.span.shifted(years),
                       commemorations={s.item.id: s.item for s in old.commemorations}, known_ids=set(catalog.files))
    return text, draft


def test_comments_and_key_order_are_kept() -> None:
    text, draft = _kon_tum_draft()
    comments = [line.strip() for line in text.splitlines() if line.strip().startswith("#")]
    kept = [line.strip() for line in draft.text.splitlines() if line.strip().startswith("#")]
    assert kept == comments
    yaml = YAML(typ="rt")
    old, new = yaml.load(text), yaml.load(draft.text)
    assert [k for k in new if k != "draft"] == list(old) and new["draft"] is True  # a draft until reviewed
    for section in ("phases", "deadlines", "commemorations", "document"):
        items = (old[section], new[section]) if section == "document" else None
        pairs = [items] if items else list(zip(old[section], new[section], strict=True))
        for before, after in pairs:
            assert list(after) == list(before), section


def test_every_note_is_a_comment_on_its_line() -> None:
    _, draft = _kon_tum_draft()
    lines = draft.text.splitlines()
    assert draft.notes and draft.lines_to_check == len({n.line for n in draft.notes})
    for note in draft.notes:
        assert f"# {CHECK}" in lines[note.line - 1] and note.text in lines[note.line - 1], note
    flagged = [n for n, line in enumerate(lines, 1) if f"# {CHECK}" in line]
    assert flagged == sorted({n.line for n in draft.notes})


CHILD = """\
id: quan-thu-2024
title: Kế hoạch quận năm 2024
extends: [thanh-pho-2024]
phases:
  - id: dot-1
    name: Đợt 1
    start: 29/02/2024
    end: hết năm
events:
  - id: hoi-thi
    title: Hội thi Tết 2024
    start: 01/3/2024
    end: 02/3/2024
    as_written: dịp đầu xuân
    dated_by: quản trị
"""


def test_a_span_inherited_from_the_parent_is_written_in_the_draft() -> None:
    """A district file without a year takes its parent's: the draft must state the new one itself."""
    draft = draft_next(CHILD, new_id="quan-thu-2025", old_span=parse_span("năm 2024"),
                       new_span=parse_span("năm 2025"), commemorations={})
    lines = draft.text.splitlines()
    assert lines[:4] == [
        "id: quan-thu-2025  # KIỂM TRA: bản nháp từ lịch quan-thu-2024 (năm 2024 → năm 2025); các dòng chú thích (#) "
        "vẫn là của lịch cũ",
        "title: Kế hoạch quận năm 2025  # KIỂM TRA: tên kế hoạch năm mới: sửa theo trích yếu văn bản mới; đã đổi "
        "2024 → 2025",
        "year: 2025  # KIỂM TRA: thời gian phong trào (năm 2025) trước đây lấy từ lịch cấp trên: kiểm tra",
        "extends: [thanh-pho-2024]  # KIỂM TRA: lịch cấp trên thanh-pho-2024 là của phong trào cũ; khi có lịch "
        "thanh-pho-2025, đổi sang lịch đó",
    ]
    assert "    start: 28/02/2025  # KIỂM TRA: ngày 29/2 không có trong năm mới: đã ghi 28/02/2025" in lines
    # An event an admin dated ("quản trị" is "admin") is undated again, with a note on the Tết it names.
    event = "\n".join(lines[lines.index("events:"):])
    assert event.endswith("start:\n    end:\n    as_written: dịp đầu xuân")
    assert "    dated_by: quản trị" not in lines
    assert "Tết Nguyên đán Ất Tỵ 2025 là 29/1/2025" in event
    assert "title: Hội thi Tết 2025" in event


def test_an_ordinal_in_a_title_is_told_apart_by_the_name_after_it() -> None:
    """A plan stated "95 năm" for two anniversaries (one of them wrongly): next year they differ."""
    text = """\
id: sai-so-2024
title: Chào mừng 95 năm Ngày thành lập Công đoàn Việt Nam và 95 năm Ngày thành lập Đảng
year: 2024
theme: Kỷ niệm 95 năm
phases:
  - id: dot-1
    name: Đợt 1
    start: 01/01/2024
    end: 31/12/2024
    celebrates:
      - cong-doan-viet-nam: 95
      - thanh-lap-dang: 95
"""
    catalog = load_catalog(CALENDARS)
    seen = {s.item.id: s.item for s in catalog.get("kon-tum-2024").commemorations}
    draft = draft_next(text, new_id="sai-so-2025", old_span=parse_span("năm 2024"), new_span=parse_span("năm 2025"),
                       commemorations=seen)
    assert "title: Chào mừng 96 năm Ngày thành lập Công đoàn Việt Nam và 95 năm Ngày thành lập Đảng  #" in draft.text
    assert "- cong-doan-viet-nam: 96\n" in draft.text and "- thanh-lap-dang: 95\n" in draft.text
    theme = next(n for n in draft.notes if n.path == "theme")
    assert "“95 năm” ứng với nhiều ngày kỷ niệm: chưa đổi" in theme.text
    assert "theme: Kỷ niệm 95 năm  # KIỂM TRA" in draft.text


def test_the_same_span_is_refused() -> None:
    with pytest.raises(BadRequest, match="trùng thời gian phong trào cũ"):
        target_span(parse_span("năm 2024"), year=2024)


# --- the command --------------------------------------------------------------------------------


def test_kon_tum_2027(calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """The issue's "done means": the draft passes check and expands to 2027 with 98 năm Công đoàn."""
    run = cli("new", "kon-tum-2027", "--from", "kon-tum-2024", "--year", "2027")
    assert run.exit_code == 0, run.output
    draft = calendars_dir / "kon-tum-2027.yaml"
    text = draft.read_text(encoding="utf-8")
    flagged = sum(f"# {CHECK}" in line for line in text.splitlines())
    assert "Đã ghi calendars/kon-tum-2027.yaml (năm 2024 → năm 2027, các ngày dời +3 năm)." in run.stdout
    assert f"{flagged} dòng cần kiểm tra" in run.stdout and flagged >= 10
    # check lists every "# KIỂM TRA" still there, with its line, and says the file is a draft.
    check = cli("check", "calendars/kon-tum-2027.yaml", "--format", "json")
    warnings = json.loads(check.stdout)
    assert check.exit_code == 0 and not [w for w in warnings if w["severity"] == "error"], check.output
    pending = sorted(w["line"] for w in warnings if w["code"] == "review.pending")
    assert pending == [n for n, line in enumerate(text.splitlines(), 1) if f"# {CHECK}" in line]
    assert [w["code"] for w in warnings if w["code"] == "review.draft"] == ["review.draft"]
    reviewed = "\n".join(line.split(f"  # {CHECK}")[0] for line in text.splitlines()
                         if not line.startswith("draft:")) + "\n"
    draft.write_text(reviewed, encoding="utf-8")
    check = cli("check", "calendars/kon-tum-2027.yaml")
    assert check.exit_code == 0 and "0 lỗi, 0 cảnh báo" in check.output, check.output

    assert "id: kon-tum-2027" in text and "\nyear: 2027\n" in text
    assert "number: /HD-LĐLĐ  # KIỂM TRA: số văn bản mới (năm trước: 15/HD-LĐLĐ)" in text
    assert "\n  date:  # KIỂM TRA: ngày ký văn bản mới" in text
    assert "implements: Kế hoạch số 09/KH-TLĐ ngày 27/12/2023" in text  # kept, and flagged:
    assert re.search(r"implements: .*# KIỂM TRA: văn bản cấp trên", text)
    assert "chào mừng kỷ niệm 98 năm Ngày thành lập Công đoàn Việt Nam  # KIỂM TRA" in text
    assert "Thi đua kỷ niệm 82 năm Cách mạng tháng Tám" in text and "xã hội năm 2027" in text
    assert "date: 02/09/1945" in text  # the base date is history
    assert "date: 25/6\n" in text  # yearly dates stay as written

    cal = load_catalog(calendars_dir).get("kon-tum-2027")
    assert [(p.start, p.end) for p in cal.phases] == [(date(2027, 1, 1), date(2027, 7, 31)),
                                                       (date(2027, 8, 1), date(2027, 12, 31))]
    events = expand(cal, Window(cal.span.start, cal.span.end))  # type: ignore[union-attr]
    titles = {e.title for e in events}
    assert "Kỷ niệm 98 năm Ngày thành lập Công đoàn Việt Nam (28/7/1929 – 28/7/2027)" in titles
    assert all(e.start.year == 2027 for e in events)
    deadlines = {e.item_id: e.start for e in events if e.kind is EventKind.DEADLINE}
    assert deadlines == {"bao-cao-6-thang": date(2027, 6, 25), "bao-cao-nam": date(2027, 11, 25)}
    assert [u.item_id for u in undated_items(cal)] == ["so-ket-dot"]


@pytest.mark.parametrize("years", [1, 3])
def test_every_shipped_campaign_moves_and_passes_check(calendars_dir: Path, cli, years: int) -> None:  # type: ignore[no-untyped-def]
    catalog = load_catalog(calendars_dir)
    campaigns = sorted(cid for cid, cal in catalog.calendars.items() if cal.span is not None)
    assert len(campaigns) >= 6
    for old_id in campaigns:
        old = catalog.calendars[old_id]
        assert old.span is not None
        new_id = f"{old_id}-sau-{years}-nam"
        run = cli("new", new_id, "--from", old_id, "--year", str(old.span.start.year + years))
        assert run.exit_code == 0, run.output
        check = cli("check", f"calendars/{new_id}.yaml", "--format", "json")
        diagnostics = json.loads(check.stdout)
        assert check.exit_code == 0 and not [d for d in diagnostics if d["severity"] == "error"], check.output
        new = load_catalog(calendars_dir).get(new_id)
        assert new.span == old.span.shifted(years)
        assert [p.id for p in new.phases] == [p.id for p in old.phases]
        for before, after in zip(old.phases, new.phases, strict=True):
            if before.origin is DateOrigin.ADMIN:  # an end an admin set is open again, or the framework's
                assert after.provisional or after.origin is DateOrigin.DEFAULT, (old_id, after.id)
            elif after.origin is DateOrigin.DEFAULT:  # "hết năm học": the new year's framework, not a shift
                assert after.start == _shift(before.start, years) and after.end in (new.span.end, after.end), old_id
                assert after.provenance and "khung kế hoạch thời gian" in after.provenance or "mặc định" in (
                    after.provenance or ""), old_id
            elif not after.provisional:
                assert (after.start, after.end) == (_shift(before.start, years), _shift(before.end, years)), old_id
        # Stated ordinals follow the new span, so check finds none that disagrees.
        assert not [d for d in diagnostics if d["code"].startswith("ordinal")], old_id
        # A new outside_span warning would mean a date did not move.
        assert not [d for d in diagnostics if d["code"] == "outside_span"
                    and not _warned(catalog, old_id, d["path"])], (old_id, diagnostics)


def _shift(day: date, years: int) -> date:
    return day.replace(year=day.year + years)


def _warned(catalog, old_id: str, path: str) -> bool:  # type: ignore[no-untyped-def]
    return any(d.code == "outside_span" and d.path == path
               for d in catalog.diagnostics.get(catalog.display[old_id], ()))


def test_a_school_year_moves_and_admin_dates_become_undated(empty_calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    copy_fixture("school-year-admin-dates", empty_calendars_dir, kind="golden")
    run = cli("new", "school-year-next", "--from", "school-year-admin-dates")
    assert run.exit_code == 0, run.output
    assert "năm học 2019–2020 → năm học 2020–2021, các ngày dời +1 năm" in run.stdout
    assert cli("check", "calendars/school-year-next.yaml").exit_code == 0
    text = (empty_calendars_dir / "school-year-next.yaml").read_text(encoding="utf-8")
    assert "span: năm học 2020–2021\n" in text
    assert "start: sau 20/11/2020\n" in text
    assert "Mừng Đảng, mừng Xuân Tân Sửu 2021; chào mừng 91 năm Ngày thành lập Đảng và 131 năm" in text
    assert "{id: sinh-nhat-bac, ordinal: 131}" in text and "- quan-doi-nhan-dan: 76\n" in text
    assert not re.search(r"^\s*dated_by:", text, flags=re.M)  # every date an admin set is gone...
    assert "sau khi kết thúc học kỳ I" in text and "as_written: sau mỗi đợt thi đua\n" in text  # ...the wording stays
    assert "# ngày Sở chọn" in text  # and so do the comments of the removed lines
    assert re.search(r"end:  # KIỂM TRA: ngày kết thúc do quản trị đặt năm trước \(11/01/2020\) đã xóa", text)
    assert "launch_date:  # KIỂM TRA: ngày phát động năm trước (05/9/2019) đã xóa" in text

    cal = load_catalog(empty_calendars_dir).get("school-year-next")
    assert (cal.span.start, cal.span.end) == (date(2020, 9, 1), date(2021, 5, 31))  # type: ignore[union-attr]
    dot_2 = cal.phases[1]
    # "hết học kỳ I": the admin's date of 2019–2020 is gone; 2020–2021's framework dates it, and says so.
    assert (dot_2.start, dot_2.end, dot_2.origin) == (date(2020, 11, 21), date(2021, 1, 16), DateOrigin.DEFAULT)
    assert "2084/QĐ-BGDĐT" in (dot_2.provenance or "")
    assert {u.item_id for u in undated_items(cal)} >= {"so-ket-hoc-ky-1", "bao-cao-dot"}
    events = expand(cal, Window(date(2020, 9, 1), date(2021, 6, 30)))
    ids = {e.item_id for e in events}
    assert "so-ket-hoc-ky-1" not in ids and "bao-cao-dot" not in ids
    assert {e.item_id: e.start for e in events if e.kind in (EventKind.EVENT, EventKind.DEADLINE)} == {
        "le-phat-dong": date(2020, 9, 5), "dang-ky": date(2020, 10, 15), "bao-cao-nam": date(2021, 5, 25)}
    ordinals = {e.item_id: e.anniversary.ordinal for e in events if e.anniversary and e.item_id in cal.celebrated}  # type: ignore[union-attr]
    assert ordinals == {"nha-giao-viet-nam": 38, "quan-doi-nhan-dan": 76, "thanh-lap-dang": 91, "sinh-nhat-bac": 131}


def test_a_multi_year_plan_moves_to_the_next_period(empty_calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    copy_fixture("multi-year-period", empty_calendars_dir, kind="golden")
    run = cli("new", "multi-year-next", "--from", "multi-year-period")
    assert run.exit_code == 0, run.output
    assert "giai đoạn 2021–2025 → giai đoạn 2026–2030, các ngày dời +5 năm" in run.stdout
    assert cli("check", "calendars/multi-year-next.yaml").exit_code == 0
    text = (empty_calendars_dir / "multi-year-next.yaml").read_text(encoding="utf-8")
    assert "  as_written: giai đoạn 2026–2030\n  end: 30/11/2030\n" in text
    assert "Chào mừng 100 năm Ngày thành lập Đảng, 55 năm Giải phóng miền Nam" in text
    cal = load_catalog(empty_calendars_dir).get("multi-year-next")
    assert (cal.span.start, cal.span.end) == (date(2026, 1, 1), date(2030, 11, 30))  # type: ignore[union-attr]
    events = expand(cal, Window(cal.span.start, cal.span.end))  # type: ignore[union-attr]
    yearly = sorted(e.start for e in events if e.item_id == "bao-cao-hang-nam")
    assert yearly == [date(y, 11, 15) for y in range(2026, 2031)]
    event = next(e for e in events if e.item_id == "dai-hoi-cong-doan")
    assert (event.start, event.end) == (date(2028, 12, 1), date(2028, 12, 3))
    milestones = {e.item_id for e in events if e.anniversary and e.item_id in cal.celebrated and e.milestone}
    assert milestones == {"cong-doan-viet-nam", "thanh-lap-dang", "giai-phong-mien-nam"}  # 100, 100, 55


def test_span_option_is_written_as_given(empty_calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    copy_fixture("school-year-admin-dates", empty_calendars_dir, kind="golden")
    run = cli("new", "school-year-2023", "--from", "school-year-admin-dates", "--span", "năm học 2023 - 2024")
    assert run.exit_code == 0, run.output
    text = (empty_calendars_dir / "school-year-2023.yaml").read_text(encoding="utf-8")
    assert "span: năm học 2023 - 2024\n" in text and "end: 20/11/2023\n" in text
    assert cli("check", "calendars/school-year-2023.yaml").exit_code == 0


def test_refuses_to_overwrite(calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    target = calendars_dir / "kon-tum-2025.yaml"
    target.write_text("# bản đang sửa dở\n", encoding="utf-8")
    run = cli("new", "kon-tum-2025", "--from", "kon-tum-2024")
    assert run.exit_code == 73
    assert "calendars/kon-tum-2025.yaml đã có: không ghi đè" in run.stderr and "--force" in run.stderr
    assert target.read_text(encoding="utf-8") == "# bản đang sửa dở\n"
    forced = cli("new", "kon-tum-2025", "--from", "kon-tum-2024", "--force")
    assert forced.exit_code == 0, forced.output
    assert "year: 2025" in target.read_text(encoding="utf-8")


def test_output_elsewhere(calendars_dir: Path, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run = cli("new", "kon-tum-2025", "--from", "kon-tum-2024", "-o", "nhap/kon-tum-2025.yaml")
    assert run.exit_code == 0, run.output
    assert (tmp_path / "nhap" / "kon-tum-2025.yaml").is_file()
    assert not (calendars_dir / "kon-tum-2025.yaml").exists()
    wrong = cli("new", "kon-tum-2025", "--from", "kon-tum-2024", "-o", "nhap/khac.yaml")
    assert wrong.exit_code == 64 and "tên tệp phải là kon-tum-2025.yaml" in wrong.stderr


def test_unknown_old_calendar(calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    run = cli("new", "kon-tum-2027", "--from", "kon-tum-2042")
    assert run.exit_code == 66
    assert "--from kon-tum-2042: không có tệp calendars/kon-tum-2042.yaml" in run.stderr
    assert "Có phải ý bạn là 'kon-tum-2024'?" in run.stderr
    campaigns = sorted(cid for cid, cal in load_catalog(calendars_dir).calendars.items() if cal.span is not None)
    assert {"kon-tum-2024", "cao-bang-2017", "long-bien-2024"} <= set(campaigns) and "viet-nam" not in campaigns
    assert f"Các lịch phong trào có: {', '.join(campaigns)}" in run.stderr
    assert not (calendars_dir / "kon-tum-2027.yaml").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--year", "2027", "--span", "năm 2027"], "Chỉ dùng một trong hai: --year hoặc --span"),
    (["--span", "mùa thu 2027"], "--span: không hiểu 'mùa thu 2027'"),
    (["--year", "năm-sau"], "giá trị không hợp lệ cho --year"),
])
def test_usage_errors(calendars_dir: Path, cli, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    run = cli("new", "kon-tum-2027", "--from", "kon-tum-2024", *args)
    assert run.exit_code == 64, run.output
    assert message in run.stderr
    assert not (calendars_dir / "kon-tum-2027.yaml").exists()


def test_bad_new_id(calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    run = cli("new", "Kon Tum 2027", "--from", "kon-tum-2024")
    assert run.exit_code == 64 and "Mã lịch mới 'Kon Tum 2027' không hợp lệ" in run.stderr
    national = cli("new", "viet-nam-2", "--from", "viet-nam")
    assert national.exit_code == 64 and "không có thời gian phong trào" in national.stderr


def test_a_parent_that_exists_for_the_new_year_is_used(calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("new", "long-bien-2025", "--from", "long-bien-2024").exit_code == 0
    text = (calendars_dir / "long-bien-2025.yaml").read_text(encoding="utf-8")
    assert "extends: [ha-noi-2024]  # KIỂM TRA: lịch cấp trên ha-noi-2024 là của phong trào cũ" in text
    assert cli("new", "ha-noi-2025", "--from", "ha-noi-2024").exit_code == 0
    assert cli("new", "long-bien-2025", "--from", "long-bien-2024", "--force").exit_code == 0
    text = (calendars_dir / "long-bien-2025.yaml").read_text(encoding="utf-8")
    assert "extends: [ha-noi-2025]  # KIỂM TRA: lịch cấp trên đã đổi ha-noi-2024 → ha-noi-2025" in text
    assert cli("check").exit_code == 0


# --- check catches what a hand copy forgets ----------------------------------------------------------


def _line(text: str, needle: str, after: int = 0) -> int:
    return text[: text.index(needle, after)].count("\n") + 1


def test_a_half_edited_copy_is_warned_line_by_line(calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """New id and year, every phase still in 2024: check names each stale line."""
    text = (calendars_dir / "kon-tum-2024.yaml").read_text(encoding="utf-8")
    copy = text.replace("id: kon-tum-2024", "id: kon-tum-2027").replace("\nyear: 2024\n", "\nyear: 2027\n")
    (calendars_dir / "kon-tum-2027.yaml").write_text(copy, encoding="utf-8")
    run = cli("check", "calendars/kon-tum-2027.yaml", "--format", "json")
    assert run.exit_code == 0  # warnings: the file is valid, only stale
    found = {(d["line"], d["path"]) for d in json.loads(run.stdout) if d["code"] == "outside_span"}
    dot_2 = copy.index("id: dot-2")
    assert found == {
        (_line(copy, "start: tháng 01/2024"), "phases[0].start"),
        (_line(copy, "end: 31/7/2024"), "phases[0].end"),
        (_line(copy, "start: 01/8/2024", dot_2), "phases[1].start"),
        (_line(copy, "end: 31/12/2024", dot_2), "phases[1].end"),
    }
    shown = cli("check", "calendars/kon-tum-2027.yaml").output
    assert (f"calendars/kon-tum-2027.yaml:{_line(copy, 'end: 31/7/2024')}:10: cảnh báo [phases[0].end]: Đợt 1: "
            "ngày 31/7/2024 nằm ngoài thời gian phong trào năm 2027 (1/1/2027 – 31/12/2027)") in shown


def test_a_copied_deadline_date_is_warned(calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    text = (calendars_dir / "ninh-thuan-2023.yaml").read_text(encoding="utf-8")
    copy = text.replace("id: ninh-thuan-2023", "id: ninh-thuan-2024").replace("\nyear: 2023\n", "\nyear: 2024\n")
    (calendars_dir / "ninh-thuan-2024.yaml").write_text(copy, encoding="utf-8")
    run = cli("check", "calendars/ninh-thuan-2024.yaml", "--format", "json")
    found = {(d["line"], d["path"]) for d in json.loads(run.stdout) if d["code"] == "outside_span"}
    assert (_line(copy, "date: 15/3/2023"), "deadlines[0].date") in found


def test_a_phase_ending_in_2072_is_warned(calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = calendars_dir / "kon-tum-2024.yaml"
    text = path.read_text(encoding="utf-8").replace("end: 31/12/2024", "end: 31/12/2072")
    path.write_text(text, encoding="utf-8")
    run = cli("check", "calendars/kon-tum-2024.yaml", "--format", "json")
    assert run.exit_code == 0
    line = _line(text, "end: 31/12/2072")
    codes = {d["code"] for d in json.loads(run.stdout) if (d["line"], d["path"]) == (line, "phases[1].end")}
    assert codes == {"outside_span", "phase.too_long"}


def test_the_docs_example_is_what_new_prints(calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    text = (REPO / "docs" / "dinh-dang-lich.md").read_text(encoding="utf-8")
    section = text[text.index("## Lịch năm sau trong một lệnh"):]
    section = section[: section.index("\n## ")]
    (command,) = re.findall(r"^```sh\n(.*?)\n```", section, flags=re.S | re.M)
    (shown,) = re.findall(r"^```text\n(.*?)\n```", section, flags=re.S | re.M)
    assert command.startswith("./run lichthidua new ")
    run = cli(*command.split()[2:])
    assert run.exit_code == 0, run.output
    printed = run.stdout.splitlines()
    for line in shown.splitlines():
        assert line in printed, line


def test_a_broken_old_calendar_is_reported_not_copied(calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = calendars_dir / "kon-tum-2024.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("end: 31/7/2024", "end: 31/2/2024"), encoding="utf-8")
    run = cli("new", "kon-tum-2025", "--from", "kon-tum-2024")
    assert run.exit_code == 65
    assert "calendars/kon-tum-2024.yaml:" in run.stderr and "31/2/2024" in run.stderr
    assert not (calendars_dir / "kon-tum-2025.yaml").exists()


def test_as_a_real_process(calendars_dir: Path) -> None:
    """The installed command: exit codes reach the shell, messages are Vietnamese, no traceback."""
    command = [str(LICHTHIDUA), "new", "kon-tum-2025", "--from", "kon-tum-2024"]
    first = subprocess.run(command, capture_output=True, text=True, timeout=60, env=os.environ)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Đã ghi calendars/kon-tum-2025.yaml (năm 2024 → năm 2025")
    again = subprocess.run(command, capture_output=True, text=True, timeout=60, env=os.environ)
    assert again.returncode == 73
    assert again.stderr == ("Lỗi: calendars/kon-tum-2025.yaml đã có: không ghi đè. Đổi mã lịch mới, "
                            "hoặc thêm --force để ghi đè\n")
