"""Bilingual texts of calendar diagnostics, keyed by a stable code.

Vietnamese first (admins read it), English with `--lang en`. Each entry has a
message, optionally what was expected and a hint; `{placeholders}` are filled
from the context of the problem.
"""

from __future__ import annotations

from typing import Any

Text = dict[str, str]

# code: (message, expected, hint); expected and hint may be None.
CATALOG: dict[str, tuple[Text, Text | None, Text | None]] = {
    "encoding.not_utf8": (
        {"vi": "Tệp không phải UTF-8 (byte lạ 0x{byte})", "en": "File is not UTF-8 (unexpected byte 0x{byte})"},
        {"vi": "văn bản mã hóa UTF-8", "en": "UTF-8 encoded text"},
        {"vi": "Lưu lại tệp với mã hóa UTF-8 (trong trình soạn thảo: Save with Encoding → UTF-8)",
         "en": "Save the file again as UTF-8 (in your editor: Save with Encoding → UTF-8)"},
    ),
    "yaml.tab": (
        {"vi": "Dùng phím Tab để thụt lề", "en": "Tab character used for indentation"},
        {"vi": "dấu cách", "en": "spaces"},
        {"vi": "YAML chỉ cho phép thụt lề bằng dấu cách; thay Tab bằng 2 dấu cách",
         "en": "YAML only allows spaces for indentation; replace the tab with 2 spaces"},
    ),
    "yaml.syntax": (
        {"vi": "Lỗi cú pháp YAML: {detail}", "en": "YAML syntax error: {detail}"},
        None,
        {"vi": "Kiểm tra thụt lề và dấu hai chấm ở dòng này hoặc dòng ngay trên",
         "en": "Check indentation and colons on this line or the line above"},
    ),
    "yaml.duplicate_key": (
        {"vi": "Khóa '{value}' xuất hiện hai lần trong cùng một mục", "en": "Key '{value}' appears twice in the same mapping"},
        None,
        {"vi": "Xóa một trong hai dòng, hoặc đổi tên", "en": "Remove one of them, or rename it"},
    ),
    "yaml.ambiguous_bool": (
        {"vi": "Giá trị '{value}' không có dấu ngoặc là mơ hồ (YAML 1.1 đọc là đúng/sai)",
         "en": "Unquoted '{value}' is ambiguous (YAML 1.1 reads it as a boolean)"},
        {"vi": "true/false, hoặc văn bản trong dấu ngoặc kép", "en": "true/false, or quoted text"},
        {"vi": "Viết true hoặc false; nếu là chữ thì đặt trong ngoặc kép: \"{value}\"",
         "en": "Write true or false; if you mean the text, quote it: \"{value}\""},
    ),
    "yaml.sexagesimal": (
        {"vi": "Giá trị '{value}' không có dấu ngoặc là mơ hồ (YAML 1.1 đọc là số hệ 60)",
         "en": "Unquoted '{value}' is ambiguous (YAML 1.1 reads it as a base-60 number)"},
        {"vi": "giờ trong dấu ngoặc kép", "en": "a quoted time"},
        {"vi": "Đặt trong ngoặc kép: \"{value}\"", "en": "Quote it: \"{value}\""},
    ),
    "yaml.empty": (
        {"vi": "Tệp lịch trống", "en": "The calendar file is empty"},
        {"vi": "ít nhất id và title", "en": "at least id and title"},
        {"vi": "Chép một tệp mẫu, ví dụ calendars/kon-tum-2024.yaml, rồi sửa", "en": "Copy an example such as calendars/kon-tum-2024.yaml and edit it"},
    ),
    "recipients.not_mapping": (
        {"vi": "Tệp người nhận phải là một bảng khóa: giá trị có khóa 'groups'",
         "en": "A recipients file must be a mapping with a 'groups' key"},
        None,
        {"vi": "Xem mẫu trong calendars/recipients/kon-tum.yaml", "en": "See calendars/recipients/kon-tum.yaml"},
    ),
    "email.invalid": (
        {"vi": "Địa chỉ email không hợp lệ: '{value}'", "en": "Invalid email address: '{value}'"},
        None,
        {"vi": "Viết dạng ten@ten-mien.vn, không có dấu, khoảng trắng hay tên hiển thị",
         "en": "Write it as name@domain.vn, with no diacritics, spaces or display name"},
    ),
    "email.duplicate": (
        {"vi": "Email '{value}' lặp lại trong cùng đơn vị", "en": "Email '{value}' repeated in the same unit"},
        None,
        {"vi": "Xóa dòng lặp", "en": "Remove the repeated line"},
    ),
    "group.duplicate": (
        {"vi": "Nhóm '{value}' đã được định nghĩa ở {other}", "en": "Group '{value}' is already defined at {other}"},
        None,
        {"vi": "Mỗi nhóm chỉ định nghĩa một lần; đổi mã hoặc gộp hai nhóm", "en": "Define each group once; rename or merge them"},
    ),
    "unit.duplicate": (
        {"vi": "Đơn vị '{value}' đã được định nghĩa ở {other}", "en": "Unit '{value}' is already defined at {other}"},
        None,
        {"vi": "Mã đơn vị phải duy nhất trong mọi tệp người nhận (việc 'Đã nộp' ghi theo đơn vị)",
         "en": "Unit ids must be unique across all recipient files (submissions are recorded per unit)"},
    ),
    "group.unknown": (
        {"vi": "Không có nhóm người nhận '{value}'", "en": "No recipient group '{value}'"},
        None,
        {"vi": "Có phải ý bạn là '{suggestion}'? Các nhóm có: {known}", "en": "Did you mean '{suggestion}'? Known groups: {known}"},
    ),
    "group.unknown_nosuggest": (
        {"vi": "Không có nhóm người nhận '{value}'", "en": "No recipient group '{value}'"},
        None,
        {"vi": "Thêm nhóm này vào một tệp trong calendars/recipients/ (các nhóm có: {known})",
         "en": "Add this group to a file in calendars/recipients/ (known groups: {known})"},
    ),
    "yaml.alias": (
        {"vi": "Không dùng tham chiếu YAML (&neo / *bí-danh) trong tệp lịch", "en": "YAML anchors and aliases (&anchor / *alias) are not allowed in calendars"},
        None,
        {"vi": "Chép trực tiếp nội dung cần lặp lại, hoặc dùng 'extends' để kế thừa từ lịch khác",
         "en": "Write the repeated content out, or use 'extends' to inherit from another calendar"},
    ),
    "yaml.not_mapping": (
        {"vi": "Tệp lịch phải là một bảng khóa: giá trị (id, title, ...)", "en": "A calendar file must be a mapping (id, title, ...)"},
        None,
        {"vi": "Xem mẫu trong calendars/kon-tum-2024.yaml", "en": "See calendars/kon-tum-2024.yaml for an example"},
    ),
    "missing": (
        {"vi": "Thiếu trường bắt buộc '{field}'", "en": "Required field '{field}' is missing"},
        None,
        {"vi": "Thêm dòng '{field}: ...' vào mục này", "en": "Add a '{field}: ...' line to this item"},
    ),
    "extra_forbidden": (
        {"vi": "Khóa không hợp lệ '{field}'", "en": "Unknown key '{field}'"},
        {"vi": "một trong: {allowed}", "en": "one of: {allowed}"},
        {"vi": "Có phải ý bạn là '{suggestion}'?", "en": "Did you mean '{suggestion}'?"},
    ),
    "type": (
        {"vi": "Giá trị sai: {detail_vi}", "en": "Wrong value: {detail}"},
        {"vi": "{expected}", "en": "{expected}"},
        None,
    ),
    "date.format": (
        {"vi": "Không đọc được ngày '{value}'", "en": "Cannot read date '{value}'"},
        {"vi": "{expected_vi}", "en": "{expected_en}"},
        {"vi": "Viết ngày theo dạng ngày/tháng/năm, ví dụ 28/7/1929", "en": "Write dates as day/month/year, e.g. 28/7/1929"},
    ),
    "date.type": (
        {"vi": "Ngày phải là văn bản như 28/7/1929, không phải {value}", "en": "A date must be text like 28/7/1929, not {value}"},
        {"vi": "{expected_vi}", "en": "{expected_en}"},
        {"vi": "Đặt ngày trong ngoặc kép: \"25/6\"", "en": "Quote the date: \"25/6\""},
    ),
    "date.day": (
        {"vi": "Ngày không tồn tại: {value} (tháng này chỉ có {last} ngày)",
         "en": "Impossible date: {value} (that month has only {last} days)"},
        {"vi": "{expected_vi}", "en": "{expected_en}"},
        {"vi": "Kiểm tra lại ngày trong văn bản gốc", "en": "Check the date against the source document"},
    ),
    "date.month": (
        {"vi": "Tháng không tồn tại trong '{value}'", "en": "Impossible month in '{value}'"},
        {"vi": "{expected_vi}", "en": "{expected_en}"},
        {"vi": "Viết theo thứ tự ngày/tháng/năm (kiểu Việt Nam), không phải tháng/ngày",
         "en": "Write day/month/year (Vietnamese order), not month/day"},
    ),
    "date.kind": (
        {"vi": "Dạng ngày '{value}' không dùng được ở đây", "en": "Date form '{value}' is not allowed here"},
        {"vi": "{expected_vi}", "en": "{expected_en}"},
        None,
    ),
    "id.format": (
        {"vi": "Mã '{value}' không hợp lệ", "en": "Invalid id '{value}'"},
        {"vi": "chữ thường không dấu, số và dấu gạch ngang, ví dụ cong-doan-viet-nam",
         "en": "lowercase ASCII letters, digits and hyphens, e.g. cong-doan-viet-nam"},
        {"vi": "Thử '{suggestion}'", "en": "Try '{suggestion}'"},
    ),
    "id.file_name": (
        {"vi": "Mã lịch '{value}' khác tên tệp '{stem}'", "en": "Calendar id '{value}' differs from the file name '{stem}'"},
        {"vi": "id: {stem}", "en": "id: {stem}"},
        {"vi": "Mã lịch phải trùng tên tệp (không có .yaml): sửa id hoặc đổi tên tệp",
         "en": "The calendar id must equal the file name without .yaml: fix the id or rename the file"},
    ),
    "id.duplicate": (
        {"vi": "Mã '{value}' bị trùng (đã dùng ở dòng {other_line})", "en": "Duplicate id '{value}' (already used on line {other_line})"},
        None,
        {"vi": "Mỗi mục trong một lịch cần một mã riêng", "en": "Every item of a calendar needs its own id"},
    ),
    "calendar.duplicate": (
        {"vi": "Lịch '{value}' được định nghĩa ở hai tệp: {other}", "en": "Calendar '{value}' is defined in two files: {other}"},
        None,
        {"vi": "Xóa hoặc đổi tên một tệp", "en": "Remove or rename one of the files"},
    ),
    "extends.unknown": (
        {"vi": "Không có lịch '{value}' để kế thừa", "en": "No calendar '{value}' to extend"},
        {"vi": "một lịch trong thư mục lịch: {known}", "en": "a calendar in the calendars folder: {known}"},
        {"vi": "Có phải ý bạn là '{suggestion}'?", "en": "Did you mean '{suggestion}'?"},
    ),
    "extends.cycle": (
        {"vi": "Kế thừa vòng tròn: {cycle}", "en": "Extends cycle: {cycle}"},
        None,
        {"vi": "Lịch cấp dưới kế thừa lịch cấp trên, không bao giờ ngược lại", "en": "A lower body extends an upper one, never the reverse"},
    ),
    "extends.broken": (
        {"vi": "Lịch cha '{value}' đang có lỗi nên lịch này chưa dùng được", "en": "Parent calendar '{value}' has errors, so this one cannot be used"},
        None,
        {"vi": "Sửa lỗi trong tệp {other} trước", "en": "Fix the errors in {other} first"},
    ),
    "celebrates.unknown": (
        {"vi": "Không có ngày kỷ niệm '{value}'", "en": "No commemoration '{value}'"},
        {"vi": "mã trong commemorations (hoặc observances, lunar_dates) của lịch này hoặc lịch cha",
         "en": "an id in commemorations (or observances, lunar_dates) of this calendar or a parent"},
        {"vi": "Có phải ý bạn là '{suggestion}'?", "en": "Did you mean '{suggestion}'?"},
    ),
    "ordinal.mismatch": (
        {"vi": "Số năm kỷ niệm {value} không khớp ngày gốc {base}: năm {year} là kỷ niệm {computed} năm",
         "en": "Stated ordinal {value} disagrees with base date {base}: {year} is the {computed}th anniversary"},
        {"vi": "{computed}", "en": "{computed}"},
        {"vi": "Sửa thành {computed}, hoặc kiểm tra lại ngày gốc của '{id}'",
         "en": "Change it to {computed}, or check the base date of '{id}'"},
    ),
    "ordinal.no_year": (
        {"vi": "Có số năm kỷ niệm nhưng lịch không có năm (year)", "en": "An ordinal is stated but the calendar has no year"},
        None,
        {"vi": "Thêm 'year: ...' ở đầu tệp", "en": "Add 'year: ...' at the top of the file"},
    ),
    "phase.order": (
        {"vi": "Ngày kết thúc {end} trước ngày bắt đầu {start}", "en": "End {end} is before start {start}"},
        {"vi": "ngày kết thúc không sớm hơn ngày bắt đầu", "en": "an end on or after the start"},
        {"vi": "Có thể đã đảo ngày và tháng, hoặc gõ nhầm năm", "en": "Day and month may be swapped, or the year mistyped"},
    ),
    "phase.overlap": (
        {"vi": "{name} bắt đầu {start}, trước khi {previous} kết thúc ({previous_end})",
         "en": "{name} starts {start}, before {previous} ends ({previous_end})"},
        None,
        {"vi": "Các đợt thường nối tiếp nhau; kiểm tra lại văn bản", "en": "Phases usually follow each other; check the document"},
    ),
    "phase.gap": (
        {"vi": "Khoảng trống giữa {previous} (hết {previous_end}) và {name} (từ {start})",
         "en": "Gap between {previous} (ends {previous_end}) and {name} (starts {start})"},
        None,
        {"vi": "Các đợt thường nối tiếp nhau; kiểm tra lại văn bản", "en": "Phases usually follow each other; check the document"},
    ),
    "phase.launch_unknown": (
        {"vi": "Ngày phát động chưa biết: tạm dùng {fallback} làm ngày bắt đầu {name}",
         "en": "Launch date unknown: using {fallback} as the start of {name} for now"},
        None,
        {"vi": "Khi đã phát động, thêm 'launch_date: ngày/tháng/năm' ở đầu tệp",
         "en": "Once launched, add 'launch_date: day/month/year' at the top of the file"},
    ),
    "phase.year": (
        {"vi": "Đợt cần năm của phong trào (year) để hiểu '{value}'", "en": "A phase needs the campaign year to read '{value}'"},
        None,
        {"vi": "Thêm 'year: ...' ở đầu tệp", "en": "Add 'year: ...' at the top of the file"},
    ),
    "deadline.when": (
        {"vi": "Hạn chót '{value}' cần đúng một trong hai: 'date' hoặc 'after_phase'",
         "en": "Deadline '{value}' needs exactly one of 'date' or 'after_phase'"},
        None,
        {"vi": "Ví dụ: 'date: 25/6' hoặc 'after_phase: each' với 'days_after: 10'",
         "en": "E.g. 'date: 25/6', or 'after_phase: each' with 'days_after: 10'"},
    ),
    "deadline.days_after": (
        {"vi": "Hạn chót '{value}' sau đợt thi đua cần 'days_after' (số ngày sau khi đợt kết thúc)",
         "en": "Deadline '{value}' after a phase needs 'days_after' (days after the phase ends)"},
        None,
        {"vi": "Thêm 'days_after: 10'", "en": "Add 'days_after: 10'"},
    ),
    "deadline.phase_unknown": (
        {"vi": "Không có đợt '{value}'", "en": "No phase '{value}'"},
        {"vi": "'each' hoặc một mã đợt: {known}", "en": "'each' or a phase id: {known}"},
        None,
    ),
    "deadline.no_year": (
        {"vi": "Hạn chót hằng năm '{value}' trong lịch có năm {year}: sẽ dùng năm {year}",
         "en": "Yearly deadline '{value}' in a calendar of year {year}: year {year} is used"},
        None,
        None,
    ),
    "deadline.outside_year": (
        {"vi": "Hạn chót {value} nằm ngoài năm của phong trào ({year})", "en": "Deadline {value} is outside the campaign year ({year})"},
        None,
        {"vi": "Kiểm tra lại năm trong văn bản gốc", "en": "Check the year against the source document"},
    ),
    "lunar.range": (
        {"vi": "Ngày âm lịch '{value}' không hợp lệ", "en": "Invalid lunar date '{value}'"},
        {"vi": "ngày 1–30, tháng 1–12, ví dụ 15/8", "en": "day 1–30, month 1–12, e.g. 15/8"},
        None,
    ),
    "timezone.unknown": (
        {"vi": "Múi giờ không tồn tại: '{value}'", "en": "Unknown time zone '{value}'"},
        {"vi": "tên múi giờ IANA, ví dụ Asia/Ho_Chi_Minh", "en": "an IANA zone name, e.g. Asia/Ho_Chi_Minh"},
        None,
    ),
    "value": (
        {"vi": "Giá trị không hợp lệ: {detail}", "en": "Invalid value: {detail}"},
        None,
        None,
    ),
}

