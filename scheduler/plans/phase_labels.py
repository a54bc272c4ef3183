"""How a phase's label is written and what it is called in the draft (pure).

"Đợt 1", "Đợt I", "đợt một", "đợt thứ hai", "giai đoạn 2", "đợt cao điểm", "thời gian cao điểm", "đợt thi
đua"; "chặng thứ nhất" (a movement's stage); "đợt đầu", "đợt giữa", "đợt cuối" (named by place, not "đợt cuối
năm"); a typo such as "Đợt I1" is read and flagged.
"""

from __future__ import annotations

import re

from scheduler.plans import notation as n
from scheduler.plans.text import cap

_PLACES = ("đầu", "giữa", "cuối")
_WORDS = {"một": 1, "nhất": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6}
LABEL = re.compile(  # case-insensitive: headings are often in capitals ("ĐỢT II (TỪ …")
    r"(?<!\w)(?P<word>đợt|giai\s+đoạn|chặng)(?:\s+thi\s+đua)?\s+"
    r"(?P<l>thứ\s+(?:nhất|hai|ba|tư|bốn|năm|sáu|IV|I{1,3}|\d)|một|hai|ba|bốn|\d{1,2}(?!\d)|[IVX][IVX1l]{0,3}"
    r"|(?:đầu|giữa|cuối)(?!\s+(?:năm|tháng|quý|kỳ|học|nhiệm|giai)))(?!\w)"
    r"|(?<!\w)(?P<cd>đợt\s+(?:thi\s+đua\s+|tuyên\s+truyền\s+|hoạt\s+động\s+)?(?:cao\s+điểm|đặc\s+biệt)"
    r"|thời\s+gian\s+cao\s+điểm)(?!\w)"
    r"|(?<!\w)(?P<un>đợt\s+thi\s+đua)(?!\s+(?:thứ|cao|đặc|một|hai|ba|bốn|\d|[IVX]))(?!\w)",
    re.I,
)


def label_name(m: re.Match[str], index: int) -> tuple[int, str, list[str]]:
    """A label's number (its place in the series when it has none) and its name in the draft, with a note for a typo."""
    if m["cd"]:  # "Thời gian cao điểm chăm lo: từ … đến …" is the plan's peak round too
        return index, cap(re.sub(r"\s+", " ", m["cd"].lower()).replace("thời gian", "đợt")), []
    if m["un"]:
        return index, "Đợt thi đua", []
    word = cap(re.sub(r"\s+", " ", m["word"].lower()))
    raw = m["l"]
    low = raw.lower()
    if low.startswith("thứ"):
        tail = raw.split()[-1]
        number = _WORDS.get(tail.lower()) or (int(tail) if tail.isdigit() else n.roman(tail)[0]) or index
        return number, f"{word} {number}", []
    if low in _PLACES:  # "đợt đầu", "đợt cuối": its place in the series
        return index, f"{word} {low}", []
    if low in _WORDS:
        return _WORDS[low], f"{word} {_WORDS[low]}", []
    if raw.isdigit():
        return int(raw), f"{word} {raw}", []
    value, typo = n.roman(raw)
    fixed = raw.replace("1", "I").replace("l", "I")
    notes = [f'văn bản ghi "{word} {raw}": đọc là {word} {fixed}'] if typo else []
    return value or index, f"{word} {fixed}", notes
