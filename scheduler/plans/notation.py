"""Dates and periods as Vietnamese plans write them, read out of running text (pure).

"28/7/1929", "28-7-1929", "28.7.1929", "1.1", "ngày 21 tháng 02 năm 2024",
"từ tháng 01/2024 đến 31/7/2024", "từ tháng 03 - 05/2024", "đến hết năm 2017",
"từ ngày phát động", "từ sau 30/10", "đến hết học kỳ I", every kind of dash.
The values returned are calendar-format strings (what `scheduler.core.dates`
parses) plus resolved `date`s for checks.
"""

from __future__ import annotations

import calendar as _calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

DASH = r"[-–—‐‑−]"
# d/m/y with one separator kind throughout (so "1.1 - 30.6" is two dates, "5.000" none).
DATE = r"(?<![\d/.\-])(?P<d>\d{1,2})(?P<s>[/.\-])(?P<m>\d{1,2})(?:(?P=s) ?(?P<y>\d{4}))?(?![\d]|[/.\-]\d)"
DATE_RE = re.compile(DATE)
VERBAL_RE = re.compile(r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})", re.I)
WEEKDAYS = {"thứ hai": 0, "thứ ba": 1, "thứ tư": 2, "thứ năm": 3, "thứ sáu": 4, "thứ bảy": 5, "chủ nhật": 6}
ORDINAL_WORDS = {"nhất": 1, "một": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8}


def number_word(text: str) -> int | None:
    text = text.strip().lower()
    if text.isdigit():
        return int(text)
    return ORDINAL_WORDS.get(text)


def roman(text: str) -> tuple[int | None, bool]:
    """Roman numeral → value; typos where 1 or l stands for I are read, flagged True."""
    fixed = text.replace("1", "I").replace("l", "I")
    values = {"I": 1, "V": 5, "X": 10}
    if not fixed or any(ch not in values for ch in fixed):
        return None, False
    total = 0
    for i, ch in enumerate(fixed):
        v = values[ch]
        total += -v if i + 1 < len(fixed) and values[fixed[i + 1]] > v else v
    return total, fixed != text


