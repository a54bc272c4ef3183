"""Mistakes a reviewer should catch before signing a plan (pure).

Each rule has a stable code, a Vietnamese message and the sentence it is
about. Rules: an ordinal that disagrees with its bracket's dates or with the
national calendar, a bracket whose base date is not the known one, a weekday
that does not match its date, a wrong can-chi for Tết or a year, phases that
overlap or leave a gap, a deadline on a weekend or public holiday or outside
the campaign, "trước" and "chậm nhất" both used for one date, a phase label
typo or a phase count that disagrees with the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from scheduler.core.days_off import day_off_reason
from scheduler.core.events import Due, last_day
from scheduler.core.lunar import can_chi
from scheduler.plans.findings import Deadline, Findings, Where
from scheduler.plans.mentions import CAN_CHI
from scheduler.plans.notation import WEEKDAYS
from scheduler.plans.text import blocks, quote

_VN_WEEKDAY = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


@dataclass(frozen=True)
class LintFinding:
    code: str
    message: str
    where: Where | None

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.message,
            "line": self.where.line if self.where else None,
            "page": self.where.page if self.where else None,
            "quote": self.where.quote if self.where else None,
        }

    def format(self, source: str) -> str:
        loc = f"{source}:{self.where.line}" if self.where else source
        if self.where and self.where.page is not None:
            loc = f"{source}: trang {self.where.page}, dòng {self.where.line}"
        out = f"{loc}: [{self.code}] {self.message}"
        if self.where:
            out += f'\n    văn bản: "{self.where.quote}"'
        return out


def _d(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def lint(f: Findings, pages: Iterable[str], paged: bool) -> list[LintFinding]:
    out: list[LintFinding] = []
    by_id = {r.id: r for r in f.known_commemorations}

    # Ordinals against brackets and against the national calendar.
    for m in f.mentions:
        if m.ordinal is None:
            continue
        if m.base is not None and m.day is not None:
            years = m.day.year - m.base.year
            if years != m.ordinal:
                out.append(LintFinding(
                    "ordinal.bracket",
                    f"kỷ niệm {m.ordinal} năm nhưng ngoặc ghi {m.base.year} – {m.day.year} ({years} năm)",
                    m.where,
                ))
                continue
        exact = any(by_id[c].base == m.base for c in m.ids if c in by_id)
        for cid in m.ids:
            ref = by_id.get(cid)
            if ref is None:
                continue
            year = m.day.year if m.day is not None and not m.base_year_only else (m.day.year if m.day else f.year)
            if m.base is not None and not m.base_year_only and not exact and m.base != ref.base:
                out.append(LintFinding(
                    "bracket.base",
                    f"ngày gốc trong ngoặc là {_d(m.base)}, nhưng {ref.name} là {_d(ref.base)}",
                    m.where,
                ))
            elif year is not None and year - ref.base.year != m.ordinal and (m.day is None or m.base_year_only):
                out.append(LintFinding(
                    "ordinal.national",
                    f"kỷ niệm {m.ordinal} năm {ref.name} nhưng năm {year} là lần thứ {year - ref.base.year} "
                    f"(ngày gốc {_d(ref.base)})",
                    m.where,
                ))
    # Weekdays.
    for w in f.weekdays:
        expected = WEEKDAYS[w.weekday]
        if w.day.weekday() != expected:
            out.append(LintFinding(
                "weekday",
                f"văn bản ghi {w.weekday}, nhưng {_d(w.day)} là {_VN_WEEKDAY[w.day.weekday()]}",
                w.where,
            ))
    # Can-chi of Tết or a year.
    for b in blocks(pages, paged):
        for cm in CAN_CHI.finditer(b.text):
            right = can_chi(int(cm["y"]))
            written = cm["cc"].replace("Mẹo", "Mão")
            if written != right:
                out.append(LintFinding(
                    "can_chi",
                    f"{cm['what']} {cm['cc']} {cm['y']}: năm âm lịch {cm['y']} là {right}",
                    quote(b, cm.start(), cm.end()),
                ))
        # "trước" and "chậm nhất" for one date
        for both in re.finditer(r"(chậm nhất[^.;]{0,20}?trước|trước[^.;]{0,20}?chậm nhất)\s+(?:ngày\s+)?\d{1,2}[/.\-]\d{1,2}",
                                b.text, re.I):
            out.append(LintFinding(
                "due.both",
                'một hạn vừa ghi "trước" vừa ghi "chậm nhất": hai cách đọc lệch nhau một ngày, chọn một',
                quote(b, both.start(), both.end()),
            ))
    dated: dict[date, list[Deadline]] = {}
    for d in f.deadlines:
        if d.date and d.day:
            dated.setdefault(d.day, []).append(d)
    for day, items in dated.items():
        kinds = {d.due for d in items}
        if len(kinds) > 1:
            out.append(LintFinding(
                "due.both",
                f'hạn {_d(day)} được ghi cả "trước" lẫn "chậm nhất" ở hai chỗ',
                items[0].where,
            ))
    # Phases: overlaps and gaps.
    # Consecutive phases as the plan lists them; a bound the plan does not date ("hết học kỳ I") is not judged.
    for a, b2 in zip(f.phases, f.phases[1:], strict=False):
        if a.end_date is None or b2.start_date is None:
            continue
        if b2.start_date <= a.end_date:
            out.append(LintFinding(
                "phase.overlap",
                f"{a.name} kết thúc {_d(a.end_date)} nhưng {b2.name} đã bắt đầu {_d(b2.start_date)}",
                b2.where,
            ))
        elif b2.start_date > a.end_date + timedelta(days=1):
            out.append(LintFinding(
                "phase.gap",
                f"{a.name} kết thúc {_d(a.end_date)}, {b2.name} bắt đầu {_d(b2.start_date)}: "
                f"bỏ trống {(b2.start_date - a.end_date).days - 1} ngày",
                b2.where,
            ))
    for p in f.phases:
        if p.label_as_written and p.label_as_written != p.name and "ghi \"Đợt" in " ".join(p.notes):
            out.append(LintFinding("phase.label", f'nhãn đợt "{p.label_as_written}" có vẻ gõ nhầm ({p.name})', p.where))
    if f.stated_phase_count and f.phases and f.stated_phase_count[0] != len(f.phases):
        count, where = f.stated_phase_count
        out.append(LintFinding("phase.count", f"văn bản nói {count} đợt nhưng liệt kê {len(f.phases)} đợt", where))
    # Deadlines: days off and outside the campaign.
    for d in f.deadlines:
        if d.day is None:
            continue
        # The one rule of expand, check, emails and pages: "trước 7/11" can be met until the end of 6/11.
        last = last_day(Due.BEFORE if d.due == "before" else Due.NO_LATER_THAN, d.day)
        reason = day_off_reason(last)
        if reason and last == d.day:
            out.append(LintFinding("deadline.day_off", f"hạn {_d(d.day)} ({_VN_WEEKDAY[d.day.weekday()]}) rơi vào {reason}",
                                   d.where))
        elif reason:
            out.append(LintFinding(
                "deadline.day_off",
                f"hạn trước {_d(d.day)}: ngày cuối để nộp là {_d(last)} ({_VN_WEEKDAY[last.weekday()]}), rơi vào {reason}",
                d.where))
        # A final report ("tổng kết") may follow the campaign, as the calendar format allows (six months).
        final = "tổng kết" in d.title.lower() and f.span_end is not None and d.day <= f.span_end + timedelta(days=183)
        if f.span_start and f.span_end and not (f.span_start <= d.day <= f.span_end) and not final:
            out.append(LintFinding(
                "deadline.outside",
                f"hạn {_d(d.day)} nằm ngoài thời gian phong trào ({_d(f.span_start)} – {_d(f.span_end)})",
                d.where,
            ))
    return out
