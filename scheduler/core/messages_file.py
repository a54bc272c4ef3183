"""Texts of the problems a file has before its schema is looked at: reading it, its
encoding, YAML syntax and traps, and the bounds on size, depth and length.

Looked up through :func:`scheduler.core.messages.render`; the format of an
entry is described there.
"""

from __future__ import annotations

from scheduler.core.message_text import Entry

FILE: dict[str, Entry] = {
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
        {"vi": "Chép một tệp mẫu, ví dụ calendars/kon-tum-2024.yaml, rồi sửa",
         "en": "Copy an example such as calendars/kon-tum-2024.yaml and edit it"},
    ),
    "yaml.alias": (
        {"vi": "Không dùng tham chiếu YAML (&neo / *bí-danh) trong tệp lịch",
         "en": "YAML anchors and aliases (&anchor / *alias) are not allowed in calendars"},
        None,
        {"vi": "Chép trực tiếp nội dung cần lặp lại, hoặc dùng 'extends' để kế thừa từ lịch khác",
         "en": "Write the repeated content out, or use 'extends' to inherit from another calendar"},
    ),
    "yaml.not_mapping": (
        {"vi": "Tệp lịch phải là một bảng khóa: giá trị (id, title, ...)",
         "en": "A calendar file must be a mapping (id, title, ...)"},
        None,
        {"vi": "Xem mẫu trong calendars/kon-tum-2024.yaml", "en": "See calendars/kon-tum-2024.yaml for an example"},
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
}
