"""A resolved calendar: one file with everything it inherits merged in.

`Calendar` is what expansion, feeds and reminders work from. Its phases
carry concrete dates: month precision, "hết năm", "hết năm học", "từ sau D",
"ngày phát động" and named ends are settled here, once; a bound the plan does
not give is marked provisional (see `resolve_phase`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Generic, TypeVar

from scheduler.core import lunar
from scheduler.core.dates import (
    AfterDay,
    DateExpr,
    EndOfSpan,
    EndOfYear,
    FullDate,
    LaunchDay,
    MonthYear,
    NamedEnd,
    TetRelative,
    YearOnly,
    quick_pickling,
    vn_date,
    vn_weekday,
)
from scheduler.core.events import DateOrigin
from scheduler.core.model import (
    Commemoration,
    Deadline,
    Document,
    LunarDateItem,
    Observance,
    OneOffEvent,
    Phase,
    RepeatedActivity,
)
from scheduler.core.school_years import is_first_term, semester1_end
from scheduler.core.spans import DERIVED_WORDS, Span, SpanKind
from scheduler.core.titles import render

T = TypeVar("T")


@quick_pickling
@dataclass(frozen=True, slots=True)
class Sourced(Generic[T]):
    """An item with the calendar that defines it and where: "calendars/viet-nam.yaml:12"."""

    item: T
    defined_in: str
    source: str
    issuer: str | None = None  # the body that issued the defining calendar: who set an admin date


@quick_pickling
@dataclass(frozen=True, slots=True)
class ResolvedPhase:
    id: str
    name: str
    start: date
    end: date  # inclusive
    title: str
    theme: str | None
    celebrates: tuple[str, ...]
    source: str
    defined_in: str
    as_written: str | None = None
    description: str | None = None
    warnings: tuple[str, ...] = ()
    origin: DateOrigin = DateOrigin.DOCUMENT
    provenance: str | None = None
    stated_ordinals: tuple[tuple[str, int], ...] = ()  # ("cong-doan-viet-nam", 95): as the plan writes it

    def stated_ordinal(self, item_id: str) -> int | None:
        return next((n for i, n in self.stated_ordinals if i == item_id), None)

    @property
    def provisional(self) -> bool:
        return self.origin is DateOrigin.PROVISIONAL


@quick_pickling
@dataclass(frozen=True, slots=True)
class Calendar:
    id: str
    title: str
    path: Path
    source: str  # display path of the file
    issuer: str | None = None
    span: Span | None = None  # what the campaign covers; None for the national calendar
    timezone: str = "Asia/Ho_Chi_Minh"
    extends: tuple[str, ...] = ()
    lineage: tuple[str, ...] = ()  # every ancestor, nearest first
    document: Document | None = None
    launch_date: date | None = None
    theme: str | None = None
    description: str | None = None
    public_holidays: bool = False
    public_holidays_from: str | None = None  # "viet-nam": the calendar that turned them on
    remind_days: tuple[int, ...] | None = None  # email reminder offsets overriding the deployment's
    draft: bool = False  # from `new`/`import`, not reviewed: previewed in /admin only, never published
    level: str | None = None  # "toàn quốc", "tỉnh", "trên cơ sở", "cơ sở" as the file states it
    commemorations: tuple[Sourced[Commemoration], ...] = ()
    observances: tuple[Sourced[Observance], ...] = ()
    lunar_dates: tuple[Sourced[LunarDateItem], ...] = ()
    deadlines: tuple[Sourced[Deadline], ...] = ()
    events: tuple[Sourced[OneOffEvent], ...] = ()
    activities: tuple[Sourced[RepeatedActivity], ...] = ()
    phases: tuple[ResolvedPhase, ...] = ()
    undated_phases: tuple[Sourced[Phase], ...] = ()  # named without dates: listed, never given any
    # commemoration id -> ids of this calendar's phases that celebrate it
    celebrated: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def year(self) -> int | None:
        """The span's first year (the year of a one-year campaign); None for the national calendar."""
        return self.span.year if self.span is not None else None

    @property
    def is_campaign(self) -> bool:
        return self.span is not None


