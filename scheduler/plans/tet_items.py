"""Deadlines and events a plan ties to Tết or to a lunar day (pure): "chậm nhất trước Tết Nguyên
đán 10 ngày", "tổ chức Gặp mặt đầu xuân vào mùng 6 Tết", "Lễ dâng hương vào ngày 10 tháng 3 âm lịch".

They are written in the calendar's own notation ("trước Tết 10 ngày", "mùng 6 Tết"), which the
format computes each year; never left undated, never dated by a guessed year. Only where the
sentence states it plainly: a deadline needs "chậm nhất" or "hạn" before the words, or a sending
verb in its clause ("gửi … trước mùng 10 Tết"; "gửi … trước Tết 10 ngày" is flagged); an event
needs an event noun ("Gặp mặt", "Hội nghị", "Lễ" …) or a rite ("dâng hương") with "vào" its day in the same clause.
Words followed by the Gregorian date ("mùng 7 Tết (tức ngày 04/02/2025)") are the other passes'
(the document gives the date).
"""

from __future__ import annotations

import re
from datetime import date

from scheduler.core.campaign import tet_date
from scheduler.core.dates import DateSyntaxError, TetRelative, parse_tet_relative
from scheduler.core.lunar import SUPPORTED_YEARS
from scheduler.plans.context import Context
from scheduler.plans.events import NOUNS, event_title
from scheduler.plans.findings import Block, Deadline, Event
from scheduler.plans.text import quote
from scheduler.plans.wording import deadline_title, email_of, subject_of, submit_to_of

_NGUYEN_DAN = r"(?:\s+Nguyên\s+[Đđ]án)?"
TET_WORDS = (
    rf"(?P<tet>(?:trước|sau)\s+Tết{_NGUYEN_DAN}\s+\d{{1,3}}\s+ngày|\d{{1,3}}\s+ngày\s+(?:trước|sau)\s+Tết{_NGUYEN_DAN}"
    rf"|(?:mùng|mồng)\s+\d{{1,2}}\s+(?:Tết{_NGUYEN_DAN}|tháng\s+Giêng)|\d{{1,2}}\s+tháng\s+Chạp|Rằm\s+tháng\s+Giêng"
    r"|(?:mùng\s+|mồng\s+)?\d{1,2}\s+tháng\s+\d{1,2}\s+âm\s+lịch)"
)
_GIVEN = re.compile(r"\s*\(?\s*(?:tức\s+)?(?:là\s+)?(?:ngày\s+)?\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}")
_DEADLINE = re.compile(
    rf"(?P<kw>chậm\s+nhất(?:\s+là)?(?:\s+(?:vào|đến))?|hạn\s+(?:chót|cuối)(?:\s+là|\s*:)?|trước)?\s*(?:ngày\s+)?{TET_WORDS}",
    re.I,
)
_SENDING = re.compile(r"\b(?:gửi|nộp|báo\s+cáo|đăng\s+ký)\b", re.I)
# An event noun ("Gặp mặt đầu xuân, chúc Tết …", "Liên hoan văn nghệ …") and "vào" its day, in one sentence.
_EVENT = re.compile(
    rf"(?<!\w)(?P<what>(?i:{NOUNS})\s[^.;]{{1,100}}?)\s+vào\s+(?:(?:sáng|chiều|tối)\s+)?(?:ngày\s+)?{TET_WORDS}"
)
# A rite needs no event noun: "… cho 60 cán bộ dâng hương tại Đền Hùng vào sáng mùng 9 tháng 3 âm lịch" (an outing
# "tổ chức đón công nhân … vào mùng 6 Tết" stays none).
_RITE = re.compile(
    rf"(?<!\w)(?P<what>dâng\s+(?:hương|hoa)[^.;]{{0,80}}?)\s+vào\s+(?:(?:sáng|chiều|tối)\s+)?(?:ngày\s+)?{TET_WORDS}"
)
_PLACE = re.compile(r"\s+tại\s+([^.;,]{3,80})")


def _notation(words: str) -> TetRelative | None:
    words = " ".join(words.split())
    try:
        expr = parse_tet_relative(words)
    except DateSyntaxError:
        return None
    return expr


