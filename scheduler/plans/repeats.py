"""Activities repeated every week or month within a period, and phases the plan names without dates (pure).

"Sinh hoạt chuyên đề hằng tuần vào thứ Ba, từ 10 giờ" inside a phase's clause or
paragraphs repeats within that phase; with dates of its own ("từ 01/3 đến
30/4/2026") within them; with neither, the draft keeps it as a KIỂM TRA comment
(a calendar never repeats for ever). "Phong trào tổ chức qua 4 đợt" with only
some phases dated: the other labels the plan writes at the head of a paragraph
("Đợt 2: chào mừng …") become phases without dates, never given any.
"""

from __future__ import annotations

import re

from scheduler.plans.context import Context
from scheduler.plans.findings import Activity, Phase
from scheduler.plans.periods import period_in
from scheduler.plans.text import Clauses, cap, quote
from scheduler.plans.wording import LIST_MARK

_WEEKDAY = r"(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật)"
# "hằng tuần vào thứ Ba", "vào thứ Sáu hằng tuần", "ngày 15 hằng tháng", "hằng tháng vào ngày 15"
WEEKLY = re.compile(
    rf"(?:(?:hằng|hàng|mỗi)\s+tuần\s*,?\s*(?:vào\s+)?(?:các\s+)?(?P<wd>{_WEEKDAY}(?:\s*(?:,|và)\s*{_WEEKDAY})*)"
    rf"|(?:vào\s+)?(?:các\s+)?(?P<wd2>{_WEEKDAY})\s+(?:hằng|hàng|mỗi)\s+tuần)",
    re.I,
)
MONTHLY = re.compile(
    r"(?:(?:vào\s+)?ngày\s+(?P<d>\d{1,2})\s+(?:hằng|hàng|mỗi)\s+tháng|(?:hằng|hàng|mỗi)\s+tháng\s*,?\s*vào\s+ngày\s+(?P<d2>\d{1,2}))",
    re.I,
)
_AT = re.compile(r"\s*,?\s*(?:(?:từ|lúc|vào)\s+)?(?P<h>\d{1,2})\s*(?:giờ|h|:)\s*(?P<mi>\d{2})?"
                 r"(?:\s*(?:đến|-|–)\s*(?P<h2>\d{1,2})\s*(?:giờ|h|:)\s*(?P<mi2>\d{2})?)?")
_LEAD_VERB = re.compile(r"^(?:[-–•+]\s*)?(?:duy trì|tổ chức|thực hiện|triển khai)\s+(?:việc\s+)?", re.I)


def _time(h: str | None, mi: str | None) -> str | None:
    return f"{int(h):02d}:{mi or '00'}" if h and int(h) < 24 else None


class RepeatPass(Context):
    def repeats(self) -> None:
        f = self.f
        for bi, b in enumerate(self.blocks):
            text = self.masked[bi]
            found = list(WEEKLY.finditer(text)) + list(MONTHLY.finditer(text))
            clauses = Clauses(text) if found else None
            for m in found:
                assert clauses is not None
                start = max(clauses.start(m.start()), m.start() - 160)
                title = _LEAD_VERB.sub("", LIST_MARK.sub("", text[start:m.start()].strip(" ,–-")))
                at = _AT.match(text, m.end())
                stop = clauses.end(m.end())
                after = at.end() if at else m.end()
                # Its own period: in its clause, before or after the repeat ("…, từ 14 giờ, … (từ tháng 3 đến tháng 6/2027)").
                own = period_in(text, start, stop) or period_in(text, after, stop)
                if len(title.split()) < 2:  # "Hằng tuần vào thứ Sáu, từ 14 giờ, Ban Thường vụ giao ban …": after it
                    tail = text[after:own[0] if own is not None and own[0] > after else stop]
                    title = _LEAD_VERB.sub("", re.split(r"\s*\(", tail, maxsplit=1)[0].strip(" ,;:.–-"))
                if len(title.split()) < 2:
                    continue
                title = cap(title[:120])
                if m.re is WEEKLY:
                    days = re.findall(_WEEKDAY, m["wd"] or m["wd2"], re.I)
                    on: str | int | list[str] = [d.lower() for d in days] if len(days) > 1 else days[0].lower()
                    every = "week"
                else:
                    on, every = int(m["d"] or m["d2"]), "month"
                act = Activity(self.new_id(title), title, quote(b, start, m.end()), every, on,
                               at=_time(at["h"], at["mi"]) if at else None,
                               end_at=_time(at["h2"], at["mi2"]) if at else None,
                               as_written=re.sub(r"\s+", " ", text[m.start():at.end() if at else m.end()]).strip(" ,"))
                if own is not None and own[1].start and own[1].end and own[1].start.day and own[1].end.day:
                    act.start, act.end = own[1].start.value, own[1].end.value
                else:
                    phase = self._phase_holding(bi, m.start())
                    act.within_phase = phase.number if phase else None
                f.activities.append(act)

    def _phase_holding(self, bi: int, offset: int) -> Phase | None:
        """The phase whose clause, or whose paragraphs, hold this place of the text."""
        b = self.blocks[bi]
        for p, _region in self.phase_regions:
            if p.stop is not None and (p.where.line, p.where.page) == (b.line, b.page) and p.offset <= offset < p.stop:
                return p
        for p, region in self.phase_regions:
            if p.stop is None and bi in region:
                return p
        return None

    def undated_phases(self) -> None:
        """A stated number of phases larger than the dated ones: the labels heading paragraphs without a time."""
        f = self.f
        if f.stated_phase_count is None or f.stated_phase_count[0] <= len(f.phases):
            return
        have = {p.number for p in f.phases}
        for bi, b in enumerate(self.blocks):
            m = _HEAD_LABEL.match(self.masked[bi])
            if m is None:
                continue
            number = _number(m["l"])
            if number is None or number in have or len(f.phases) >= f.stated_phase_count[0]:
                continue
            rest = self.masked[bi][m.end():].strip(" :.-–")
            phase = Phase(number=number, name=f"{cap(m['w'].lower())} {m['l']}", start=None, end=None,
                          as_written=cap(self.blocks[bi].text[:120]), where=quote(b, m.start(), m.end()),
                          theme=cap(rest.split(". ")[0][:200]) if rest else None, label_as_written=m[0].strip(" :"))
            f.phases.append(phase)
            have.add(number)
        f.phases.sort(key=lambda p: p.number)


_HEAD_LABEL = re.compile(r"^(?:[-–•+*]\s*|\d+[.)]\s*)?(?P<w>Đợt|Giai đoạn)\s+(?P<l>\d{1,2}|IV|V|I{1,3})\b\s*[:.–-]?", re.I)


def _number(label: str) -> int | None:
    if label.isdigit():
        return int(label)
    return {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}.get(label.upper())