def resolve_bound(expr: DateExpr, *, span: Span | None, launch: date | None, is_end: bool,
                  phase_start: date | None = None) -> date | None:
    """A phase bound as a date, or None when it cannot be known (no span, unknown launch, named end)."""
    if isinstance(expr, FullDate):
        return expr.value
    if isinstance(expr, MonthYear):
        return expr.last if is_end else expr.first
    if isinstance(expr, AfterDay):
        return expr.first
    if isinstance(expr, EndOfYear):
        year = phase_start.year if phase_start else (span.year if span else None)
        return date(year, 12, 31) if year else None
    if isinstance(expr, EndOfSpan):
        return span.end if span else None
    if isinstance(expr, LaunchDay):
        return launch
    if isinstance(expr, NamedEnd):
        return expr.day
    if isinstance(expr, YearOnly):
        return date(expr.year, 12, 31) if is_end else date(expr.year, 1, 1)
    if isinstance(expr, TetRelative) and expr.lunar and span is not None:
        days = [d for _, d in tet_days(expr, span, ()) if phase_start is None or d >= phase_start]
        return days[0] if days else None
    if isinstance(expr, TetRelative):
        year = tet_year(span, phase_start)
        return tet_date(expr, year) if year is not None else None
    return None


def tet_year(span: Span | None, near: date | None = None) -> int | None:
    """The lunar year whose Tết a campaign means: the Tết inside its span, else the first after its start."""
    if span is None:
        return near.year if near is not None else None
    for year in range(span.start.year, span.end.year + 2):
        if year in lunar.SUPPORTED_YEARS and lunar.to_solar(year, 1, 1) >= span.start:
            return year
    return None


def tet_date(expr: TetRelative, year: int) -> date:
    """"mùng 1 Tết" of Tết `year`, "29 tháng Chạp" before it (the last day when the month is short);
    a lunar day ("mùng 10 tháng 3 âm lịch") of lunar year `year` (tháng Chạp: of the year before)."""
    lunar_year = year - 1 if expr.lunar_month == 12 else year
    day = min(expr.lunar_day, lunar.month_length(lunar_year, expr.lunar_month))
    return lunar.to_solar(lunar_year, expr.lunar_month, day) + timedelta(days=expr.offset)


def tet_days(expr: TetRelative, span: Span | None, years: Iterable[int]) -> list[tuple[int, date]]:
    """(year of its Tết, date) each time a date tied to Tết or a lunar day falls.

    In a campaign: every one inside its span (a span of several years has one a
    year); none inside: the one of the campaign's Tết (see `tet_year`), which
    `check` reports outside the span. Without a span: one for each of `years`.
    """
    if span is None:
        return [(y, d) for y in years if (d := _tet_date_or_none(expr, y)) is not None]
    every = [(y, d) for y in range(span.start.year - 1, span.end.year + 2)
             if (d := _tet_date_or_none(expr, y)) is not None]
    inside = [(y, d) for y, d in every if d in span]
    if inside:
        return inside
    year = tet_year(span, span.start)
    return [(y, d) for y, d in every if y == year]


def _tet_date_or_none(expr: TetRelative, year: int) -> date | None:
    if year - 1 not in lunar.SUPPORTED_YEARS or year not in lunar.SUPPORTED_YEARS:
        return None
    return tet_date(expr, year)


def tet_provenance(expr: TetRelative, year: int) -> str:
    """Where an item's date tied to Tết or to a lunar day comes from: the document's words plus the rule."""
    day = tet_date(expr, year)
    lunar_year = year - 1 if expr.lunar_month == 12 else year
    short = expr.lunar_day > lunar.month_length(lunar_year, expr.lunar_month)
    last = (f" (tháng {lunar.MONTH_NAMES[expr.lunar_month - 1]} năm đó chỉ có 29 ngày: lấy ngày cuối tháng)"
            if short else "")
    if expr.lunar:
        rule = f"{lunar.to_lunar(day).format('words')} là {_weekday(day)} {vn_date(day)}{last}"
    else:
        rule = (f"Tết Nguyên đán {lunar.can_chi(year)} là {vn_date(lunar.to_solar(year, 1, 1))}, "
                f"{_quote(expr.words)} là {_weekday(day)} {vn_date(day)}{last}")
    return f"Văn bản ghi {_quote(expr.words)}; tính theo âm lịch Việt Nam (UTC+7): {rule}; mỗi năm tính lại."


