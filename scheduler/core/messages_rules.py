"""Texts of the rules a valid calendar must follow beyond its schema: ids and file
names, `extends`, ordinals, phases in order, deadlines within their year, titles,
time zones and leap months.

Looked up through :func:`scheduler.core.messages.render`; the format of an
entry is described there.
"""

from __future__ import annotations

from scheduler.core.message_text import Entry

RULES: dict[str, Entry] = {
    "id.file_name": (
        {"vi": "Mã lịch '{value}' khác tên tệp '{stem}'", "en": "Calendar id '{value}' differs from the file name '{stem}'"},
        {"vi": "id: {stem}", "en": "id: {stem}"},
        {"vi": "Mã lịch phải trùng tên tệp (không có .yaml): sửa id hoặc đổi tên tệp",
         "en": "The calendar id must equal the file name without .yaml: fix the id or rename the file"},
    ),
    "id.duplicate": (
        {"vi": "Mã '{value}' bị trùng (đã dùng ở dòng {other_line})",
         "en": "Duplicate id '{value}' (already used on line {other_line})"},
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
        {"vi": "Lịch cấp dưới kế thừa lịch cấp trên, không bao giờ ngược lại",
         "en": "A lower body extends an upper one, never the reverse"},
    ),
    "extends.broken": (
        {"vi": "Lịch cha '{value}' đang có lỗi nên lịch này chưa dùng được",
         "en": "Parent calendar '{value}' has errors, so this one cannot be used"},
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
        {"vi": "Có số năm kỷ niệm nhưng lịch không có thời gian phong trào (year hoặc span)",
         "en": "An ordinal is stated but the calendar has no span (year or span)"},
        None,
        {"vi": "Thêm 'year: 2024' hoặc 'span: ...' ở đầu tệp", "en": "Add 'year: 2024' or 'span: ...' at the top of the file"},
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
        {"vi": "Các đợt thường nối tiếp nhau; kiểm tra lại văn bản",
         "en": "Phases usually follow each other; check the document"},
    ),
    "phase.gap": (
        {"vi": "Khoảng trống giữa {previous} (hết {previous_end}) và {name} (từ {start})",
         "en": "Gap between {previous} (ends {previous_end}) and {name} (starts {start})"},
        None,
        {"vi": "Các đợt thường nối tiếp nhau; kiểm tra lại văn bản",
         "en": "Phases usually follow each other; check the document"},
    ),
    "phase.launch_unknown": (
        {"vi": "Ngày phát động chưa biết: {name} tạm tính từ đầu phong trào ({fallback})",
         "en": "Launch date unknown: {name} provisionally starts at the span's start ({fallback})"},
        None,
        {"vi": "Khi đã phát động, thêm 'launch_date: ngày/tháng/năm' ở đầu tệp",
         "en": "Once launched, add 'launch_date: day/month/year' at the top of the file"},
    ),
    "phase.year": (
        {"vi": "Cần thời gian của phong trào để hiểu '{value}': tệp không ghi year hay span, "
               "và không mục nào có ngày đủ năm để suy ra",
         "en": "The campaign span is needed to read '{value}': the file has no year or span, "
               "and no item has a full date to derive it from"},
        None,
        {"vi": "Thêm 'year: 2024' hoặc 'span: năm học 2019–2020' ở đầu tệp, hoặc ghi ngày đủ năm "
               "(ví dụ 31/7/2024) cho một đợt nếu văn bản có ghi",
         "en": "Add 'year: 2024' or 'span: năm học 2019–2020' at the top of the file, or give a phase "
               "a full date (e.g. 31/7/2024) if the document states one"},
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
        {"vi": "Hạn chót {value} nằm ngoài năm của phong trào ({year})",
         "en": "Deadline {value} is outside the campaign year ({year})"},
        None,
        {"vi": "Kiểm tra lại năm trong văn bản gốc", "en": "Check the year against the source document"},
    ),
    "span.too_wide": (
        {"vi": "Thời gian phong trào {value} vượt giới hạn: các năm phải trong {first}–{last} và dài không quá {years} năm",
         "en": "Campaign span {value} is out of bounds: years within {first}–{last}, at most {years} years long"},
        None,
        {"vi": "Kiểm tra lại năm trong văn bản gốc; một kế hoạch dài hơn (giai đoạn) nên tách thành nhiều lịch",
         "en": "Check the years against the source; a longer plan should be split into several calendars"},
    ),
    "observance.order": (
        {"vi": "Hoạt động '{name}' kết thúc ({end}) trước khi bắt đầu ({start})",
         "en": "Observance '{name}' ends ({end}) before it starts ({start})"},
        None,
        {"vi": "Kiểm tra lại năm, hoặc ngày và tháng bị đảo; hoạt động vắt qua năm mới ghi ngày/tháng không kèm năm "
               "(ví dụ start: 31/12, end: 1/1)",
         "en": "Check the years, or day and month swapped; one that runs into the new year is written without years "
               "(e.g. start: 31/12, end: 1/1)"},
    ),
    "span.none": (
        {"vi": "Lịch có {value} đợt thi đua nhưng không có thời gian phong trào: tệp không ghi year hay span, "
               "và không mục nào có ngày đủ năm để suy ra",
         "en": "The calendar has {value} phases but no campaign span: the file has no year or span, "
               "and no item has a full date to derive it from"},
        None,
        {"vi": "Thêm 'year: 2024' hoặc 'span: năm học 2019–2020' ở đầu tệp, hoặc ghi ngày đủ năm cho một đợt "
               "nếu văn bản có ghi",
         "en": "Add 'year: 2024' or 'span: năm học 2019–2020' at the top of the file, or give a phase a full date "
               "if the document states one"},
    ),
    "commemoration.inherited_twice": (
        {"vi": "Ngày kỷ niệm '{id}' trùng ngày và tên với '{other}' kế thừa từ lịch {calendar}: lịch sẽ có hai "
               "sự kiện giống nhau cùng một ngày",
         "en": "Commemoration '{id}' has the date and name of '{other}' inherited from calendar {calendar}: the "
               "calendar would show two identical events on one day"},
        None,
        {"vi": "Xóa mục '{id}' và dùng id '{other}' (trong celebrates của các đợt), hoặc đặt id '{other}' để ghi đè",
         "en": "Remove '{id}' and use the id '{other}' (in the phases' celebrates), or name it '{other}' to override"},
    ),
    "span.derived": (
        {"vi": "Tệp không ghi year hay span: thời gian phong trào {value} ({start} – {end}) "
               "suy ra từ các mục có ngày",
         "en": "No year or span in the file: the campaign span {value} ({start} – {end}) "
               "is derived from the dated items"},
        None,
        {"vi": "Nếu văn bản ghi năm hay thời gian của phong trào, thêm 'year: ...' hoặc 'span: ...' ở đầu tệp",
         "en": "If the document states the campaign's year or span, add 'year: ...' or 'span: ...' at the top"},
    ),
    "phase.undated": (
        {"vi": "{name} không có ngày trong văn bản: được liệt kê ở mục chưa có ngày, không có trong lịch",
         "en": "{name} has no date in the document: listed as undated, not on the calendar"},
        None,
        {"vi": "Khi văn bản hay quản trị có ngày, thêm 'start' và 'end'",
         "en": "When the document or an admin gives dates, add 'start' and 'end'"},
    ),
    "activity.within_unknown": (
        {"vi": "Không có đợt '{value}' cho hoạt động lặp lại", "en": "No phase '{value}' for the repeated activity"},
        {"vi": "một mã đợt của lịch này: {known}", "en": "a phase id of this calendar: {known}"},
        None,
    ),
    "activity.within_undated": (
        {"vi": "Đợt '{value}' chưa có ngày: hoạt động lặp lại trong đợt này không có buổi nào trên lịch",
         "en": "Phase '{value}' has no dates: the activity repeated within it has no occurrence on the calendar"},
        None,
        {"vi": "Thêm ngày cho đợt, hoặc ghi 'start' và 'end' cho hoạt động nếu văn bản có ghi",
         "en": "Give the phase dates, or give the activity 'start' and 'end' if the document states them"},
    ),
    "span.twice": (
        {"vi": "Chỉ ghi một trong hai: 'year' hoặc 'span'", "en": "Write only one of 'year' or 'span'"},
        None,
        {"vi": "'year: 2024' là cách viết ngắn của 'span: năm 2024'; xóa một dòng",
         "en": "'year: 2024' is short for 'span: năm 2024'; remove one"},
    ),
    "review.pending": (
        {"vi": "Dòng đánh dấu # KIỂM TRA chưa được duyệt: {note}",
         "en": "Line marked # KIỂM TRA not reviewed yet: {note}"},
        None,
        {"vi": "Xem lại dòng này với văn bản, sửa nếu cần, rồi xóa chú thích # KIỂM TRA",
         "en": "Check this line against the document, fix it if needed, then delete the # KIỂM TRA comment"},
    ),
    "review.draft": (
        {"vi": "Bản nháp (draft: true): chỉ xem trước ở /admin, chưa xuất bản nguồn lịch, trang hay email nhắc",
         "en": "Draft (draft: true): previewed in /admin only, not published to feeds, pages or reminders"},
        None,
        {"vi": "Sau khi duyệt mọi dòng # KIỂM TRA, xóa dòng draft: true để xuất bản",
         "en": "After reviewing every # KIỂM TRA line, delete the line draft: true to publish"},
    ),
    "phase.named_end": (
        {"vi": "{name} kết thúc \"{value}\" nhưng chưa có ngày: tạm tính đến hết phong trào ({fallback})",
         "en": "{name} ends \"{value}\" with no date yet: provisionally runs to the span's end ({fallback})"},
        None,
        {"vi": "Khi biết ngày, ghi end: {{until: \"{value}\", date: ngày/tháng/năm}}",
         "en": "When the date is known, write end: {{until: \"{value}\", date: day/month/year}}"},
    ),
    "phase.no_start": (
        {"vi": "{name} không ghi ngày bắt đầu: tạm tính từ đầu phong trào ({fallback})",
         "en": "{name} has no start: provisionally from the span's start ({fallback})"},
        None,
        {"vi": "Nếu văn bản có ghi, thêm 'start: ...'", "en": "If the document gives one, add 'start: ...'"},
    ),
    "phase.no_end": (
        {"vi": "{name} không ghi ngày kết thúc: tạm tính đến hết phong trào ({fallback})",
         "en": "{name} has no end: provisionally to the span's end ({fallback})"},
        None,
        {"vi": "Nếu văn bản có ghi, thêm 'end: ...'", "en": "If the document gives one, add 'end: ...'"},
    ),
    "phase.too_long": (
        {"vi": "{name} kéo dài {days} ngày (đến {value}), dài hơn cả phong trào {span}",
         "en": "{name} lasts {days} days (to {value}), longer than the campaign ({span})"},
        None,
        {"vi": "Có thể gõ nhầm năm", "en": "The year may be mistyped"},
    ),
    "outside_span": (
        {"vi": "{what}: ngày {value} nằm ngoài thời gian phong trào {span} ({start} – {end})",
         "en": "{what}: {value} is outside the campaign span {span} ({start} – {end})"},
        None,
        {"vi": "Kiểm tra lại năm (tệp chép từ năm trước?)", "en": "Check the year (copied from last year's file?)"},
    ),
    "commemoration.no_base": (
        {"vi": "'{value}' không có ngày gốc đủ năm: không tính được số năm kỷ niệm",
         "en": "'{value}' has no base date with a year: no ordinal can be computed"},
        None,
        {"vi": "Nếu biết năm gốc, ghi 'date: ngày/tháng/năm'", "en": "If the base year is known, write 'date: day/month/year'"},
    ),
    "ordinal.no_base": (
        {"vi": "Có số năm {value} nhưng '{id}' không có năm gốc để đối chiếu",
         "en": "Ordinal {value} stated but '{id}' has no base year to check it against"},
        None,
        None,
    ),
    "timezone.unknown": (
        {"vi": "Múi giờ không tồn tại: '{value}'", "en": "Unknown time zone '{value}'"},
        {"vi": "tên múi giờ IANA, ví dụ Asia/Ho_Chi_Minh", "en": "an IANA zone name, e.g. Asia/Ho_Chi_Minh"},
        None,
    ),
    "title.placeholder": (
        {"vi": "Mẫu tiêu đề dùng biến không có: {{{field}}}", "en": "Title template uses an unknown placeholder: {{{field}}}"},
        {"vi": "một trong {allowed}", "en": "one of {allowed}"},
        {"vi": "Có phải ý bạn là {{{suggestion}}}?", "en": "Did you mean {{{suggestion}}}?"},
    ),
    "title.positional": (
        {"vi": "Mẫu tiêu đề có biến không tên: {{{field}}}", "en": "Title template has an unnamed placeholder: {{{field}}}"},
        {"vi": "một trong {allowed}", "en": "one of {allowed}"},
        {"vi": "Ghi tên biến trong dấu ngoặc nhọn, ví dụ {{year}}", "en": "Name the placeholder, e.g. {{year}}"},
    ),
    "title.format_spec": (
        {"vi": "Mẫu tiêu đề có định dạng không hỗ trợ: {{{field}}}", "en": "Unsupported format in title template: {{{field}}}"},
        {"vi": "chỉ tên biến: {allowed}", "en": "a bare placeholder: {allowed}"},
        {"vi": "Bỏ phần sau tên biến (dấu chấm, :, !, [)", "en": "Remove what follows the name (., :, !, [)"},
    ),
    "title.braces": (
        {"vi": "Mẫu tiêu đề có dấu ngoặc nhọn '{field}' lẻ", "en": "Unmatched brace '{field}' in title template"},
        None,
        {"vi": "Đóng ngoặc cho biến, hoặc viết '{{{{' / '}}}}' nếu muốn hiện chính dấu ngoặc",
         "en": "Close the placeholder, or write '{{{{' / '}}}}' for a literal brace"},
    ),
    "lunar.no_leap_month": (
        {"vi": "Năm âm lịch {year} không có tháng {month} nhuận: ngày '{value}' không có trong lịch năm đó",
         "en": "Lunar year {year} has no leap month {month}: '{value}' produces no event that year"},
        None,
        {"vi": "{leap_hint}", "en": "{leap_hint_en}"},
    ),
}