def make_date(d: int, m: int, y: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def month_end(y: int, m: int) -> date:
    return date(y, m, _calendar.monthrange(y, m)[1])


def written(d: str, m: str, y: str | None) -> str:
    """A date as the calendar format writes it, keeping the document's zero padding."""
    return f"{d}/{m}/{y}" if y else f"{d}/{m}"


@dataclass
class Bound:
    """One end of a period: the calendar-format value and, when known, its date."""

    value: Any  # str | dict | None
    day: date | None = None
    year: int | None = None
    notes: list[str] = field(default_factory=list)
    day_only: int | None = None  # "từ ngày 26 đến ngày 27/6/2023": the day; month and year come from the end
    month_only: int | None = None  # "từ tháng 3 đến tháng 5 năm 2020": the month; the year comes from the end


_SEP = rf"\s*,?\s*(?:(?:cho\s+)?(?:đến|tới)|(?:và\s+)?kết\s+thúc(?:\s+vào)?|{DASH})\s*"
_BARE_MONTH = re.compile(r"tháng\s+(?P<m>\d{1,2})(?!\s*[/\-.]\s*\d)(?:\s+năm\s+(?P<y>\d{4}))?", re.I)
_DAY_ONLY = re.compile(rf"(?:ngày\s+)?(?P<d>\d{{1,2}})(?=\s*(?:đến|tới|{DASH})\s)", re.I)
# A start named without a date ("từ ngày khai giảng đến …"): read, kept as written, never dated.
_NAMED_START = re.compile(r"(?P<w>(?:ngày|khi|lúc)\s+[^\d.;:()]{3,40}?)(?=\s+(?:đến|tới)\s)", re.I)
_MONTH = re.compile(r"tháng\s+(?P<m>\d{1,2})\s*/\s*(?P<y>\d{4})", re.I)
_MONTH_RANGE = re.compile(rf"tháng\s+(?P<m1>\d{{1,2}})\s*{DASH}\s*(?P<m2>\d{{1,2}})\s*/\s*(?P<y>\d{{4}})", re.I)
_DAY_MONTH_YEAR_WORD = re.compile(r"(?:hết\s+)?(?:ngày\s+)?(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})", re.I)
_VERBAL_NO_YEAR = re.compile(r"(?:ngày\s+)?(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})(?!\d)(?!\s*(?:năm\s+\d|[/\-.]\s*\d))", re.I)
_MONTH_TYPO = re.compile(rf"tháng\s+{DATE}", re.I)  # "từ tháng 01/01/2024"


def _date_at(text: str) -> tuple[re.Match[str] | None, bool]:
    m = VERBAL_RE.match(text)
    if m:
        return m, True
    m = re.match(rf"(?:ngày\s+)?{DATE}", text, re.I)
    return m, False


def _start(text: str) -> tuple[Bound, int] | None:
    low = text.lower()
    if low.startswith("ngày phát động") or low.startswith("khi phát động"):
        n = len("ngày phát động")
        return Bound("ngày phát động"), n
    if re.match(r"nay\s", low):  # "từ nay đến …": from the launch
        return Bound("ngày phát động"), 3
    m = re.match(r"(?:đầu\s+)?năm\s+(\d{4})(?!\s*[-–—/]\s*\d)|đầu\s+năm(?!\s+học)", text, re.I)
    if m:  # "từ năm 2026", "từ đầu năm 2026", "từ đầu năm"
        if m[1]:
            y = int(m[1])
            return Bound(f"01/01/{y}", date(y, 1, 1), y), m.end()
        return Bound(None, month_only=1), m.end()
    m = _MONTH_RANGE.match(text)
    if m:  # "tháng 03 - 05/2024": the start month; the end comes from the same match
        y = int(m["y"])
        b = Bound(f"tháng {m['m1']}/{m['y']}", date(y, int(m["m1"]), 1), y)
        return b, m.end()
    m = _MONTH_TYPO.match(text)
    if m:
        d, mo, ys = m["d"], m["m"], m["y"]
        b = Bound(written(d, mo, ys), make_date(int(d), int(mo), int(ys)) if ys else None, int(ys) if ys else None)
        b.notes.append(f'văn bản ghi "{m[0]}": đọc là ngày {written(d, mo, ys)}')
        return b, m.end()
    m = _MONTH.match(text)
    if m:
        y = int(m["y"])
        return Bound(f"tháng {m['m']}/{m['y']}", date(y, int(m["m"]), 1), y), m.end()
    # "ngày khai giảng (05/9/2019)", "mùng 1 Tết (29/01/2025)": the date in brackets.
    named = re.match(r"(?:ngày|mùng|mồng)\s+[^()\d/]{0,30}?\d*\s*[^()\d/]{0,20}\((?P<inner>[^()]+)\)", text, re.I)
    if named:
        dm, _ = _date_at(named["inner"].strip())
        if dm and dm["y"]:
            day = make_date(int(dm["d"]), int(dm["m"]), int(dm["y"]))
            b = Bound(written(dm["d"], dm["m"], dm["y"]), day, int(dm["y"]))
            return b, named.end()
    sau = re.match(r"sau\s+(?:ngày\s+)?", text, re.I)
    if sau:
        dm, _ = _date_at(text[sau.end():])
        if dm:
            ys = dm["y"]
            value = f"sau {written(dm['d'], dm['m'], ys)}"
            day = make_date(int(dm["d"]), int(dm["m"]), int(ys)) if ys else None
            return Bound(value, day + timedelta(days=1) if day else None, int(ys) if ys else None), sau.end() + dm.end()
    m = _VERBAL_NO_YEAR.match(text)
    if m:  # "từ ngày 01 tháng 5 đến ngày 31 tháng 8 năm 2024": the year comes from the end
        return Bound(written(m["d"], m["m"], None)), m.end()
    dm, verbal = _date_at(text)
    if dm:
        ys = dm["y"]
        value = written(dm["d"], dm["m"], ys)
        return Bound(value, make_date(int(dm["d"]), int(dm["m"]), int(ys)) if ys else None, int(ys) if ys else None), dm.end()
    m = _BARE_MONTH.match(text)
    if m:
        if m["y"]:
            y = int(m["y"])
            return Bound(f"tháng {m['m']}/{y}", make_date(1, int(m["m"]), y), y), m.end()
        return Bound(None, month_only=int(m["m"])), m.end()
    m = _DAY_ONLY.match(text)
    if m:
        return Bound(None, day_only=int(m["d"])), m.end()
    m = _NAMED_START.match(text)
    if m and "phát động" not in m["w"].lower():
        b = Bound(None)
        b.notes.append(f'đợt bắt đầu "từ {m["w"].strip()}", văn bản không ghi ngày: điền start khi biết')
        return b, m.end()
    return None


_NAMED_END = re.compile(
    r"(?P<w>hết\s+(?:học\s+kỳ\s+[IV12]+|năm\s+học|giai\s+đoạn|năm(?!\s+\d)|quý\s+[IV1-4]+)|cuối\s+năm(?!\s+(?:\d|học))"
    r"|(?P<close>kết\s+thúc|cuối)\s+(?:học\s+kỳ\s+[IV12]+|năm\s+học)|khi\s+[^.;:)]+)", re.I
)


_QUARTER_END = re.compile(r"(?:hết\s+)?quý\s+(?P<q>IV|I{1,3}|[1-4])(?!\w)(?:\s*/\s*|\s+năm\s+)(?P<y>\d{4})", re.I)
_QUARTER_NUMBER = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


# "đến hết ngày mùng 10 tháng Giêng năm Đinh Mùi (tức ngày 15/02/2027)": the plan gives the solar day itself.
_LUNAR_SAID_SOLAR = re.compile(r"(?:hết\s+)?(?:ngày\s+)?(?P<lunar>[^()/;.]{3,60}?)\s*\(\s*(?:tức|nhằm|là)\s+(?:ngày\s+)?"
                               r"(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4})\s*\)", re.I)
_LUNAR_WORDS = re.compile(r"\b(?:Tết|tháng\s+Giêng|tháng\s+Chạp|âm\s+lịch|Rằm)\b", re.I)


def _lunar_disagrees(words: str, said: date | None) -> str | None:
    """Why the solar day a plan gives beside a lunar one is not that lunar day (checked on Vietnam's calendar),
    or None: it is, or the lunar words are not a day the calendar computes."""
    from scheduler.core.campaign import tet_date  # only here: the lunar calendar is needed for this check alone
    from scheduler.core.dates import DateSyntaxError, parse_tet_relative, vn_date
    from scheduler.core.lunar import SUPPORTED_YEARS

    words = re.sub(r"^(?:hết\s+)?(?:ngày\s+)?|\s+năm\s+\S+\s+\S+\s*$", "", " ".join(words.split()), flags=re.I)
    try:
        expr = parse_tet_relative(words)
    except DateSyntaxError:
        return None
    if said is None or expr is None:
        return None
    years = [y for y in (said.year - 1, said.year, said.year + 1) if y in SUPPORTED_YEARS and y - 1 in SUPPORTED_YEARS]
    days = [tet_date(expr, y) for y in years]
    if not days or said in days:
        return None
    near = min(days, key=lambda d: abs((d - said).days))
    return f"văn bản ghi {words} là {vn_date(said)}, nhưng theo lịch âm Việt Nam {words} là {vn_date(near)}"


def _end(text: str, start: Bound) -> tuple[Bound, int] | None:
    m = _LUNAR_SAID_SOLAR.match(text)
    if m and _LUNAR_WORDS.search(m["lunar"]):
        y = int(m["y"])
        bound = Bound(written(m["d"], m["m"], m["y"]), make_date(int(m["d"]), int(m["m"]), y), y)
        disagrees = _lunar_disagrees(m["lunar"], bound.day)
        if disagrees:
            bound.notes.append(disagrees)
        return bound, m.end()
    m = re.match(r"hết\s+năm\s+(?P<y>\d{4})", text, re.I)
    if m:
        y = int(m["y"])
        return Bound("hết năm", date(y, 12, 31), y), m.end()
    m = _QUARTER_END.match(text)
    if m:  # "đến hết quý I/2025", "đến hết quý II năm 2019": the quarter's last day
        y, q = int(m["y"]), _QUARTER_NUMBER[m["q"].lower()]
        last = month_end(y, 3 * q)
        return Bound(f"{last:%d/%m/%Y}", last, y), m.end()
    m = re.match(r"(?:cuối\s+)?năm\s+(?P<y>\d{4})(?!\s*[-–—/]\s*\d)", text, re.I)
    if m:  # "đến năm 2028", "đến cuối năm 2026"
        y = int(m["y"])
        return Bound(f"31/12/{y}", date(y, 12, 31), y), m.end()
    m = re.match(r"(?:hết\s+|cuối\s+)?", text, re.I)
    month = _MONTH.match(text, m.end() if m else 0)
    if month:
        y, mo = int(month["y"]), int(month["m"])
        return Bound(f"tháng {month['m']}/{month['y']}", month_end(y, mo), y), month.end()
    m = _BARE_MONTH.match(text, m.end() if m else 0)  # "đến tháng 8", "đến hết tháng 12"
    if m and 1 <= int(m["m"]) <= 12:
        if m["y"]:
            y, mo = int(m["y"]), int(m["m"])
            return Bound(f"tháng {mo}/{y}", month_end(y, mo), y), m.end()
        return Bound(None, month_only=int(m["m"])), m.end()
    m = _DAY_MONTH_YEAR_WORD.match(text)
    if m:  # "đến ngày 20/11 năm 2025"
        y = int(m["y"])
        return Bound(written(m["d"], m["m"], m["y"]), make_date(int(m["d"]), int(m["m"]), y), y), m.end()
    m = re.match(r"(?:hết\s+)?", text, re.I)
    rest = text[m.end():] if m else text
    dm, _ = _date_at(rest)
    if dm is None:
        m = re.match(r"(?:hết\s+)?(?:ngày\s+)?", text, re.I)
        rest = text[m.end():] if m else text
        dm, _ = _date_at(rest)
    if dm:
        ys = dm["y"] or (str(start.year) if start.year else None)
        value = written(dm["d"], dm["m"], ys)
        day = make_date(int(dm["d"]), int(dm["m"]), int(ys)) if ys else None
        b = Bound(value, day, int(ys) if ys else None)
        if not dm["y"]:
            b.notes.append("văn bản không ghi năm của ngày kết thúc")
        return b, (m.end() if m else 0) + dm.end()
    n = _NAMED_END.match(text)
    if n:
        words = n["w"].strip().rstrip(",")
        if n["close"]:  # "đến kết thúc năm học", "đến cuối học kỳ I": the same end as "hết …"
            words = "hết " + words[n.end("close") - n.start("w"):].strip()
        low = words.lower()
        if low in ("hết năm học", "hết giai đoạn", "hết năm", "cuối năm"):
            return Bound("hết năm" if low == "cuối năm" else low), n.end()
        if low.startswith("khi"):
            return Bound({"until": "đến " + words}), n.end()
        return Bound(words), n.end()
    return None


@dataclass
class Period:
    start: Bound | None
    end: Bound | None
    as_written: str  # "Từ tháng 01/2024 đến 31/7/2024"
    end_offset: int  # where the period ends in the text given to `parse_period`


def parse_period(text: str) -> Period | None:
    """Read "từ X đến Y" at the start of `text` (after the word "từ")."""
    m = re.match(r"\s*[Tt]ừ\s+", text)
    if not m:
        return None
    pos = m.end()
    month_range = _MONTH_RANGE.match(text[pos:])
    started = _start(text[pos:])
    if started is None:
        return None
    start, n = started
    pos += n
    if month_range:
        y, m2 = int(month_range["y"]), int(month_range["m2"])
        end = Bound(f"tháng {month_range['m2']}/{month_range['y']}", month_end(y, m2), y)
        return Period(start, end, _as_written(text[m.start():pos]), pos)
    aside = re.match(r"\s*\([^()/]{1,60}\)", text[pos:])  # "từ 01/5/2025 (sau lễ sơ kết đợt 1) đến …"
    if aside and re.match(_SEP, text[pos + aside.end():], re.I):
        pos += aside.end()
    sep = re.match(_SEP, text[pos:], re.I)
    if not sep:
        return Period(start, None, _as_written(text[m.start():pos]), pos)
    after = pos + sep.end()
    ending = _end(text[after:], start)
    if ending is None:
        return Period(start, None, _as_written(text[m.start():pos]), pos)
    end, n = ending
    _complete_start(start, end)
    if start.year is None and end.year is not None and isinstance(start.value, str) and re.fullmatch(r"\d+/\d+", start.value):
        d, mo = start.value.split("/")
        y = end.year - 1 if end.day is not None and int(mo) > end.day.month else end.year  # "từ 15/12 đến 15/01/2027"
        start.value = f"{start.value}/{y}"
        start.day = make_date(int(d), int(mo), y)
        start.year = y
    if start.year is None and end.year is not None and isinstance(start.value, str) and re.fullmatch(r"sau \d+/\d+", start.value):
        d, mo = start.value[4:].split("/")
        start.value = f"{start.value}/{end.year}"
        day = make_date(int(d), int(mo), end.year)
        start.day, start.year = (day + timedelta(days=1) if day else None), end.year
    if start.value == "ngày phát động" and end.year:
        start.year = end.year
    if end.value == "hết năm" and start.year and end.year is None:  # "từ 01/7/2025 đến hết năm": the start's year
        end.day, end.year = date(start.year, 12, 31), start.year
    elif end.value == "hết năm" and start.year and end.year != start.year:
        end.value = f"31/12/{end.year}"
    return Period(start, end, _as_written(text[m.start():after + n]), after + n)


def _complete_start(start: Bound, end: Bound) -> None:
    """A start written with its day or month only takes the rest from the end ("từ ngày 1 đến 31-12-2025")."""
    if start.day_only is not None and end.day is not None:
        start.value = written(str(start.day_only), str(end.day.month), str(end.day.year))
        start.day, start.year = make_date(start.day_only, end.day.month, end.day.year), end.day.year
        if start.day is None:
            start.value = None
            start.notes.append("ngày bắt đầu không có thật: sửa theo văn bản gốc")
    if start.month_only is not None and end.year is not None and 1 <= start.month_only <= 12:
        end_month = end.day.month if end.day else end.month_only or 12
        y = end.year - 1 if start.month_only > end_month else end.year
        start.value, start.day, start.year = f"tháng {start.month_only}/{y}", date(y, start.month_only, 1), y
    if end.month_only is not None and start.year is not None and 1 <= end.month_only <= 12:
        y = start.year + 1 if start.day is not None and end.month_only < start.day.month else start.year
        end.value, end.day, end.year = f"tháng {end.month_only}/{y}", month_end(y, end.month_only), y


def _as_written(text: str) -> str:
    text = re.sub(r"\s+", " ", text.strip())
    return text[:1].upper() + text[1:]


SPAN_SCHOOL = re.compile(rf"năm\s+học\s+(?P<a>\d{{4}})\s*{DASH}\s*(?P<b>\d{{4}})", re.I)
SPAN_STAGE = re.compile(rf"giai\s+đoạn\s+(?P<a>\d{{4}})\s*{DASH}\s*(?P<b>\d{{4}})", re.I)
_SPAN_YEAR = re.compile(r"năm\s+(?P<a>\d{4})(?!\s*[-–—]\s*\d)", re.I)
_SPAN_MONTH = re.compile(r"(?<!\w)tháng\s+\d{1,2}\s*[/.\-]\s*(?P<a>\d{4})(?!\d)", re.I)


@dataclass
class Span:
    year: int | None
    value: str | None  # span as the calendar writes it, when not a calendar year
    start: date
    end: date


def campaign_span(title: str) -> Span | None:
    """The campaign's span from the plan's title: năm học / giai đoạn / năm, whichever the title names first
    ("Thi đua năm 2024 thực hiện Nghị quyết giai đoạn 2021-2025" is for 2024)."""
    found: list[tuple[int, Span]] = []
    m = SPAN_SCHOOL.search(title)
    if m:
        a, b = int(m["a"]), int(m["b"])
        found.append((m.start(), Span(None, f"năm học {a}–{b}", date(a, 9, 1), date(b, 5, 31))))
    m = SPAN_STAGE.search(title)
    if m:
        a, b = int(m["a"]), int(m["b"])
        found.append((m.start(), Span(None, f"giai đoạn {a}–{b}", date(a, 1, 1), date(b, 12, 31))))
    for m in (_SPAN_YEAR.search(title), _SPAN_MONTH.search(title)):  # "… năm 2024"; a month's plan "… THÁNG 10/2023"
        if m:
            y = int(m["a"])
            found.append((m.start(), Span(y, None, date(y, 1, 1), date(y, 12, 31))))
    return min(found, key=lambda x: x[0])[1] if found else None