def _weekday(day: date) -> str:
    word = vn_weekday(day)
    return word[:1].lower() + word[1:]


def tet_words(expr: TetRelative, span: Span | None, near: date | None) -> str | None:
    """The sentence every surface shows for a date computed from Tết."""
    if expr.lunar and span is not None:
        days = [d for _, d in tet_days(expr, span, ()) if near is None or d >= near]
        return (f"{_quote(expr.words)}: {vn_date(days[0])}, ngày {lunar.to_lunar(days[0]).format('numeric')}, "
                "tính theo âm lịch Việt Nam, mỗi năm tính lại") if days else None
    year = tet_year(span, near)
    if year is None:
        return None
    return (f"{_quote(expr.words)}: {vn_date(tet_date(expr, year))}, tính theo Tết Nguyên đán {lunar.can_chi(year)} "
            f"({vn_date(lunar.to_solar(year, 1, 1))}), mỗi năm tính lại")


def _quote(words: str) -> str:
    return f"“{words}”"


def resolve_phase(
    phase: Phase,
    *,
    span: Span | None,
    launch_date: date | None,
    defined_in: str,
    source: str,
    issuer: str | None = None,
) -> tuple[ResolvedPhase | None, list[str]]:
    """Concrete dates for a phase, and the codes of what the plan leaves open.

    A bound the plan does not give (no start, "từ ngày phát động" while the
    launch date is unknown, "đến hết học kỳ I" without a date, no end) falls
    back to the span's own bound and the phase is marked provisional: nothing is
    invented, the phase simply runs as far as the campaign does.
    """
    if phase.undated:
        return None, ["phase.undated"]
    notes: list[str] = []
    open_words: list[str] = []
    admin_words: list[str] = []
    start = resolve_bound(phase.start, span=span, launch=launch_date, is_end=False) if phase.start else None
    if start is None:
        if span is None:
            return None, ["phase.year"]
        if isinstance(phase.start, LaunchDay):
            notes.append("phase.launch_unknown")
            open_words.append(f"bắt đầu {_quote('từ ngày phát động')}, chưa có ngày phát động")
        else:
            notes.append("phase.no_start")
            open_words.append("không ghi ngày bắt đầu")
        start = span.start
    end = resolve_bound(phase.end, span=span, launch=launch_date, is_end=True, phase_start=start) if phase.end else None
    default_words: list[str] = []
    rule_words = [w for bound in (phase.start, phase.end) if isinstance(bound, TetRelative)
                  and (w := tet_words(bound, span, start)) is not None]
    if isinstance(phase.end, EndOfSpan) and span is not None and (span.end_rule is not None or span.derived):
        default_words.append(f"kết thúc {_quote(str(phase.end))}: {vn_date(span.end)}, "
                             f"{span.end_rule or DERIVED_WORDS}")
    elif isinstance(phase.end, EndOfSpan) and span is not None and span.kind is SpanKind.SCHOOL_YEAR:
        admin_words.append(f"ngày kết thúc năm học ({vn_date(span.end)}) do quản trị{_by(issuer)} đặt (span.end); "
                           f"văn bản ghi {_quote(str(phase.end))}")
    if (end is None and isinstance(phase.end, NamedEnd) and span is not None and span.kind is SpanKind.SCHOOL_YEAR
            and is_first_term(phase.end.words) and (term := semester1_end(span.start.year)) is not None):
        end = term.day
        default_words.append(f"kết thúc {_quote(phase.end.words)}: {vn_date(end)}, {term.rule}")
    if isinstance(phase.end, NamedEnd) and phase.end.day is not None:
        admin_words.append(f"ngày kết thúc ({vn_date(phase.end.day)}) do quản trị{_by(issuer)} đặt; "
                           f"văn bản ghi {_quote(phase.end.words)}")
    if end is None:
        if span is None:
            return None, ["phase.year"]
        if isinstance(phase.end, NamedEnd):
            notes.append("phase.named_end")
            open_words.append(f"kết thúc {_quote(phase.end.words)} mà không ghi ngày")
        else:
            notes.append("phase.no_end")
            open_words.append("không ghi ngày kết thúc")
        end = span.end
    words = span.words if span else f"năm {start.year}"
    # A span of dates, or one derived from the items, is not how the plan names its campaign: not in titles.
    plain = span is not None and (span.kind is SpanKind.DATES or span.derived)
    default_title = "{name} phong trào thi đua" if plain else "{name} phong trào thi đua {span}"
    title = render(phase.title or default_title, name=phase.name, year=span.year if span else start.year, span=words)
    origin, provenance = DateOrigin.DOCUMENT, (
        f"Thời gian theo văn bản: {_quote(phase.as_written)}" if phase.as_written else "Thời gian theo văn bản")
    if open_words:
        origin = DateOrigin.PROVISIONAL
        title += " (thời gian tạm tính)"
        provenance = (f"Tạm tính: văn bản {'; '.join(open_words)}. Đợt được tính từ {vn_date(start)} đến "
                      f"{vn_date(end)} (theo thời gian của phong trào{_derived(span)}) cho đến khi quản trị đặt ngày.")
    elif admin_words:
        origin = DateOrigin.ADMIN
        provenance = "Ngày do quản trị đặt: " + "; ".join(admin_words) + "."
    elif rule_words and not default_words:
        origin = DateOrigin.RULE
        lunar_only = all(b.lunar for b in (phase.start, phase.end) if isinstance(b, TetRelative))
        provenance = f"Ngày theo {'âm lịch' if lunar_only else 'Tết'}, văn bản ghi " + "; ".join(rule_words) + "."
    elif default_words:
        origin = DateOrigin.DEFAULT
        provenance = (f"Văn bản ghi {_quote(phase.as_written or str(phase.end))}, không ghi ngày kết thúc. Ngày "
                      + "; ".join(default_words) + ". Quản trị có thể đặt ngày khác trong tệp lịch.")
    resolved = ResolvedPhase(
        id=phase.id,
        name=phase.name,
        start=start,
        end=end,
        title=title,
        theme=phase.theme,
        celebrates=tuple(c.id for c in phase.celebrates),
        stated_ordinals=tuple((c.id, c.ordinal) for c in phase.celebrates if c.ordinal is not None),
        source=source,
        defined_in=defined_in,
        as_written=phase.as_written,
        description=phase.description,
        origin=origin,
        provenance=provenance,
    )
    return resolved, notes


