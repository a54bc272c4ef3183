"""A phase's time however the plan writes it: "từ … đến …", a quarter, a half-year, a month range (pure).

`period_at` reads the period that starts at the beginning of its text:
"từ 01/7/2021 đến 15/12/2021", "(từ tháng 01/2020 đến 30/6/2020)", "bắt đầu từ
ngày 11.10.2021 và kết thúc vào ngày 19.11.2021", "quý IV/2026", "quý II năm 2019",
"6 tháng đầu năm 2018", "tháng 1-6/2025", "trong tháng 6/2024". A year the
text leaves out stays out (`Bound.year` None) until the campaign's year fills it.
"""

from __future__ import annotations

import re

from scheduler.plans import notation as n
from scheduler.plans.notation import DASH, Bound, Period

_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_QUARTER = re.compile(r"quý\s+(?P<q>IV|I{1,3}|[1-4])(?!\w)(?:\s*/\s*|\s+năm\s+)?(?P<y>\d{4})?", re.I)
# "quý I và quý II/2026", "quý I, II/2026", "quý II - III năm 2019", "quý I đến quý III/2026": one period
_QUARTER_RANGE = re.compile(rf"quý\s+(?P<q1>IV|I{{1,3}}|[1-4])\s*(?:,|và|đến|tới|{DASH})\s*(?:hết\s+)?(?:quý\s+)?"
                            r"(?P<q2>IV|I{1,3}|[1-4])(?!\w)(?:\s*/\s*|\s+năm\s+)(?P<y>\d{4})", re.I)
# "Giai đoạn 1 (2021 - 2023)": a phase written as a range of whole years, right after its label
_YEAR_RANGE = re.compile(rf"(?:từ\s+)?(?:năm\s+)?(?P<a>(?:19|20)\d\d)\s*(?:{DASH}|đến)\s*(?:năm\s+)?(?P<b>(?:19|20)\d\d)"
                         r"(?![\d/.\-])", re.I)
_HALF = re.compile(r"6\s+tháng\s+(?P<h>đầu|cuối)\s+năm(?:\s+(?P<y>\d{4}))?", re.I)
_MONTHS = re.compile(rf"tháng\s+(?P<m1>\d{{1,2}})\s*(?:{DASH}|(?:và|đến|tới)\s+(?:hết\s+)?(?:tháng\s+)?)\s*(?P<m2>\d{{1,2}})"
                     r"\s*(?:/\s*|\s+năm\s+)(?P<y>\d{4})", re.I)
_IN = re.compile(r"(?:trong\s+)?", re.I)
_IN_MONTH = re.compile(r"(?:trong\s+)?tháng\s+(?P<m>\d{1,2})\s*/\s*(?P<y>\d{4})", re.I)


def _months(m1: int, m2: int, y: int | None, as_written: str, end: int) -> Period | None:
    if not (1 <= m1 <= m2 <= 12):
        return None
    if y is None:
        return Period(Bound(None, month_only=m1), Bound(None, month_only=m2), as_written, end)
    return Period(Bound(f"tháng {m1}/{y}", n.make_date(1, m1, y), y), Bound(f"tháng {m2}/{y}", n.month_end(y, m2), y),
                  as_written, end)


_PERIOD_START = re.compile(rf"(?<!\w)(?:(?:bắt\s+đầu\s+)?[Tt]ừ\s|[Qq]uý\s|6\s+tháng\s"
                           rf"|[Tt]háng\s+\d{{1,2}}\s*(?:{DASH}\s*\d|(?:và|đến|tới)\s)|trong\s+tháng\s+\d)")
REACH = 90  # how far after a phase's label its time may start: "Giai đoạn 1 thi trắc nghiệm trong 3 tuần, từ …"


_AFTER_LABEL = re.compile(r"[\s:(–\-|]*")
_DATE_RANGE = re.compile(rf"(?:ngày\s+)?\d{{1,2}}[/.\-]\d{{1,2}}(?:[/.\-]\d{{4}})?\s*(?:đến|tới|{DASH})\s*(?:ngày\s+)?\d")


def period_in(text: str, start: int, stop: int) -> tuple[int, Period] | None:
    """The first period starting within `REACH` characters of `start`, before `stop`: (where it starts, it).
    Right after a label, a bare date range counts too: "Đợt 2: 01/7 - 31/12/2026"."""
    lead = _AFTER_LABEL.match(text, start)
    at = lead.end() if lead else start
    if _DATE_RANGE.match(text, at, stop):
        found = n.parse_period("từ " + text[at:stop])
        if found is not None:
            return at, Period(found.start, found.end, found.as_written[3:].strip(), found.end_offset - 3)
    month = _IN_MONTH.match(text, at, stop)
    single = _months(int(month["m"]), int(month["m"]), int(month["y"]), _cap(month[0]), month.end() - at) if month else None
    if single is not None:  # "Đợt 1: Tháng 3/2025"
        return at, single
    years = _YEAR_RANGE.match(text, at, stop)
    if years and 0 <= int(years["b"]) - int(years["a"]) <= 10:
        a, b = int(years["a"]), int(years["b"])
        return at, Period(Bound(f"01/01/{a}", n.make_date(1, 1, a), a), Bound(f"31/12/{b}", n.make_date(31, 12, b), b),
                          _cap(years[0]), years.end() - at)
    for m in _PERIOD_START.finditer(text, start, min(stop, start + REACH)):
        found = period_at(text[m.start():stop])
        if found is not None:
            return m.start(), found
    return None


def period_at(text: str) -> Period | None:
    m = re.match(r"(?:bắt\s+đầu\s+)?(?=[Tt]ừ\s)", text)
    if m is not None:
        p = n.parse_period(text[m.end():])
        if p is not None:
            return Period(p.start, p.end, p.as_written, p.end_offset + m.end())
        return None
    m = _QUARTER_RANGE.match(text)
    if m and _QUARTERS[m["q1"].lower()] < _QUARTERS[m["q2"].lower()]:
        return _months(3 * _QUARTERS[m["q1"].lower()] - 2, 3 * _QUARTERS[m["q2"].lower()], int(m["y"]), _cap(m[0]), m.end())
    m = _QUARTER.match(text)
    if m:
        q = _QUARTERS[m["q"].lower()]
        return _months(3 * q - 2, 3 * q, int(m["y"]) if m["y"] else None, _cap(m[0]), m.end())
    m = _HALF.match(text)
    if m:
        first = m["h"].lower() == "đầu"
        return _months(1 if first else 7, 6 if first else 12, int(m["y"]) if m["y"] else None, _cap(m[0]), m.end())
    lead = _IN.match(text)
    m = _MONTHS.match(text, lead.end() if lead else 0)  # "(trong) tháng 3 và tháng 4 năm 2025"
    if m:
        return _months(int(m["m1"]), int(m["m2"]), int(m["y"]), _cap(m[0]), m.end())
    m = _IN_MONTH.match(text)
    if m:
        return _months(int(m["m"]), int(m["m"]), int(m["y"]), _cap(m[0]), m.end())
    return None


def _cap(text: str) -> str:
    text = re.sub(r"\s+", " ", text.strip())
    return text[:1].upper() + text[1:]
