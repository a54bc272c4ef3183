"""`lichthidua check`: every problem located at file:line:column, with its key path,
a Vietnamese message (English with --lang en) and a hint; exit 65 on errors,
0 on warnings only; never a traceback, whatever the bytes.

Each fixture in tests/calendars/broken/ is named after the one problem it shows
(`many-errors.yaml` shows several, all reported in one run).
"""

from __future__ import annotations

import json
import random
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

from scheduler.live.catalog import load_catalog
from tests.conftest import BROKEN_CALENDARS, CALENDARS, copy_fixture


@dataclass(frozen=True)
class Case:
    name: str  # fixture file (and calendar id)
    line: int
    column: int
    path: str  # key path; "" for problems of the whole file
    code: str
    vi: str
    en: str
    hint_vi: str | None
    hint_en: str | None
    severity: str = "error"
    value: str | None = None
    also: tuple[str, ...] = ()  # other fixtures the case needs


CASES = [
    Case("impossible-date", 10, 10, "phases[0].end", "date.day",
         "Ngày không tồn tại: 30/2/2024 (tháng này chỉ có 29 ngày)",
         "Impossible date: 30/2/2024 (that month has only 29 days)",
         "Kiểm tra lại ngày trong văn bản gốc", "Check the date against the source document", value="30/2/2024"),
    Case("end-before-start", 13, 10, "phases[1].end", "phase.order",
         "Ngày kết thúc 7/1/2024 trước ngày bắt đầu 1/9/2024", "End 7/1/2024 is before start 1/9/2024",
         "Có thể đã đảo ngày và tháng, hoặc gõ nhầm năm", "Day and month may be swapped, or the year mistyped",
         value="7/1/2024"),
    Case("overlapping-phases", 12, 12, "phases[1].start", "phase.overlap",
         "Đợt 2 bắt đầu 15/7/2024, trước khi Đợt 1 kết thúc (31/7/2024)",
         "Đợt 2 starts 15/7/2024, before Đợt 1 ends (31/7/2024)",
         "Các đợt thường nối tiếp nhau; kiểm tra lại văn bản", "Phases usually follow each other; check the document",
         severity="warning"),
    Case("gapped-phases", 12, 12, "phases[1].start", "phase.gap",
         "Khoảng trống giữa Đợt 1 (hết 30/6/2024) và Đợt 2 (từ 1/8/2024)",
         "Gap between Đợt 1 (ends 30/6/2024) and Đợt 2 (starts 1/8/2024)",
         "Các đợt thường nối tiếp nhau; kiểm tra lại văn bản", "Phases usually follow each other; check the document",
         severity="warning"),
    Case("unknown-key-typo", 3, 1, "titel", "extra_forbidden", "Khóa không hợp lệ 'titel'", "Unknown key 'titel'",
         "Có phải ý bạn là 'title'?", "Did you mean 'title'?"),
    Case("unknown-key-typo", 7, 5, "phases[0].nmae", "extra_forbidden", "Khóa không hợp lệ 'nmae'",
         "Unknown key 'nmae'", "Có phải ý bạn là 'name'?", "Did you mean 'name'?"),
    Case("duplicate-ids", 10, 9, "phases[1].id", "id.duplicate", "Mã 'dot-1' bị trùng (đã dùng ở dòng 6)",
         "Duplicate id 'dot-1' (already used on line 6)", "Mỗi mục trong một lịch cần một mã riêng",
         "Every item of a calendar needs its own id", value="dot-1"),
    Case("extends-cycle-a", 4, 11, "extends[0]", "extends.cycle",
         "Kế thừa vòng tròn: extends-cycle-a → extends-cycle-b → extends-cycle-a",
         "Extends cycle: extends-cycle-a → extends-cycle-b → extends-cycle-a",
         "Lịch cấp dưới kế thừa lịch cấp trên, không bao giờ ngược lại",
         "A lower body extends an upper one, never the reverse", also=("extends-cycle-b",)),
    Case("extends-cycle-b", 4, 11, "extends[0]", "extends.cycle",
         "Kế thừa vòng tròn: extends-cycle-b → extends-cycle-a → extends-cycle-b",
         "Extends cycle: extends-cycle-b → extends-cycle-a → extends-cycle-b",
         "Lịch cấp dưới kế thừa lịch cấp trên, không bao giờ ngược lại",
         "A lower body extends an upper one, never the reverse", also=("extends-cycle-a",)),
    Case("unknown-extends", 5, 11, "extends[0]", "extends.unknown", "Không có lịch 'viet-nma' để kế thừa",
         "No calendar 'viet-nma' to extend", "Có phải ý bạn là 'viet-nam'?", "Did you mean 'viet-nam'?",
         value="viet-nma"),
    Case("ordinal-disagrees", 13, 9, "phases[0].celebrates[1]", "ordinal.mismatch",
         "Số năm kỷ niệm 94 không khớp ngày gốc 28/7/1929: năm 2024 là kỷ niệm 95 năm",
         "Stated ordinal 94 disagrees with base date 28/7/1929: 2024 is the 95th anniversary",
         "Sửa thành 95, hoặc kiểm tra lại ngày gốc của 'cong-doan-viet-nam'",
         "Change it to 95, or check the base date of 'cong-doan-viet-nam'", value="94"),
    Case("tab-indent", 6, 1, "", "yaml.tab", "Dùng phím Tab để thụt lề", "Tab character used for indentation",
         "YAML chỉ cho phép thụt lề bằng dấu cách; thay Tab bằng 2 dấu cách",
         "YAML only allows spaces for indentation; replace the tab with 2 spaces"),
    Case("yaml11-traps", 4, 18, "public_holidays", "yaml.ambiguous_bool",
         "Giá trị 'no' không có dấu ngoặc là mơ hồ (YAML 1.1 đọc là đúng/sai)",
         "Unquoted 'no' is ambiguous (YAML 1.1 reads it as a boolean)",
         "Viết true hoặc false; nếu là chữ thì đặt trong ngoặc kép: \"no\"",
         "Write true or false; if you mean the text, quote it: \"no\"", value="no"),
    Case("yaml11-traps", 7, 11, "document.number", "yaml.sexagesimal",
         "Giá trị '8:30' không có dấu ngoặc là mơ hồ (YAML 1.1 đọc là số hệ 60)",
         "Unquoted '8:30' is ambiguous (YAML 1.1 reads it as a base-60 number)",
         "Đặt trong ngoặc kép: \"8:30\"", "Quote it: \"8:30\"", value="8:30"),
    Case("not-utf8", 3, 10, "", "encoding.not_utf8", "Tệp không phải UTF-8 (byte lạ 0xFD)",
         "File is not UTF-8 (unexpected byte 0xFD)",
         "Lưu lại tệp với mã hóa UTF-8 (trong trình soạn thảo: Save with Encoding → UTF-8)",
         "Save the file again as UTF-8 (in your editor: Save with Encoding → UTF-8)"),
    Case("duplicate-key", 5, 1, "", "yaml.duplicate_key", "Khóa 'title' xuất hiện hai lần trong cùng một mục",
         "Key 'title' appears twice in the same mapping", "Xóa một trong hai dòng, hoặc đổi tên",
         "Remove one of them, or rename it", value="title"),
    Case("yaml-syntax-error", 5, 5, "", "yaml.syntax",
         "Lỗi cú pháp YAML: while parsing a flow sequence expected ',' or ']', but got ':'",
         "YAML syntax error: while parsing a flow sequence expected ',' or ']', but got ':'",
         "Kiểm tra thụt lề và dấu hai chấm ở dòng này hoặc dòng ngay trên",
         "Check indentation and colons on this line or the line above"),
    Case("list-not-mapping", 1, 1, "", "yaml.not_mapping",
         "Tệp lịch phải là một bảng khóa: giá trị (id, title, ...)",
         "A calendar file must be a mapping (id, title, ...)",
         "Xem mẫu trong calendars/kon-tum-2024.yaml", "See calendars/kon-tum-2024.yaml for an example"),
    Case("id-not-file-name", 2, 5, "id", "id.file_name", "Mã lịch 'kon-tum-2025' khác tên tệp 'id-not-file-name'",
         "Calendar id 'kon-tum-2025' differs from the file name 'id-not-file-name'",
         "Mã lịch phải trùng tên tệp (không có .yaml): sửa id hoặc đổi tên tệp",
         "The calendar id must equal the file name without .yaml: fix the id or rename the file",
         value="kon-tum-2025"),
    Case("deadline-without-date", 6, 5, "deadlines[0]", "deadline.undated",
         "Hạn chót 'bao-cao' không có ngày: cần 'date', 'after_phase', hoặc 'as_written' (cách văn bản ghi)",
         "Deadline 'bao-cao' has no date: it needs 'date', 'after_phase', or 'as_written' (the document's words)",
         "Văn bản không ghi ngày thì ghi 'as_written: \"qua email, không ghi ngày\"': mục được liệt kê là chưa có ngày",
         "If the document gives no date, write 'as_written: ...': the item is listed as undated", value="bao-cao"),
    Case("unknown-span-word", 4, 7, "span", "span.format", "Không hiểu thời gian phong trào 'nhiệm kỳ 2023-2028'",
         "Cannot read the campaign span 'nhiệm kỳ 2023-2028'",
         "Ghi như văn bản ghi; nếu cần ngày đầu, ngày cuối khác mặc định, dùng dạng span: "
         "{as_written: ..., start: ..., end: ...}",
         "Write it as the document does; to change the default bounds use span: {as_written: ..., start: ..., end: ...}",
         value="nhiệm kỳ 2023-2028"),
    Case("school-year-not-consecutive", 4, 7, "span", "span.school_year",
         "Năm học 'năm học 2019–2021' phải gồm hai năm liền nhau",
         "School year 'năm học 2019–2021' must be two consecutive years", None, None, value="năm học 2019–2021"),
    Case("named-end-impossible-date", 11, 13, "phases[0].end.date", "date.day",
         "Ngày không tồn tại: 31/11/2019 (tháng này chỉ có 30 ngày)",
         "Impossible date: 31/11/2019 (that month has only 30 days)",
         "Kiểm tra lại ngày trong văn bản gốc", "Check the date against the source document", value="31/11/2019"),
    Case("event-without-date", 6, 5, "events[0]", "event.undated", "Sự kiện 'le-phat-dong' không có ngày",
         "Event 'le-phat-dong' has no date",
         "Nếu văn bản không ghi ngày, ghi 'as_written' (cách văn bản nói): sự kiện được liệt kê là chưa có ngày",
         "If the document gives no date, write 'as_written': the event is listed as undated", value="le-phat-dong"),
    Case("year-and-span", 5, 7, "span", "span.twice", "Chỉ ghi một trong hai: 'year' hoặc 'span'",
         "Write only one of 'year' or 'span'",
         "'year: 2024' là cách viết ngắn của 'span: năm 2024'; xóa một dòng",
         "'year: 2024' is short for 'span: năm 2024'; remove one", value="2024"),
    Case("outside-span", 8, 12, "phases[0].start", "outside_span",
         "Đợt 1: ngày 1/1/2024 nằm ngoài thời gian phong trào năm 2027 (1/1/2027 – 31/12/2027)",
         "Đợt 1: 1/1/2024 is outside the campaign span năm 2027 (1/1/2027 – 31/12/2027)",
         "Kiểm tra lại năm (tệp chép từ năm trước?)", "Check the year (copied from last year's file?)",
         severity="warning", value="1/1/2024"),
    Case("outside-span", 13, 10, "phases[1].end", "outside_span",
         "Đợt 2: ngày 31/12/2072 nằm ngoài thời gian phong trào năm 2027 (1/1/2027 – 31/12/2027)",
         "Đợt 2: 31/12/2072 is outside the campaign span năm 2027 (1/1/2027 – 31/12/2027)",
         "Kiểm tra lại năm (tệp chép từ năm trước?)", "Check the year (copied from last year's file?)",
         severity="warning", value="31/12/2072"),
    Case("unknown-celebrated-id", 12, 9, "phases[0].celebrates[0]", "celebrates.unknown",
         "Không có ngày kỷ niệm 'cong-doan-viet-nma'", "No commemoration 'cong-doan-viet-nma'",
         "Có phải ý bạn là 'cong-doan-viet-nam'?", "Did you mean 'cong-doan-viet-nam'?", value="cong-doan-viet-nma"),
    Case("unknown-timezone", 4, 11, "timezone", "timezone.unknown", "Múi giờ không tồn tại: 'Asia/Ha_Noi'",
         "Unknown time zone 'Asia/Ha_Noi'", None, None, value="Asia/Ha_Noi"),
    Case("empty", 1, 1, "", "yaml.empty", "Tệp lịch trống", "The calendar file is empty",
         "Chép một tệp mẫu, ví dụ calendars/kon-tum-2024.yaml, rồi sửa",
         "Copy an example such as calendars/kon-tum-2024.yaml and edit it"),
    Case("only-comments", 1, 1, "", "yaml.empty", "Tệp lịch trống", "The calendar file is empty",
         "Chép một tệp mẫu, ví dụ calendars/kon-tum-2024.yaml, rồi sửa",
         "Copy an example such as calendars/kon-tum-2024.yaml and edit it"),
    # Unquoted, YAML itself would read 2024-02-30 as a date and fail without a position.
    Case("iso-impossible-date", 5, 14, "launch_date", "date.day",
         "Ngày không tồn tại: 2024-02-30 (tháng này chỉ có 29 ngày)",
         "Impossible date: 2024-02-30 (that month has only 29 days)",
         "Kiểm tra lại ngày trong văn bản gốc", "Check the date against the source document", value="2024-02-30"),
    Case("national-day-copied", 7, 9, "commemorations[0].id", "commemoration.inherited_twice",
         "Ngày kỷ niệm 'dang-cong-san-viet-nam' trùng ngày và tên với 'thanh-lap-dang' kế thừa từ lịch viet-nam: "
         "lịch sẽ có hai sự kiện giống nhau cùng một ngày",
         "Commemoration 'dang-cong-san-viet-nam' has the date and name of 'thanh-lap-dang' inherited from calendar "
         "viet-nam: the calendar would show two identical events on one day",
         "Xóa mục 'dang-cong-san-viet-nam' và dùng id 'thanh-lap-dang' (trong celebrates của các đợt), hoặc đặt id "
         "'thanh-lap-dang' để ghi đè",
         "Remove 'dang-cong-san-viet-nam' and use the id 'thanh-lap-dang' (in the phases' celebrates), or name it "
         "'thanh-lap-dang' to override", severity="warning"),
    Case("launch-date-unknown", 10, 12, "phases[0].start", "phase.launch_unknown",
         "Ngày phát động chưa biết: Đợt I tạm tính từ đầu phong trào (1/1/2023)",
         "Launch date unknown: Đợt I provisionally starts at the span's start (1/1/2023)",
         "Khi đã phát động, thêm 'launch_date: ngày/tháng/năm' ở đầu tệp",
         "Once launched, add 'launch_date: day/month/year' at the top of the file", severity="warning"),
]

