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
    "unit.no_channel": (
        {"vi": "Đơn vị '{value}' không có email và không có webhook: không ai nhận được lời nhắc",
         "en": "Unit '{value}' has neither emails nor a webhook: nobody would get its reminders"},
        None,
        {"vi": "Thêm 'emails: [ten@ten-mien.vn]', hoặc 'webhook: {{url: https://..., secret_env: TEN_BIEN}}'",
         "en": "Add 'emails: [name@domain.vn]', or 'webhook: {{url: https://..., secret_env: VAR_NAME}}'"},
    ),
    "endpoint.url": (
        {"vi": "Địa chỉ {channel} không dùng được: '{value}' ({detail})",
         "en": "Unusable {channel} address: '{value}' ({detail})"},
        None,
        {"vi": "Ví dụ: https://chat.example.org/hooks/cong-doan; máy trong mạng nội bộ thì thêm tên nó vào cài đặt "
               "webhook_allowed_hosts",
         "en": "E.g. https://chat.example.org/hooks/cong-doan; for a host on a private network, list it in the "
               "webhook_allowed_hosts setting"},
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
        {"vi": "Các đợt thường nối tiếp nhau; kiểm tra lại văn bản", "en": "Phases usually follow each other; check the document"},
    ),
    "phase.gap": (
        {"vi": "Khoảng trống giữa {previous} (hết {previous_end}) và {name} (từ {start})",
         "en": "Gap between {previous} (ends {previous_end}) and {name} (starts {start})"},
        None,
        {"vi": "Các đợt thường nối tiếp nhau; kiểm tra lại văn bản", "en": "Phases usually follow each other; check the document"},
    ),
    "phase.launch_unknown": (
        {"vi": "Ngày phát động chưa biết: {name} tạm tính từ đầu phong trào ({fallback})",
         "en": "Launch date unknown: {name} provisionally starts at the span's start ({fallback})"},
        None,
        {"vi": "Khi đã phát động, thêm 'launch_date: ngày/tháng/năm' ở đầu tệp",
         "en": "Once launched, add 'launch_date: day/month/year' at the top of the file"},
    ),
    "phase.year": (
        {"vi": "Cần thời gian của phong trào (year hoặc span) để hiểu '{value}'",
         "en": "The campaign span (year or span) is needed to read '{value}'"},
        None,
        {"vi": "Thêm 'year: 2024' hoặc 'span: năm học 2019–2020' ở đầu tệp",
         "en": "Add 'year: 2024' or 'span: năm học 2019–2020' at the top of the file"},
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
    "span.format": (
        {"vi": "Không hiểu thời gian phong trào '{value}'", "en": "Cannot read the campaign span '{value}'"},
        {"vi": "'năm 2024', 'năm học 2019–2020', 'giai đoạn 2021–2025' hoặc 'từ 15/10/2024 đến 28/02/2025'",
         "en": "'năm 2024', 'năm học 2019–2020', 'giai đoạn 2021–2025' or 'từ 15/10/2024 đến 28/02/2025'"},
        {"vi": "Ghi như văn bản ghi; nếu cần ngày đầu, ngày cuối khác mặc định, dùng dạng span: {{as_written: ..., start: ..., end: ...}}",
         "en": "Write it as the document does; to change the default bounds use span: {{as_written: ..., start: ..., end: ...}}"},
    ),
    "span.school_year": (
        {"vi": "Năm học '{value}' phải gồm hai năm liền nhau", "en": "School year '{value}' must be two consecutive years"},
        {"vi": "ví dụ năm học {detail}", "en": "e.g. năm học {detail}"},
        None,
    ),
    "span.order": (
        {"vi": "Thời gian phong trào '{value}' kết thúc trước khi bắt đầu", "en": "Campaign span '{value}' ends before it starts"},
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
    "span.twice": (
        {"vi": "Chỉ ghi một trong hai: 'year' hoặc 'span'", "en": "Write only one of 'year' or 'span'"},
        None,
        {"vi": "'year: 2024' là cách viết ngắn của 'span: năm 2024'; xóa một dòng",
         "en": "'year: 2024' is short for 'span: năm 2024'; remove one"},
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
    "commemoration.when": (
        {"vi": "Ngày kỷ niệm '{value}' cần 'date' (ngày gốc), hoặc 'as_written' nếu văn bản không ghi ngày",
         "en": "Commemoration '{value}' needs 'date' (its base date), or 'as_written' when the document gives none"},
        None,
        {"vi": "Ví dụ: 'date: 28/7/1929'", "en": "E.g. 'date: 28/7/1929'"},
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
        {"vi": "Thêm 'date' (hoặc 'days_after'), hoặc xóa 'dated_by'", "en": "Add 'date' (or 'days_after'), or remove 'dated_by'"},
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
    "timezone.unknown": (
        {"vi": "Múi giờ không tồn tại: '{value}'", "en": "Unknown time zone '{value}'"},
        {"vi": "tên múi giờ IANA, ví dụ Asia/Ho_Chi_Minh", "en": "an IANA zone name, e.g. Asia/Ho_Chi_Minh"},
        None,
    ),
    "yaml.tag": (
        {"vi": "Không dùng thẻ YAML ({value}) trong tệp lịch", "en": "YAML tags ({value}) are not allowed in calendars"},
        None,
        {"vi": "Xóa thẻ bắt đầu bằng '!'; nếu là chữ thì đặt trong ngoặc kép",
         "en": "Remove the tag starting with '!'; if you mean the text, quote it"},
    ),
    "yaml.merge": (
        {"vi": "Không dùng khóa gộp YAML '<<' trong tệp lịch", "en": "YAML merge keys '<<' are not allowed in calendars"},
        None,
        {"vi": "Viết trực tiếp các khóa cần có, hoặc dùng 'extends' để kế thừa từ lịch khác",
         "en": "Write the keys out, or use 'extends' to inherit from another calendar"},
    ),
    "bounds.file_bytes": (
        {"vi": "Tệp quá lớn: {value} byte (tối đa {limit})", "en": "File too large: {value} bytes (at most {limit})"},
        None,
        {"vi": "Tách thành nhiều tệp (dùng 'extends'), hoặc tăng thiết lập max_file_bytes",
         "en": "Split it into several files (use 'extends'), or raise the max_file_bytes setting"},
    ),
    "bounds.depth": (
        {"vi": "Lồng nhau quá sâu: hơn {limit} cấp", "en": "Nested too deeply: more than {limit} levels"},
        None,
        {"vi": "Tệp lịch chỉ cần vài cấp; kiểm tra dấu ngoặc và thụt lề (thiết lập max_depth)",
         "en": "Calendars need only a few levels; check brackets and indentation (setting max_depth)"},
    ),
    "bounds.items": (
        {"vi": "Quá nhiều mục: hơn {limit} phần tử danh sách trong một tệp",
         "en": "Too many items: more than {limit} list entries in one file"},
        None,
        {"vi": "Tách thành nhiều tệp, hoặc tăng thiết lập max_items", "en": "Split the file, or raise the max_items setting"},
    ),
    "bounds.extends": (
        {"vi": "'extends' có {value} lịch cha (tối đa {limit})", "en": "'extends' names {value} parents (at most {limit})"},
        None,
        {"vi": "Chỉ kế thừa các lịch cần thiết, hoặc tăng thiết lập max_extends",
         "en": "Extend only the calendars needed, or raise the max_extends setting"},
    ),
    "file.unreadable": (
        {"vi": "Không đọc được tệp: {detail}", "en": "Cannot read the file: {detail}"},
        None,
        {"vi": "Kiểm tra quyền đọc của tệp", "en": "Check the file's read permission"},
    ),
    "file.internal": (
        {"vi": "Không xử lý được tệp này ({detail})", "en": "This file could not be processed ({detail})"},
        None,
        {"vi": "Báo lỗi này cho người phát triển kèm tệp; các lịch khác vẫn hoạt động",
         "en": "Report this with the file; other calendars keep working"},
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
    "value": (
        {"vi": "Giá trị không hợp lệ: {detail}", "en": "Invalid value: {detail}"},
        None,
        None,
    ),
}

EXPECTED_DATE = {
    "full": ({"vi": "ngày/tháng/năm, ví dụ 28/7/1929", "en": "day/month/year, e.g. 28/7/1929"}),
    "phase_start": {
        "vi": "ngày/tháng/năm, 'tháng 01/2024', 'ngày phát động' hoặc 'sau 30/10/2024'",
        "en": "day/month/year, 'tháng 01/2024', 'ngày phát động' or 'sau 30/10/2024'",
    },
    "phase_end": {"vi": "ngày/tháng/năm, 'tháng 07/2024', 'hết năm', 'hết năm học', hoặc một mốc như 'hết học kỳ I'",
                  "en": "day/month/year, 'tháng 07/2024', 'hết năm', 'hết năm học', or a named end like 'hết học kỳ I'"},
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
