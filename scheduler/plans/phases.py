"""Phases ("đợt", "giai đoạn") with their bounds, theme and the anniversaries each celebrates (pure).

A phase is a label followed, in the same clause, by its time: the label anywhere
in a sentence ("… tổ chức hai đợt: đợt 1 từ tháng 1/2020 đến 30/6/2020 với chủ đề
…; đợt 2 từ …"), written any way (Đợt 1, Đợt I, đợt một, đợt thứ hai, giai đoạn
2, đợt cao điểm, đợt thi đua; a typo such as "Đợt I1" is read and flagged), the
time in any wording `periods.period_at` knows. A label with no time in its
clause is not a phase ("sơ kết đợt 1").
"""

from __future__ import annotations

import bisect
import re
from datetime import date

from scheduler.plans import not_phases
from scheduler.plans import notation as n
from scheduler.plans.context import STOP_PHRASES, Context
from scheduler.plans.findings import Block, Phase, Where
from scheduler.plans.notation import Bound, Period
from scheduler.plans.periods import period_at, period_in
from scheduler.plans.phase_evidence import CAMPAIGN, Evidence
from scheduler.plans.phase_labels import LABEL, label_name
from scheduler.plans.text import quote
from scheduler.plans.wording import dated, theme_of

_SECTION = re.compile(r"[IVX]+\.\s")  # the next section's heading ("II. Các hoạt động"): not a theme
_BY_QUARTER = re.compile(r"theo\s+(?:từng\s+)?quý", re.I)
_QUARTER_LABEL = re.compile(r"(?<!\w)(?=[Qq]uý\s+(?:IV|I{1,3}|[1-4])(?!\w))")
_COUNT = re.compile(r"(?:theo|thành|làm|qua)\s+(?P<n>\d+|hai|ba|bốn|năm)\s+(?:đợt|giai\s+đoạn)", re.I)
_TIME_LINE = re.compile(r"^[-–•+\s]*[Tt]hời\s+gian\s*(?:[^:.;]{0,30}?)?:\s*")
NAMED_ENDS = ("hết năm học", "hết giai đoạn", "hết năm")


_CLAUSE_END = re.compile(r";|\.(?=\s)(?!\s\d{4}\b)")  # "10.11. 2025" is a date, not a sentence end
_LINE_LEAD = re.compile(r"(?:[-–•+*]\s*|\d+(?:\.\d+)*[.)]\s*|[IVX]+\.\s*|[a-zđ]\)\s*)?")


def _clause_end(text: str, start: int, limit: int) -> int:
    """Where a phase's clause ends: the next ";" or sentence end, or the next label."""
    m = _CLAUSE_END.search(text, start, limit)
    return m.start() if m else limit