LABEL = {"vi": {"error": "lỗi", "warning": "cảnh báo"}, "en": {"error": "error", "warning": "warning"}}
HINT = {"vi": "gợi ý", "en": "hint"}


def _case_id(case: Case) -> str:
    return f"{case.name}:{case.line}"


def _place(calendars: Path, case: Case) -> Path:
    for name in (case.name, *case.also):
        copy_fixture(name, calendars)
    return Path("calendars") / f"{case.name}.yaml"


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_each_problem_is_located_explained_and_hinted(empty_calendars_dir: Path, cli, case: Case, lang: str) -> None:  # type: ignore[no-untyped-def]
    shown = _place(empty_calendars_dir, case)
    run = cli("check", shown, "--lang", lang)
    assert run.exit_code == (65 if case.severity == "error" else 0), run.output
    head = f"{shown}:{case.line}:{case.column}: {LABEL[lang][case.severity]}"
    head += f" [{case.path}]" if case.path else ""
    message = case.vi if lang == "vi" else case.en
    assert f"{head}: {message}\n" in run.output
    hint = case.hint_vi if lang == "vi" else case.hint_en
    if hint is None:
        assert f"{HINT[lang]}:" not in run.output.split(head, 1)[1].split("\ncalendars/", 1)[0]
    else:
        assert f"\n    {HINT[lang]}: {hint}\n" in run.output
    assert unicodedata.is_normalized("NFC", run.output)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_json_diagnostics(empty_calendars_dir: Path, cli, case: Case) -> None:  # type: ignore[no-untyped-def]
    shown = _place(empty_calendars_dir, case)
    run = cli("check", shown, "--format", "json", "--lang", "en")
    found = [d for d in json.loads(run.stdout) if (d["line"], d["column"]) == (case.line, case.column)]
    assert len(found) == 1, found
    (diag,) = found
    assert diag == {
        "file": str(shown),
        "line": case.line,
        "column": case.column,
        "path": case.path,
        "code": case.code,
        "severity": case.severity,
        "message": case.en,
        "value": case.value if case.value is not None else diag["value"],
        "expected": diag["expected"],
        "hint": case.hint_en,
    }


