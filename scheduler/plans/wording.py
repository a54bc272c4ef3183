"""What a sentence says besides its dates: a theme, a deadline's title, who submits to whom, events (pure)."""

from __future__ import annotations

import re

from scheduler.plans.text import BRACKET, EMAIL, cap

# Where the plan's own clause starts after what it cites ("Thực hiện Kế hoạch … của …, Công đoàn trường triển khai …").
MAIN_CLAUSE = re.compile(r"[,;]\s+(?=(?:Công đoàn|Liên đoàn|LĐLĐ|CĐCS|Ban Thường vụ|Ban Chấp hành|Ban chấp hành|"
                         r"Đoàn Chủ tịch|Thường trực|Trường|Nhà trường|Khối thi đua|Cụm thi đua)\b)")

EVENT_NOUN = r"(?:Hội nghị|Lễ|Đại hội|Chương trình|Hội thi|Hội diễn|Giải)"


DATED_EVENT = re.compile(
    rf"(?P<ev>{EVENT_NOUN}\s[^.;]{{3,100}}?)\s+(?:(?:được\s+)?(?:tổ chức|diễn ra)\s+)?(?:vào\s+)?"
    r"(?:(?:lúc|từ)\s+(?P<h>\d{1,2})\s*(?:giờ|h|:)\s*(?P<mi>\d{2})?"
    r"(?:\s*(?:đến|-|–)\s*(?P<h2>\d{1,2})\s*(?:giờ|h|:)\s*(?P<mi2>\d{2})?)?\s*,?\s*)?"
    r"(?:từ\s+)?ngày\s+(?P<d1>\d{1,2})[/.\-](?P<m1>\d{1,2})[/.\-](?P<y1>\d{4})"
    r"(?:\s*(?:đến|-|–)\s*(?:ngày\s+)?(?P<d2>\d{1,2})[/.\-](?P<m2>\d{1,2})[/.\-](?P<y2>\d{4}))?"
    r"(?:\s+tại\s+(?P<place>[^.;,]+))?"
)


UNDATED_EVENT = re.compile(
    rf"(?P<ev>{EVENT_NOUN}\s[^.;]{{3,80}}?)\s+(?:(?:được\s+)?(?:tổ chức|diễn ra)\s+)?vào\s+"
    r"(?P<when>quý\s+[IV1-4]+(?:\s+năm\s+\d{4})?|(?:đầu|giữa|cuối)\s+(?:năm|tháng|quý)[^.;,]{0,20}|dịp\s+[^.;,]{3,40})"
)


AFTER_EVENT = re.compile(
    r"(?P<when>Sau khi\s+[^,.;]{3,60}),\s*[^,.;]{0,40}?tổ chức\s+(?P<ev>(?:hội nghị|lễ|Hội nghị|Lễ)\s[^.;]+)"
)


_OWN_DATE = re.compile(r"\d{1,2}\s*[/.\-]\s*\d{1,2}(?!\d)|(?<!\w)(?:mùng|ngày)\s+\d", re.I)


def dated(text: str) -> bool:
    """Whether a paragraph states a date of its own (a period's bracketed anniversary years aside): an item
    of its own (a deadline, an event), never the theme of the phase line above it."""
    return bool(_OWN_DATE.search(BRACKET.sub("", text)))


def theme_of(text: str) -> str | None:
    text = text.strip()
    text = re.sub(r"^[\s):.,–\-]*", "", text)
    text = re.sub(r"^\([^()]{0,40}\)\s*[:.,–\-]?\s*", "", text)  # "(29 tháng Chạp): ..."
    text = re.sub(r"^(?:[Vv]ới\s+)?[Cc]hủ\s+đề\s*:?\s*", "", text)
    quoted = text[:1] in "\"“"
    text = text.strip(" \"“”")
    if not text:
        return None
    m = re.match(r"(.+?)(?:[”\"]|\.\s|\.$|$)" if quoted else r"(.+?)(?:\.\s|\.$|$)", text)
    theme = m[1] if m else text
    theme = BRACKET.sub("", theme)
    theme = re.sub(r"\s+([;,])", r"\1", re.sub(r"\s+", " ", theme)).strip(" .;:\"“”")
    return cap(theme[:400]) if theme else None