class PhasePass(Context):
    def phases(self) -> None:
        f = self.f
        starts: list[int] = []
        ev, series = Evidence(self.masked), []  # each phase's series of labels: kept only with evidence
        for bi, b in enumerate(self.blocks):
            text = self.masked[bi]
            ev.paragraph(text)
            if self.reviewed[bi]:  # under "I. KẾT QUẢ NĂM 2025": past phases
                continue
            nb = not_phases.Block(text, bi > 0 and "báo cáo" in self.masked[bi - 1].lower())
            c = _COUNT.search(text)
            if c and f.stated_phase_count is None and not nb.activity_lead(c.start()):
                count = n.number_word(c["n"])
                if count:
                    f.stated_phase_count = (count, quote(b, c.start(), c.end()))
            labels = list(LABEL.finditer(text))
            by_quarter = _BY_QUARTER.search(text)
            if by_quarter and not nb.reporting_quarters(by_quarter):
                # "thi đua theo quý: quý I/2019 …; quý II/2019 …": each quarter is a phase
                labels = sorted(labels + list(_QUARTER_LABEL.finditer(text)), key=lambda x: x.start())
            rounds: set[str] = set()  # the label words of this block that number rounds of no campaign
            # A label inside brackets ("từ 01/5 (sau lễ sơ kết đợt 1) đến …") names another phase: it ends no clause.
            at_ = [x.start() for x in labels]
            outer = _outside_brackets(text, at_)
            for m in labels:
                k = bisect.bisect_right(outer, m.start())
                limit = outer[k] if k < len(outer) else len(text)
                stop = _clause_end(text, m.end(), limit)
                if text[m.end():stop].strip() == "" and stop < limit and text[stop] == "." \
                        and _LINE_LEAD.fullmatch(text[:m.start()].strip()):  # a heading "Đợt I. Từ 01/01 …"
                    stop = _clause_end(text, stop + 1, limit)
                first = at_[bisect.bisect_left(at_, nb.sentence_start(m.start()))]  # the sentence's first label
                if m.re is LABEL and m["word"]:
                    word = m["word"].lower()
                    if word in rounds or nb.activity_round(m.start(), m.end(), first):
                        rounds.add(word)
                        continue
                named = m.re is LABEL and bool(m["un"] or m["cd"]) or m.re is _QUARTER_LABEL and bool(CAMPAIGN.search(text))
                heads = m.start() <= 16 and _LINE_LEAD.fullmatch(text[:m.start()].strip()) is not None
                sid = ev.label(bi, nb.sentence_at(m.start()), (m["word"] or "đợt") if m.re is LABEL else "quý", named, heads)
                phase = self._phase_at(bi, b, text, m, stop, len(f.phases) + 1, (nb, first))
                if phase is not None and not any((p.name, p.start, p.end) == (phase.name, phase.start, phase.end)
                                                 for p in f.phases):
                    f.phases.append(phase)
                    starts.append(bi)
                    series.append(sid)
        kept = [k for k, sid in enumerate(series) if sid in ev.proven]  # a round of no known campaign: no phase
        f.phases[:], starts[:] = [f.phases[k] for k in kept], [starts[k] for k in kept]
        self.fill_years_by_order()
        self.fill_phase_years()
        self._implausible_years()
        self._label_typos()
        self._celebrations(starts)
        starts_ = [p.start_date for p in f.phases if p.start_date and not p.implausible]
        ends_ = [p.end_date for p in f.phases if p.end_date and not p.implausible]
        if starts_ and ends_ and f.span_start and f.span_end and (min(starts_) < f.span_start or max(ends_) > f.span_end):
            a, z = min(starts_), max(ends_)
            f.year, f.span, f.span_start, f.span_end = None, f"từ {a:%d/%m/%Y} đến {z:%d/%m/%Y}", a, z
            if a.year == z.year:  # the phases of one calendar year: that year
                f.year, f.span, f.span_start, f.span_end = a.year, None, date(a.year, 1, 1), date(a.year, 12, 31)
            tail = f"{a.year}-{z.year}" if a.year != z.year else str(a.year)
            if f.suggested_id:
                f.suggested_id = re.sub(r"-\d{4}(?:-\d{4})?$", f"-{tail}", f.suggested_id)
            f.notes.append((f"các đợt chạy từ {a:%d/%m/%Y} đến {z:%d/%m/%Y}, ra ngoài năm của văn bản: "
                            "span ghi theo các đợt", None))

    def _implausible_years(self) -> None:
        """A phase running more than six years, or a bound years away from the campaign the title names
        ("Đợt 2: từ 01/7/2023 đến 31/12/2033" in a plan for 2023): kept as written, flagged, not used to date it."""
        f = self.f
        stated = f.time_reason is not None and f.time_reason[1] is not None
        first = f.span_start.year - 1 if stated and f.span_start else None
        last = f.span_end.year + 1 if stated and f.span_end else None
        for p in f.phases:
            if p.implausible:
                continue
            long = p.start_date is not None and p.end_date is not None and (p.end_date - p.start_date).days > 6 * 366
            away = [d for d in (p.start_date, p.end_date)
                    if d is not None and first is not None and last is not None and not first <= d.year <= last]
            shown = away[0] if away else p.end_date if long else None
            if shown is not None:
                p.notes.append(f"năm {shown.year} của đợt cách xa thời gian của kế hoạch: kiểm tra năm trong văn bản gốc")
                p.implausible = True

    def _label_typos(self) -> None:
        """"Đợt 1 … Đợt 11 …": a number that skips where the sequence continues is likely "II" typed with ones."""
        previous: Phase | None = None
        for p in self.f.phases:
            raw = re.search(r"\d+$", p.label_as_written or "")
            if previous is not None and raw and p.number >= 10 and p.number != previous.number + 1 \
                    and previous.number < 10 and not p.notes:
                p.notes.append(f'văn bản ghi "{p.label_as_written.strip()}" sau đợt {previous.number}: '
                               f"có thể là đợt {previous.number + 1}, kiểm tra")
            previous = p

    def phase_count_note(self) -> None:
        f = self.f
        if f.stated_phase_count and f.stated_phase_count[0] != len(f.phases):
            count, where = f.stated_phase_count
            f.notes.append((f"văn bản nói {count} đợt nhưng tìm thấy {len(f.phases)} đợt", where))

    def _phase_at(self, bi: int, b: Block, text: str, m: re.Match[str], stop: int, index: int,
                  lead: tuple[not_phases.Block, int]) -> Phase | None:
        text = lead[0].read_case()  # a heading in capitals: its period read in lower case, at the same offsets
        if m.re is _QUARTER_LABEL:
            quarter = period_at(text[m.start():stop])
            found = (m.start(), quarter) if quarter else None
        else:
            found = period_in(text, m.end(), stop)
        at, period = found if found else (m.end(), None)
        if period is not None and _REVIEW.search(text[max(0, m.start() - 24):m.start()]) and "(" not in text[m.end():at]:
            period = None  # "sơ kết đợt 1 từ ngày 01/7 đến 05/7/2024": when the review happens, not the phase
        if m.re is LABEL and lead[0].finished_or_after(m.start(), lead[1], "(" in text[m.end():at]):
            return None  # "Qua đợt 1 (từ …), các tổ đã …", "sau đợt thi đua, … tổng kết vào tháng 01/2026"
        if period is not None and (lead[0].run_by_others(m.start(), m.end(), at)
                                   or lead[0].finished_after(at + period.end_offset)):
            return None  # "Hưởng ứng đợt thi đua cao điểm do Tổng Liên đoàn phát động (từ …)", "(từ …) đã kết thúc"
        line_start = _LINE_LEAD.fullmatch(text[:m.start()].strip()) is not None  # the label opens its paragraph
        if period is None and line_start and stop == len(text) and bi + 1 < len(self.blocks):
            # The label heads a paragraph; its time is on the next line: "Thời gian: từ 20/11 – 05/12/2023".
            nxt = self.masked[bi + 1]
            t = _TIME_LINE.match(nxt)
            if t and not LABEL.search(nxt):
                on_next = period_at(nxt[t.end():])
                if on_next is not None:
                    period, b, text, at, stop = on_next, self.blocks[bi + 1], nxt, t.end(), len(nxt)
                    line_start = False
                    m = t  # quote the line that dates it
        if period is None and m.re is LABEL and (m["un"] or m["cd"]):
            before = _period_before(text, m.start())
            if before is not None:  # "Trong 6 tháng cuối năm 2025, Công đoàn … tổ chức đợt thi đua …"
                at, period = before
                return self._make(period, index, label_name(m, index)[1], [], quote(b, at, m.end()), None, m.start(), stop, m[0])
        if period is None:
            return None
        notes: list[str]
        if m.re is _QUARTER_LABEL:
            number, name, notes = index, period.as_written.split("/")[0].split(" năm")[0], []
        elif m.re is LABEL:
            number, name, notes = label_name(m, index)
        else:
            number, name, notes = index, self._name_of_label(bi, index), []
        rest = text[at + period.end_offset:stop]
        if line_start:
            theme = theme_of(rest)
            if not theme and bi + 1 < len(self.blocks) and not LABEL.search(self.masked[bi + 1][:12]):
                nxt_text = self.blocks[bi + 1].text
                theme = (theme_of(nxt_text.split(";")[0])
                         if not nxt_text.startswith(STOP_PHRASES) and not dated(nxt_text)
                         and not _SECTION.match(nxt_text) and not nxt_text.isupper() else None)
        else:
            topic = re.search(r"chủ\s+đề\s*:?\s*", rest, re.I)
            theme = theme_of(rest[topic.start():]) if topic else None
        return self._make(period, number, name, notes, quote(b, m.start(), at + period.end_offset), theme,
                          m.start(), None if line_start else stop, m[0])

    def _name_of_label(self, bi: int, index: int) -> str:
        m = LABEL.search(self.masked[bi])
        return label_name(m, index)[1] if m else f"Đợt {index}"

    def _make(self, period: Period, number: int, name: str, notes: list[str], where: Where, theme: str | None,
              offset: int, stop: int | None, label: str) -> Phase:
        start, end = period.start, period.end
        notes = list(notes)
        for bound in (start, end):
            if bound is not None:
                notes.extend(note for note in bound.notes if "không ghi năm" not in note)
        if end is None:
            notes.append("văn bản không ghi ngày kết thúc đợt: đợt tạm chạy đến hết thời gian phong trào")
        elif isinstance(end.value, dict) or (end.value is not None and end.day is None and not _yearless(end)
                                            and end.value not in NAMED_ENDS):
            until = end.value["until"] if isinstance(end.value, dict) else end.value
            notes.append(f'đợt kết thúc "{until}", văn bản không ghi ngày: '
                         f'khi biết, ghi end: {{until: ..., date: ngày/tháng/năm}}')
        phase = Phase(
            number=number, name=name, start=start.value if start else None, end=end.value if end else None,
            as_written=period.as_written, where=where, theme=theme, notes=notes, label_as_written=label,
            start_date=start.day if start else None, end_date=end.day if end else None, offset=offset, stop=stop,
            bounds=(start, end),
        )
        self._check_dates(phase, period)
        return phase

    def _check_dates(self, phase: Phase, period: Period) -> None:
        """An impossible date ("31/6/2024") or an end before the start is kept as written and flagged, never guessed."""
        for bound, what in ((period.start, "bắt đầu"), (period.end, "kết thúc")):
            if (bound is not None and bound.day is None and isinstance(bound.value, str)
                    and re.fullmatch(r"\d+/\d+/\d{4}", bound.value)):
                phase.notes.append(f'ngày {what} "{bound.value}" không có thật: sửa theo văn bản gốc')
                if bound is period.end:
                    phase.end = None
                else:
                    phase.start = None
                phase.implausible = True
        if phase.start_date and phase.end_date and phase.end_date < phase.start_date:
            phase.notes.append(f"ngày kết thúc {phase.end_date:%d/%m/%Y} trước ngày bắt đầu {phase.start_date:%d/%m/%Y}: "
                               "kiểm tra năm trong văn bản gốc")
            phase.implausible = True

    def fill_phase_years(self) -> None:
        """Bounds written without a year take the campaign's: its year, or the school year's half they fall in."""
        f = self.f
        for p in f.phases:
            for bound, is_end in ((p.bounds[0], False), (p.bounds[1], True)):
                month = _yearless_month(bound)
                if month is None:
                    continue
                if f.year:
                    y = f.year
                elif f.span_start and f.span_end and f.span_end.year == f.span_start.year + 1:
                    y = f.span_start.year if month >= f.span_start.month else f.span_end.year
                else:
                    continue
                _give_year(p, bound, is_end, y, f"văn bản không ghi năm: lấy năm {y} của phong trào")

    def fill_years_by_order(self) -> None:
        """Phases written without their year next to phases written with one ("Giai đoạn 1 từ nay đến ngày 30-11;
        Giai đoạn 2, từ ngày 1 đến 31-12; Giai đoạn 3 … đến 28-2-2026"): the years that keep them in order."""
        why = "văn bản không ghi năm: lấy năm {} theo thứ tự các đợt"
        following: date | None = None
        for p in reversed(self.f.phases):
            start, end = p.bounds
            if following is not None and _yearless_month(end) is not None:
                y = following.year if _month_day(end) <= (following.month, following.day) else following.year - 1
                _give_year(p, end, True, y, why.format(y))
            _start_from_end(p, why)
            following = p.start_date
        previous: date | None = None
        for p in self.f.phases:
            start, end = p.bounds
            if previous is not None and _yearless_month(start) is not None:
                y = previous.year if _month_day(start) > (previous.month, previous.day) else previous.year + 1
                _give_year(p, start, False, y, why.format(y))
            if p.start_date is not None and _yearless_month(end) is not None:
                y = p.start_date.year if _month_day(end) >= (p.start_date.month, p.start_date.day) else p.start_date.year + 1
                _give_year(p, end, True, y, why.format(y))
            previous = p.end_date

    def _celebrations(self, starts: list[int]) -> None:
        """Each phase celebrates the anniversaries of its clause, or of its block and the paragraphs under it."""
        f = self.f
        for k, (phase, bi) in enumerate(zip(f.phases, starts, strict=True)):
            b = self.blocks[bi]
            region = [bi]
            if phase.stop is None:
                stop = starts[k + 1] if k + 1 < len(starts) else len(self.blocks)
                for j in range(bi + 1, min(stop, bi + 5)):
                    following = self.blocks[j].text
                    if (following.startswith(STOP_PHRASES)
                            or re.match(r"^(?:[IVX]+\.|\d+\.\s+[A-ZĐ]{2,}|Chủ đề\s*:)", following)
                            and not following.startswith("Chủ đề")):
                        break
                    region.append(j)
            lines = {(self.blocks[j].line, self.blocks[j].page) for j in region}
            self.phase_regions.append((phase, region))
            window = (phase.offset, phase.stop) if phase.stop is not None else None

            def inside(line: int, page: int | None, offset: int, window: tuple[int, int] | None = window,
                       lines: set[tuple[int, int | None]] = lines, b: Block = b) -> bool:
                if window is None:
                    return (line, page) in lines
                return (line, page) == (b.line, b.page) and window[0] <= offset < window[1]
            seen: set[str] = set()
            for men in sorted(f.mentions, key=lambda x: (x.where.page or 0, x.where.line, x.offset)):
                if inside(men.where.line, men.where.page, men.offset):
                    for i in men.ids:
                        if i not in seen:
                            seen.add(i)
                            phase.celebrates.append((i, men.ordinal))
            # "mừng Đảng, mừng Xuân": the Party's founding day, with the ordinal the plan gives it elsewhere.
            party = next((r for r in self.matcher.refs if "thành lập đảng" in r.name.lower()), None)
            words = [self.blocks[j].text for j in region] if phase.stop is None else [b.text[phase.offset:phase.stop]]
            if party and party.id not in seen and any(re.search(r"mừng\s+Đảng", w) for w in words):
                ordinal = next((m.ordinal for m in f.mentions if party.id in m.ids and m.ordinal), None)
                seen.add(party.id)
                phase.celebrates.append((party.id, ordinal))
            for oid, w in f.observances:
                if ((w.line, w.page) in lines and oid not in seen
                        and (phase.stop is None or w.quote in b.text[phase.offset:phase.stop])):
                    seen.add(oid)
                    phase.celebrates.append((oid, None))
            for lm in f.lunar:
                if lm.lunar is None and (lm.where.line, lm.where.page) in lines and lm.id not in seen \
                        and (phase.stop is None or lm.where.quote in b.text[phase.offset:phase.stop]):
                    seen.add(lm.id)
                    phase.celebrates.append((lm.id, None))


