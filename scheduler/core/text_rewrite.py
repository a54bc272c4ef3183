"""Texts of last year's calendar, moved to the new span: the dates, months and years they
write, the can chi of a lunar year, and the ordinals of the anniversaries the phases
celebrate ("95 năm" → "98 năm"), each change listed for the note.

Pure text functions: scheduler.core.next_year decides which texts and which years.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from scheduler.core.campaign import tet_date, tet_days
from scheduler.core.dates import (
    DateSyntaxError,
    FullDate,
    TetRelative,
    parse_date_expr,
    parse_tet_relative,
    vn_date,
    vn_weekday,
)
from scheduler.core.days_off import day_off_reason
from scheduler.core.lunar import CAN, CHI, SUPPORTED_YEARS
from scheduler.core.model import Commemoration
from scheduler.core.spans import Span

_DATE_OR_YEAR = re.compile(
    r"(?<![\d/.\-])(?:"
    r"(?P<iso>(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2}))"
    r"|(?P<dmy>(?P<d>\d{1,2})(?P<sep>[/.])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4}))"
    r"|(?P<my>(?P<mm>\d{1,2})/(?P<my_y>\d{4}))"
    r"|(?P<year>(?:19|20|21)\d{2})"
    r")(?![\d/])"
)
_ORDINAL = re.compile(r"(?<![\d/.,])(\d{1,3})(\s+năm\b)")
_CAN_CHI = re.compile(rf"\b({'|'.join(CAN)})\s+({'|'.join(CHI)})\b(\s+(\d{{4}}))?")


def day_in_year(year: int, month: int, day: int) -> int:
    """The day to write in `year`: 29/2 of a common year becomes 28/2."""
    if month == 2 and day == 29 and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        return 28
    return day


def shift_text(text: str, years: int, *, only: Collection[int] | None = None) -> tuple[str, list[str]]:
    """Move the dates, months and years written in `text` by `years`, keeping how they are written.

    With `only`, a date or year moves only if its year is one of `only` (a title's
    "(2/9/1945 – 2/9/2024)": 1945 is history). Returns the new text and the
    changes, "2024 → 2027", for the note.
    """
    changes: list[str] = []

    def move(year: int) -> int | None:
        return year + years if only is None or year in only else None

    def replace(m: re.Match[str]) -> str:
        whole = m.group(0)
        if m["iso"]:
            y = move(int(m["iy"]))
            if y is None:
                return whole
            day = day_in_year(y, int(m["im"]), int(m["id"]))
            new = f"{y}-{m['im']}-{str(day).zfill(len(m['id']))}"
        elif m["dmy"]:
            y = move(int(m["y"]))
            if y is None:
                return whole
            day = day_in_year(y, int(m["m"]), int(m["d"]))
            new = f"{str(day).zfill(len(m['d']))}{m['sep']}{m['m']}{m['sep']}{y}"
        elif m["my"]:
            y = move(int(m["my_y"]))
            if y is None or not 1 <= int(m["mm"]) <= 12:
                return whole
            new = f"{m['mm']}/{y}"
        else:
            y = move(int(m["year"]))
            if y is None:
                return whole
            new = str(y)
        changes.append(f"{whole} → {new}")
        return new

    return _DATE_OR_YEAR.sub(replace, text), changes


def shift_can_chi(text: str, years: int, only: Collection[int]) -> tuple[str, list[str]]:
    """"Tết Nguyên đán Giáp Thìn 2024" names the lunar year: it moves with the year."""
    changes: list[str] = []

    def replace(m: re.Match[str]) -> str:
        if m[4] and int(m[4]) not in only:
            return m.group(0)  # "Mậu Thân 1968": history
        index = next(n for n in range(60) if CAN[n % 10] == m[1] and CHI[n % 12] == m[2])
        moved = (index + years) % 60
        new = f"{CAN[moved % 10]} {CHI[moved % 12]}"
        if new != f"{m[1]} {m[2]}":
            changes.append(f"{m[1]} {m[2]} → {new}")
        return new + (m[3] or "")

    return _CAN_CHI.sub(replace, text), changes


@dataclass(frozen=True, slots=True)
class Ordinal:
    old: int
    new: int
    names: tuple[str, ...]  # casefolded ways a text names the anniversary


def anniversary_names(item: Commemoration) -> tuple[str, ...]:
    """Ways a text names an anniversary: its name, the words in brackets, each without "Ngày"."""
    head, _, bracket = item.name.partition(" (")
    out = [item.name, head, bracket.rstrip(")")]
    out += [n.removeprefix("Ngày ").removeprefix("ngày ") for n in out]
    return tuple(dict.fromkeys(n.casefold() for n in out if n))



def rewrite_text(
    text: str, ordinals: Sequence[Ordinal], years: int, old_years: Collection[int]
) -> tuple[str, list[str], list[str]]:
    """A title or quote in the new span: ordinals of what the phases celebrate, years, can chi.

    `ordinals` are the recomputed ones, `years` how far the span moved, `old_years` the years of
    the old span (other years are history). Returns the text, its changes and its doubts."""
    changes: list[str] = []
    doubts: list[str] = []

    def ordinal(m: re.Match[str]) -> str:
        number = int(m[1])
        found = [o for o in ordinals if o.old == number]
        if not found:
            if number >= 10 and years:
                doubts.append(f"số năm {number} không khớp ngày kỷ niệm nào các đợt chào mừng: chưa đổi")
            return m.group(0)
        new = {o.new for o in found}
        if len(new) > 1:  # "70 năm Chiến thắng Điện Biên Phủ": the words after the number decide
            after = text[m.end():].lstrip().casefold()
            new = {o.new for o in found if any(after.startswith(n) for n in o.names)}
        if len(new) != 1:
            doubts.append(f"“{m.group(0)}” ứng với nhiều ngày kỷ niệm: chưa đổi")
            return m.group(0)
        (value,) = new
        if value != number:
            changes.append(f"{number} năm → {value} năm")
        return f"{value}{m[2]}"

    out = _ORDINAL.sub(ordinal, text)
    out, names = shift_can_chi(out, years, old_years)  # before the years: "Ất Tỵ 2025" is history or not
    out, tet, kept = rewrite_tet_quotes(out, years, old_years)  # before the years: Tết moves by its own rule
    doubts += tet.doubts
    out, moved = shift_text(out, years, only=old_years)
    for index, new in enumerate(kept):
        out = out.replace(_kept_token(index), new)
    out, weekdays = fix_weekdays(out) if moved or tet.changes else (out, [])
    return out, changes + names + tet.changes + moved + weekdays, doubts


@dataclass
class _TetQuotes:
    changes: list[str]
    doubts: list[str]


_TET_QUOTE = re.compile(
    r"(?P<words>(?:(?:mùng|mồng)\s+\d{1,2}\s+(?:Tết|tháng\s+Giêng)(?:\s+Nguyên\s+đán)?"
    r"|\d{1,2}\s+tháng\s+Chạp|(?:trước|sau)\s+Tết(?:\s+Nguyên\s+đán)?\s+\d{1,3}\s+ngày"
    r"|\d{1,3}\s+ngày\s+(?:trước|sau)\s+Tết(?:\s+Nguyên\s+đán)?|Rằm\s+tháng\s+Giêng"
    r"|(?:(?:mùng|mồng)\s+)?(?:\d{1,2}|rằm)\s+tháng\s+(?:\d{1,2}|Giêng|Chạp)\s+âm\s+lịch))"
    r"(?P<sep>(?:\s*\(\s*|,?\s+(?:là\s+)?)(?:(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật),?\s+)?"
    r"(?:ngày\s+)?)"
    r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})(?![\d/])",
    re.IGNORECASE,
)


def _kept_token(index: int) -> str:
    return f"\x00{index}\x00"


def rewrite_tet_quotes(text: str, years: int, old_years: Collection[int]) -> tuple[str, _TetQuotes, list[str]]:
    """"Từ mùng 1 Tết (29/01/2025)" in the new span: the date the words give for the new Tết
    (17/02/2026), not the old date moved by whole years. A quoted date that is not what the
    words give in the old span is left to move by years, with a doubt. The new dates come back
    as tokens (and the list to put back) so that moving the years leaves them alone."""
    found = _TetQuotes([], [])
    kept: list[str] = []
    if not years or not old_years:
        return text, found, kept
    anchors = range(min(old_years) - 1, max(old_years) + 2)

    def replace(m: re.Match[str]) -> str:
        try:
            expr = parse_tet_relative(m["words"])
            old = date(int(m["y"]), int(m["m"]), int(m["d"]))
        except (DateSyntaxError, ValueError):
            return m.group(0)
        if expr is None or old.year not in old_years:
            return m.group(0)
        year = next((y for y in anchors if _tet_or_none(expr, y) == old), None)
        new = _tet_or_none(expr, year + years) if year is not None else None
        if new is None:
            quoted = f"{m['words']} {m['d']}/{m['m']}/{m['y']}"
            found.doubts.append(f"“{quoted}”: ngày ghi kèm không phải {m['words']} năm {old.year}, không tính "
                                "lại được theo Tết: chỉ dời năm, kiểm tra")
            return m.group(0)
        day = str(new.day).zfill(len(m["d"]))
        month = str(new.month).zfill(len(m["m"]))
        found.changes.append(f"{m['words']} {vn_date(old)} → {vn_date(new)} (tính lại theo Tết)")
        kept.append(f"{day}/{month}/{new.year}")
        return f"{m['words']}{m['sep']}{_kept_token(len(kept) - 1)}"

    return _TET_QUOTE.sub(replace, text), found, kept


def _tet_or_none(expr: TetRelative, year: int) -> date | None:
    if year - 1 not in SUPPORTED_YEARS or year not in SUPPORTED_YEARS:
        return None
    return tet_date(expr, year)


def tet_notation(value: object) -> TetRelative | None:
    """The date tied to Tết or a lunar day a YAML value writes, or None."""
    try:
        parsed = parse_date_expr(value) if value is not None else None
    except DateSyntaxError:
        return None
    return parsed if isinstance(parsed, TetRelative) else None


def tet_days_off(expr: TetRelative, span: Span) -> str | None:
    """The days a date written by Tết falls on in the new span that are not working days, or None."""
    off = [f"{vn_weekday(d)} {vn_date(d)} là {reason}" for _, d in tet_days(expr, span, span.years)
           if (reason := day_off_reason(d)) is not None]
    if not off:
        return None
    return f"“{expr.words}” tính lại cho phong trào mới: " + "; ".join(off) + ": đối chiếu văn bản mới"


_WEEKDAY_DATE = re.compile(r"\b(thứ (?:hai|ba|tư|năm|sáu|bảy|2|3|4|5|6|7)|chủ nhật)(,?\s+(?:ngày\s+)?)"
                           r"(\d{1,2})/(\d{1,2})/(\d{4})\b", re.IGNORECASE)


def fix_weekdays(text: str) -> tuple[str, list[str]]:
    """"thứ Tư, ngày 25/6/2025" moved to 25/6/2026 is a Thursday: the weekday word follows its date."""
    changes: list[str] = []

    def weekday(m: re.Match[str]) -> str:
        try:
            day = date(int(m[5]), int(m[4]), int(m[3]))
        except ValueError:
            return m.group(0)
        right = vn_weekday(day)
        if m[1].casefold() == right.casefold():
            return m.group(0)
        word = right if m[1][:1].isupper() or right.startswith("Chủ") else right[:1].lower() + right[1:]
        changes.append(f"{m[1]} → {word} ({vn_date(day)})")
        return f"{word}{m[2]}{m[3]}/{m[4]}/{m[5]}"

    return _WEEKDAY_DATE.sub(weekday, text), changes


_TET_YEAR = re.compile(r"\bTết(?: Nguyên đán)?(?: [A-ZĐ][a-zà-ỹ]+ [A-ZĐ][a-zà-ỹ]+)? (\d{4})\b")


def later_tet_mentions(text: str, old_years: Collection[int]) -> list[int]:
    """Years of a Tết a text names after its campaign's years ("Tết Ất Tỵ 2025" in a 2024 plan):
    the rewrite leaves them, so `new` must say so."""
    return sorted({int(m[1]) for m in _TET_YEAR.finditer(text) if int(m[1]) > max(old_years, default=0)})


def moved_onto_day_off(value: object) -> str | None:
    """Why a date `new` moved by whole years is not a working day ("Chủ nhật 20/9/2026"), or None."""
    try:
        parsed = parse_date_expr(value)
    except DateSyntaxError:
        return None
    if not isinstance(parsed, FullDate):
        return None
    reason = day_off_reason(parsed.value)
    return None if reason is None else f"{vn_weekday(parsed.value)} {vn_date(parsed.value)} là {reason}"
