"""The deadline board: who owes each deadline of a campaign, and in what state (pure).

For every tracked deadline (one that names recipient groups) and every unit of
those groups, one :class:`Entry` with its status:

* **chưa nộp**: nothing submitted; days overdue count from the unit's last day;
* **đã nộp**: submitted no later than the unit's last day (by the signed link,
  or recorded by staff as received on paper or by email);
* **nộp muộn**: submitted after it;
* **được gia hạn đến …**: staff gave this unit a later last day, not yet past,
  and nothing submitted;
* **trả lại để bổ sung**: staff returned the submission, with a reason.

Units are arranged by the hierarchy the recipient files describe (``parent:``
of a group or a unit names the body above): a province sees each district's
counts, then the district's own units. Everything here is a function of the
deadlines, the hierarchy, the recorded facts and "now": the shell reads them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from scheduler.core.dates import vn_date


class BoardStatus(StrEnum):
    OWING = "chua-nop"
    SUBMITTED = "da-nop"
    LATE = "nop-muon"
    EXTENDED = "gia-han"
    RETURNED = "tra-lai"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    BoardStatus.OWING: "chưa nộp",
    BoardStatus.SUBMITTED: "đã nộp",
    BoardStatus.LATE: "nộp muộn",
    BoardStatus.EXTENDED: "được gia hạn",
    BoardStatus.RETURNED: "trả lại để bổ sung",
}
STATUS_ORDER = (BoardStatus.OWING, BoardStatus.RETURNED, BoardStatus.EXTENDED, BoardStatus.LATE,
                BoardStatus.SUBMITTED)
# Statuses of a unit that still owes (a nudge and the digest go to these).
STILL_OWING = frozenset({BoardStatus.OWING, BoardStatus.RETURNED, BoardStatus.EXTENDED})


class How(StrEnum):
    LINK = "link"
    PAPER = "paper"
    EMAIL = "email"

    @property
    def label(self) -> str:
        return HOW_LABELS[self]


HOW_LABELS = {How.LINK: "qua liên kết trong email nhắc", How.PAPER: "bản giấy", How.EMAIL: "qua email"}


def parse_statuses(raw: Iterable[str]) -> tuple[BoardStatus, ...]:
    """Statuses from their codes or Vietnamese labels ("chua-nop", "chưa nộp"); ValueError names the known ones."""
    out: list[BoardStatus] = []
    by_word = {s.value: s for s in BoardStatus} | {s.label: s for s in BoardStatus}
    for item in raw:
        for word in item.split(","):
            word = word.strip().lower()
            if not word:
                continue
            found = by_word.get(word)
            if found is None:
                known = ", ".join(s.value for s in BoardStatus)
                raise ValueError(f"Tình trạng không rõ: {word!r}. Dùng một trong: {known}.")
            if found not in out:
                out.append(found)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Deadline:
    """What the board needs of one deadline occurrence."""

    uid: str
    calendar_id: str
    title: str
    last_day: date  # the last day one can still submit (see DeadlineInfo.last_day)
    as_written: str  # "chậm nhất ngày 15/3/2024", as the plan writes it
    groups: tuple[str, ...]
    timezone: str = "Asia/Ho_Chi_Minh"
    item: str = ""  # the deadline's id in the calendar file ("bao-cao-tong-ket"): every occurrence has it

    def named(self, key: str) -> bool:
        """Whether ``key`` names this deadline: its uid, its short id, or its item id."""
        return key in (self.uid, self.id) or (bool(self.item) and key == self.item)

    @property
    def id(self) -> str:
        """Short, for URLs and the CLI: the uid without "@lichthidua"."""
        return self.uid.removesuffix("@lichthidua")


@dataclass(frozen=True, slots=True)
class Body:
    """A unit of the recipient files, placed in the hierarchy."""

    id: str
    name: str
    group: str
    parent: str | None = None
    emails: tuple[str, ...] = ()


@dataclass
class Hierarchy:
    """Bodies by id, their children, their level (1 for a body with no parent)."""

    bodies: dict[str, Body] = field(default_factory=dict)
    children: dict[str | None, list[str]] = field(default_factory=dict)
    levels: dict[str, int] = field(default_factory=dict)
    group_names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, bodies: Iterable[Body], group_names: Mapping[str, str] | None = None) -> Hierarchy:
        h = cls(group_names=dict(group_names or {}))
        for b in bodies:
            h.bodies[b.id] = b
        for b in h.bodies.values():
            parent = b.parent if b.parent in h.bodies else None
            h.children.setdefault(parent, []).append(b.id)
        # Levels top down (a cycle, refused by the recipients check, would leave its bodies out: level 1).
        stack = [(bid, 1) for bid in h.children.get(None, [])]
        while stack:
            bid, level = stack.pop()
            h.levels[bid] = level
            stack += [(c, level + 1) for c in h.children.get(bid, [])]
        for bid in h.bodies:
            h.levels.setdefault(bid, 1)
        return h

    def level(self, body_id: str) -> int:
        return self.levels.get(body_id, 1)

    def path(self, body_id: str) -> list[Body]:
        """The bodies from the top down to ``body_id`` (itself last)."""
        out: list[Body] = []
        seen: set[str] = set()
        current: str | None = body_id
        while current is not None and current in self.bodies and current not in seen:
            seen.add(current)
            out.append(self.bodies[current])
            current = self.bodies[current].parent
        return out[::-1]

    def below(self, body_id: str | None) -> set[str]:
        """Every body strictly under ``body_id`` (None: every body)."""
        if body_id is None:
            return set(self.bodies)
        out: set[str] = set()
        stack = list(self.children.get(body_id, []))
        while stack:
            bid = stack.pop()
            if bid not in out:
                out.add(bid)
                stack += self.children.get(bid, [])
        return out

    def child_towards(self, root: str | None, body_id: str) -> str | None:
        """The child of ``root`` on the way down to ``body_id`` (None when ``body_id`` is not under it)."""
        for b in self.path(body_id):
            if b.parent == root or (root is None and b.parent not in self.bodies):
                return b.id
        return None


@dataclass(frozen=True, slots=True)
class Submitted:
    at: datetime
    how: How = How.LINK
    note: str = ""
    by: str = ""  # the staff account that recorded it; "" for the unit's own link


@dataclass(frozen=True, slots=True)
class Returned:
    at: datetime
    reason: str
    by: str


@dataclass(frozen=True, slots=True)
class Facts:
    """What is recorded, by (deadline uid, unit id): submissions, returns still in force, extensions."""

    submitted: Mapping[tuple[str, str], Submitted] = field(default_factory=dict)
    returned: Mapping[tuple[str, str], Returned] = field(default_factory=dict)
    extended: Mapping[tuple[str, str], date] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Entry:
    deadline: Deadline
    unit: Body
    level: int
    status: BoardStatus
    last_day: date  # the unit's own last day: the deadline's, or the extended one
    extended_to: date | None
    submitted: Submitted | None
    returned: Returned | None
    days_overdue: int  # owing past the last day: days since; late: days late; else 0

    @property
    def status_text(self) -> str:
        """The status as staff read it, with its when / how / until / why."""
        s = self.status
        if s in (BoardStatus.SUBMITTED, BoardStatus.LATE) and self.submitted is not None:
            text = f"{s.label} ngày {vn_date(self.submitted.at.date())} ({self.submitted.how.label})"
            if s is BoardStatus.LATE:
                text += f", muộn {self.days_overdue} ngày"
            return text
        if s is BoardStatus.EXTENDED and self.extended_to is not None:
            return f"được gia hạn đến {vn_date(self.extended_to)}"
        if s is BoardStatus.RETURNED and self.returned is not None:
            return f"trả lại để bổ sung ({self.returned.reason})"
        if self.days_overdue > 0:
            return f"chưa nộp, quá hạn {self.days_overdue} ngày"
        return "chưa nộp"

    @property
    def owing(self) -> bool:
        return self.status in STILL_OWING


def entries(deadlines: Sequence[Deadline], hierarchy: Hierarchy, facts: Facts, now: datetime,
            *, scope: str | None = None) -> list[Entry]:
    """One entry per (deadline, unit that owes it), deadlines in the given order, units in file order.

    ``scope`` keeps the units strictly under one body (None: all units).
    """
    allowed = None if scope is None else hierarchy.below(scope)
    by_group: dict[str, list[Body]] = {}
    for b in hierarchy.bodies.values():
        by_group.setdefault(b.group, []).append(b)
    out: list[Entry] = []
    zones: dict[str, date] = {}
    for d in deadlines:
        today = zones.get(d.timezone)
        if today is None:
            today = zones[d.timezone] = now.astimezone(ZoneInfo(d.timezone)).date()
        seen: set[str] = set()
        for gid in d.groups:
            for unit in by_group.get(gid, ()):
                if unit.id in seen or (allowed is not None and unit.id not in allowed):
                    continue
                seen.add(unit.id)
                out.append(_entry(d, unit, hierarchy.level(unit.id), facts, today))
    return out


def entry(d: Deadline, unit: Body, level: int, facts: Facts, now: datetime) -> Entry:
    """One unit's entry for one deadline (its own page and feed)."""
    return _entry(d, unit, level, facts, now.astimezone(ZoneInfo(d.timezone)).date())


