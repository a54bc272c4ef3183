"""The campaign's year or span, from wherever the plan states it, with the words that say so (pure).

In order: the title ("… năm 2024", "năm học 2023–2024", "giai đoạn 2021–2025", and
"Tết Nguyên đán Bính Ngọ 2026", which is 2026 whatever year the plan was issued in);
the opening paragraphs (the same wordings, or "kế hoạch … năm 2025"); a year named
with its lunar name anywhere ("Xuân Ất Tỵ 2025"); the document's date line; and,
last, the plan's own dated items (`from_items`). Each answer carries the reason
the draft quotes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from scheduler.core.lunar import to_solar
from scheduler.plans import notation as n
from scheduler.plans.findings import Block, Where
from scheduler.plans.lunar_dates import CAN_CHI_ONLY, unthemed, year_named
from scheduler.plans.mentions import CAN_CHI
from scheduler.plans.text import quote
from scheduler.plans.wording import MAIN_CLAUSE

OPENING_BLOCKS = 8
# "kế hoạch … năm 2025": the year the opening sentence gives the plan (references are masked before).
# "Kết quả Hội thi … năm 2025": a contest names its year the same way.
# "Tháng Công nhân năm 2024", "Tháng hành động … năm 2025": an observance month named with its year.
# "Năm 2023, Liên đoàn Lao động tỉnh phát động …", "Bước sang năm 2024, … triển khai …", "Năm 2022, Công đoàn Công ty
# tổ chức thi đua …": a sentence that opens with the year it launches in.
_PLAN_YEAR = re.compile(r"(?:kế hoạch|hướng dẫn|phát động|chương trình|phong trào|thi đua|hội thi|cuộc thi|hội thao"
                        r"|tháng công nhân|tháng hành động)"
                        r"[^.;:]{0,120}?\bnăm\s+(\d{4})\b(?!\s*[-–—]\s*\d)"
                        r"|(?:^|(?<=[.;]\s))(?:(?:trong|bước\s+sang|sang)\s+)?năm\s+(\d{4})\s*,?\s+"
                        r"(?![^.;]{0,100}?(?<!\w)đã\s)[^.;]{0,100}?"
                        r"(?<!\w)(?:phát\s+động|triển\s+khai|tổ\s+chức\s+(?:thi\s+đua|phong\s+trào))(?!\w)", re.I)
# "Nhân dịp Tết Trung thu 2025, …", "Giỗ Tổ Hùng Vương năm 2026": a festival named with its year falls in that year,
# as the campaign around it.
_FESTIVAL_YEAR = re.compile(r"(?<!\w)(?:(?:Tết\s+)?(?:Trung\s+thu|Đoan\s+Ngọ)|Giỗ\s+Tổ\s+Hùng\s+Vương|Lễ\s+hội\s+Đền\s+Hùng)"
                            r"\s+(?:năm\s+)?(\d{4})(?!\s*[-–—]\s*\d)", re.I)
# "Chương trình "Tết Sum vầy – Kết nối yêu thương" 2021", ""Chuyến xe Công đoàn – Xuân 2024"", ""Chợ Tết Công đoàn năm
# 2026"": a programme named in quotes with its year, at the end of the name or right after it.
_QUOTED_YEAR = re.compile(r"[\"“](?P<name>[^\"”\n]{3,120}?)(?:\s+(?:năm|[Xx]uân)\s+(?P<a>\d{4}))?[\"”]"
                          r"(?(a)|\s+(?:năm\s+)?(?P<b>\d{4}))(?!\s*[-–—]\s*\d)(?!\d)")
# Before it in its clause: an award or a title given for a past year ("trao giấy chứng nhận "Giỏi việc nước, đảm việc
# nhà" năm 2024"), not the campaign's.
_AWARDED = re.compile(r"(?<!\w)(?:trao|tặng|công\s+nhận|danh\s+hiệu|giấy\s+chứng\s+nhận|bằng\s+khen|giấy\s+khen|đạt)"
                      r"(?!\w)[^.;]*$", re.I)
# "… phong trào "Lao động giỏi, lao động sáng tạo" năm 2016 - 2017": a movement's span over two years in a row.
_PLAN_SPAN = re.compile(r"(?:phong trào|thi đua|chương trình|kế hoạch|cuộc vận động)[^.;:]{0,120}?"
                        r"\bnăm\s+(?P<a>\d{4})\s*[-–—]\s*(?P<b>\d{4})(?!\d)", re.I)
# "kỷ niệm 70 năm xây dựng và phát triển Tổng công ty (1956 - 2026)": an anniversary given in years only, celebrated in
# its last year.
_ANNIVERSARY_YEARS = re.compile(r"(?<!\w)(?P<n>\d{1,3})\s+năm\s[^.;()]{3,120}?\(\s*(?P<a>\d{4})\s*[-–—]\s*(?P<b>\d{4})\s*\)")


def quoted_year(text: str) -> re.Match[str] | None:
    """The first programme named in quotes with its year, unless an award for that year is what the clause gives."""
    for m in _QUOTED_YEAR.finditer(text):
        if not _AWARDED.search(text, max(0, m.start() - 80, text.rfind(". ", 0, m.start()) + 1), m.start()):
            return m
    return None


def plan_span(m: re.Match[str]) -> n.Span | None:
    """"phong trào … năm 2016 - 2017" (a match of _PLAN_SPAN): two years in a row."""
    if int(m["b"]) != int(m["a"]) + 1:
        return None
    a, b = int(m["a"]), int(m["b"])
    return n.Span(None, f"năm {a}–{b}", date(a, 1, 1), date(b, 12, 31))


def anniversary_year(blocks: Sequence[Block], masked: Sequence[str]) -> CampaignTime | None:
    """The last year of an anniversary written in years only, when it is as many years after the first as it says."""
    for b, text in zip(blocks, masked, strict=True):
        for m in _ANNIVERSARY_YEARS.finditer(text):
            if int(m["b"]) - int(m["a"]) == int(m["n"]):
                w = quote(b, m.start(), m.end())
                return CampaignTime(_year(int(m["b"])), _said(f"năm {m['b']}, năm kỷ niệm {m['n']} năm văn bản nhắc",
                                                              w.quote), w)
    return None


# "Hội nghị tổng kết công tác thi đua năm 2025 và ký giao ước thi đua năm 2026": the year a review looks back on.
_REVIEWED = re.compile(r"(?<!\w)(?:tổng\s+kết|sơ\s+kết)(?!\w)", re.I)


def _plan_year(text: str) -> re.Match[str] | None:
    """The first "kế hoạch … năm 2025", unless it is the year a review looks back on: "Hội nghị tổng kết công tác
    thi đua năm 2025 và ký giao ước thi đua năm 2026" names two years and the plan's neither (its dated items say)."""
    m = _PLAN_YEAR.search(text)
    return None if m is None or _REVIEWED.search(text, max(0, m.start() - 80), m.start(m.lastindex or 1)) else m


