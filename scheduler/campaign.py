"""A resolved calendar: one file with everything it inherits merged in.

`Calendar` is what expansion, feeds and reminders work from. Its phases
carry concrete dates: month precision, "hết năm" and "ngày phát động" are
settled here, once, with the fallback for an unknown launch date documented
in `resolve_phase`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Generic, TypeVar

from scheduler.dates import DateExpr, EndOfYear, FullDate, LaunchDay, MonthYear, YearOnly, vn_date
from scheduler.model import Commemoration, Deadline, Document, LunarDateItem, Observance, Phase

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Sourced(Generic[T]):
    """An item with the calendar that defines it and where: "calendars/viet-nam.yaml:12"."""

    item: T
    defined_in: str
    source: str


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


@dataclass(frozen=True)
class Calendar:
    id: str
    title: str
    path: Path
    source: str  # display path of the file
    issuer: str | None = None
    year: int | None = None
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
    commemorations: tuple[Sourced[Commemoration], ...] = ()
    observances: tuple[Sourced[Observance], ...] = ()
    lunar_dates: tuple[Sourced[LunarDateItem], ...] = ()
    deadlines: tuple[Sourced[Deadline], ...] = ()
    phases: tuple[ResolvedPhase, ...] = ()
    # commemoration id -> ids of this calendar's phases that celebrate it
    celebrated: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def is_campaign(self) -> bool:
        return self.year is not None


def launch_fallback(year: int, document_date: DateExpr | None) -> date:
    """Where a phase "từ ngày phát động" starts while the launch date is unknown.

    The plan's own date if it is a full date (plans are launched when signed or
    soon after), otherwise 1 January of the campaign year. `check` warns either way.
    """
    if isinstance(document_date, FullDate) and document_date.value.year == year:
        return document_date.value
    return date(year, 1, 1)


def resolve_bound(expr: DateExpr, *, year: int | None, launch: date | None, is_end: bool) -> date | None:
    """A phase bound as a date, or None when it cannot be known without a year."""
    if isinstance(expr, FullDate):
        return expr.value
    if isinstance(expr, MonthYear):
        return expr.last if is_end else expr.first
    if isinstance(expr, EndOfYear):
        return date(year, 12, 31) if year else None
    if isinstance(expr, LaunchDay):
        return launch
    if isinstance(expr, YearOnly):
        return date(expr.year, 12, 31) if is_end else date(expr.year, 1, 1)
    return None


def resolve_phase(
    phase: Phase,
    *,
    year: int | None,
    launch_date: date | None,
    document_date: DateExpr | None,
    defined_in: str,
    source: str,
) -> tuple[ResolvedPhase | None, list[str]]:
    """Concrete dates for a phase, and the codes of what had to be assumed."""
    notes: list[str] = []
    launch = launch_date
    if isinstance(phase.start, LaunchDay) and launch is None:
        if year is None:
            return None, ["phase.year"]
        launch = launch_fallback(year, document_date)
        notes.append("phase.launch_unknown")
    start = resolve_bound(phase.start, year=year, launch=launch, is_end=False)
    end = resolve_bound(phase.end, year=year or (start.year if start else None), launch=launch, is_end=True)
    if start is None or end is None:
        return None, ["phase.year"]
    effective_year = year or start.year
    title = (phase.title or "{name} phong trào thi đua năm {year}").format(name=phase.name, year=effective_year)
    warnings = tuple(
        f"Ngày phát động chưa biết: tạm tính từ {vn_date(start)}" for code in notes if code == "phase.launch_unknown"
    )
    resolved = ResolvedPhase(
        id=phase.id,
        name=phase.name,
        start=start,
        end=end,
        title=title,
        theme=phase.theme,
        celebrates=tuple(c.id for c in phase.celebrates),
        source=source,
        defined_in=defined_in,
        as_written=phase.as_written,
        description=phase.description,
        warnings=warnings,
    )
    return resolved, notes
