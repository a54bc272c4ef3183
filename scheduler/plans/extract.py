"""Read a plan's text into findings (pure): header, span, phases, anniversaries, deadlines, events.

One pass per concept over the plan's paragraphs (`text.blocks`): the header
(number, place and date, kind, title), issuer, the plan it implements, span,
theme, anniversary mentions (`mentions`), phases with their bounds
(`notation`), deadlines and events (`wording`). References to other documents
("Nghị quyết số 02-NQ/TW ngày 12/6/2021") are masked before dates are looked
for, so they never become events.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from scheduler.plans import notation as n
from scheduler.plans.anniversaries import MentionPass
from scheduler.plans.dated import DatedPass
from scheduler.plans.findings import Findings, Reference, Where
from scheduler.plans.header import HeaderPass
from scheduler.plans.periods import period_at
from scheduler.plans.phases import PhasePass
from scheduler.plans.repeats import RepeatPass
from scheduler.plans.tet_items import TetPass
from scheduler.plans.text import BRACKET, quote, slug
from scheduler.plans.yearspan import PAGE_DATE, CampaignTime, after_issue, anniversary_year, from_items, from_text, year_of

_STATED_TIME = re.compile(r"(?<!\w)[Tt]hời\s+gian\b")


# "Trong giai đoạn dịch … (từ 27/4 đến 30/9/2021), Công đoàn quận đã hỗ trợ …": a time the plan looks back on.
_DID = re.compile(r"(?<!\w)đã\s+(?!được\s+(?:phê\s+duyệt|ban\s+hành))\w", re.I)


# "Thời gian giãn cách xã hội từ ngày 09/7 đến 30/9/2021, …", "đợt dịch thứ tư (từ … đến …)": the time of an epidemic
# or a disaster the plan speaks of, not its own.
_OTHER_TIME = re.compile(r"(?<!\w)(?:dịch\s+(?:bệnh|Covid)|Covid|giãn\s+cách|phong\s+tỏa|bão|lũ|thiên\s+tai)(?!\w)", re.I)


def _did(text: str, at: int) -> bool:
    """The sentence holding offset `at` tells what was done, or is about an epidemic's or a disaster's time."""
    lo, hi = max(0, at - 200), min(len(text), at + 200)  # a sentence's reach: a long line stays linear
    start = max(text.rfind(". ", lo, at), text.rfind(";", lo, at), lo - 1) + 1
    ends = [i for i in (text.find(". ", at, hi), text.find(";", at, hi)) if i >= 0]
    stop = min(ends) if ends else hi
    return bool(_DID.search(text, start, stop) or _OTHER_TIME.search(text, start, stop))


class Extractor(HeaderPass, MentionPass, PhasePass, DatedPass, RepeatPass, TetPass):
    def span(self) -> None:
        f = self.f
        found = from_text(f.title, self.title_where, self.blocks, self.masked, self._issued(), None)
        self._doc_time: CampaignTime | None = None
        self._page_time: CampaignTime | None = None
        if found is not None and found.where is None and not f.doc_date:
            self._page_time = found  # a web page's date: only for days written without a year (`_time_from_items`)
        elif found is not None and found.where is None:
            # Only the document's date: a guess, kept until the dated items are read (a plan issued on 29/12/2025
            # for a conference on 23/01/2026 is a plan for 2026).
            self._doc_time = found
        elif found is not None:
            self._set_time(found)

    def _issued(self) -> str | None:
        """The document's date; for a web page without one, the page's own date line ("(ngày đăng trang)")."""
        if self.f.doc_date:
            return self.f.doc_date
        return self.page_date + PAGE_DATE if self.page_date else None

    def _set_time(self, found: CampaignTime) -> None:
        f = self.f
        s = found.span
        f.year, f.span, f.span_start, f.span_end = s.year, s.value, s.start, s.end
        f.time_reason = (found.reason, found.where)
        base = f.place or (re.sub(r"^(Công đoàn ngành|Công đoàn|Liên đoàn Lao động)\s+", "", f.issuer) if f.issuer else None)
        if base:
            tail = str(f.year) if f.year else f"{s.start.year}-{s.end.year}"
            f.suggested_id = f"{slug(base)}-{tail}"

    def _periods_written(self) -> list[tuple[date, Where]]:
        """Dates of the plan's stated time: "thời gian: từ … đến …", "từ tháng 3-10/2023, các cấp …"."""
        out: list[tuple[date, Where]] = []
        # An anniversary's bracket ("(19/5/1890 - 19/5/2019)") in the same sentence is not the plan's time.
        marks = {(m.where.line, m.where.page, m.offset) for m in self.f.mentions if m.day is not None}
        for b, text, reviewed in zip(self.blocks, self.masked, self.reviewed, strict=True):
            if reviewed:  # "I. KẾT QUẢ NĂM 2025": the times of the past
                continue
            brackets = [(k.start(), k.end()) for k in BRACKET.finditer(text) if (b.line, b.page, k.start()) in marks]
            for m in _STATED_TIME.finditer(text):
                if _OTHER_TIME.search(text, m.end(), m.end() + 40):
                    continue
                stop = min([i for i in (text.find(";", m.end()), text.find(". ", m.end())) if i >= 0] + [len(text)])
                for d in n.DATE_RE.finditer(text, m.end(), stop):
                    day = n.make_date(int(d["d"]), int(d["m"]), int(d["y"])) if d["y"] else None
                    if day and not any(a <= d.start() < z for a, z in brackets):
                        out.append((day, quote(b, m.start(), stop)))
            for m in re.finditer(r"(?<!\w)(?:[Tt]ừ|[Qq]uý)\s", text):
                p = period_at(text[m.start():])
                if p and p.start and p.end and p.start.day and p.end.day and not _did(text, m.start()):
                    w = quote(b, m.start(), m.start() + p.end_offset)
                    out += [(p.start.day, w), (p.end.day, w)]
        return out

    def _implausible_deadlines(self) -> None:
        """A deadline a year or more away from everything else the plan dates: kept as written, flagged."""
        f = self.f
        dated = [p.start_date for p in f.phases if p.start_date and not p.implausible]
        dated += [p.end_date for p in f.phases if p.end_date and not p.implausible]
        dated += [e.day for e in f.events if e.day]
        if not dated:
            return
        first, last = min(dated), max(dated)
        for d in f.deadlines:
            if d.day and d.date and d.date.count("/") == 2 and ((first - d.day).days > 300 or (d.day - last).days > 400):
                d.notes.append(f"hạn {d.date} cách xa các mốc khác của kế hoạch ({first:%d/%m/%Y} – {last:%d/%m/%Y}): "
                               "kiểm tra năm trong văn bản gốc")

    def _near_year(self) -> int | None:
        """A year the plan is about, for naming a can-chi year: the campaign's, its document's."""
        f = self.f
        if f.year:
            return f.year
        if f.span_start:
            return f.span_start.year
        issued = self._issued()
        if issued:
            return year_of(issued)
        for text in self.masked:  # else the first full date the plan writes
            m = n.DATE_RE.search(text)
            while m is not None and not m["y"]:
                m = n.DATE_RE.search(text, m.end())
            if m is not None:
                return int(m["y"])
        return None

    def _time_from_items(self) -> None:
        """No year or span in the words: the one the dated items fall in (phases, events, deadlines, brackets)."""
        f = self.f
        if f.year is not None or f.span is not None:
            return
        days: list[tuple[date, Where]] = []
        for p in f.phases:
            days += [(d, p.where) for d in (p.start_date, p.end_date) if d is not None and not p.implausible]
        days += [(e.day, e.where) for e in f.events if e.day is not None]
        if not days:  # dated phases are the campaign's time; the days they celebrate may fall after it
            days += [(m.day, m.where) for m in f.mentions if m.day is not None and not m.base_year_only]
        days += [(lm.solar, lm.where) for lm in f.lunar if lm.solar is not None]
        days += self._periods_written()
        if not days:  # deadlines only when nothing else is dated: a plan's deadlines may precede its campaign
            days += [(d.day, d.where) for d in f.deadlines if d.day is not None and d.date and d.date.count("/") == 2]
        if not days:  # "Ngày 09/02/2026, … cho biết …": the day a report was given, last
            days += self.said_days
        if not days:  # "Chiều nay (16/11), … kiểm tra … năm 2023": a yearless day in the year its sentence names
            days += self.sentence_days
        doc: CampaignTime | None = getattr(self, "_doc_time", None)
        undated = any(e.date and e.date.count("/") == 1 for e in f.events) or any(lm.solar is None for lm in f.lunar)
        if doc is None and not days and undated:  # "Tối 19-1, …" on a page dated 20/01/2025: that page's year
            doc = getattr(self, "_page_time", None)
        if not days and doc is None:  # "kỷ niệm 70 năm … (1956 - 2026)" and no dated item: the year it is celebrated
            celebrated = anniversary_year(self.blocks, self.masked)
            if celebrated is not None:
                self._set_time(celebrated)
                return
        found = from_items(days)
        issued = self._issued()
        if doc is not None and found is None and issued:  # a plan issued in December for January's days
            yearless = [d for d in [e.date for e in f.events] + [d.date for d in f.deadlines if not d.yearly]
                        if d and d.count("/") == 1]
            doc = after_issue(issued, [(int(d.split("/")[0]), int(d.split("/")[1])) for d in yearless]) or doc
        if doc is not None and (found is None or found.span.year is None or found.span.year == doc.span.year):
            self._set_time(doc)  # the document's date: a guess the reviewer must confirm
            f.notes.append((doc.reason, None))
        elif found is not None:
            self._set_time(found)
            f.time_derived = True

    def run(self) -> Findings:
        self.header()
        self.issuer()
        self.implements()
        self.span()
        self.theme()
        self.mentions()
        self.phases()
        self.undated_phases()
        self.phase_count_note()
        self.deadlines()
        self.tet_items()
        self.repeats()
        self.weekdays()
        self.resolve_events(final=False)
        self._time_from_items()
        self.check_ordinals()
        self.fill_phase_years()
        self.resolve_events(final=True)
        self.resolve_lunar_years(self._near_year())
        self.resolve_tet_days()
        self._implausible_deadlines()
        self._resolve_phase_dates()
        if self.f.local_commemorations and not self.ref.commemorations:
            # Without the national calendar at hand, its days are written as the plan's own: the draft would
            # show them twice once it extends that calendar.
            self.f.notes.append((f"không tìm thấy lịch quốc gia '{self.ref.national_id}' trong thư mục lịch: các ngày "
                                 "kỷ niệm quốc gia được ghi thành mục riêng; nhập lại với --calendars <thư mục có "
                                 f"{self.ref.national_id}.yaml>", None))
        return self.f

    def _resolve_phase_dates(self) -> None:
        f = self.f
        for p in f.phases:
            if p.start_date is None:
                if p.start == "ngày phát động" or p.start is None:
                    p.start_date = f.span_start
            if p.end_date is None and isinstance(p.end, str):
                if p.end in ("hết năm",) and p.start_date:
                    p.end_date = date(p.start_date.year, 12, 31)
                elif p.end in ("hết năm học", "hết giai đoạn"):
                    p.end_date = f.span_end
        for d in f.deadlines:
            if d.day is None and d.date and f.year:
                dd, mm = d.date.split("/")[:2]
                d.day = n.make_date(int(dd), int(mm), f.year)


def extract(pages: Iterable[str], paged: bool, reference: Reference) -> Findings:
    """The plan's findings; never raises on odd text (uncertain items carry notes)."""
    return Extractor(pages, paged, reference).run()