_IMPLEMENTS = re.compile(r"(?<!\w)(?:Thực hiện|Theo)\s")
# A clause about the plans above this one: at the start of a sentence, or of a line a title ran into.
_OTHER_CLAUSE = re.compile(r"(?:^[-–•\s]*|(?<=[.;]\s)|(?<=[^\W\d]\s)(?=[CT]))(?:Căn cứ|Thực hiện|Theo)\s")


# The head of the phrase a "giai đoạn 2021 – 2025" qualifies, when that is a document or plan the campaign serves
# ("Nghị quyết …", "Kế hoạch phát triển kinh tế – xã hội …", "Kế hoạch sản xuất, kinh doanh …", "Chiến lược …"), or a
# national programme ("Chương trình mục tiêu quốc gia … giai đoạn 2021 - 2030").
_CONTEXT_HEAD = re.compile(r"(?<!\w)(?:nghị\s+quyết|chiến\s+lược|đề\s+án|kinh\s+tế\s*[-–—]\s*xã\s+hội|mục\s+tiêu\s+quốc\s+gia"
                           r"|sản\s+xuất,?\s+kinh\s+doanh|kế\s+hoạch\s+\d+\s+năm)(?!\w)", re.I)
_OWN_HEAD = re.compile(r"(?<!\w)(?:phong\s+trào|thi\s+đua|cuộc\s+vận\s+động|kế\s+hoạch|chương\s+trình)(?!\w)", re.I)
_OTHERS = re.compile(r"\s*của\s+(?:Tổng\s+Liên\s+đoàn|Chính\s+phủ|Bộ|Ủy\s+ban|UBND|Tỉnh\s+ủy|Thành\s+ủy|Trung\s+ương)")