def _derived(span: Span | None) -> str:
    return f", {DERIVED_WORDS}" if span is not None and span.derived else ""


def _by(issuer: str | None) -> str:
    return f" {issuer}" if issuer else ""


def celebrated_years(base: date, phase: ResolvedPhase | None, span: Span | None) -> list[int]:
    """The years whose anniversary a phase can celebrate: the occurrences inside the phase,
    else inside the span, else the span's first year ("90 năm thành lập Đảng" in a phase
    of năm học 2019–2020 is February 2020). A stated ordinal must match one of them."""
    for low, high in ((phase.start, phase.end) if phase else (None, None), (span.start, span.end) if span else (None, None)):
        if low is None or high is None:
            continue
        years = []
        for year in range(low.year, high.year + 1):
            try:
                day = base.replace(year=year)
            except ValueError:
                continue
            if low <= day <= high:
                years.append(year)
        if years:
            return years
    if span is not None:
        return [span.year]
    return [phase.start.year] if phase else []


def own_phases(calendar: "Calendar", item_id: str, day: date, base: date | None) -> tuple[str, ...]:
    """The phases of `calendar` that celebrate this occurrence of an item ("Đợt 1 chào mừng ...").

    For an anniversary with a base date, the occurrence must be one of the years
    the phase celebrates (see `celebrated_years`); otherwise it must fall inside
    the phase. 95 năm Công đoàn (2024) belongs to a 2024 plan; 97 năm (2026) does not.
    """
    phases = {p.id: p for p in calendar.phases}
    out = []
    for phase_id in calendar.celebrated.get(item_id, ()):
        phase = phases.get(phase_id)
        if phase is None:
            continue
        if base is not None:
            stated = phase.stated_ordinal(item_id)
            years = celebrated_years(base, phase, calendar.span)
            if stated is not None and base.year + stated in years:
                years = [base.year + stated]  # "95 năm" names one year of a two-year phase
            if day.year in years:
                out.append(phase_id)
        elif phase.start <= day <= phase.end:
            out.append(phase_id)
    return tuple(out)
