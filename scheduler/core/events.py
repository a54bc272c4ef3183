"""Dated events: what expanding a calendar produces and every consumer reads.

An :class:`Event` is one occurrence on the calendar (a phase, an anniversary in
one year, Tết of one year, one deadline). It is a frozen value: the ICS
renderer, the feeds, the web page and the reminder planner all read it and
none of them can change it. Dates are civil dates in the calendar's time zone
(``Asia/Ho_Chi_Minh`` unless the calendar says otherwise); ``end`` is
inclusive, as people say it ("từ 01/8 đến 31/12").
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from scheduler.core.dates import vn_date


class EventKind(StrEnum):
    PHASE = "phase"
    ANNIVERSARY = "anniversary"
    OBSERVANCE = "observance"
    LUNAR = "lunar"
    DEADLINE = "deadline"
    HOLIDAY = "holiday"
    WORKDAY = "workday"  # a Saturday worked to make up a swapped day off
    EVENT = "event"  # a one-off meeting, ceremony or contest day

    @property
    def label(self) -> str:
        """What people call this kind, in Vietnamese (ICS CATEGORIES, pages, CLI)."""
        return _KIND_LABELS[self]


_KIND_LABELS = {
    EventKind.PHASE: "Đợt thi đua",
    EventKind.ANNIVERSARY: "Ngày kỷ niệm",
    EventKind.OBSERVANCE: "Hoạt động",
    EventKind.LUNAR: "Âm lịch",
    EventKind.DEADLINE: "Hạn chót",
    EventKind.HOLIDAY: "Ngày nghỉ lễ",
    EventKind.WORKDAY: "Ngày làm việc bù",
    EventKind.EVENT: "Sự kiện",
}


class DateOrigin(StrEnum):
    """Where an event's date comes from; every surface says which.

    ``document``: the plan writes it. ``rule``: a rule of the format computes it
    (an anniversary from its base date, a lunar date, "hết năm", a statutory day
    off). ``admin``: the issuing body's admin set it because the plan gives none.
    ``provisional``: the plan gives no bound (a phase "đến hết học kỳ I", a
    missing start), so the event runs to the campaign's bound until someone sets it.
    ``default``: the plan names a bound in words only ("đến hết năm học", "hết học
    kỳ I") and the date comes from data or a default (the Ministry's school-year
    framework, the format's 31/5); the provenance names which.
    """

    DOCUMENT = "document"
    RULE = "rule"
    ADMIN = "admin"
    DEFAULT = "default"
    PROVISIONAL = "provisional"


class Due(StrEnum):
    """How a deadline's written date is read.

    ``before`` ("trước 25/6"): the written day itself is too late; the
    deadline is the first instant of that day (``due_at`` = 25/6 00:00).
    ``no_later_than`` ("chậm nhất ngày 15/3"): the written day counts; the
    deadline is the last instant of that day (``due_at`` = 15/3 23:59:59).
    """

    BEFORE = "before"
    NO_LATER_THAN = "no_later_than"


def last_day(due: Due, written: date) -> date:
    """The last civil day one can still submit: the day before a `before` date."""
    return written - timedelta(days=1) if due is Due.BEFORE else written


@dataclass(frozen=True, slots=True)
class LunarInfo:
    year: int
    month: int
    day: int
    leap: bool = False


@dataclass(frozen=True, slots=True)
class AnniversaryInfo:
    base_date: date
    ordinal: int
    milestone: bool
    # Ids of the phases of this campaign that celebrate it ("Đợt 1 ... chào mừng").
    celebrated_in: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DeadlineInfo:
    due: Due
    due_at: datetime  # timezone-aware, in the calendar's zone
    as_written: str  # "trước 25/6/2024", "chậm nhất ngày 15/3/2023"
    warnings: tuple[str, ...] = ()  # Vietnamese, e.g. "Rơi vào Chủ nhật"
    submitted_by: str | None = None  # "Công đoàn cấp trên trực tiếp cơ sở"
    submit_to: str | None = None  # "LĐLĐ tỉnh (Ban Chính sách pháp luật ...)"
    via: str | None = None  # "ldldlongbien@gmail.com"
    groups: tuple[str, ...] = ()  # recipient group ids that must meet it
    # For a deadline relative to a phase ("sau mỗi đợt"), the phase's id.
    phase: str | None = None
    # Reminder offsets in days before due_at, when the calendar overrides the default.
    remind_days: tuple[int, ...] | None = None

    @property
    def last_day(self) -> date:
        """24/6 for "trước 25/6", 15/3 for "chậm nhất ngày 15/3": what countdowns count to."""
        return last_day(self.due, self.due_at.date())

    @property
    def due_words(self) -> str:
        """The due moment in words a union official reads one way only; the one
        wording that feeds, emails, pages and the CLI show.

        ``before`` ("trước 25/6"): "hết ngày 24/6/2024 (nộp trước 25/6/2024)";
        ``no_later_than``: "hết ngày 15/3/2023"; a due time of day that is neither
        (from an admin): "trước 17:00 ngày 25/6/2024".
        """
        clock = self.due_at.timetz().replace(tzinfo=None)
        day = self.due_at.date()
        if clock == time(0) and self.due is Due.BEFORE:
            return f"hết ngày {vn_date(self.last_day)} (nộp trước {vn_date(day)})"
        if clock == time(0) or clock >= time(23, 59):
            return f"hết ngày {vn_date(self.last_day)}"
        return f"trước {clock.hour}:{clock.minute:02d} ngày {vn_date(day)}"


@dataclass(frozen=True, slots=True)
class UndatedItem:
    """Something the plan names without a date ("sau mỗi đợt thi đua", "qua email").

    It is listed under its own heading with the document's wording and gets no
    event, no feed entry and no reminder until an admin gives it a date.
    """

    kind: EventKind  # DEADLINE, EVENT or ANNIVERSARY
    item_id: str
    title: str
    wording: str  # the document's own words about when
    source: str  # "calendars/kon-tum-2024.yaml:57"
    defined_in: str
    inherited: bool = False
    context: str | None = None  # facts that help, e.g. when each phase ends
    submitted_by: str | None = None
    submit_to: str | None = None
    via: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None} | {"kind": self.kind.value}


@dataclass(frozen=True, slots=True)
class Event:
    uid: str  # stable across runs and across edits of other events
    kind: EventKind
    title: str  # Vietnamese, as a union official would write it
    start: date
    end: date  # inclusive
    source: str  # "calendars/kon-tum-2024.yaml:42"
    calendar_id: str  # the calendar being expanded
    item_id: str  # the id of the YAML item this occurrence comes from
    defined_in: str  # id of the calendar that defines the item (a parent when inherited)
    description: str | None = None
    anniversary: AnniversaryInfo | None = None
    lunar: LunarInfo | None = None
    can_chi: str | None = None
    deadline: DeadlineInfo | None = None
    warnings: tuple[str, ...] = field(default=())
    # True for items that come from a parent calendar (the national one) and that
    # this calendar does not celebrate itself: feeds can leave them out.
    inherited: bool = False
    origin: DateOrigin = DateOrigin.DOCUMENT
    # One Vietnamese sentence saying where the date comes from, for every surface.
    provenance: str | None = None
    # One-off events: time of day (in the calendar's zone) and place.
    start_time: time | None = None
    end_time: time | None = None
    place: str | None = None

    @property
    def milestone(self) -> bool:
        return bool(self.anniversary and self.anniversary.milestone)

    @property
    def name(self) -> str:
        """The title without what its neighbours already say: a deadline's
        "Hạn chót: " and "(trước 25/6/2024)" go, for subjects and alarms that
        state the kind and the due date themselves."""
        if self.deadline is None:
            return self.title
        prefix = EventKind.DEADLINE.label + ": "
        return self.title.removeprefix(prefix).removesuffix(f" ({self.deadline.as_written})")

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape of `lichthidua expand --format json`."""
        out: dict[str, Any] = {
            "uid": self.uid,
            "kind": self.kind.value,
            "title": self.title,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "source": self.source,
            "calendar": self.calendar_id,
            "item": self.item_id,
            "defined_in": self.defined_in,
            "inherited": self.inherited,
        }
        if self.description:
            out["description"] = self.description
        if self.anniversary:
            a = self.anniversary
            out.update(
                base_date=a.base_date.isoformat(),
                ordinal=a.ordinal,
                milestone=a.milestone,
                celebrated_in=list(a.celebrated_in),
            )
        if self.lunar:
            out["lunar"] = dataclasses.asdict(self.lunar)
            out["can_chi"] = self.can_chi
        if self.deadline:
            d = self.deadline
            out.update(
                due=d.due.value,
                due_at=d.due_at.isoformat(),
                as_written=d.as_written,
                submitted_by=d.submitted_by,
                submit_to=d.submit_to,
                via=d.via,
                groups=list(d.groups),
                phase=d.phase,
            )
            if d.remind_days is not None:
                out["remind_days"] = list(d.remind_days)
        if self.warnings or self.deadline:
            out["warnings"] = list(self.warnings)
        out["origin"] = self.origin.value
        if self.provenance:
            out["provenance"] = self.provenance
        if self.start_time is not None:
            out["start_time"] = self.start_time.isoformat("minutes")
        if self.end_time is not None:
            out["end_time"] = self.end_time.isoformat("minutes")
        if self.place:
            out["place"] = self.place
        return out

    def fingerprint(self) -> str:
        """A digest of everything a subscriber sees; it changes iff the event does.

        ``source`` is left out: moving a line in the YAML changes nothing a
        subscriber sees, so it must not raise the event's SEQUENCE.
        """
        data = self.to_json()
        data.pop("source", None)
        raw = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(raw).hexdigest()[:16]


def event_from_json(data: Mapping[str, Any]) -> Event:
    """The inverse of :meth:`Event.to_json` (kept beside it), for re-publishing a deleted event.

    Deadline warnings are not part of the JSON (nor of the fingerprint); a
    cancelled event does not need them.
    """
    anniversary = None
    if "ordinal" in data:
        anniversary = AnniversaryInfo(
            base_date=date.fromisoformat(data["base_date"]),
            ordinal=int(data["ordinal"]),
            milestone=bool(data["milestone"]),
            celebrated_in=tuple(data.get("celebrated_in", ())),
        )
    lunar = LunarInfo(**data["lunar"]) if data.get("lunar") else None
    deadline = None
    if "due" in data:
        deadline = DeadlineInfo(
            due=Due(data["due"]),
            due_at=datetime.fromisoformat(data["due_at"]),
            as_written=data["as_written"],
            submitted_by=data.get("submitted_by"),
            submit_to=data.get("submit_to"),
            via=data.get("via"),
            groups=tuple(data.get("groups", ())),
            phase=data.get("phase"),
            remind_days=tuple(data["remind_days"]) if "remind_days" in data else None,
        )
    return Event(
        uid=data["uid"],
        kind=EventKind(data["kind"]),
        title=data["title"],
        start=date.fromisoformat(data["start"]),
        end=date.fromisoformat(data["end"]),
        source=data.get("source", ""),
        calendar_id=data["calendar"],
        item_id=data["item"],
        defined_in=data["defined_in"],
        description=data.get("description"),
        anniversary=anniversary,
        lunar=lunar,
        can_chi=data.get("can_chi"),
        deadline=deadline,
        warnings=tuple(data.get("warnings", ())),
        inherited=bool(data.get("inherited", False)),
        origin=DateOrigin(data.get("origin", "document")),
        provenance=data.get("provenance"),
        start_time=time.fromisoformat(data["start_time"]) if data.get("start_time") else None,
        end_time=time.fromisoformat(data["end_time"]) if data.get("end_time") else None,
        place=data.get("place"),
    )