# In a stage's clause before it: a congress or conference named with its stage ("Đại hội thi đua yêu nước giai đoạn
# 2025 - 2030"), a period reported on or reviewed ("báo cáo tổng kết hoạt động giai đoạn 2023 – 2025"), or those
# rewarded in it ("đoàn viên được khen thưởng trong giai đoạn 2023 – 2025").
_CONGRESS_NAMED = re.compile(r"(?<!\w)(?:đại\s+hội|hội\s+nghị)(?!\w)[^,;.()\n]{0,70}$", re.I)
_LOOKED_BACK = re.compile(r"(?<!\w)(?:báo\s+cáo|tổng\s+kết|sơ\s+kết|được\s+(?:khen\s+thưởng|tặng|trao|công\s+nhận))"
                          r"(?!\w)[^.;:\n]{0,70}$", re.I)


def cited_period(text: str, m: re.Match[str]) -> bool:
    """"Năm 2024 là năm tăng tốc thực hiện … Kế hoạch phát triển kinh tế – xã hội giai đoạn 2021 – 2025", "một phần
    trong kế hoạch … giai đoạn 2026-2027 của Tổng Liên đoàn": a period of what the campaign serves, not its span;
    nor is a congress's stage, a period reviewed or the period of those rewarded (`_CONGRESS_NAMED`, `_LOOKED_BACK`)."""
    if m.re is not n.SPAN_STAGE:
        return False
    before = text[max(0, m.start() - 90):m.start()]
    if _CONGRESS_NAMED.search(before) or _LOOKED_BACK.search(before):
        return True
    heads = list(_CONTEXT_HEAD.finditer(before)) + list(_OWN_HEAD.finditer(before))
    last = max(heads, key=lambda h: h.end(), default=None)
    return (last is not None and last.re is _CONTEXT_HEAD) or bool(_OTHERS.match(text, m.end()))


# Before a school year, in its sentence: the members' children or pupils it is about ("… trao cho con đoàn viên vượt
# khó học giỏi năm học 2024-2025", "dịp khai giảng năm học 2024 – 2025"): their school year, not the campaign's.
_PUPILS = re.compile(r"(?<!\w)(?:học\s+sinh|học\s+bổng|học\s+giỏi|khai\s+giảng|các\s+cháu|cháu|con\s+(?:của\s+)?"
                     r"(?:cán\s+bộ|đoàn\s+viên|viên\s+chức|công\s+nhân|người\s+lao\s+động|CB|CNVC))(?!\w)", re.I)


def pupils_year(text: str, m: re.Match[str]) -> bool:
    """A school year of the pupils a sentence speaks of (a scholarship, an award to children, a new school year's
    opening), not the school year a school's union campaigns in."""
    if m.re is not n.SPAN_SCHOOL:
        return False
    start = max(text.rfind(". ", 0, m.start()) + 1, text.rfind(";", 0, m.start()) + 1, m.start() - 160, 0)
    return bool(_PUPILS.search(text, start, m.start()))


