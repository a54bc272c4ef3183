"""Planning email reminders: a pure function of calendars, recipients, policy and "now".

Timing rules (the README states them the same way):

* **Last day.** People act on the *last day they can still submit*: for ``due: no_later_than``
  ("chậm nhất ngày 15/3") it is the written day; for ``due: before`` ("trước 25/6", due at 25/6
  00:00) it is the day before, 24/6. Every offset counts back from that day, so "1 day before" a
  "trước 25/6" deadline is 23/6 and "on the day" (offset 0) is 24/6, never 25/6 when it is already
  too late.
* **Offsets.** The deadline's ``remind_days``, else the calendar's ``remind_days``, else the
  deployment's ``Settings.remind_days`` (14, 7, 3, 1, 0).
* **Working days.** A reminder day that is a weekend or public holiday moves to the previous working
  day (``previous_working_day``). When two offsets land on the same day (1 and 0 before a Monday
  deadline both land on Friday) only the nearest one (smallest offset) is kept: one email per
  deadline per day.
* **Hour.** Sent at ``remind_hour`` (08:00) local time in the calendar's zone.
* **Overdue.** Units that have not submitted get one overdue notice at ``remind_hour`` on the first
  working day after the last day; the admins (``Settings.admin_emails``) get a summary of who has
  and has not submitted at the same moment.
* **Who.** A deadline's groups' units, for deadlines the calendar defines itself (an inherited
  deadline reminds through the calendar that defines it, so nobody gets it twice); plus people who
  subscribed to the calendar, for every deadline on it, unless they already get it as a member of a
  unit.
* **Submitted.** Rows of a unit that has clicked "Đã nộp" are planned as ``suppressed``: kept on
  record, never sent.
* **Window.** Reminders are planned for deadlines still ahead of ``now``; overdue notices and
  summaries for deadlines up to ``LOOKBACK`` ago.

Catch-up (``triage``): a reminder found due is sent if its deadline has not passed, otherwise
recorded as missed; if several reminders of one deadline are due for one person at once (the service
was down), only the nearest is sent and the older ones are recorded as missed. Overdue notices and
summaries more than ``OVERDUE_GRACE`` late are recorded as missed. Nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from scheduler.core.collector import paused
from scheduler.core.days_off import day_off_reason, previous_working_day
from scheduler.core.events import DeadlineInfo, Event, EventKind
from scheduler.reminders.plan_blocks import Block, Parties, Party, Without, unit_parties
from scheduler.reminders.row_order import ordered

if TYPE_CHECKING:  # groups are passed in; reading files is the shell's business
    from scheduler.reminders.recipients import Group
    from scheduler.reminders.scope import Scope

LOOKBACK = timedelta(days=30)
OVERDUE_GRACE = timedelta(days=7)
# Offsets of the rows that are not "N days before".
OVERDUE_OFFSET = -1
SUMMARY_OFFSET = -2


class Kind(StrEnum):
    REMINDER = "reminder"
    OVERDUE = "overdue"
    SUMMARY = "summary"


@dataclass(frozen=True, slots=True)
class Policy:
    # The settings schema's defaults (remind_days, remind_hour, remind_digest); a test keeps them equal.
    days: tuple[int, ...] = (14, 7, 3, 1, 0)
    hour: int = 8
    digest: bool = False
    admin_emails: tuple[str, ...] = ()
    overdue: bool = True


@dataclass(frozen=True, slots=True)
class Campaign:
    """What planning needs of one calendar: its deadlines (expanded events) and overrides."""

    calendar_id: str
    title: str
    events: tuple[Event, ...]
    timezone: str = "Asia/Ho_Chi_Minh"
    remind_days: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class Subscriber:
    email: str
    calendar_id: str


@dataclass(frozen=True, slots=True)
class Moment:
    """What every row of one block shares: the deadline occurrence, the kind and offset, the days and instants."""

    occurrence_uid: str
    calendar_id: str
    kind: Kind
    offset_days: int  # days before the last day; OVERDUE_OFFSET / SUMMARY_OFFSET otherwise
    send_at: datetime  # aware, UTC
    send_day: date  # local civil day it goes out
    due_at: datetime  # aware, the deadline instant
    last_day: date
    nominal_day: date  # before moving off a weekend or holiday


@dataclass(frozen=True, slots=True)
class PlannedReminder:
    """One planned row: its block's :class:`Moment` and who it goes to. A national deadline plans 400,000 of
    them (a plan held whole, :func:`plan`, holds them all); the block's fields shared, a row takes half the
    memory of one holding them all."""

    moment: Moment
    party_key: str  # "unit:<id>", "sub:<email>", "admin:<email>": who submits (or reads the summary)
    party_name: str
    email: str  # the address: an email, or "<channel>:<unit id>" for a unit's webhook, chat...
    suppressed: bool = False  # the unit has submitted

    occurrence_uid = property(lambda self: self.moment.occurrence_uid)
    calendar_id = property(lambda self: self.moment.calendar_id)
    kind = property(lambda self: self.moment.kind)
    offset_days = property(lambda self: self.moment.offset_days)
    send_at = property(lambda self: self.moment.send_at)
    send_day = property(lambda self: self.moment.send_day)
    due_at = property(lambda self: self.moment.due_at)
    last_day = property(lambda self: self.moment.last_day)
    nominal_day = property(lambda self: self.moment.nominal_day)

    @property
    def recipient_key(self) -> str:
        return f"{self.party_key}|{self.email.lower()}"

    @property
    def channel(self) -> str:
        """Through which channel it goes: "webhook" for "webhook:<unit id>" ("chat" for "chat:..."), else "email"
        (the rule of ``notifiers.delivery.channel_of``; an email address has no ":" before its "@")."""
        channel, sep, _ = self.email.partition(":")
        return channel if sep and "@" not in channel and channel.isidentifier() and channel.islower() else "email"

    @property
    def key(self) -> tuple[str, str, int]:
        """The row's identity: one row per (occurrence, recipient, offset), whatever happens."""
        m = self.moment
        return (m.occurrence_uid, self.recipient_key, m.offset_days)

    @property
    def moved(self) -> bool:
        return self.nominal_day != self.send_day


