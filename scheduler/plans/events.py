"""One-off events: conferences, ceremonies, a contest's opening, closing and award ceremony (pure).

An event is an event noun or an organising verb with its date in the same clause:
"Hội nghị … tổ chức ngày 23/01/2018", "Sáng ngày 28/01/2016, LĐLĐ huyện tổ chức
Hội nghị …", "Hội thao … khai mạc vào sáng ngày 08/6/2024", "… tổ chức giao lưu
thể thao vào chiều ngày 15/11/2025", "trao giải vào dịp kỷ niệm 95 năm Ngày thành
lập Công đoàn Việt Nam" (the anniversary's day, flagged). A date with no year
takes the campaign's, or the event is dropped: nothing is dated by guess. Also dated: the days
of a programme ("Ngày 1 (thứ Hai, 19/01/2026): thăm …"), a contest round's sittings on single
days ("Vòng sơ khảo chia làm 2 đợt: đợt 1 … ngày 10/8/2026"), and the one event a plan is for
("KẾ HOẠCH Tổ chức Hội nghị tổng kết …" and its line "1. Thời gian: 14 giờ ngày 23/01/2026").

Not an event's day (not_event_days.py): a deadline, the end of a range, the day celebrated, a document's day, the span
of a contest's round (a final's day is an event), what a youth union does with no trade union named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scheduler.plans import notation as n
from scheduler.plans.context import Context
from scheduler.plans.findings import Block, Event
from scheduler.plans.not_event_days import ISSUES, NEAR, not_the_day
from scheduler.plans.text import Clauses, cap, quote
from scheduler.plans.wording import AFTER_EVENT, DATED_EVENT, UNDATED_EVENT

_D = r"(?P<d>\d{1,2})(?:(?P<s>[/.\-])(?P<m>\d{1,2})(?:(?P=s) ?(?P<y>\d{4}))?)?(?!\d)"
_V = r"(?P<vd>\d{1,2})\s+tháng\s+(?P<vm>\d{1,2})(?:\s+năm\s+(?P<vy>\d{4}))?(?!\s+âm\s+lịch)"  # lunar: tet_items
# "trong 2 ngày 14 và 15/7/2023": "và" joins two days only when the first is written without its month.
_D2 = (r"(?:\s*(?:đến(?:\s+hết)?|-|–|—|(?(m)(?!)|và(?=\s)))\s*(?:ngày\s+)?"
       r"(?P<d2>\d{1,2})(?P<s2>[/.\-])(?P<m2>\d{1,2})(?:(?P=s2) ?(?P<y2>\d{4}))?(?!\d))?")
_TIME = (r"(?:(?:lúc\s+|đúng\s+|từ\s+)?(?P<h>\d{1,2})\s*(?:giờ|h)\s*(?:(?P<mi>\d{2})(?:\s*phút)?)?"
         r"(?:\s*(?:đến|-|–)\s*(?P<h2>\d{1,2})\s*(?:giờ|h)\s*(?P<mi2>\d{2})?)?\s*,?\s*)?")
_PART = r"(?:(?:sáng|chiều|tối|trưa)\s+)?"
# The date after its time and part of the day; "ngày" may be left out after "sáng", "chiều", "tối".
# A weekday may stand before the date ("vào ngày Chủ nhật 08/01/2023", "sáng Chủ nhật, ngày 24/3/2024");
# "trong 2 ngày 14 và 15/7/2023" names a two-day event.
WEEKDAY = r"(?:[Tt]hứ\s+(?:[Hh]ai|[Bb]a|[Tt]ư|[Nn]ăm|[Ss]áu|[Bb]ảy|[2-7])|[Cc]hủ\s+[Nn]hật)"
_WD = rf"(?:{WEEKDAY}\s*,?\s*)?"
WHEN = (rf"{_TIME}(?:(?:sáng|chiều|tối|trưa)\s+{_WD}(?:ngày\s+)?|(?:\(?tức\s+)?(?:từ\s+)?ngày\s+{_WD}"
        rf"|{WEEKDAY}\s*,?\s*ngày\s+|trong\s+(?:2|02|hai)\s+ngày\s+(?=\d{{1,2}}\s+và\s))"
        rf"(?:{_V}|{_D}{_D2})")
NOUNS = (r"Hội nghị|hội nghị|Lễ|Đại hội|Chương trình|Hội thi|Hội diễn|Hội thao|Cuộc thi|Giải|Họp mặt|Gặp mặt|"
         r"Giao lưu|Ngày hội|Vòng chung kết|vòng chung kết|Hội báo xuân|Tết sum vầy|Chợ Tết|Bốc thăm|bốc thăm|"
         r"Liên hoan|liên hoan|Tọa đàm|tọa đàm|Diễn đàn|Hội thảo")
VERBS = r"tổ chức|diễn ra|khai mạc|bế mạc|khai giảng|bế giảng|trao giải|khởi hành|họp xét|họp|thực hiện(?=\s+vào\s)"
# After a clause's own day only ("Ngày 16/5/2020, Công đoàn Khối … trao 100 phần quà …"): what was given that day.
# … or whom a delegation checked or visited that day ("Chiều nay (16/11), Công đoàn Viên chức tỉnh … đã kiểm tra …").
# … or that set off that day ("Chiều 2.2, 140 hộ gia đình … lên đường về quê …": a trip's departure, like "khởi hành");
# … or whom it met, honoured or gave lì xì that day ("sáng 19/10, LĐLĐ quận gặp mặt, biểu dương 40 nữ công nhân …");
# … or where it offered incense or flowers ("chiều 24/7/2026, Công đoàn … dâng hương tại Nghĩa trang liệt sĩ …");
# … or the market it opened that day ("Ngày 20/01/2024, Liên đoàn … mở "Chợ Tết Công đoàn" tại …").
_LEAD_VERBS = (rf"{VERBS}|trao\s+tặng|trao|tặng|kiểm\s+tra|giám\s+sát|thăm|lên\s+đường"
               r"|gặp\s+mặt|họp\s+mặt|(?:biểu|tuyên)\s+dương|lì\s+xì|dâng\s+(?:hương|hoa)"
               r"|mở(?=\s+[\"“]?(?:[Cc]hợ|[Pp]hiên\s+chợ|[Hh]ội\s+chợ|[Gg]ian\s+hàng))")
# "Sáng ngày 28/01/2016, LĐLĐ huyện tổ chức Hội nghị …": a clause that opens with its date.
# "Vào tối ngày 27/9/2023, …", "chiều mồng 6/3/2026, …" ("mồng" before a day written with its month is Gregorian);
# a news page's "Chiều nay (16/11), …", "Hôm qua, 15/6, …": the day the article reports, relative to the page.
# After a plan's colon too ("Kế hoạch mừng Xuân …: ngày 23/02/2026 (tức mùng 7 Tết), …, Ban Chấp hành gặp mặt …"); a
# range of days may open the clause ("Từ ngày 11 đến 12/6/2026, tại …, LĐLĐ huyện tổ chức lớp tập huấn …").
LEADING = re.compile(rf"(?:(?:^[-+–•\s]*|[,;]\s+|(?<=[.!?]\s)|:\s+(?=ngày\s))(?:[Vv]ào\s+)?"
                     rf"(?:(?P<range>[Tt]ừ\s+(?:ngày\s+)?)|(?:[Ss]áng|[Cc]hiều|[Tt]ối|[Đđ]úng)\s+"
                     rf"(?:\d{{1,2}}\s*(?:h|giờ)\s*(?:\d{{2}})?\s+)?(?:[Nn]gày\s+)?|[Nn]gày\s+"
                     rf"|(?:[Ss]áng|[Cc]hiều|[Tt]ối|[Tt]rưa)\s+nay\s*\(\s*(?P<rel>)|[Hh]ôm\s+qua\s*,?\s*(?:ngày\s+)?)"
                     rf"(?:m[ùồ]ng\s+(?=\d{{1,2}}[/.\-]\d{{1,2}}(?!\d)))?"
                     # "Sáng mùng 8 Tết Bính Ngọ (24/02/2026), …": the lunar day, then the date the text gives for it
                     rf"(?:(?P<lunar>(?:mùng|mồng)\s+\d{{1,2}}\s+Tết[^(),.;]{{0,30}}|\d{{1,2}}\s+tháng\s+(?:Chạp|Giêng))"
                     rf"\s*\(\s*(?:tức\s+)?(?:ngày\s+)?)?"
                     # a timetable's line, date first: "- 20/12/2024: Hội nghị tổng kết …"
                     rf"|^[-+–•]\s*(?=\d{{1,2}}[/.\-]\d{{1,2}}(?:[/.\-]\d{{4}})?\s*:)(?P<bare>))"
                     # "Ngày 8/2 (tức mùng 8 tháng Giêng), …": the lunar day after the date
                     rf"(?:{_V}|{_D}{_D2})(?(lunar)\s*\)|(?:\s*\(\s*tức\s+[^()]{{3,40}}\))?)"
                     rf"(?(rel)\s*\))\s*[,:]?\s+")
# What a range of days opening a clause must hold to be one event: a named event or a course, not a campaign's work
# ("Từ ngày 01/5 đến 31/5/2026, các cấp công đoàn tổ chức nhiều hoạt động …" is a period).
_RANGE_EVENT = re.compile(rf"(?:{NOUNS}|lớp|khóa|tập\s+huấn)\s", re.I)
# The place or what the day is may come first ("Sáng 22/4, tại Quảng trường Lam Sơn, UBND tỉnh và LĐLĐ tỉnh phối hợp
# tổ chức …", "Ngày 8/2, ngày làm việc đầu tiên sau kỳ nghỉ Tết, Công đoàn … lì xì …").
_LEAD_WHAT = re.compile(rf"^(?:(?:tại|ngày)\s+[^.;:,]{{3,80}},\s+)?(?:(?P<who>[^.;:]{{0,120}}?)\s+)?(?:đã\s+|sẽ\s+)?"
                        rf"(?P<verb>{_LEAD_VERBS}),?\s+(?P<what>[^.;]{{3,140}})"
                        rf"|^(?P<noun>(?:{NOUNS})\s[^.;]{{3,140}})")
# "… khai mạc vào sáng ngày 08/6/2024", "Lễ trao giải dự kiến tổ chức ngày 12-9-2025".
# What is held may carry a count or a year ("khai giảng lớp … cho 45 cán bộ vào ngày …", "tổ chức chương trình …
# năm 2020 cho … vào tối 01/10/2020"), never a date of its own.
TRAILING = re.compile(rf"(?<!\w)(?P<verb>{VERBS})\s+(?:(?P<what>(?:[^.;:\d]|\d+(?![\d/.\-]|\s*(?:giờ|h)(?!\w)))"
                      rf"{{1,80}}?)\s+)?(?:vào\s+)?{WHEN}")
# "Tổ chức kỷ niệm 93 năm Ngày thành lập … (20/10/1930 – 20/10/2023) vào chiều ngày 19/10/2023": the day it is held.
COMMEMORATION_WHEN = re.compile(rf"(?<!\w)tổ\s+chức\s+(?P<what>(?:[Ll]ễ\s+|[Hh]ọp\s+mặt\s+|[Gg]ặp\s+mặt\s+)?k[ỷỉ]\s+niệm\s+"
                                rf"\d{{1,3}}\s+năm\s[^.;]{{3,160}}?)\s+vào\s+{WHEN}", re.I)
# "… Hội thi cắm hoa … vào ngày 16/11/2023", "Họp mặt kỷ niệm: 7h30, ngày 18/11/2023"
NOUN_THEN_WHEN = re.compile(rf"(?<!\w)(?P<what>(?:{NOUNS})\s[^.;]{{1,100}}?)\s*[:,]?\s+(?:vào\s+)?{WHEN}")
# "Vòng chung kết: ngày 26/7/2023", "Thời gian tổ chức Hội thi: ngày 18/10/2022", "Tổng kết, trao giải: ngày …":
# a label that names the event, a colon, its date.
LABEL_WHEN = re.compile(rf"(?:^|(?<=[.;] )|(?<=\d\. ))[-+–•]?\s*(?:Thời\s+gian\s+tổ\s+chức\s+)?"
                        rf"(?P<what>(?:{NOUNS}|Tổng kết|Trao giải|Khai mạc|Bế mạc)(?:[\s,][^.;:]{{0,80}}?)?)\s*:\s*"
                        rf"(?:vào\s+)?{WHEN}")
# A programme by days: "Ngày 1 (thứ Hai, 19/01/2026): thăm Công ty …" — each day an event named by what it does.
PROGRAMME_DAY = re.compile(rf"(?:^|(?<=[.;] ))[-+–•]?\s*Ngày\s+(?:\d{{1,2}}|thứ\s+\w+)\s*\(\s*(?:{WEEKDAY}\s*,?\s*)?"
                           rf"(?:ngày\s+)?(?:{_V}|{_D}{_D2})\s*\)\s*:\s*(?P<what>[^.;]{{3,100}})")
# A plan for one event ("Tổ chức Hội nghị tổng kết …") and its time line: "1. Thời gian: 14 giờ ngày 23/01/2026".
# The line may name the event again, open with what is done first, and give the day bare or as a range:
# "1. Thời gian tổ chức hội nghị: từ 15/12/2022 – 16/12/2022", "- Thời gian: tập trung lúc 6 giờ 30 phút ngày …".
TIME_LINE = re.compile(rf"^(?:\d+[.)]\s*|[-+–•]\s*)?Thời\s+gian(?:\s+tổ\s+chức(?:\s+[^:\d.;]{{1,40}})?)?\s*:\s*"
                       rf"(?:(?![\d(])[^:;.\d]{{1,30}}?\s)?{_TIME}(?:(?:sáng|chiều|tối|trưa)\s+{_WD}(?:ngày\s+)?"
                       rf"|(?:\(?tức\s+)?(?:từ\s+)?(?:ngày\s+)?{_WD}(?:ngày\s+)?(?=\d{{1,2}}(?:[/.\-]\d|\s+tháng)))"
                       rf"(?:{_V}|{_D}{_D2})")
# "Tổ chức Hội nghị …", "Kế hoạch tổ chức giao lưu …", "Hướng dẫn tổ chức hội nghị …", "Tổ chức sinh hoạt …": one event.
_ONE_EVENT_TITLE = re.compile(rf"^(?:(?:Kế\s+hoạch|Hướng\s+dẫn|Thông\s+báo)\s+)?(?:Tổ chức\s+)?"
                              rf"(?=(?:{NOUNS}|sinh\s+hoạt|buổi)\s)", re.I)
# A contest round held in sittings, each on one day: "Vòng sơ khảo chia làm 2 đợt: đợt 1 tại cụm phía Bắc ngày
# 10/8/2026, đợt 2 …" (a sitting's span, "đợt 1 từ ngày 11-8 đến 17-8", is no event's day).
SITTING = re.compile(rf"(?<!\w)(?P<what>[Đđ]ợt\s+\d{{1,2}})\s+[^.;:,\d]{{0,60}}?\s*,?\s*(?:vào\s+)?ngày\s+"
                     rf"(?:{_V}|{_D}{_D2})(?!\s*(?:đến|-|–))")
_CONTEST_ROUND = re.compile(r"(?<!\w)(?P<r>[Vv]òng\s+(?:sơ\s+khảo|loại|bán\s+kết|chung\s+khảo)|[Hh]ội\s+thi|[Cc]uộc\s+thi)")
ON_ANNIVERSARY = re.compile(r"(?P<what>(?:trao giải|tổng kết|sơ kết|tuyên dương|biểu dương)[^.;]{0,60}?)"
                            r"\s+vào\s+dịp\s+(?:chào\s+mừng\s+)?"
                            r"k[ỷỉ]\s+niệm\s+(?P<n>\d{1,3})\s+năm\s+(?P<name>[^.;(]{3,120})", re.I)
# "… vào tối ngày 01-10 tại Cung Văn hóa Lao động và tối ngày 02-10 tại phường …": the same event on a second day.
_AND_DAY = re.compile(rf"(?:\s+tại\s+[^.;,]{{3,80}}?)?\s+và\s+(?:vào\s+)?{_PART}(?:ngày\s+)?{_D}(?!\s*(?:đến|-|–))")
# "… chuyến thứ nhất khởi hành ngày 24/1, chuyến thứ hai ngày 26/1": the next item of a list, on its own day.
_NEXT_ITEM_DAY = re.compile(rf",\s+(?:và\s+)?(?:chuyến|buổi|phiên|lượt|ca)\s+(?:thứ\s+\w+|\d{{1,2}})\s+(?:vào\s+)?{_PART}"
                            rf"(?:ngày\s+)?{_D}(?!\s*(?:đến|-|–))")
# "Chợ Tết … mở ở hai nơi: tại Khu nhà ở … từ 8 giờ ngày 24/1/2026 …; tại Nhà Văn hóa … ngày 30/1/2026": a place, then
# its day, after an event named earlier in the sentence.
_AT_PLACE_WHEN = re.compile(rf"(?:(?<=[:;])|(?<=[:;] ))\s*tại\s+(?P<place>[^.;:,()\d]{{3,80}}?)\s+(?:vào\s+)?{WHEN}")
_NAMED = re.compile(rf"(?:{NOUNS})\s[^.;:,]{{3,80}}?(?=\s+(?:do|của|được|sẽ)\s|[.;:,]|$)")
_EMPTY_WHAT = re.compile(r"(?i)(?<!\w)(?:sáng|chiều|tối|trưa|đúng|lúc|vào|diễn ra|tổ chức|dự kiến|được|sẽ)(?!\w)|\W")
_SENDS = re.compile(r"(?<!\w)(?:gửi|nộp)\s")
_ISSUES = re.compile(ISSUES, re.I)
_SAYS = re.compile(r"(?<!\w)(?:cho\s+biết|thông\s+tin|chia\s+sẻ|khẳng\s+định)(?!\w)", re.I)
_PLACE = re.compile(r"\s+tại\s+([^.;,]{3,80})")
_KINDS = (("khai mạc", "khai-mac"), ("bế mạc", "be-mac"), ("khai giảng", "khai-mac"), ("bế giảng", "be-mac"),
          ("trao giải", "trao-giai"), ("phát động", "le-phat-dong"),
          ("hội nghị", "hoi-nghi"), ("họp", "hoi-nghi"), ("bốc thăm", "hoi-nghi"), ("sơ kết", "hoi-nghi"),
          ("tổng kết", "hoi-nghi"),
          ("đại hội", "dai-hoi"), ("thi", "contest"), ("chung kết", "contest"), ("hội thao", "contest"),
          ("giải", "contest"), ("giao lưu", "contest"), ("hội diễn", "contest"))


# The one year a sentence names ("… năm 2023 …"), for a day it writes without one.
_NAMED_YEAR = re.compile(r"(?<!\w)năm\s+(\d{4})(?!\s*[-–—]\s*\d)(?!\d)")
# An observance month's own span is the observance (the national calendar's), not an event held in it.
_OBSERVANCE_MONTH = re.compile(r"Tháng\s+(?:Công\s+nhân|hành\s+động|cao\s+điểm)(?!\w)", re.I)
_RANGE_END = re.compile(r"(?<!\w)đến(?:\s+hết)?\s+(?:ngày\s+)?(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4})(?!\d)")


def _year_of_range(text: str, first: str, start: int, stop: int) -> str:
    """A first day written without its year takes the year of the range's last day in the same clause."""
    end = _RANGE_END.search(text, start, stop)
    if end is None:
        return first
    d, m = (int(x) for x in first.split("/"))
    year = int(end["y"]) - ((m, d) > (int(end["m"]), int(end["d"])))
    return f"{first}/{year}"