# After a school year or a stage, in its sentence: what it saw ("Năm học 2025 – 2026, Công đoàn trường được tặng Bằng
# khen", "… đã hoàn thành …"): a past one, when a later sentence names the one the plan is for.
_SAW = re.compile(r"(?<!\w)(?:đã\s+(?!được\s+(?:phê\s+duyệt|ban\s+hành))\w|được\s+(?:tặng|công\s+nhận|khen|trao|xếp\s+loại)"
                  r"|đạt\s+(?:danh\s+hiệu|giải))", re.I)


def past_period(text: str, m: re.Match[str]) -> bool:
    """The sentence of a school year or a stage tells what it saw."""
    stops = [i for i in (text.find(". ", m.end()), text.find(";", m.end())) if i >= 0]
    return bool(_SAW.search(text, m.end(), min(stops + [len(text), m.end() + 200])))


@dataclass(frozen=True)
class CampaignTime:
    span: n.Span
    reason: str  # Vietnamese, for the draft
    where: Where | None


def _own_text(text: str) -> str:
    """The sentence with what it says of other documents blanked (same length): "Căn cứ …;", "Thực hiện …, " up to
    the main clause ("…, Công đoàn trường triển khai …") — the years there are those of the plans cited."""
    out = text
    for m in _OTHER_CLAUSE.finditer(text):
        main = MAIN_CLAUSE.search(text, m.end())
        semi = text.find(";", m.end())
        stops = [x for x in (main.start() if main else -1, semi) if x >= 0]
        stop = min(stops) if stops else len(text)
        out = out[:m.start()] + " " * (stop - m.start()) + out[stop:]
    return out


# The lunar New Year named without its year in a title ("Chăm lo Tết Nguyên đán …", "Tết sum vầy …"), not the other
# feasts called Tết.
_TET_NAMED = re.compile(r"(?<!\w)Tết(?!\s+(?:Trung\s+thu|Dương\s+lịch|Thiếu\s+nhi|trồng\s+cây|Đoan\s+[Nn]gọ|Độc\s+lập|"
                        r"Hàn\s+thực|Thanh\s+minh|[Tt]ây))(?![^.;]{0,60}?\d{4})", re.I)


def _full_date(text: str | None) -> date | None:
    """"20/11/2023", or a page's "20/01/2025 (ngày đăng trang)": its date."""
    parts = (text or "").split(" ", 1)[0].split("/")
    return n.make_date(*(int(x) for x in parts)) if len(parts) == 3 and all(x.isdigit() for x in parts) else None


PAGE_DATE = " (ngày đăng trang)"  # marks a web page's date given where a document's date is expected


def dated(doc_date: str) -> str:
    """"ngày văn bản 20/11/2023", or for a web page's own date "ngày đăng trang 22/01/2025"."""
    if doc_date.endswith(PAGE_DATE):
        return f"ngày đăng trang {doc_date[:-len(PAGE_DATE)]}"
    return f"ngày văn bản {doc_date}"


def year_of(doc_date: str) -> int:
    """The year of a document's date as the header writes it ("20/11/2023", "tháng 11/2023", "2023")."""
    found = re.findall(r"\d{4}", doc_date)
    return int(found[-1]) if found else 0


def _tet_year(text: str) -> tuple[int, re.Match[str]] | None:
    for m in CAN_CHI.finditer(unthemed(text)):  # not a Tết named in a theme or a slogan in quotes
        if m["what"].lower() != "năm":
            return int(m["y"]), m
    return None


def _year(y: int) -> n.Span:
    return n.Span(y, None, date(y, 1, 1), date(y, 12, 31))


def _said(what: str, text: str) -> str:
    text = re.sub(r"\s+", " ", text.strip())
    return f'{what}: "{text if len(text) <= 160 else text[:160].rsplit(" ", 1)[0] + "…"}"'