def _written(expr: TetRelative) -> str:
    """The words as the calendar writes them: "trước Tết 10 ngày", "mùng 6 Tết", "mùng 10 tháng 3 âm lịch"."""
    if expr.offset:
        return f"{'trước' if expr.offset < 0 else 'sau'} Tết {abs(expr.offset)} ngày"
    if expr.lunar:
        return f"mùng {expr.lunar_day} tháng {expr.lunar_month} âm lịch"
    if expr.lunar_month == 12:
        return f"{expr.lunar_day} tháng Chạp"
    return "Rằm tháng Giêng" if expr.lunar_day == 15 else f"mùng {expr.lunar_day} Tết"


class TetPass(Context):
    def tet_items(self) -> None:
        """Deadlines and events dated by Tết or a lunar day, in the notation the format computes."""
        for bi, b in enumerate(self.blocks):
            text = self.masked[bi]
            taken: list[tuple[int, int]] = []
            for m in _DEADLINE.finditer(text):
                if _GIVEN.match(text, m.end()) or (expr := _notation(m["tet"])) is None:
                    continue
                if self._tet_deadline(b, text, m, expr):
                    taken.append((m.start(), m.end()))
            for m in [*_EVENT.finditer(text), *_RITE.finditer(text)]:
                if (any(a <= m.start("tet") < z for a, z in taken) or _GIVEN.match(text, m.end())
                        or (expr := _notation(m["tet"])) is None):
                    continue
                title = event_title(m["what"])
                if len(title) < 4:
                    continue
                ev = Event(self.new_id(title), title, quote(b, m.start(), m.end()), as_written=" ".join(m["tet"].split()))
                ev.tet = _written(expr)
                if place := _PLACE.match(text, m.end()):
                    ev.place = place[1].strip()
                self.f.events.append(ev)
                taken.append((m.start("tet"), m.end()))

    def _tet_deadline(self, b: Block, text: str, m: re.Match[str], expr: TetRelative) -> bool:
        kw = " ".join((m["kw"] or "").lower().split())
        sentence_start = text.rfind(".", 0, m.start()) + 1
        clause = text[max(sentence_start, text.rfind(";", 0, m.start()) + 1):m.start()]
        sending = _SENDING.search(clause) is not None
        if not (kw.startswith(("chậm nhất", "hạn"))
                or (kw == "trước" and not expr.offset and sending)  # "gửi … trước mùng 10 Tết": before that day
                or (kw == "" and expr.offset < 0 and sending)):  # "gửi … trước Tết 10 ngày"
            return False
        lead = text.split(":", 1)[0] if ":" in text[:120] else ""
        title = deadline_title(clause, lead)
        if not title:
            return False
        due = "before" if kw == "trước" else "no_later_than"
        sentence = text[sentence_start:]
        dl = Deadline(self.new_id(title), title, due, quote(b, m.start(), m.end()),
                      as_written=" ".join(m[0].split()), submitted_by=subject_of(text),
                      submit_to=submit_to_of(sentence), via=email_of(sentence), keywords=(kw,) if kw else ())
        dl.tet = _written(expr)
        if not kw:
            dl.notes.append(f"văn bản ghi “{' '.join(m['tet'].split())}” không kèm “chậm nhất”: đọc là chậm nhất "
                            "ngày đó, kiểm tra")
        self.f.deadlines.append(dl)
        return True

    def resolve_tet_days(self) -> None:
        """The day each Tết-dated item falls on in the campaign, for the checks of lint-plan (not written)."""
        f = self.f
        start, end = f.span_start, f.span_end
        if start is None or end is None:
            return
        items: list[Deadline | Event] = [*f.deadlines, *f.events]
        for item in items:
            expr = _notation(item.tet) if item.tet else None
            if expr is not None:
                item.day = _in_span(expr, start, end)


def _in_span(expr: TetRelative, start: date, end: date) -> date | None:
    for year in range(start.year - 1, end.year + 2):
        if year - 1 in SUPPORTED_YEARS and year in SUPPORTED_YEARS and start <= (day := tet_date(expr, year)) <= end:
            return day
    return None