_REVIEW = re.compile(r"(?<!\w)(?:sơ\s+kết|tổng\s+kết|bình\s+xét|đánh\s+giá|chấm\s+điểm)\s+(?:các\s+)?$", re.I)
_SENTENCE_LEAD = re.compile(r"[\s\-–•+*]*(?:(?:trong|vào)\s+)?", re.I)
_LAUNCH_VERB = re.compile(r"(?<!\w)(?:tổ\s+chức|phát\s+động|triển\s+khai)\s+$", re.I)


def _period_before(text: str, label_at: int) -> tuple[int, Period] | None:
    """The period opening the sentence of an unnumbered label, when the sentence launches that campaign:
    "Trong quý IV/2026, Liên đoàn … tổ chức đợt thi đua …", "Từ 01/3 đến 31/5/2025, công đoàn phát động đợt cao điểm …"."""
    ends = [k.end() for k in _CLAUSE_END.finditer(text, 0, label_at)]
    s0 = ends[-1] if ends else 0
    lead = _SENTENCE_LEAD.match(text, s0, label_at)
    at = lead.end() if lead else s0
    period = period_at(text[at:label_at])
    if period is None or period.end is None or period.start is None:
        return None
    between = text[at + period.end_offset:label_at]
    if not _LAUNCH_VERB.search(between) or LABEL.search(between) or re.search(r"kết|\d{1,2}[/.\-]\d|\d{4}|(?<!\w)đã\s", between):
        return None
    return at, period