def next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while day_off_reason(day) is not None:
        day += timedelta(days=1)
    return day


@lru_cache(maxsize=64)
def zone_of(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@lru_cache(maxsize=65536)
def reminder_days(last: date, offsets: tuple[int, ...]) -> tuple[tuple[int, date, date], ...]:
    """(offset, send day, nominal day), one per distinct send day, nearest offset kept."""
    by_day: dict[date, tuple[int, date]] = {}
    for offset in sorted(set(offsets)):
        nominal = last - timedelta(days=offset)
        day = previous_working_day(nominal)
        if day not in by_day:
            by_day[day] = (offset, nominal)
    return tuple((o, d, n) for d, (o, n) in sorted(by_day.items()))


def _parties(event: Event, campaign: Campaign, groups: Mapping[str, Group], subscribers: Sequence[str],
             units: dict[tuple[str, ...], Parties] | None = None,
             keep: frozenset[str] | None = None) -> Parties:
    """Who a deadline reaches; ``units`` keeps each groups' parties for the next deadline naming them (a country's
    deadlines name the same 200,000 units: kept as a source decoded on each read, see plan_blocks). ``keep``: only
    these units are wanted (a subscriber's party needs every unit's emails, which it must not duplicate)."""
    info = event.deadline
    assert info is not None
    parties: list[Party] = []
    if keep is not None and not any(k.startswith("sub:") for k in keep):
        own = event.defined_in == campaign.calendar_id and not event.inherited
        ids = {k[5:] for k in keep if k.startswith("unit:")}
        for gid in info.groups if own and ids else ():
            group = groups.get(gid)
            parties += [Party(f"unit:{u.id}", u.name, u.addresses) for u in (group.units_among(ids) if group else ())
                        if f"unit:{u.id}" in keep and all(p.key != f"unit:{u.id}" for p in parties)]
        return parties
    known: Parties = []
    if event.defined_in == campaign.calendar_id and not event.inherited:
        found = units.get(info.groups) if units is not None else None
        known = found if found is not None else unit_parties(info.groups, groups)
        if units is not None:
            units[info.groups] = known
    if not subscribers:
        return known  # only read: shared by the deadlines naming the same groups
    parties = list(known)
    # The units' addresses a subscriber already gets it at: only when the calendar has subscribers.
    taken = {e.lower() for p in parties for e in p.emails}
    for email in subscribers:
        if email.lower() not in taken:
            taken.add(email.lower())
            parties.append(Party(f"sub:{email.lower()}", email, (email,)))
    return parties


@dataclass(frozen=True, slots=True)
class PlannedRows:
    """A plan read as it is stored: the deadline occurrences it plans rows of (a block's, even if all its
    addresses opted out), and its rows, made block by block as they are read, in the order of :func:`plan`."""

    occurrences: frozenset[str]
    rows: Iterator[PlannedReminder]

    def __iter__(self) -> Iterator[PlannedReminder]:
        return self.rows


@paused()  # 200,000 rows of a national deadline, beside a directory of millions of objects
def plan(
    campaigns: Iterable[Campaign],
    groups: Mapping[str, Group],
    subscriptions: Iterable[Subscriber],
    policy: Policy,
    now: datetime,
    *,
    submitted: frozenset[tuple[str, str]] = frozenset(),
    opted_out: frozenset[tuple[str, str]] = frozenset(),
    only_day: date | None = None,
    extended: Mapping[tuple[str, str], date] | None = None,
    scope: Scope | None = None,
) -> list[PlannedReminder]:
    """Every reminder, overdue notice and admin summary the deployment should send.

    ``submitted`` holds (occurrence uid, party key) pairs; ``opted_out`` holds
    (email lowercased, calendar id or "*"). ``now`` must be timezone-aware.
    ``only_day`` keeps the rows sent on that local day and skips building the
    others (a preview of one day among 20,000 units). ``extended`` maps
    (occurrence uid, party key) to a later last day staff gave that unit
    (the deadline board): its reminders and overdue notice count from that day.
    """
    return list(plan_rows(campaigns, groups, subscriptions, policy, now, submitted=submitted, opted_out=opted_out,
                          only_day=only_day, extended=extended, scope=scope))


def plan_rows(
    campaigns: Iterable[Campaign],
    groups: Mapping[str, Group],
    subscriptions: Iterable[Subscriber],
    policy: Policy,
    now: datetime,
    *,
    submitted: frozenset[tuple[str, str]] = frozenset(),
    opted_out: frozenset[tuple[str, str]] = frozenset(),
    only_day: date | None = None,
    extended: Mapping[tuple[str, str], date] | None = None,
    scope: Scope | None = None,
) -> PlannedRows:
    """:func:`plan`, its rows made as they are read: a national wave is stored without ever being held whole.
    Its rows are those of the inputs as they are when it is read (the groups, the sets given)."""
    extended = extended or {}
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    subs: dict[str, list[str]] = {}
    for s in subscriptions:
        subs.setdefault(s.calendar_id, []).append(s.email)
    out: list[Block[Moment, PlannedReminder]] = []  # blocks of rows: one instant, deadline, offset each

    def row(m: Moment, party: Party, email: str) -> PlannedReminder:
        return PlannedReminder(m, party.key, party.name, email, bool(submitted) and m.kind is not Kind.SUMMARY
                               and (m.occurrence_uid, party.key) in submitted)

    units: dict[tuple[str, ...], Parties] = {}
    for campaign in campaigns:
        zone = zone_of(campaign.timezone)
        for event in campaign.events:
            info = event.deadline
            if event.kind is not EventKind.DEADLINE or info is None:
                continue
            if info.due_at <= now - LOOKBACK or (scope is not None and not scope.touches(event.uid)):
                continue
            last = info.last_day
            offsets = info.remind_days if info.remind_days is not None else (
                campaign.remind_days if campaign.remind_days is not None else policy.days)
            if only_day is not None and not extended and not (
                    (info.due_at > now and any(day == only_day for _, day, _ in reminder_days(last, tuple(offsets))))
                    or (policy.overdue and next_working_day(last) == only_day)):
                continue  # nothing of it goes out that day: its parties are not needed
            keep = scope.keeps(event.uid) if scope is not None else None
            parties = _parties(event, campaign, groups, sorted(subs.get(campaign.calendar_id, ())), units, keep)
            if keep is not None:
                parties = [p for p in parties if p.key in keep]

            send_times: dict[date, datetime] = {}

            # This occurrence's values are bound as defaults: the helpers outlive the loop's turn (blocks are read later).
            def moment(kind: Kind, offset: int, day: date, nominal: date, due: tuple[datetime, date] | None = None, *,
                       send_times: dict[date, datetime] = send_times, zone: ZoneInfo = zone, event: Event = event,
                       campaign: Campaign = campaign, info: DeadlineInfo = info, last: date = last) -> Moment:
                send_at = send_times.get(day)
                if send_at is None:  # one conversion per day, not per recipient
                    send_at = send_times[day] = datetime.combine(day, time(policy.hour), zone).astimezone(UTC)
                due_at, last_day = due or (info.due_at, last)
                return Moment(event.uid, campaign.calendar_id, kind, offset, send_at, day, due_at, last_day, nominal)

            def allowed(email: str, *, campaign: Campaign = campaign) -> bool:
                e = email.lower()
                return (e, campaign.calendar_id) not in opted_out and (e, "*") not in opted_out

            check = allowed if opted_out else None
            if extended:
                later = {p.key: d for p in parties if (d := extended.get((event.uid, p.key))) is not None and d > last}
                if later:
                    parties = Without(parties, later)
                    for party in (p for p in _parties(event, campaign, groups, sorted(subs.get(campaign.calendar_id, ())))
                                  if p.key in later):
                        own = later[party.key]
                        due = (datetime.combine(own, time(23, 59, 59), zone).astimezone(info.due_at.tzinfo), own)
                        if due[0] > now:
                            for offset, day, nominal in reminder_days(own, tuple(offsets)):
                                if only_day is None or day == only_day:
                                    out.append(Block(moment(Kind.REMINDER, offset, day, nominal, due), [party], row, check))
                        after = next_working_day(own)
                        if policy.overdue and (only_day is None or after == only_day):
                            m = moment(Kind.OVERDUE, OVERDUE_OFFSET, after, own + timedelta(days=1), due)
                            out.append(Block(m, [party], row, check))
            if info.due_at > now:
                for offset, day, nominal in reminder_days(last, tuple(offsets)):
                    if only_day is not None and day != only_day:
                        continue
                    out.append(Block(moment(Kind.REMINDER, offset, day, nominal), parties, row, check))
            if policy.overdue and (only_day is None or next_working_day(last) == only_day):
                after = next_working_day(last)
                # Only the units that owe the report (from the deadline's groups) are overdue; a person who
                # subscribed to the calendar owes nothing and gets reminders only.
                m = moment(Kind.OVERDUE, OVERDUE_OFFSET, after, last + timedelta(days=1))
                out.append(Block(m, parties, row, check, owing=True))
                if info.groups and event.defined_in == campaign.calendar_id and not event.inherited:
                    for admin in policy.admin_emails:
                        party = Party(f"admin:{admin.lower()}", "Quản trị viên", (admin,))
                        if keep is None or party.key in keep:
                            m = moment(Kind.SUMMARY, SUMMARY_OFFSET, after, last + timedelta(days=1))
                            out.append(Block(m, [party], row))
    return PlannedRows(frozenset(b.occurrence_uid for b in out), ordered(out))


class DueRow(Protocol):
    """What triage needs of a stored row (the store's rows and PlannedReminder both fit)."""

    @property
    def occurrence_uid(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def offset_days(self) -> int: ...
    @property
    def send_at(self) -> datetime: ...
    @property
    def due_at(self) -> datetime: ...
    @property
    def recipient_key(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Triage:
    send: list = field(default_factory=list)
    missed: list = field(default_factory=list)  # (row, Vietnamese reason)


MISSED_PASSED = "Hạn chót đã qua khi lời nhắc đến lượt gửi (dịch vụ ngừng hoạt động?)"
MISSED_SUPERSEDED = "Đã gửi lời nhắc gần hạn hơn thay cho lời nhắc này (gửi bù sau khi dịch vụ ngừng)"
MISSED_LATE = "Quá muộn để gửi thông báo này (trễ hơn {days} ngày)"


def triage(rows: Sequence[DueRow], now: datetime, *, nearest: Mapping[tuple[str, str], int] | None = None) -> Triage:
    """Split rows found due at ``now`` into those to send and those to record as missed.

    ``nearest`` may add what the store knows of other due rows (a wave is
    claimed in batches): (occurrence, recipient) → smallest due offset.
    """
    result = Triage()
    nearest = dict(nearest or {})
    for r in rows:
        if r.kind == Kind.REMINDER and r.due_at > now:
            k = (r.occurrence_uid, r.recipient_key)
            nearest[k] = min(nearest.get(k, r.offset_days), r.offset_days)
    for r in rows:
        if r.kind == Kind.REMINDER:
            if r.due_at <= now:
                result.missed.append((r, MISSED_PASSED))
            elif nearest[(r.occurrence_uid, r.recipient_key)] != r.offset_days:
                result.missed.append((r, MISSED_SUPERSEDED))
            else:
                result.send.append(r)
        elif now - _aware(r.send_at) > OVERDUE_GRACE:
            result.missed.append((r, MISSED_LATE.format(days=OVERDUE_GRACE.days)))
        else:
            result.send.append(r)
    return result


def batches(rows: Sequence[DueRow], digest: bool) -> list[list]:
    """Rows grouped into emails: with ``digest``, one email per address for its reminders and
    overdue notices; summaries always go alone."""
    if not digest:
        return [[r] for r in rows]
    grouped: dict[str, list] = {}
    alone: list[list] = []
    for r in rows:
        if r.kind == Kind.SUMMARY:
            alone.append([r])
        else:
            email = r.recipient_key.rpartition("|")[2]
            grouped.setdefault(email, []).append(r)
    return [g for g in grouped.values()] + alone


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
