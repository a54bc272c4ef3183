"""Texts of the problems of a recipients file: its shape, addresses, channels, and
groups or units named twice or not at all.

Looked up through :func:`scheduler.core.messages.render`; the format of an
entry is described there.
"""

from __future__ import annotations

from scheduler.core.message_text import Entry

RECIPIENTS: dict[str, Entry] = {
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
    "unit.parent_unknown": (
        {"vi": "Đơn vị cấp trên '{value}' (của '{unit}') không có trong tệp người nhận nào",
         "en": "Parent unit '{value}' (of '{unit}') is in no recipients file"},
        None,
        {"vi": "Ghi đúng mã một đơn vị đã khai báo.{suggestion} Đơn vị này tạm được xếp ở cấp cao nhất của bảng theo dõi",
         "en": "Name a unit that is declared.{suggestion} It is shown at the top level of the board meanwhile"},
    ),
    "unit.parent_cycle": (
        {"vi": "Cấp trên của '{unit}' vòng lại chính nó (qua '{value}')",
         "en": "The parents of '{unit}' go round in a circle (through '{value}')"},
        None,
        {"vi": "Mỗi đơn vị chỉ có một cấp trên, và cấp trên không thể là cấp dưới của nó",
         "en": "A unit has one parent, which cannot be below it"},
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
        {"vi": "Có phải ý bạn là '{suggestion}'? Các nhóm có: {known}",
         "en": "Did you mean '{suggestion}'? Known groups: {known}"},
    ),
    "group.unknown_nosuggest": (
        {"vi": "Không có nhóm người nhận '{value}'", "en": "No recipient group '{value}'"},
        None,
        {"vi": "Thêm nhóm này vào một tệp trong calendars/recipients/ (các nhóm có: {known})",
         "en": "Add this group to a file in calendars/recipients/ (known groups: {known})"},
    ),
}