# A programme's heading that carries out a congress's resolution for its term ("CHƯƠNG TRÌNH HÀNH ĐỘNG / Thực hiện
# Nghị quyết Đại hội Công đoàn huyện lần thứ VIII, nhiệm kỳ 2023 – 2028"): the heading ends with the term (what
# follows, if the line ran into the next, starts a new sentence).
_RESOLUTION_TERM = re.compile(r"^[-–•\s]*(?:(?:chương\s+trình(?:\s+hành\s+động)?|kế\s+hoạch)\s+)?thực\s+hiện\s+"
                              r"nghị\s+quyết\s+(?:đại\s+hội|hội\s+nghị)(?!\w)[^.;:\n]{0,150}?nhiệm\s+kỳ\s+"
                              r"(?P<a>\d{4})\s*[-–—]\s*(?P<b>\d{4})(?!\d)", re.I)


def resolution_term(title: str | None, title_where: Where | None, blocks: Sequence[Block],
                    masked: Sequence[str]) -> CampaignTime | None:
    """The term of the congress whose resolution the plan's heading says it carries out, as the plan's span."""
    lines = [(title or "", title_where, None)] + [(text, None, b) for b, text in zip(blocks[:3], masked[:3], strict=True)]
    for text, where, b in lines:
        m = _RESOLUTION_TERM.search(text)
        rest = text[m.end():].strip() if m else ""
        if m and (not rest or rest[0].isupper()) and int(m["a"]) < int(m["b"]) <= int(m["a"]) + 5:
            a, z = int(m["a"]), int(m["b"])
            w = quote(b, m.start("a"), m.end("b")) if b is not None else where
            return CampaignTime(n.Span(None, f"nhiệm kỳ {a}–{z}", date(a, 1, 1), date(z, 12, 31)),
                                _said("nhiệm kỳ của nghị quyết đại hội mà văn bản thực hiện", m[0]), w)
    return None


def from_text(title: str | None, title_where: Where | None, blocks: Sequence[Block], masked: Sequence[str],
              doc_date: str | None, doc_where: Where | None) -> CampaignTime | None:
    if title:
        tet = _tet_year(title)
        if tet:
            return CampaignTime(_year(tet[0]), _said(f"năm {tet[0]}, năm của Tết ghi trong tiêu đề", title), title_where)
        s = n.campaign_span(title)
        if s:
            return CampaignTime(s, _said("theo tiêu đề", title), title_where)
        named = CAN_CHI_ONLY.search(title)
        if named and doc_date:  # "Tết … Xuân Giáp Thìn", issued 20/11/2023: the Giáp Thìn nearest its date, 2024
            y = year_named(named["cc"], year_of(doc_date))
            return CampaignTime(_year(y), _said(f"năm {y}, năm {named['cc']} ghi trong tiêu đề, gần {dated(doc_date)}",
                                                title), title_where)
        tet_named = _TET_NAMED.search(title)
        issued = _full_date(doc_date)
        if tet_named and issued and doc_date:  # "Chăm lo Tết …", issued 20/11/2026: the Tết after it, 2027
            y = issued.year + (issued > to_solar(issued.year, 1, 1))
            return CampaignTime(_year(y), _said(f"năm {y}, năm của Tết Nguyên đán gần nhất sau {dated(doc_date)}",
                                                title), title_where)
    opening = list(zip(blocks[:OPENING_BLOCKS], masked[:OPENING_BLOCKS], strict=True))
    # The plan's own sentences first; then "Thực hiện kế hoạch năm học 2024-2025, …" (the school year it implements),
    # never the span of a document cited as a basis ("Căn cứ Chương trình … giai đoạn 2023-2028").
    spans: list[tuple[Block, str, tuple[re.Pattern[str], ...]]] = [
        (b, _own_text(text), (n.SPAN_SCHOOL, n.SPAN_STAGE)) for b, text in opening]
    spans += [(b, text, (n.SPAN_SCHOOL,)) for b, text in opening if _IMPLEMENTS.search(text)]
    # A period whose sentence tells what it saw is taken only when no other is named.
    for past in (False, True):
        for b, text, patterns in spans:
            for pattern in patterns:
                m = next((x for x in pattern.finditer(text) if not cited_period(text, x) and not pupils_year(text, x)
                          and past_period(text, x) == past), None)
                s = n.campaign_span(m[0]) if m else None
                if m and s:
                    return CampaignTime(s, _said("theo câu mở đầu", quote(b, m.start(), m.end()).quote),
                                        quote(b, m.start(), m.end()))
    for b, text in opening:
        tet = _tet_year(text)
        if tet:
            w = quote(b, tet[1].start(), tet[1].end())
            return CampaignTime(_year(tet[0]), _said(f"năm {tet[0]}, năm của Tết văn bản nhắc", w.quote), w)
        own = _own_text(text)
        m = _plan_year(own) or _FESTIVAL_YEAR.search(text)
        if m:
            w = quote(b, m.start(), m.end())
            return CampaignTime(_year(int(m[m.lastindex or 1])), _said("theo câu mở đầu", w.quote), w)
        two = _PLAN_SPAN.search(own)
        span = plan_span(two) if two else None
        if two and span:
            w = quote(b, two.start(), two.end())
            return CampaignTime(span, _said("theo câu mở đầu", w.quote), w)
        m = quoted_year(own)
        if m:
            w = quote(b, m.start(), m.end())
            return CampaignTime(_year(int(m["a"] or m["b"])), _said("năm ghi cùng tên chương trình", w.quote), w)
    # No year of its own in the title or the opening: a programme for a congress's resolution spans its term.
    term = resolution_term(title, title_where, blocks, masked)
    if term is not None:
        return term
    for b, text in zip(blocks, masked, strict=True):
        tet = _tet_year(text)
        if tet:
            w = quote(b, tet[1].start(), tet[1].end())
            return CampaignTime(_year(tet[0]), _said(f"năm {tet[0]}, năm của Tết văn bản nhắc", w.quote), w)
    if doc_date:
        y = year_of(doc_date)
        return CampaignTime(_year(y), f"tiêu đề không nêu năm: tạm lấy năm {y} của {dated(doc_date)}", None)
    return None


