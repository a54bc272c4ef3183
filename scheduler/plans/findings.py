"""What `extract` finds in a plan: plain values, each with the sentence it came from.

`draft` turns them into calendar YAML, `lint` checks them. Dates are kept
as the document writes them (strings in the calendar format), plus a parsed
`date` where one is needed for checks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class Where:
    """The sentence an item came from: 1-based line (within its page for PDFs)."""

    line: int
    page: int | None
    quote: str

    def label(self) -> str:
        return f"trang {self.page}, dòng {self.line}" if self.page is not None else f"dòng {self.line}"


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph of the plan, joined across wrapped lines, markup removed."""

    text: str
    line: int
    page: int | None


@dataclass(frozen=True, slots=True)
class CommemorationRef:
    """A national or plan-local commemoration the extractor can map mentions to."""

    id: str
    name: str
    base: date
    local: bool = False  # defined by this plan (not in the national calendar)


@dataclass(frozen=True, slots=True)
class NamedRef:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class ParentRef:
    """A calendar already in the folder, found by the number of the document it drafts."""

    id: str
    number: str
    place: str | None


@dataclass(frozen=True)
class Reference:
    """What the extractor maps mentions to: the national calendar and the folder's plans."""

    national_id: str = "viet-nam"
    commemorations: tuple[CommemorationRef, ...] = ()
    observances: tuple[NamedRef, ...] = ()
    lunar: tuple[NamedRef, ...] = ()
    parents: tuple[ParentRef, ...] = ()


@dataclass
class Mention:
    """An anniversary as written: "kỷ niệm 95 năm Ngày thành lập Công đoàn Việt Nam (28/7/1929 - 28/7/2024)"."""

    ordinal: int | None
    name: str
    base: date | None  # first date of the bracket (or base year only, day 1/1, when `base_year_only`)
    day: date | None  # second date of the bracket
    ids: list[str]
    where: Where
    base_year_only: bool = False
    offset: int = 0  # character offset in its block, for ordering


@dataclass
class Phase:
    number: int
    name: str
    start: Any  # calendar-format value: "01/8/2024", "tháng 01/2024", "ngày phát động", None
    end: Any
    as_written: str
    where: Where
    theme: str | None = None
    celebrates: list[tuple[str, int | None]] = field(default_factory=list)
    start_date: date | None = None  # resolved, for checks
    end_date: date | None = None
    notes: list[str] = field(default_factory=list)
    label_as_written: str = ""
    implausible: bool = False  # a bound that cannot be right (an end before the start): not used to date the campaign
    offset: int = 0  # where its label starts in its block
    stop: int | None = None  # where its clause ends in its block (None: the paragraphs that follow belong to it)
    bounds: tuple[Any, Any] = (None, None)  # the `notation.Bound`s read, for filling a year the text leaves out


@dataclass
class Deadline:
    id: str
    title: str
    due: str  # before | no_later_than
    where: Where
    date: str | None = None  # "25/6" or "15/3/2023"
    day: dt.date | None = None  # resolved in the campaign year
    after_phase: str | None = None
    as_written: str | None = None
    submitted_by: str | None = None
    submit_to: str | None = None
    via: str | None = None
    keywords: tuple[str, ...] = ()  # the wording: ("trước",), ("chậm nhất",)
    yearly: bool = False  # the text says "hằng năm": the same day every year, whatever the campaign's year
    notes: list[str] = field(default_factory=list)
    tet: str | None = None  # "trước Tết 10 ngày": dated by Tết in the format's notation (plans.tet_items)


@dataclass
class Event:
    id: str
    title: str
    where: Where
    date: str | None = None
    end: str | None = None  # last day of a range ("từ ngày 01/12/2023 đến ngày 03/12/2023")
    time: str | None = None
    end_time: str | None = None
    place: str | None = None
    as_written: str | None = None
    notes: list[str] = field(default_factory=list)
    day: dt.date | None = None  # resolved first day, for the campaign's time and checks
    kind: str = ""  # khai-mac, be-mac, trao-giai, hoi-nghi, contest…: for reports only
    tet: str | None = None  # "mùng 6 Tết": dated by Tết in the format's notation (plans.tet_items)


@dataclass
class LunarMention:
    id: str
    name: str
    where: Where
    can_chi: str | None = None
    year: int | None = None
    lunar: str | None = None  # "7/1" (lunar day/month) for a date named by its lunar day ("mùng 7 Tết")
    solar: date | None = None  # the Gregorian date the text gives beside it ("mùng 7 Tết (tức ngày 04/02/2025)")


@dataclass
class WeekdayMention:
    weekday: str
    day: date
    where: Where


@dataclass
class Activity:
    """A repeated activity as the plan states it: "hằng tuần vào thứ Ba, từ 10 giờ" within a phase or dates.

    `every` is "week" or "month"; `on` a weekday as written ("thứ ba") or a list of them, or the day of
    the month (15). The period is `within_phase` (a phase's number) or `start`/`end` (calendar-format
    dates); with neither the draft does not emit it as an item (check refuses an unbounded repeat).
    """

    id: str
    title: str
    where: Where
    every: str
    on: str | int | list[str]
    at: str | None = None
    end_at: str | None = None
    within_phase: int | None = None
    start: str | None = None
    end: str | None = None
    as_written: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Findings:
    suggested_id: str | None = None
    title: str | None = None
    issuer: str | None = None
    place: str | None = None
    kind: str | None = None
    number: str | None = None
    doc_date: str | None = None
    implements: str | None = None
    extends: str = "viet-nam"
    year: int | None = None
    span: Any = None  # None when `year` says it all; else a span string
    span_start: date | None = None
    span_end: date | None = None
    time_reason: tuple[str, Where | None] | None = None  # why this year or span, quoted in the draft
    time_derived: bool = False  # the year or span comes from the dated items, not from words that state it
    theme: str | None = None
    phases: list[Phase] = field(default_factory=list)
    stated_phase_count: tuple[int, Where] | None = None
    mentions: list[Mention] = field(default_factory=list)
    local_commemorations: list[CommemorationRef] = field(default_factory=list)
    omit: list[str] = field(default_factory=list)  # national entries replaced by a combined one
    known_commemorations: list[CommemorationRef] = field(default_factory=list)  # national + local, for checks
    lunar: list[LunarMention] = field(default_factory=list)
    observances: list[tuple[str, Where]] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    weekdays: list[WeekdayMention] = field(default_factory=list)
    notes: list[tuple[str, Where | None]] = field(default_factory=list)  # uncertain, calendar-wide

    def counts(self) -> dict[str, int]:
        return {
            "đợt thi đua": len(self.phases),
            "ngày kỷ niệm": len({i for m in self.mentions for i in m.ids}),
            "ngày âm lịch": len({m.id for m in self.lunar}),
            "tháng hưởng ứng": len({o for o, _ in self.observances}),  # "Tháng Công nhân"
            "hoạt động lặp lại": len(self.activities),
            "hạn chót": len(self.deadlines),
            "sự kiện": len(self.events),
        }