def _entry(d: Deadline, unit: Body, level: int, facts: Facts, today: date) -> Entry:
    key = (d.uid, unit.id)
    extended = facts.extended.get(key)
    last = extended if extended is not None and extended > d.last_day else d.last_day
    sub = facts.submitted.get(key)
    ret = facts.returned.get(key)
    if sub is not None and (ret is None or sub.at > ret.at):
        day = sub.at.astimezone(ZoneInfo(d.timezone)).date()
        late = (day - last).days
        return Entry(d, unit, level, BoardStatus.LATE if late > 0 else BoardStatus.SUBMITTED, last, extended, sub,
                     None, max(late, 0))
    overdue = max((today - last).days, 0)
    if ret is not None:
        return Entry(d, unit, level, BoardStatus.RETURNED, last, extended, None, ret, overdue)
    if extended is not None and overdue == 0 and extended > d.last_day:
        return Entry(d, unit, level, BoardStatus.EXTENDED, last, extended, None, None, 0)
    return Entry(d, unit, level, BoardStatus.OWING, last, extended, None, None, overdue)


def select(items: Iterable[Entry], *, statuses: Sequence[BoardStatus] = (), groups: Sequence[str] = (),
           levels: Sequence[int] = (), deadline: str | None = None, under: str | None = None,
           hierarchy: Hierarchy | None = None, text: str = "") -> list[Entry]:
    """The entries that pass every filter given (an empty filter passes everything)."""
    keep_status = set(statuses)
    keep_group = set(groups)
    keep_level = set(levels)
    inside = hierarchy.below(under) if under is not None and hierarchy is not None else None
    needle = text.strip().casefold()
    return [e for e in items
            if (not keep_status or e.status in keep_status)
            and (not keep_group or e.unit.group in keep_group)
            and (not keep_level or e.level in keep_level)
            and (deadline is None or e.deadline.named(deadline))
            and (inside is None or e.unit.id in inside)
            and (not needle or needle in e.unit.name.casefold() or needle in e.unit.id)]