def after_issue(doc_date: str, month_days: Sequence[tuple[int, int]]) -> CampaignTime | None:
    """A plan dated 25/12/2026 whose days are written without a year, all of them more than a month before that date
    in its year ("Hội nghị viên chức ngày 10/01", "nộp báo cáo trước ngày 05/01"): they come after it, in 2027."""
    issued = _full_date(doc_date)
    if issued is None or not month_days:
        return None
    for d, m in month_days:
        day = n.make_date(d, m, issued.year)
        if day is None or (issued - day).days <= 31:
            return None
    y = issued.year + 1
    return CampaignTime(_year(y), f"tiêu đề không nêu năm: các ngày không ghi năm đều trước {dated(doc_date)}, "
                                  f"tạm lấy năm {y}", None)


def from_items(days: Iterable[tuple[date, Where]]) -> CampaignTime | None:
    """The year (or the years) the plan's dated items fall in: "năm suy ra từ các mục có ngày"."""
    found = sorted(days, key=lambda x: x[0])
    if not found:
        return None
    first, last = found[0], found[-1]
    if first[0].year == last[0].year:
        y = first[0].year
        return CampaignTime(_year(y), f"văn bản không nêu năm của phong trào: năm {y} suy ra từ các mục có ngày "
                                      f"({_where(first[1])})", first[1])
    span = n.Span(None, f"từ {first[0]:%d/%m/%Y} đến {last[0]:%d/%m/%Y}", first[0], last[0])
    return CampaignTime(span, f"văn bản không nêu năm của phong trào: thời gian suy ra từ các mục có ngày, "
                              f"sớm nhất {first[0]:%d/%m/%Y} ({_where(first[1])}), "
                              f"muộn nhất {last[0]:%d/%m/%Y} ({_where(last[1])})", first[1])


def _where(w: Where) -> str:
    return w.label()