LIST_MARK = re.compile(r"^(?:[-+•●▪–]\s*|\d{1,2}(?:\.\d{1,2})*[.)]\s+|[a-zđ]\)\s+|[IVX]{1,5}\.\s+)")


def deadline_title(segment: str, lead: str) -> str:
    seg = segment.strip(" ,;:")
    seg = LIST_MARK.sub("", seg)  # "1. Ban hành …", "b) Gửi …", "- Nộp …": the list's mark is not the task's name
    seg = re.sub(r"\s*" + BRACKET.pattern, "", seg)
    seg = re.sub(r",?\s*(?:gửi|nộp)\s+về\s+.*$", "", seg)
    seg = re.sub(r"\s+về\s+(?:Liên đoàn|LĐLĐ|Công đoàn|Ban)\b.*$", "", seg)
    seg = re.sub(r"\s+(?:báo cáo|gửi|nộp)$", "", seg)
    verb = re.search(r"(đăng ký|tổng hợp|báo cáo|nộp|gửi|hoàn thành|hoàn thiện)", seg, re.I)
    if verb:
        before = re.sub(r"(?:\s*,|\s+và)?\s*$", "", seg[:verb.start()])
        # "Thăm, tặng quà …, hoàn thành trước ngày …": the task is what is completed, before the word.
        done_last = verb[1].lower().startswith("hoàn") and len(seg[verb.end():].split()) == 0
        seg = before if done_last and len(before.split()) >= 2 else seg[verb.start():]
    seg = seg.replace(":", "")
    seg = re.sub(r"\s+", " ", seg).strip(" ,;")
    if len(seg.split()) < 3 and lead:
        seg = f"{lead.strip()} {seg}"
    if len(seg) > 180:
        seg = seg[:180].rsplit(" ", 1)[0] + "…"
    return cap(seg) if seg else ""


def subject_of(text: str) -> str | None:
    m = re.search(r"đề nghị\s+(?P<who>(?:Ban [Cc]hấp hành|Ban [Tt]hường vụ|các cấp|Công đoàn|BCH)[^,.;]*?)\s+"
                  r"(?:phối hợp|triển khai|thực hiện|gửi|đăng ký|chủ động)", text)
    if m:
        return cap(m["who"])
    m = re.search(r"(?:^|[,.]\s*)(?P<who>các cấp Công đoàn|(?:các\s+)?Công đoàn cấp trên(?: trực tiếp)? cơ sở"
                  r"|(?:các\s+)?công đoàn cơ sở)"
                  r"\s+(?:tổ chức|gửi|báo cáo|nộp|đăng ký)", text, re.I)
    if m:
        return cap(m["who"])
    m = re.match(r"^(?:\d+\.\s*)?(?P<who>(?:Công đoàn|Các cấp|Các công đoàn|Ban Chấp hành)[^,.;:]{0,50}?)\s+"
                 r"(?:đăng ký|gửi|báo cáo|nộp|tổng hợp)\b", text)
    return cap(m["who"]) if m else None


def submit_to_of(text: str) -> str | None:
    m = re.search(r"(?:gửi|nộp|báo cáo)(?:[^.;]{0,80}?)?\s+về\s+(?P<to>.+?)"
                  r"(?=\s+qua\s+(?:địa chỉ\s+)?(?:e-?mail|mail)|\.\s|[.;]$|;|$)", text)
    if not m:
        return None
    to = re.split(r"\s+(?:chậm nhất|trước|hạn chót|trong thời hạn)\b", m["to"])[0].strip(" .,;:")
    return to[:160] if to else None


def email_of(text: str) -> str | None:
    m = EMAIL.search(text)
    return m[0] if m else None