def test_every_error_of_a_file_in_one_run(empty_calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    copy_fixture("many-errors", empty_calendars_dir)
    run = cli("check", "calendars/many-errors.yaml", "--format", "json")
    assert run.exit_code == 65
    got = [(d["line"], d["path"], d["code"]) for d in json.loads(run.stdout)]
    assert got == [
        (5, "timezone", "timezone.unknown"),
        (8, "commemorations[0]", "missing"),
        (9, "commemorations[0].nmae", "extra_forbidden"),
        (15, "phases[0].end", "date.day"),
        # The second phase is reported at its place in the file although the first was left out.
        (21, "phases[1].celebrates[0]", "ordinal.mismatch"),
        (26, "deadlines[0].date", "date.month"),
        (28, "deadlines[1]", "deadline.undated"),
    ]
    table = cli("check", "calendars/many-errors.yaml")
    assert "Đã kiểm tra 1 tệp: 7 lỗi, 0 cảnh báo." in table.output


def test_tabs_are_reported_on_every_line(empty_calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    copy_fixture("tab-indent", empty_calendars_dir)
    diags = json.loads(cli("check", "calendars/tab-indent.yaml", "--format", "json").stdout)
    assert [(d["line"], d["column"], d["code"]) for d in diags] == [(6, 1, "yaml.tab"), (7, 1, "yaml.tab")]


def test_a_typo_of_a_required_key_also_says_it_is_missing(empty_calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    copy_fixture("unknown-key-typo", empty_calendars_dir)
    diags = json.loads(cli("check", "calendars/unknown-key-typo.yaml", "--format", "json").stdout)
    assert {(d["path"], d["code"]) for d in diags} == {
        ("", "missing"),
        ("titel", "extra_forbidden"),
        ("phases[0]", "missing"),
        ("phases[0].nmae", "extra_forbidden"),
    }
    missing = next(d for d in diags if d["path"] == "phases[0]")
    assert missing["message"] == "Thiếu trường bắt buộc 'name'"
    assert missing["line"] == 6  # the item "- id: dot-1"


def test_cycle_members_and_their_children(empty_calendars_dir: Path) -> None:
    for name in ("extends-cycle-a", "extends-cycle-b"):
        copy_fixture(name, empty_calendars_dir)
    (empty_calendars_dir / "child-of-cycle.yaml").write_text(
        "id: child-of-cycle\ntitle: Lịch con\nextends: [extends-cycle-a]\n", encoding="utf-8"
    )
    catalog = load_catalog(empty_calendars_dir)
    codes = {Path(f).stem: [d.code for d in ds] for f, ds in catalog.diagnostics.items()}
    assert codes["extends-cycle-a"] == ["extends.cycle"]
    assert codes["extends-cycle-b"] == ["extends.cycle"]
    assert codes["child-of-cycle"] == ["extends.broken"]
    assert set(catalog.calendars) == {"viet-nam"}


def test_a_calendar_whose_parent_is_broken_says_so(empty_calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    copy_fixture("impossible-date", empty_calendars_dir)
    (empty_calendars_dir / "huyen-2024.yaml").write_text(
        "id: huyen-2024\ntitle: Lịch huyện\nyear: 2024\nextends: [impossible-date]\n", encoding="utf-8"
    )
    run = cli("check", "calendars/huyen-2024.yaml")
    assert run.exit_code == 65
    assert (
        "calendars/huyen-2024.yaml:4:11: lỗi [extends[0]]: "
        "Lịch cha 'impossible-date' đang có lỗi nên lịch này chưa dùng được" in run.output
    )
    assert "gợi ý: Sửa lỗi trong tệp calendars/impossible-date.yaml trước" in run.output


def test_the_whole_broken_folder_in_one_run(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Every file of a folder is read and reported, one broken file hides no other."""
    folder = tmp_path / "calendars"
    shutil.copytree(BROKEN_CALENDARS, folder)
    shutil.copy(CALENDARS / "viet-nam.yaml", folder)
    monkeypatch.chdir(tmp_path)
    run = cli("check", "--calendars", "calendars", "--format", "json")
    assert run.exit_code == 65
    reported = {Path(d["file"]).stem for d in json.loads(run.stdout)}
    assert reported == {p.stem for p in folder.glob("*.yaml")} - {"viet-nam"}


def test_the_shipped_calendars_pass_with_two_warnings(calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """The only warnings are the two bounds the plans leave open (shown as provisional)."""
    run = cli("check")
    assert run.exit_code == 0, run.output
    assert "calendars/ninh-thuan-2023.yaml:28:12: cảnh báo [phases[0].start]" in run.output
    assert "calendars/mau-giai-doan-2021-2025.yaml:25:10: cảnh báo [phases[1].end]" in run.output
    # Besides: notes where a deadline's last day is a day off, by the rule expand and lint-plan use.
    assert "Đã kiểm tra 10 tệp: 0 lỗi, 2 cảnh báo" in run.output
    assert "ghi chú [deadlines.bao-cao-nam]: Ngày cuối để nộp (Chủ nhật 24/11/2024)" in run.output
    run_en = cli("check", "--lang", "en")
    assert "Checked 10 files: 0 errors, 2 warnings" in run_en.output


def test_a_missing_path_is_an_error_not_a_traceback(calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    run = cli("check", "calendars/khong-co.yaml")
    assert run.exit_code == 66  # CalendarNotFound, like `expand khong-co`
    assert "Không tìm thấy calendars/khong-co.yaml" in run.output


def test_nested_aliases_are_rejected_not_expanded(empty_calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """Nine levels of ten aliases would be 10^9 nodes if followed ("billion laughs")."""
    lines = ["id: aliases", "title: x", "a: &l0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for level in range(1, 10):
        refs = ", ".join([f"*l{level - 1}"] * 10)
        lines.append(f"l{level}: &l{level} [{refs}]")
    (empty_calendars_dir / "aliases.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = cli("check", "calendars/aliases.yaml")
    assert run.exit_code == 65
    assert "calendars/aliases.yaml:4:" in run.output
    assert "Không dùng tham chiếu YAML (&neo / *bí-danh)" in run.output


# --- never a traceback --------------------------------------------------------------------

GARBAGE = [
    b"",
    b"\x00\x01\x02",
    b"\xff\xfe" + "id: a".encode("utf-16-le"),
    b"{{{{",
    b"- - - -\n  - -",
    b"&a [*a]",
    b"*undefined",
    b"!!python/object/apply:os.system ['echo hi']",
    b"id: !!binary aGVsbG8=\ntitle: x",
    b"? [a, b]\n: c",
    b"id: x\ntitle: y\nphases: {a: 1}\ndeadlines: 3\nextends: viet-nam",
    "id: x\ntitle: y\nyear: 99999\nphases:\n  - [1, 2]\n  - id: Đợt 1".encode(),
    b"id: x\ntitle: y\nyear: 2024\nphases:\n  - id: a\n    name: b\n    start: 1/1/0\n    end: 0/0/0",
    b"id: x\ntitle: y\ncommemorations:\n  - id: a\n    name: b\n    date: 29/2/2023\n    title: '{nope}'",
    b"id: x\ntitle: y\nlunar_dates:\n  - id: a\n    name: b\n    date: 31/13\n    leap: maybe",
    b"%YAML 1.1\n---\nid: x\n--- \nid: y",
    b"\xef\xbb\xbfid: bom\ntitle: x\n",
]


@pytest.mark.parametrize("data", GARBAGE, ids=range(len(GARBAGE)))
def test_garbage_bytes(empty_calendars_dir: Path, cli, data: bytes) -> None:  # type: ignore[no-untyped-def]
    (empty_calendars_dir / "garbage.yaml").write_bytes(data)
    run = cli("check", "calendars/garbage.yaml")
    assert run.exit_code in (0, 65)


def test_random_bytes(empty_calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(20240728)
    for n in range(20):
        (empty_calendars_dir / f"random-{n}.yaml").write_bytes(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300))))
    run = cli("check")
    assert run.exit_code in (0, 65)


def _mutate(lines: list[str], rng: random.Random) -> list[str]:
    lines = list(lines)
    for _ in range(rng.randint(1, 4)):
        if not lines:
            return ["\n"]
        i = rng.randrange(len(lines))
        line = lines[i]
        op = rng.choice(["delete", "swap", "tab", "colon", "duplicate", "dash", "punct", "indent", "dedent"])
        if op == "delete":
            del lines[i]
        elif op == "swap" and len(line) > 2:
            j = rng.randrange(len(line) - 1)
            lines[i] = line[:j] + line[j + 1] + line[j] + line[j + 2:]
        elif op == "tab":
            j = rng.randrange(len(line) + 1)
            lines[i] = line[:j] + "\t" + line[j:]
        elif op == "colon":
            j = rng.randrange(len(line) + 1)
            lines[i] = line[:j] + ": " + line[j:]
        elif op == "duplicate":
            lines.insert(i, line)
        elif op == "dash":
            lines[i] = "- " + line
        elif op == "punct":
            j = rng.randrange(len(line) + 1)
            lines[i] = line[:j] + rng.choice("\"'[]{}&*!%@`|>#,?") + line[j:]
        elif op == "indent":
            lines[i] = "  " + line
        elif op == "dedent":
            lines[i] = line.lstrip()
    return lines


def test_fifty_mutated_seed_folders(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Deleted lines, swapped characters, tabs, colons...: exit 0 or 65, never a traceback."""
    rng = random.Random(1929)
    originals = {p.name: p.read_text(encoding="utf-8").splitlines(keepends=True) for p in CALENDARS.glob("*.yaml")}
    folder = tmp_path / "calendars"
    shutil.copytree(CALENDARS, folder)
    monkeypatch.chdir(tmp_path)
    codes = set()
    for _ in range(50):
        for name, lines in originals.items():
            (folder / name).write_text("".join(lines), encoding="utf-8")
        for name in rng.sample(sorted(originals), rng.randint(1, 2)):
            (folder / name).write_text("".join(_mutate(originals[name], rng)), encoding="utf-8")
        run = cli("check", "--calendars", "calendars")
        assert run.exit_code in (0, 65), run.output
        codes.add(run.exit_code)
    assert 65 in codes  # the mutations do break files


def test_a_wrong_value_is_explained_in_vietnamese(empty_calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    (empty_calendars_dir / "wrong-due.yaml").write_text(
        "id: wrong-due\ntitle: x\nyear: 2024\ndeadlines:\n  - id: a\n    title: b\n    date: 25/6\n    due: sometime\n",
        encoding="utf-8",
    )
    (vi,) = json.loads(cli("check", "calendars/wrong-due.yaml", "--format", "json").stdout)
    assert (vi["line"], vi["column"], vi["path"], vi["value"]) == (8, 10, "deadlines[0].due", "sometime")
    assert vi["message"].startswith("Giá trị sai: cần một trong: 'before'")
    assert "Input should" not in vi["message"]
    (en,) = json.loads(cli("check", "calendars/wrong-due.yaml", "--format", "json", "--lang", "en").stdout)
    assert en["message"] == "Wrong value: Input should be 'before' or 'no_later_than'"


def test_an_empty_file_is_not_a_usable_calendar(empty_calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    copy_fixture("empty", empty_calendars_dir)
    assert cli("check").exit_code == 65
    run = cli("expand", "empty")
    assert run.exit_code == 65
    assert "calendars/empty.yaml:1:1: lỗi: Tệp lịch trống" in run.stderr


# --- hostile files: located errors within bounds (issue 11) ------------------------------------

from tests.hostile import CORPUS, Hostile  # noqa: E402


@pytest.mark.parametrize("case", CORPUS, ids=[c.name for c in CORPUS])
def test_hostile_file_is_a_located_error(empty_calendars_dir: Path, cli, case: Hostile) -> None:  # type: ignore[no-untyped-def]
    (empty_calendars_dir / f"{case.name}.yaml").write_bytes(case.data)
    run = cli("check", "--format", "json", f"calendars/{case.name}.yaml")
    assert run.exit_code == 65, run.output
    errors = [d for d in json.loads(run.stdout) if d["severity"] == "error"]
    assert (errors[0]["code"], errors[0]["line"], errors[0]["column"]) == (case.code, case.line, case.column), errors[0]
    assert errors[0]["file"] == f"calendars/{case.name}.yaml"
    assert all(d["message"] and (d["hint"] or d["expected"]) for d in errors if d["code"] != "yaml.syntax"), errors


def test_every_duplicate_key_is_reported(empty_calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    (empty_calendars_dir / "trung.yaml").write_text(
        "id: trung\ntitle: A\ntitle: B\nyear: 2024\nyear: 2025\ndocument:\n  number: 1\n  number: 2\n", encoding="utf-8")
    run = cli("check", "--format", "json", "calendars/trung.yaml")
    found = [(d["code"], d["line"], d["value"]) for d in json.loads(run.stdout)]
    assert found == [("yaml.duplicate_key", 3, "title"), ("yaml.duplicate_key", 5, "year"),
                     ("yaml.duplicate_key", 8, "number")]


def test_title_template_names_what_it_may_use(empty_calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    (empty_calendars_dir / "tieu-de.yaml").write_text(
        "id: tieu-de\ntitle: x\nyear: 2024\ncommemorations:\n  - id: a\n    name: A\n    date: 1/1/2000\n"
        "    title: \"Kỷ niệm {ordnal} năm {{name}} {name}\"\n", encoding="utf-8")
    run = cli("check", "calendars/tieu-de.yaml")
    assert run.exit_code == 65
    assert "calendars/tieu-de.yaml:8:12: lỗi [commemorations[0].title]: Mẫu tiêu đề dùng biến không có: {ordnal}" in run.output
    assert "cần: một trong {ordinal}, {name}, {base}, {date}, {year}" in run.output
    assert "gợi ý: Có phải ý bạn là {ordinal}?" in run.output
    assert run.output.count("lỗi") == 2  # the error and the summary: {{name}} is a literal brace


def test_a_leap_month_the_year_lacks_is_a_warning(empty_calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    body = "id: nhuan\ntitle: x\nyear: {year}\nlunar_dates:\n  - id: a\n    name: Giỗ\n    date: 10/{month}\n    leap: true\n"
    (empty_calendars_dir / "nhuan.yaml").write_text(body.format(year=2024, month=4), encoding="utf-8")
    run = cli("check", "calendars/nhuan.yaml")
    assert run.exit_code == 0
    assert ("calendars/nhuan.yaml:8:11: cảnh báo [lunar_dates[0].leap]: Năm âm lịch 2024 không có tháng 4 nhuận"
            in run.output)
    (empty_calendars_dir / "nhuan.yaml").write_text(body.format(year=2023, month=2), encoding="utf-8")  # 2023 has 2 nhuận
    run = cli("check", "calendars/nhuan.yaml")
    assert run.exit_code == 0 and "cảnh báo" not in run.output.replace("0 cảnh báo", "")


def test_bounds_are_settings(empty_calendars_dir: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    (empty_calendars_dir / "sau.yaml").write_text("id: sau\ntitle: x\ndescription: [[[[[1]]]]]\n", encoding="utf-8")
    assert "Lồng nhau" not in cli("check", "calendars/sau.yaml").output  # 7 levels: within the default
    monkeypatch.setenv("LICHTHIDUA_MAX_DEPTH", "5")
    run = cli("check", "calendars/sau.yaml")
    assert run.exit_code == 65 and "Lồng nhau quá sâu: hơn 5 cấp" in run.output and "max_depth" in run.output
    monkeypatch.setenv("LICHTHIDUA_MAX_FILE_BYTES", "1024")
    (empty_calendars_dir / "dai.yaml").write_text("id: dai\ntitle: x\ndescription: " + "a" * 1100 + "\n", encoding="utf-8")
    run = cli("check", "calendars/dai.yaml")
    assert "calendars/dai.yaml:1:1: lỗi: Tệp quá lớn: 1131 byte (tối đa 1024)" in run.output


def test_check_dir_reports_every_file_whatever_one_contains(empty_calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    for case in CORPUS:
        (empty_calendars_dir / f"{case.name}.yaml").write_bytes(case.data)
    run = cli("check", "--format", "json", "calendars")
    assert run.exit_code == 65
    files = {d["file"] for d in json.loads(run.stdout) if d["severity"] == "error"}
    assert files == {f"calendars/{c.name}.yaml" for c in CORPUS}  # and viet-nam.yaml is clean