EXPECTED_DATE = {
    "full": ({"vi": "ngày/tháng/năm, ví dụ 28/7/1929", "en": "day/month/year, e.g. 28/7/1929"}),
    "phase_start": {
        "vi": "ngày/tháng/năm, 'tháng 01/2024' hoặc 'ngày phát động'",
        "en": "day/month/year, 'tháng 01/2024' or 'ngày phát động'",
    },
    "phase_end": {"vi": "ngày/tháng/năm, 'tháng 07/2024' hoặc 'hết năm'", "en": "day/month/year, 'tháng 07/2024' or 'hết năm'"},
    "yearly_or_full": {"vi": "ngày/tháng (25/6) hoặc ngày/tháng/năm (15/3/2023)", "en": "day/month (25/6) or day/month/year (15/3/2023)"},
    "document": {"vi": "ngày/tháng/năm, 'tháng 01/2024' hoặc năm", "en": "day/month/year, 'tháng 01/2024' or a year"},
}


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


def render(code: str, context: dict[str, Any]) -> tuple[Text, Text | None, Text | None]:
    """Fill the texts of `code` for every language; unknown codes fall back to 'value'."""
    message, expected, hint = CATALOG.get(code, CATALOG["value"])
    ctx = _Blank(context)
    kind = context.get("kind")
    if kind in EXPECTED_DATE:
        ctx["expected_vi"] = EXPECTED_DATE[kind]["vi"]
        ctx["expected_en"] = EXPECTED_DATE[kind]["en"]

    def fill(t: Text | None) -> Text | None:
        return None if t is None else {lang: s.format_map(ctx) for lang, s in t.items()}

    if hint is not None and "{suggestion}" in hint["vi"] and not context.get("suggestion"):
        hint = None
    return fill(message), fill(expected), fill(hint)  # type: ignore[return-value]
