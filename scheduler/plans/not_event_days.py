"""Dates in a sentence that are not an event's day, though an event is named beside them (pure).

A deadline ("trước", "chậm nhất"), the end of a range ("đến hết"), the day a thing celebrates ("chào mừng", "kỷ
niệm"), the day a document is issued or signed ("ban hành", "ký ngày", "ngày …, … ban hành văn bản …"), a contest's
window for entries ("nhận tác phẩm từ ngày …"), the span of a contest's round ("Vòng sơ khảo
diễn ra từ … đến …"), and what a youth union or the pioneers do with no trade union named in the sentence.
"""

from __future__ import annotations

import re

from scheduler.plans import notation as n
from scheduler.plans.text import Clauses

NEAR = 300
# Before a date that is not an event's day: a deadline, a range's end, the day a thing celebrates, a document's date.
_NOT_THE_DAY = re.compile(r"(?:(?<!\w)(?:trước|chậm\s+nhất(?:\s+là)?|hạn\s+(?:chót|cuối)"
                          r"(?:\s+(?:nhận|nộp|gửi)\s[^.;:]{0,40}?)?(?:\s+là)?|đến(?:\s+hết)?"
                          r"|muộn\s+nhất(?:\s+là)?|không\s+muộn\s+hơn"
                          r"|chào\s+mừng|k[ỷỉ]\s+niệm"
                          # a contest's window for entries ("Cuộc thi … nhận tác phẩm từ ngày 01/6 đến ngày 15/7")
                          r"|(?:nhận|gửi|nộp)\s+(?:tác\s+phẩm|bài(?:\s+(?:dự\s+thi|viết))?|hồ\s+sơ|sản\s+phẩm)"
                          r"(?:\s+dự\s+thi)?(?:\s+từ)?"
                          # the day a document is issued or signed ("Kế hoạch … ban hành ngày 15/11/2026")
                          r"|ban\s+hành|ký(?=\s+(?:ngày|vào)))\s*[,:]?\s*(?:\(?\s*)?(?:vào\s+)?"
                          r"(?:(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật)\s*,?\s*)?(?:ngày\s+)?)$", re.I)
_ROUND = re.compile(r"(?<!\w)[Vv]òng\s+(?!chung\s+kết)")
# "… qua 2 đợt: đợt 1 từ ngày 11-8 đến 17-8": the span of a numbered round or phase, right after its label.
_ROUND_LABEL = re.compile(r"(?<!\w)(?:đợt|giai\s+đoạn)\s+(?:\d{1,2}|[IVX]{1,4}|một|hai|ba|bốn)\s*[:,]?\s*"
                          r"(?:\(\s*)?(?:từ\s+)?(?:ngày\s+)?$", re.I)
# "…, ngày 06/7/2026, Công đoàn … ban hành văn bản số … hướng dẫn …": the date opens a clause whose verb issues a document.
ISSUES = r"(?<!\w)(?:ban\s+hành|(?:có|gửi)\s+(?:công\s+văn|văn\s+bản))(?!\w)"  # a document is issued
_ISSUED_AFTER = re.compile(rf"\s*,\s+[^.;:,]{{0,100}}?\s{ISSUES}", re.I)
_TRIP = re.compile(r"(?<!\w)(?:tham\s+quan|du\s+lịch|nghỉ\s+mát|dã\s+ngoại)(?!\w)", re.I)
_RANGE_AFTER = re.compile(r"\s*(?:đến|-|–|—)\s*(?:hết\s+)?(?:ngày\s+)?\d")
_YOUTH = re.compile(r"(?<!Công )(?<!công )(?<!\w)(?:Chi đoàn|Đoàn trường|Đoàn [Tt]hanh niên|Đoàn TNCS|Tỉnh đoàn|Thành đoàn"
                    r"|Huyện đoàn|Liên đội|Chi đội|Hội đồng Đội)(?!\w)")
_PARTNER = re.compile(r"(?<!\w)(?:phối\s+hợp(?:\s+với)?|cùng(?:\s+với)?|với)\s+[^,.;]{0,20}$", re.I)
_UNION = re.compile(r"[Cc]ông đoàn|Liên đoàn Lao động|LĐLĐ|CĐCS|(?<!\w)CĐ(?!\w)|[Nn]gười lao động|CNVC", re.I)


def not_the_day(text: str, where: int, clauses: Clauses) -> bool:
    """A deadline's or a range's last day, a celebrated day, a round's span, a trip's days, a youth-union page's
    activity."""
    if _NOT_THE_DAY.search(text[max(0, where - 40):where]):
        return True
    start = max(clauses.start(where), where - NEAR)
    written = n.DATE_RE.match(text, where)
    if written and _ISSUED_AFTER.match(text, written.end()):
        return True
    if _TRIP.search(text, start, where) and _RANGE_AFTER.match(text, written.end() if written else where):
        return True  # "… đi tham quan Côn Đảo từ ngày 14/6/2024 đến ngày 16/6/2024": a trip's days, no event
    if (_ROUND.search(text[start:where]) or _ROUND_LABEL.search(text[max(start, where - 40):where])) \
            and _RANGE_AFTER.match(text, written.end() if written else where):
        return True
    # The sentence around the date, at most NEAR characters each side (a line of a thousand dates stays linear).
    stop = min(clauses.end(where), where + NEAR)
    sentence = text[max(0, where - NEAR, text.rfind(". ", max(0, where - NEAR), where) + 1):stop]
    youth = _YOUTH.search(sentence)  # the organiser, not a partner ("phối hợp với Đoàn Thanh niên tổ chức …")
    return bool(youth) and not _UNION.search(sentence) and not _PARTNER.search(sentence, 0, youth.start() if youth else 0)