@dataclass
class _Found:
    start: int
    end: int
    title: str
    m: re.Match[str]
    verb: str = ""


def _kind(text: str) -> str:
    low = text.lower()
    return next((k for word, k in _KINDS if word in low), "other")


def _title(text: str) -> str:
    text = re.split(r"\s+(?:vào|tại|lúc|với sự tham dự|cho|nhằm|để)\s|[(:]", text.strip(), maxsplit=1)[0]
    text = re.sub(r"(?:\s+(?:dự kiến|sẽ|được|đã|đúng|tổ chức|diễn ra|vào))+$", "", text.strip(" ,"))
    text = re.sub(r"\s+", " ", text).strip(" ,–-")
    if len(text) > 120:
        text = text[:120].rsplit(" ", 1)[0] + "…"
    text = cap(text)
    return text + "”" if text.count("“") > text.count("”") else text


def event_title(text: str) -> str:
    """An event's title from the words that name it (shared with the pass for dates tied to Tết)."""
    return _title(text)





def _parts(m: re.Match[str]) -> tuple[str | None, str | None]:
    """(first day, last day) as the calendar writes them ("15/11/2025", "12/2" when the text gives no year)."""
    if m["vd"]:
        return n.written(m["vd"], m["vm"], m["vy"]), None
    if m["d2"]:  # "từ ngày 14 đến ngày 16/9/2018", "từ 18-8-2025 đến 31-8-2025"
        y2 = m["y2"]
        first = n.written(m["d"], m["m"] or m["m2"], m["y"] or y2)
        return first, n.written(m["d2"], m["m2"], y2)
    if not m["m"]:
        return None, None
    return n.written(m["d"], m["m"], m["y"]), None


