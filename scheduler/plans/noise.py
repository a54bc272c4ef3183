"""Text around a plan that must give nothing: a web page's menu, datelines, captions, other articles (pure).

Plans reach admins copied from web pages as often as in files: a site's menu
("Trang chủ | Tin tức | Liên hệ"), the article's dateline ("11/03/2026 09:15
1840 lượt xem"), photo captions, and below the plan a list of other articles
("Tin cùng chuyên mục") or their teasers ("Sáng 5/3, … họp thường kỳ…") whose
dates belong to other events. Such lines are
blanked, never removed, so every line number quoted in a draft stays the
document's own.
"""

from __future__ import annotations

import re

# From one of these headings to the end of the page: other articles.
_OTHER_ARTICLES = re.compile(
    r"^(?:Tin cùng chuyên mục|Các tin khác|Tin khác|Tin liên quan|Bài viết liên quan|Bài viết khác|"
    r"Các bài viết khác|Xem thêm|Tin mới hơn|Tin cũ hơn|Tin đã đưa)\b",
    re.I,
)
# A line of the page itself, not of the plan.
_PAGE_LINE = re.compile(
    r"lượt xem|\(GMT\s?[+-]\d{1,2}\)|\.(?:jpe?g|png|gif|webp)\s*$|"
    r"^(?:Ảnh(?:\s+minh\s+họa|\s+tư\s+liệu)?|Nguồn)\s*[:.]|^(?:Ảnh minh họa|Chia sẻ|Bình luận|In bài|Toàn cảnh Hội nghị)\.?$|"
    r"^(?:Đăng nhập|Đăng ký mới|Quên mật khẩu|Bỏ qua|Tập tin đính kèm|Đường dây nóng|Đăng vào|Cập nhật lúc|Nhấp chuột)\b",
    re.I,
)
# A date, a time, a weekday and nothing else: an article's dateline.
_DATELINE = re.compile(
    r"^(?:(?:Thứ\s+\w+|Chủ\s+nhật)\s*,?\s*)?(?:Ngày\s*:?\s*)?(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})"
    r"(?:\s*,?\s*\d{1,2}:\d{2}(?::\d{2})?)?(?:\s*\(GMT\s?[+-]\d{1,2}\))?$",
    re.I,
)
# Another article's teaser: it opens with its date ("Sáng 5/3, …", "Đêm 04.3.2025, …") and is cut short ("…").
_TEASER = re.compile(r"^(?:(?:Sáng|Chiều|Tối|Trưa|Đêm|Ngày)\s+)(?:ngày\s+)?\d{1,2}[/.\-]\d{1,2}\b.*(?:…|\.\.\.)$", re.I)
# … but one sentence only: a line that finishes a sentence before its "…" ("… năm 2024. Hội thao … nhảy bao bố…") is
# the article's own paragraph, its last list cut short.
_SENTENCE_END = re.compile(r"[.!?]\s+(\w)")
_HEADER_BEFORE = re.compile(r"^(?:Số\s*:?|CỘNG HÒA|Độc lập)", re.I)


def _two_sentences(line: str) -> bool:
    return any(m[1].isupper() for m in _SENTENCE_END.finditer(line))


def _headlines(line: str) -> bool:
    """"Sôi nổi Hội thi … năm 2021 | Chung khảo Hội thi … ngày 17/10/2021": other articles' titles side by side, each
    of four words or more, opening with a capital and ending without a full stop; only below the text (the page's
    last lines), never a table row inside the plan."""
    cells = [c.strip() for c in line.split(" | ")]
    return len(cells) >= 2 and all(len(c.split()) >= 4 and c[:1].isupper() and not c.endswith(".") for c in cells)


# A web page's own date line: "Cập nhật: 22-01-2025 | 08:40:12", "Đăng ngày 20/01/2025", "Cập nhật 2025-01-20".
_PAGE_DATE = re.compile(
    r"^(?:(?:Cập\s+nhật(?:\s+lúc)?|Ngày\s+cập\s+nhật|Đăng\s+(?:ngày|lúc)|Ngày\s+đăng|Thời\s+gian\s+đăng)\s*:?\s*)?"
    r"(?:(?:Thứ\s+\w+|Chủ\s+nhật)\s*,?\s*)?(?:ngày\s+)?"
    r"(?:(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4})|(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2}))"
    r"(?:\s*[,|\-–]?\s*\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:AM|PM|SA|CH))?)?(?:\s*\(GMT\s?[+-]\d{1,2}\)|\s+GMT[+-]\d{1,2})?$",
    re.I,
)
PAGE_DATE_LINES = 12  # a page's date line stands above its article's text


def page_date(page: str) -> str | None:
    """The date a web page was published or updated ("dd/mm/yyyy"), from its date line among its first lines, or None.

    Never the plan's document date: it only tells the year a page's yearless days ("Tối 19-1", "ngày 25 tháng Chạp")
    fall in when the text says no more."""
    for raw in [r for r in page.split("\n") if r.strip()][:PAGE_DATE_LINES]:
        m = _PAGE_DATE.match(raw.strip().strip("*# ").strip())
        if m:
            d, mo, y = (m["d"], m["m"], m["y"]) if m["d"] else (m["id"], m["im"], m["iy"])
            if 1 <= int(d) <= 31 and 1 <= int(mo) <= 12:
                return f"{int(d):02d}/{int(mo):02d}/{y}"
    return None


def _menu(line: str) -> bool:
    """"Trang chủ | Tin tức | Liên hệ": two or more bars and no number (a table row of a plan has dates)."""
    return line.count("|") >= 2 and not any(ch.isdigit() for ch in line)


def blank_noise(page: str) -> str:
    lines = page.split("\n")
    out: list[str] = []
    previous = ""
    cut = False
    for raw in lines:
        line = raw.strip().strip("*# ").strip()
        if cut or _OTHER_ARTICLES.match(line):
            cut = True
            out.append("")
            continue
        dateline = (_DATELINE.match(line) is not None or _PAGE_DATE.match(line) is not None) \
            and not _HEADER_BEFORE.match(previous)
        teaser = _TEASER.match(line) is not None and not _two_sentences(line)
        if line and (_menu(line) or _PAGE_LINE.search(line) or dateline or teaser):
            out.append("")
        else:
            out.append(raw)
        if line:
            previous = line
    for i in range(len(out) - 1, -1, -1):  # the page's last lines: other articles' titles side by side
        line = out[i].strip().strip("*# ").strip()
        if line and not _headlines(line):
            break
        out[i] = ""
    return "\n".join(out)