def by_overdue(items: Iterable[Entry]) -> list[Entry]:
    """Most days overdue first; then still owing before done, then by deadline and name (stable, total)."""
    rank = {s: i for i, s in enumerate(STATUS_ORDER)}
    return sorted(items, key=lambda e: (-e.days_overdue if e.owing else 1, rank[e.status], e.deadline.last_day,
                                        e.deadline.uid, e.unit.name, e.unit.id))


def counts(items: Iterable[Entry]) -> dict[BoardStatus, int]:
    out = {s: 0 for s in STATUS_ORDER}
    for e in items:
        out[e.status] += 1
    return out


@dataclass(frozen=True, slots=True)
class RollUp:
    """One child of the body being looked at: its own entries and the counts of everything under it."""

    body: Body
    own: tuple[Entry, ...]  # the child's own entries (its own report, when it owes one)
    counts: Mapping[BoardStatus, int]  # over the child and everything under it
    total: int

    @property
    def owing(self) -> int:
        return sum(n for s, n in self.counts.items() if s in STILL_OWING)


def roll_up(items: Iterable[Entry], hierarchy: Hierarchy, root: str | None = None) -> list[RollUp]:
    """The children of ``root`` (None: the top bodies) that have entries, each with its subtree's counts;
    most still owing first."""
    own: dict[str, list[Entry]] = {}
    tallies: dict[str, dict[BoardStatus, int]] = {}
    toward: dict[str, str | None] = {}
    for e in items:
        child = toward.get(e.unit.id, "")
        if child == "":
            child = toward[e.unit.id] = hierarchy.child_towards(root, e.unit.id)
        if child is None:
            continue
        tally = tallies.setdefault(child, {s: 0 for s in STATUS_ORDER})
        tally[e.status] += 1
        if child == e.unit.id:
            own.setdefault(child, []).append(e)
    rows = [RollUp(hierarchy.bodies[c], tuple(own.get(c, ())), t, sum(t.values())) for c, t in tallies.items()]
    rows.sort(key=lambda r: (-r.owing, r.body.name, r.body.id))
    return rows