class EventPass(Context):
    def events_in(self, bi: int, b: Block, text: str) -> None:
        f = self.f
        if self.reviewed[bi]:  # "- Đã tổ chức Hội nghị … vào ngày 22/9/2023" under "I. KẾT QUẢ …": the past period's
            return
        found: list[_Found] = []
        for m in LEADING.finditer(text):
            if m["range"] is not None and not m["d2"]:
                continue  # "Từ ngày 01/3/2026, …" alone: where something starts (a phase, a rule), not an event
            rest = text[m.end():]
            w = _LEAD_WHAT.match(rest)
            if w and m["bare"] is not None and _SENDS.search(rest, 0, 200) and not w["noun"]:
                continue  # "- 10/12/2024: các tổ công đoàn gửi biên bản về …": a deadline (dated.py), not an event
            if w and w["who"] and _ISSUES.search(w["who"]):
                continue  # "Ngày 12/3/2019, Công đoàn … ban hành công văn … về việc tổ chức …": the document's day
            says = _SAYS.search(rest, 0, min([len(rest), 120] + [i for i in (rest.find("."), rest.find(";")) if i >= 0]))
            if says and not (w and w.start("verb") >= 0 and w.start("verb") < says.start()):
                # "Ngày 09/02/2026, Công đoàn phường … cho biết đã trao xong …": the day it was said, not done
                said = n.make_date(int(m["d"]), int(m["m"]), int(m["y"])) if m["d"] and m["m"] and m["y"] else None
                if said:
                    self.said_days.append((said, quote(b, m.start(), m.end())))
                continue
            if w and m["range"] is not None and not _RANGE_EVENT.match(w["what"] or w["noun"]):
                continue
            if w:
                what = w["what"] if w["what"] else w["noun"]
                verb = w["verb"] or ""
                if verb in ("tổ chức", "diễn ra", ""):
                    title = _title(what)
                elif verb in ("khai mạc", "bế mạc", "trao giải") or verb.startswith(("trao", "tặng")):
                    # "Sáng 12/6/2022, tại …, LĐLĐ khai mạc Giải …", "Ngày 16/5/2020, … trao 100 phần quà …"
                    title = _title(f"{verb} {what}")
                else:
                    title = _title(f"{(w['who'] or '').strip()} {verb}")
                found.append(_Found(m.start(), m.end() + w.end(), title, m, verb))
        clauses = Clauses(text)
        for m in TRAILING.finditer(text):
            start = clauses.start(m.start())
            subject = text[start:m.start()].strip(" ,")
            verb = m["verb"]
            what = _title(m["what"]) if m["what"] and not re.match(r"(?:tại|lúc|vào|trong|từ)(?:\s|$)", m["what"]) else ""
            if not _EMPTY_WHAT.sub("", what):  # "… tổ chức sáng ngày …", "lễ bế mạc diễn ra chiều …": no name
                what = ""
            subject = re.sub(r"^(?:Thực hiện|Căn cứ|Theo)\s[^,]{0,120},\s*", "", subject)
            if what and verb == "tổ chức":  # "… tổ chức giao lưu thể thao vào chiều ngày 15/11/2025"
                title = what
            elif what:
                title = _title(f"{verb} {what}")
            elif subject and len(subject) <= 160:
                title = _title(subject if verb in ("tổ chức", "diễn ra", "họp", "thực hiện") else f"{subject} {verb}")
            elif verb in ("khai mạc", "bế mạc", "trao giải"):  # "Hội thi … tổ chức: khai mạc lúc 7 giờ 30 ngày …"
                named = _NAMED.search(text, max(0, start - NEAR, text.rfind(". ", max(0, start - NEAR), start) + 1), start)
                title = _title(f"{verb} {named[0]}" if named else verb)
            else:
                continue
            found.append(_Found(start, m.end(), title, m, verb))
        for m in COMMEMORATION_WHEN.finditer(text):
            found.append(_Found(m.start(), m.end(), _title(m["what"]), m))
        for m in NOUN_THEN_WHEN.finditer(text):
            found.append(_Found(m.start(), m.end(), _title(m["what"]), m))
        for m in LABEL_WHEN.finditer(text):
            found.append(_Found(m.start(), m.end(), _title(m["what"]), m))
        for m in _AT_PLACE_WHEN.finditer(text):
            sentence = max(0, text.rfind(". ", 0, m.start()) + 1, m.start() - NEAR)
            names = list(_NAMED.finditer(text, sentence, m.start()))
            if names:
                found.append(_Found(m.start(), m.end(), _title(names[0][0]), m))
        for m in PROGRAMME_DAY.finditer(text):
            found.append(_Found(m.start(), m.end(), _title(m["what"]), m))
        for m in SITTING.finditer(text):
            rounds = list(_CONTEST_ROUND.finditer(text, max(0, m.start() - 200), m.start()))
            if rounds and not m["d2"]:
                found.append(_Found(m.start(), m.end(), _title(f"{rounds[-1]['r']}, {m['what'].lower()}"), m, "thi"))
        one = _ONE_EVENT_TITLE.match(f.title or "")
        time_line = TIME_LINE.match(text) if one and not f.events else None
        if time_line and one:
            found.append(_Found(time_line.start(), time_line.end(), _title(f.title[one.end():]), time_line))  # type: ignore[index]
        periods = self._phase_periods(b, text)  # "Đợt … diễn ra từ ngày phát động đến hết ngày 30/9/2025": a phase's bounds
        taken: list[tuple[int, int]] = list(periods)
        covered = 0  # items come in order of their dates: one taken before covers this one when it ends after it
        for item in sorted(found, key=lambda x: x.m.start("d") if x.m["d"] else x.m.start("vd")):
            where = (item.m.start("d") if item.m["d"] else item.m.start("vd"))
            if where < covered or any(a <= where < z for a, z in periods) or not item.title or len(item.title) < 4:
                continue
            if not_the_day(text, where, clauses):
                taken.append((where, item.m.end()))
                covered = max(covered, item.m.end())
                continue
            first, last = _parts(item.m)
            if first is None:
                continue
            if last and _OBSERVANCE_MONTH.match(item.title):  # "Tháng Công nhân năm 2026 diễn ra từ ngày 1 – 31/5"
                taken.append((where, item.m.end()))
                covered = max(covered, item.m.end())
                continue
            if first.count("/") == 1:  # "khai mạc từ ngày 26-8 và kéo dài đến ngày 4-9-2025": the range's year
                first = _year_of_range(text, first, item.m.end(), min(clauses.end(item.m.end()), item.m.end() + NEAR))
            taken.append((where, item.m.end()))
            covered = max(covered, item.m.end())
            ev = Event(self.new_id(item.title), item.title, quote(b, item.start, item.end), date=first, end=last,
                       kind=_kind(f"{item.title} {item.verb}"))
            if "h" in item.m.re.groupindex and item.m["h"]:
                ev.time = f"{int(item.m['h']):02d}:{item.m['mi'] or '00'}"
                if item.m["h2"]:
                    ev.end_time = f"{int(item.m['h2']):02d}:{item.m['mi2'] or '00'}"
            place = _PLACE.match(text, item.m.end())
            if place:
                ev.place = place[1].strip()
            f.events.append(ev)
            if first.count("/") == 1:  # "Chiều nay (16/11), … kiểm tra … tài chính công đoàn năm 2023 …"
                years = set(_NAMED_YEAR.findall(text, clauses.start(where), clauses.end(where)))
                if len(years) == 1:
                    dd, mm = (int(x) for x in first.split("/"))
                    day = n.make_date(dd, mm, int(years.pop()))
                    if day:
                        self.sentence_days.append((day, ev.where))
            again = _AND_DAY.match(text, item.m.end()) or _NEXT_ITEM_DAY.match(text, item.m.end())
            if again and again["m"] and not last:
                year = again["y"] or (first[-4:] if first.count("/") == 2 else None)
                f.events.append(Event(self.new_id(item.title), item.title, quote(b, item.start, again.end()),
                                      date=n.written(again["d"], again["m"], year), kind=ev.kind))
                covered = max(covered, again.end())
        self._legacy_dated(b, text, taken)
        self._legacy_undated(b, text, taken)
        for m in ON_ANNIVERSARY.finditer(text):
            self._on_anniversary(b, m)

    def _phase_periods(self, b: Block, text: str) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        for p in self.f.phases:
            if (p.where.line, p.where.page) == (b.line, b.page) and p.as_written:
                words = re.compile(r"\s+".join(map(re.escape, p.as_written.split())), re.I)
                m = words.search(text, max(0, p.offset - 200))
                if m:
                    out.append((m.start(), m.end()))
        return out

    def _on_anniversary(self, b: Block, m: re.Match[str]) -> None:
        ids = self.matcher.ids(m["name"], None, False)
        refs = [r for r in self.matcher.refs if r.id in ids]
        if len(refs) != 1:
            return
        ref = refs[0]
        day = n.make_date(ref.base.day, ref.base.month, ref.base.year + int(m["n"]))
        if day is None:
            return
        what = m["what"]
        verb = re.search(r"trao giải|tổng kết|sơ kết|tuyên dương|biểu dương", what, re.I)
        title = _title(what[verb.start():] if verb else what)
        ev = Event(self.new_id(title), title, quote(b, m.start(), m.end()), date=f"{day.day:02d}/{day.month:02d}/{day.year}",
                   kind=_kind(title), as_written=cap(f"vào dịp kỷ niệm {m['n']} năm {m['name'].strip()}"))
        ev.notes.append(f"văn bản ghi \"vào dịp\" kỷ niệm: tạm lấy ngày kỷ niệm {day:%d/%m/%Y}, sửa khi biết ngày tổ chức")
        self.f.events.append(ev)

    def _legacy_dated(self, b: Block, text: str, taken: list[tuple[int, int]]) -> None:
        f = self.f
        clauses = Clauses(text)
        for m in DATED_EVENT.finditer(text):
            if any(a <= m.start("d1") < z for a, z in taken) or not_the_day(text, m.start("d1"), clauses):
                continue
            title = re.sub(r"\s+(?:được\s+)?(?:tổ chức|diễn ra)$", "", m["ev"].strip())
            ev = Event(self.new_id(title), cap(title), quote(b, m.start(), m.end()), date=n.written(m["d1"], m["m1"], m["y1"]),
                       place=m["place"].strip() if m["place"] else None, kind=_kind(title))
            if m["d2"]:
                ev.end = n.written(m["d2"], m["m2"], m["y2"])
            if m["h"]:
                ev.time = f"{int(m['h']):02d}:{m['mi'] or '00'}"
                if m["h2"]:
                    ev.end_time = f"{int(m['h2']):02d}:{m['mi2'] or '00'}"
            f.events.append(ev)
            taken.append((m.start("d1"), m.end()))

    def _legacy_undated(self, b: Block, text: str, taken: list[tuple[int, int]]) -> None:
        f = self.f
        for m in UNDATED_EVENT.finditer(text):
            if ON_ANNIVERSARY.search(m[0]) or any(a <= m.start() < z for a, z in taken):
                continue
            title = re.sub(r"\s+(?:được\s+)?(?:tổ chức|diễn ra)$", "", m["ev"].strip())
            ev = Event(self.new_id(title), cap(title), quote(b, m.start(), m.end()), as_written=m["when"].strip(),
                       kind=_kind(title))
            ev.notes.append(f'văn bản chỉ ghi "{m["when"].strip()}": sự kiện chưa có ngày')
            f.events.append(ev)
        for m in AFTER_EVENT.finditer(text):
            when = m["when"].strip()
            ev = Event(self.new_id(m["ev"]), cap(m["ev"].strip()), quote(b, m.start(), m.end()),
                       as_written=when[:1].lower() + when[1:])
            ev.notes.append(f'văn bản chỉ ghi "{when}": sự kiện chưa có ngày')
            f.events.append(ev)

    def resolve_events(self, final: bool) -> None:
        """Dates written without a year take the campaign's; at the end, an event that still has none is dropped."""
        f = self.f
        kept: list[Event] = []
        for ev in f.events:
            if ev.date and ev.date.count("/") == 1:
                if f.year is None:
                    if not final:
                        kept.append(ev)
                    continue
                ev.date = f"{ev.date}/{f.year}"
                ev.notes.append(f"văn bản không ghi năm: lấy năm {f.year} của phong trào")
            if ev.end and ev.end.count("/") == 1 and f.year:
                ev.end = f"{ev.end}/{f.year}"
            if ev.date:
                d, mo, y = (int(x) for x in ev.date.split("/"))
                ev.day = n.make_date(d, mo, y)
                if ev.day is None:
                    ev.notes.append(f'ngày "{ev.date}" không có thật: sửa theo văn bản gốc')
                    ev.as_written, ev.date, ev.end = ev.as_written or ev.date, None, None
            kept.append(ev)
        f.events = kept