def _yearless_month(bound: Bound | None) -> int | None:
    """The month of a bound written without its year ("30/11", "tháng 9"), else None."""
    if bound is None or bound.year is not None:
        return None
    month = bound.month_only or (int(bound.value.split("/")[1]) if isinstance(bound.value, str)
                                 and re.fullmatch(r"\d+/\d+", bound.value) else None)
    return month if month is not None and 1 <= month <= 12 else None


def _month_day(bound: Bound) -> tuple[int, int]:
    if bound.month_only is not None:
        return bound.month_only, 1
    d, m = bound.value.split("/")
    return int(m), int(d)


def _give_year(p: Phase, bound: Bound, is_end: bool, y: int, note: str) -> None:
    month = _yearless_month(bound)
    if month is None:
        return
    if bound.month_only is not None:
        bound.value = f"tháng {month}/{y}"
        bound.day = n.month_end(y, month) if is_end else date(y, month, 1)
    else:
        d = int(bound.value.split("/")[0])
        bound.value, bound.day = f"{bound.value}/{y}", n.make_date(d, month, y)
    bound.year = y
    p.notes.append(note)
    if is_end:
        p.end, p.end_date = bound.value, bound.day
    else:
        p.start, p.start_date = bound.value, bound.day


def _start_from_end(p: Phase, why: str) -> None:
    """A start written with its day ("từ ngày 1 đến 31-12") or day and month only, once the end has its year."""
    start, end = p.bounds
    if start is None or end is None or end.day is None:
        return
    if start.day_only is not None and start.value is None:
        day = n.make_date(start.day_only, end.day.month, end.day.year)
        if day is not None and day <= end.day:
            start.value, start.day, start.year = n.written(str(start.day_only), str(end.day.month), str(end.day.year)), \
                day, end.day.year
            p.start, p.start_date = start.value, day
    elif _yearless_month(start) is not None:
        y = end.day.year if _month_day(start) <= (end.day.month, end.day.day) else end.day.year - 1
        _give_year(p, start, False, y, why.format(y))


def _outside_brackets(text: str, offsets: list[int]) -> list[int]:
    """The offsets (sorted) not inside an open bracket, in one pass over the text."""
    out: list[int] = []
    depth, pos = 0, 0
    for at in offsets:
        chunk = text[pos:at]
        depth = max(0, depth + chunk.count("(") - chunk.count(")"))
        pos = at
        if depth == 0:
            out.append(at)
    return out


def _yearless(bound: Bound) -> bool:
    return bound.month_only is not None or (isinstance(bound.value, str) and re.fullmatch(r"\d+/\d+", bound.value) is not None)
