"""Texts of the problems of one key or value against the calendar format: missing and
unknown keys, wrong types, dates, spans, ids, times and the items' own fields.

Looked up through :func:`scheduler.core.messages.render`; the format of an
entry is described there.
"""

from __future__ import annotations

from scheduler.core.message_text import Entry

SCHEMA: dict[str, Entry] = {
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
    "date.lunar": (
        {"vi": "Ngày theo Tết hoặc âm lịch không đúng: '{value}' ({detail})",
         "en": "Date tied to Tết or the lunar calendar is wrong: '{value}' ({detail})"},
        {"vi": "{expected_vi}", "en": "{expected_en}"},
        {"vi": "Ghi như văn bản: 'mùng 1 Tết', '29 tháng Chạp', 'trước Tết 10 ngày', 'mùng 10 tháng 3 âm lịch'",
         "en": "Write it as the plan does: 'mùng 1 Tết', '29 tháng Chạp', 'trước Tết 10 ngày', 'mùng 10 tháng 3 âm lịch'"},
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
    "deadline.when": (
        {"vi": "Hạn chót '{value}' chỉ ghi một trong hai: 'date' hoặc 'after_phase'",
         "en": "Deadline '{value}' takes only one of 'date' or 'after_phase'"},
        None,
        {"vi": "Ví dụ: 'date: 25/6' hoặc 'after_phase: each' với 'days_after: 10'",
         "en": "E.g. 'date: 25/6', or 'after_phase: each' with 'days_after: 10'"},
    ),
    "deadline.days_after": (
        {"vi": "Hạn chót '{value}' có 'days_after' nhưng thiếu 'after_phase'",
         "en": "Deadline '{value}' has 'days_after' but no 'after_phase'"},
        None,
        {"vi": "Thêm 'after_phase: each' (sau mỗi đợt) hoặc mã một đợt", "en": "Add 'after_phase: each' or a phase id"},
    ),
    "span.format": (
        {"vi": "Không hiểu thời gian phong trào '{value}'", "en": "Cannot read the campaign span '{value}'"},
        {"vi": "'năm 2024', 'năm học 2019–2020', 'giai đoạn 2021–2025' hoặc 'từ 15/10/2024 đến 28/02/2025'",
         "en": "'năm 2024', 'năm học 2019–2020', 'giai đoạn 2021–2025' or 'từ 15/10/2024 đến 28/02/2025'"},
        {"vi": "Ghi như văn bản ghi; nếu cần ngày đầu, ngày cuối khác mặc định, "
               "dùng dạng span: {{as_written: ..., start: ..., end: ...}}",
         "en": "Write it as the document does; to change the default bounds use span: {{as_written: ..., start: ..., end: ...}}"},
    ),
    "span.school_year": (
        {"vi": "Năm học '{value}' phải gồm hai năm liền nhau", "en": "School year '{value}' must be two consecutive years"},
        {"vi": "ví dụ năm học {detail}", "en": "e.g. năm học {detail}"},
        None,
    ),
    "span.order": (
        {"vi": "Thời gian phong trào '{value}' kết thúc trước khi bắt đầu",
         "en": "Campaign span '{value}' ends before it starts"},
        None,
        {"vi": "Kiểm tra lại năm hoặc đảo ngày và tháng", "en": "Check the years, or day and month swapped"},
    ),
    "span.key": (
        {"vi": "Khóa '{value}' không dùng được trong span", "en": "Key '{value}' is not allowed in span"},
        {"vi": "as_written, start, end", "en": "as_written, start, end"},
        None,
    ),
    "span.bounds": (
        {"vi": "span dạng bảng cần 'as_written', hoặc cả 'start' và 'end'",
         "en": "A span mapping needs 'as_written', or both 'start' and 'end'"},
        None,
        {"vi": "Ví dụ: span: {{as_written: năm học 2019–2020, start: 15/8/2019}}",
         "en": "E.g. span: {{as_written: năm học 2019–2020, start: 15/8/2019}}"},
    ),
    "named_end.key": (
        {"vi": "Khóa '{value}' không dùng được trong mốc kết thúc", "en": "Key '{value}' is not allowed in a named end"},
        {"vi": "until (như văn bản ghi) và date (nếu đã biết)", "en": "until (as written) and date (when known)"},
        None,
    ),
    "named_end.until": (
        {"vi": "Mốc kết thúc cần 'until': cách văn bản ghi, ví dụ 'hết học kỳ I'",
         "en": "A named end needs 'until': the document's words, e.g. 'hết học kỳ I'"},
        None,
        None,
    ),
    "commemoration.when": (
        {"vi": "Ngày kỷ niệm '{value}' cần 'date' (ngày gốc), hoặc 'as_written' nếu văn bản không ghi ngày",
         "en": "Commemoration '{value}' needs 'date' (its base date), or 'as_written' when the document gives none"},
        None,
        {"vi": "Ví dụ: 'date: 28/7/1929'", "en": "E.g. 'date: 28/7/1929'"},
    ),
    "deadline.undated": (
        {"vi": "Hạn chót '{value}' không có ngày: cần 'date', 'after_phase', hoặc 'as_written' (cách văn bản ghi)",
         "en": "Deadline '{value}' has no date: it needs 'date', 'after_phase', or 'as_written' (the document's words)"},
        None,
        {"vi": "Văn bản không ghi ngày thì ghi 'as_written: \"qua email, không ghi ngày\"': mục được liệt kê là chưa có ngày",
         "en": "If the document gives no date, write 'as_written: ...': the item is listed as undated"},
    ),
    "dated_by.no_date": (
        {"vi": "'{value}' ghi dated_by: admin nhưng không có ngày", "en": "'{value}' says dated_by: admin but has no date"},
        None,
        {"vi": "Thêm 'date' (hoặc 'days_after'), hoặc xóa 'dated_by'",
         "en": "Add 'date' (or 'days_after'), or remove 'dated_by'"},
    ),
    "event.when": (
        {"vi": "Sự kiện '{value}': ghi 'date' (một ngày) hoặc 'start' và 'end', không ghi cả hai",
         "en": "Event '{value}': write 'date' (one day) or 'start' and 'end', not both"},
        None,
        None,
    ),
    "event.range": (
        {"vi": "Sự kiện '{value}' cần cả 'start' và 'end'", "en": "Event '{value}' needs both 'start' and 'end'"},
        None,
        {"vi": "Sự kiện một ngày: dùng 'date'", "en": "A one-day event: use 'date'"},
    ),
    "event.undated": (
        {"vi": "Sự kiện '{value}' không có ngày", "en": "Event '{value}' has no date"},
        {"vi": "'date: ngày/tháng/năm', hoặc 'start'/'end'", "en": "'date: day/month/year', or 'start'/'end'"},
        {"vi": "Nếu văn bản không ghi ngày, ghi 'as_written' (cách văn bản nói): sự kiện được liệt kê là chưa có ngày",
         "en": "If the document gives no date, write 'as_written': the event is listed as undated"},
    ),
    "event.order": (
        {"vi": "Sự kiện '{value}' kết thúc trước khi bắt đầu", "en": "Event '{value}' ends before it starts"},
        None,
        None,
    ),
    "event.end_time": (
        {"vi": "Sự kiện '{value}' có 'end_time' nhưng thiếu 'time'", "en": "Event '{value}' has 'end_time' but no 'time'"},
        None,
        None,
    ),
    "activity.when": (
        {"vi": "Hoạt động '{value}': ghi 'within' (mã đợt) hoặc 'start' và 'end', không ghi cả hai",
         "en": "Activity '{value}': write 'within' (a phase id) or 'start' and 'end', not both"},
        None,
        None,
    ),
    "activity.range": (
        {"vi": "Hoạt động '{value}' cần cả 'start' và 'end'", "en": "Activity '{value}' needs both 'start' and 'end'"},
        None,
        {"vi": "Khoảng lặp lại tính cả hai ngày: 'start: 01/3/2026' và 'end: 31/5/2026'",
         "en": "The period includes both days: 'start: 01/3/2026' and 'end: 31/5/2026'"},
    ),
    "activity.unbounded": (
        {"vi": "Hoạt động lặp lại '{value}' không có thời gian: lịch không lặp lại mãi mãi",
         "en": "Repeated activity '{value}' has no period: the calendar never repeats forever"},
        {"vi": "'within: mã-đợt', hoặc 'start' và 'end'", "en": "'within: phase-id', or 'start' and 'end'"},
        {"vi": "Ghi khoảng thời gian văn bản nêu (một đợt, hoặc từ ngày đến ngày); văn bản không nêu thì để "
               "hoạt động ở phần description của đợt hay của lịch",
         "en": "Write the period the document states (a phase, or from a day to a day); if it states none, "
               "describe the activity in a phase's or the calendar's description"},
    ),
    "activity.order": (
        {"vi": "Hoạt động '{value}' kết thúc trước khi bắt đầu", "en": "Activity '{value}' ends before it starts"},
        None,
        {"vi": "Có thể đã đảo ngày và tháng, hoặc gõ nhầm năm", "en": "Day and month may be swapped, or the year mistyped"},
    ),
    "repeat.weekday": (
        {"vi": "Không phải thứ trong tuần: '{value}'", "en": "Not a day of the week: '{value}'"},
        {"vi": "thứ hai … thứ bảy, chủ nhật (hoặc thứ 2 … thứ 7, T2 … T7, CN)",
         "en": "thứ hai … thứ bảy, chủ nhật (or thứ 2 … thứ 7, T2 … T7, CN)"},
        None,
    ),
    "repeat.day": (
        {"vi": "Ngày trong tháng không hợp lệ: '{value}'", "en": "Invalid day of the month: '{value}'"},
        {"vi": "một số từ 1 đến 31, ví dụ 'on: 15' (ngày 15 hằng tháng)", "en": "a number from 1 to 31, e.g. 'on: 15'"},
        {"vi": "Hoạt động hằng tuần: ghi 'every: week'", "en": "A weekly activity: write 'every: week'"},
    ),
    "repeat.end_at": (
        {"vi": "Có 'end_at' nhưng thiếu 'at' (giờ bắt đầu)", "en": "'end_at' without 'at' (the start time)"},
        None,
        None,
    ),
    "time.format": (
        {"vi": "Giờ không hợp lệ: '{value}'", "en": "Invalid time of day '{value}'"},
        {"vi": "giờ:phút, ví dụ \"08:00\" hoặc 8h30", "en": "hours:minutes, e.g. \"08:00\" or 8h30"},
        {"vi": "Đặt giờ trong ngoặc kép: \"08:00\"", "en": "Quote it: \"08:00\""},
    ),
    "lunar.range": (
        {"vi": "Ngày âm lịch '{value}' không hợp lệ", "en": "Invalid lunar date '{value}'"},
        {"vi": "ngày 1–30, tháng 1–12, ví dụ 15/8", "en": "day 1–30, month 1–12, e.g. 15/8"},
        None,
    ),
    "value": (
        {"vi": "Giá trị không hợp lệ: {detail}", "en": "Invalid value: {detail}"},
        None,
        None,
    ),
}
