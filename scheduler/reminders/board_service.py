"""The deadline board's shell: reads calendars, recipients and the database, acts, sends.

The decisions are pure (:mod:`scheduler.reminders.board`); this module gathers
their inputs from the reminder service (calendars, the recipient directory,
the ledger's submissions) and the board's tables
(:mod:`scheduler.reminders.actions`), checks every action against the staff
member's scope, and makes each action show at once: the unit's reminders are
re-planned (only that unit's rows: an extension moves them, a return brings
them back, a receipt stops them), the pages' reminder status is read again.
A unit's own side of the board (its page, feed, "Đã nộp" and attached files)
sits beside this service in :mod:`scheduler.reminders.unit_pages`.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select, update

from notifiers.content import BoardDigestContent, BoardDigestLine, DeadlineView, ReminderContent, ReturnedContent, deadline_view
from notifiers.email_message import Recipient
from notifiers.mailer import MessageSpec, deliver
from scheduler.core.campaign import Calendar
from scheduler.core.dates import vn_date
from scheduler.core.events import Event
from scheduler.core.expand import Window, expand_deadlines
from scheduler.errors import BadRequest, CalendarNotFound, Forbidden
from scheduler.reminders import board as B
from scheduler.reminders.actions import ActionKind, ActionRefused, BoardStore, party
from scheduler.reminders.ledger import ReminderRow, Status, insert_ignoring, utc
from scheduler.reminders.planning import LOOKBACK, Campaign, Kind, plan
from scheduler.reminders.recipients import Group
from scheduler.reminders.service import ReminderService

log = logging.getLogger("lichthidua.board")
ALL = "*"  # the scope of the whole deployment (the admin, the province)
DIGEST_OWING_LINES = 50
DIGEST_WEEKS = 8  # weekly digests stop this many weeks after the last day, even if someone still owes


@dataclass(frozen=True, slots=True)
class Staff:
    """Who acts: a staff account (or the admin), and the body whose units it sees (ALL: every unit)."""

    username: str
    name: str
    scope: str = ALL
    email: str | None = None

    @property
    def root(self) -> str | None:
        return None if self.scope == ALL else self.scope


ADMIN = Staff("admin", "Quản trị viên")


@dataclass(frozen=True, slots=True)
class BoardView:
    calendar: Calendar
    deadlines: tuple[B.Deadline, ...]
    entries: list[B.Entry]  # in scope, every deadline
    hierarchy: B.Hierarchy
    staff: Staff


class BoardService:
    def __init__(self, reminders: ReminderService) -> None:
        self.reminders = reminders
        self.store = BoardStore(reminders.engine)
        self._hierarchy: tuple[object, B.Hierarchy] | None = None
        self._deadlines: dict[str, tuple[Calendar, date, tuple[B.Deadline, ...], dict[str, Event]]] = {}

    # --- inputs --------------------------------------------------------------

    def hierarchy(self) -> B.Hierarchy:
        groups = self.reminders.directory.groups
        if self._hierarchy is None or self._hierarchy[0] is not groups:
            bodies = [B.Body(u.id, u.name, g.id, u.parent, u.emails) for g in groups.values() for u in g.units]
            self._hierarchy = (groups, B.Hierarchy.of(bodies, {g.id: g.name for g in groups.values()}))
        return self._hierarchy[1]

    def calendar(self, calendar_id: str) -> Calendar:
        calendar = self.reminders.calendars.get(calendar_id)
        if calendar is None:
            raise CalendarNotFound(f"Không có lịch '{calendar_id}'.")
        return calendar

    def _expanded(self, calendar_id: str, now: datetime) -> tuple[tuple[B.Deadline, ...], dict[str, Event]]:
        calendar = self.calendar(calendar_id)
        today = now.astimezone(ZoneInfo(calendar.timezone)).date()
        hit = self._deadlines.get(calendar_id)
        if hit is not None and hit[0] is calendar and hit[1] == today:
            return hit[2], hit[3]
        if calendar.span is not None:
            window = Window(min(calendar.span.start, today - LOOKBACK), max(calendar.span.end, today))
        else:
            window = Window(today - timedelta(days=366), today + timedelta(days=366))
        events = [e for e in expand_deadlines(calendar, window)
                  if e.deadline is not None and e.deadline.groups and e.defined_in == calendar.id and not e.inherited]
        deadlines = tuple(B.Deadline(e.uid, calendar.id, e.name, e.deadline.last_day, e.deadline.as_written,
                                     e.deadline.groups, calendar.timezone, e.item_id)
                          for e in events if e.deadline is not None)
        by_uid = {e.uid: e for e in events}
        self._deadlines[calendar_id] = (calendar, today, deadlines, by_uid)
        return deadlines, by_uid

    def deadlines(self, calendar_id: str, now: datetime) -> tuple[B.Deadline, ...]:
        return self._expanded(calendar_id, now)[0]

    def deadline(self, calendar_id: str, key: str, now: datetime) -> tuple[B.Deadline, Event]:
        """A deadline by its uid, its short id or its item id (the first occurrence)."""
        deadlines, events = self._expanded(calendar_id, now)
        for d in deadlines:
            if key in (d.uid, d.id):
                return d, events[d.uid]
        for d in deadlines:
            if events[d.uid].item_id == key:
                return d, events[d.uid]
        known = ", ".join(dict.fromkeys(events[d.uid].item_id for d in deadlines)) or "(không có hạn nào nêu nhóm đơn vị)"
        raise BadRequest(f"Lịch '{calendar_id}' không có hạn chót '{key}'. Các hạn được theo dõi: {known}.")

    def view(self, calendar_id: str, staff: Staff, now: datetime, *, deadline: str | None = None) -> BoardView:
        deadlines = self.deadlines(calendar_id, now)
        if deadline is not None:
            deadlines = (self.deadline(calendar_id, deadline, now)[0],)
        hierarchy = self.hierarchy()
        uids = [d.uid for d in deadlines]
        facts = self.store.facts(self.reminders.store.submissions(uids), uids)
        entries = B.entries(deadlines, hierarchy, facts, now, scope=staff.root)
        return BoardView(self.calendar(calendar_id), deadlines, entries, hierarchy, staff)

    def campaigns(self) -> list[Calendar]:
        """Calendars with at least one deadline of their own that names recipient groups, by title."""
        return sorted((c for c in self.reminders.calendars.values()
                       if any(s.item.groups for s in c.deadlines if s.defined_in == c.id)), key=lambda c: c.title)

    # --- scope ---------------------------------------------------------------

    def check_scope(self, staff: Staff, unit_id: str) -> B.Body:
        """The unit, if the staff member may see and act on it; else Forbidden (the same for a unit that does
        not exist, so nobody learns which units exist outside their scope)."""
        hierarchy = self.hierarchy()
        body = hierarchy.bodies.get(unit_id)
        if body is None or (staff.root is not None and unit_id not in hierarchy.below(staff.root)):
            raise Forbidden(f"Không có đơn vị '{unit_id}' trong phạm vi của tài khoản {staff.username}.")
        return body

    def check_under(self, staff: Staff, body_id: str | None) -> None:
        if body_id is None or staff.root is None:
            if body_id is not None:
                self.check_scope(staff, body_id)
            return
        if body_id != staff.root:
            self.check_scope(staff, body_id)

    def _owes(self, d: B.Deadline, body: B.Body) -> None:
        if body.group not in d.groups:
            raise BadRequest(f"Đơn vị '{body.name}' không thuộc nhóm phải nộp hạn '{d.title}'.")

    # --- actions -------------------------------------------------------------

    def receive(self, calendar_id: str, deadline: str, unit_id: str, how: B.How, note: str, staff: Staff,
                now: datetime, *, on: date | None = None) -> int:
        d, event = self.deadline(calendar_id, deadline, now)
        body = self.check_scope(staff, unit_id)
        self._owes(d, body)
        if how is B.How.LINK:
            raise BadRequest("Chỉ ghi nhận bản giấy hoặc qua email; nộp qua liên kết do đơn vị tự bấm.")
        zone = ZoneInfo(d.timezone)
        today = now.astimezone(zone).date()
        if on is not None and on > today:
            raise BadRequest(f"Ngày nhận {vn_date(on)} chưa tới.")
        at = now if on is None or on == today else datetime.combine(on, time(12), zone)
        action = self.store.received(d.uid, calendar_id, unit_id, how, note.strip(), actor=staff.username, now=now,
                                     received_at=at)
        self._after(event, calendar_id, body, now)
        return action

    async def return_(self, calendar_id: str, deadline: str, unit_id: str, reason: str, staff: Staff,
                      now: datetime) -> int:
        reason = reason.strip()
        if not reason:
            raise BadRequest("Cần ghi lý do trả lại: đơn vị sẽ nhận lý do này qua email.")
        d, event = self.deadline(calendar_id, deadline, now)
        body = self.check_scope(staff, unit_id)
        action = self.store.returned(d.uid, calendar_id, unit_id, reason, actor=staff.username, now=now)
        self._after(event, calendar_id, body, now)
        await self._send_returned(event, body, reason, staff, now)
        return action

    def extend(self, calendar_id: str, deadline: str, unit_id: str, until: date, note: str, staff: Staff,
               now: datetime) -> int:
        d, event = self.deadline(calendar_id, deadline, now)
        body = self.check_scope(staff, unit_id)
        self._owes(d, body)
        if until <= d.last_day:
            raise BadRequest(f"Ngày gia hạn phải sau ngày cuối của hạn ({vn_date(d.last_day)}).")
        action = self.store.extended(d.uid, calendar_id, unit_id, until, note.strip(), actor=staff.username, now=now)
        self._after(event, calendar_id, body, now)
        return action

    def undo(self, action_id: int, staff: Staff, now: datetime) -> int:
        action = self.store.action(action_id)
        if action is None or action.party_key == "*":
            raise ActionRefused(f"Không có thao tác số {action_id} để hoàn tác.")
        body = self.check_scope(staff, action.unit_id)
        self.store.undo(action_id, actor=staff.username, now=now)
        found = self._expanded(action.calendar_id, now)[1].get(action.occurrence_uid)
        if found is not None:
            self._after(found, action.calendar_id, body, now)
        else:
            self.reminders.changed()
        return action_id

    def _after(self, event: Event, calendar_id: str, body: B.Body, now: datetime) -> None:
        """What an action on one unit changes elsewhere, at once: its reminders, the pages' status."""
        self.replan_unit(event, calendar_id, body, now)
        self.reminders.changed()

    # --- one unit's reminders --------------------------------------------------

    def replan_unit(self, event: Event, calendar_id: str, body: B.Body, now: datetime) -> None:
        """Re-plan the reminders of one unit for one deadline, and make its ledger rows match.

        The same planner as the whole ledger's, given only this unit; rows already sent stay on record.
        (The next full re-plan finds the same rows: its fingerprint includes submissions and extensions.)
        """
        calendar = self.calendar(calendar_id)
        group = self.reminders.directory.groups.get(body.group)
        unit = group.unit(body.id) if group else None
        if unit is None:
            return
        key = party(body.id)
        submitted = frozenset((event.uid, p) for p in self.reminders.store.submissions([event.uid]).get(event.uid, {}))
        extended = {k: v for k, v in self.store.extensions().items() if k == (event.uid, key)}
        campaign = Campaign(calendar.id, calendar.title, (event,), calendar.timezone, calendar.remind_days)
        groups = {body.group: Group(body.group, group.name if group else body.group, (unit,), "")}
        rows = [r for r in plan([campaign], groups, [], self.reminders.policy, now, submitted=submitted,
                                opted_out=self.reminders.store.opted_out(), extended=extended)
                if r.party_key == key]
        t = ReminderRow.__table__  # type: ignore[attr-defined]
        stamp = utc(now)
        wanted = {r.key: r for r in rows}
        with self.reminders.engine.begin() as conn:
            existing = conn.execute(select(t.c.id, t.c.occurrence_uid, t.c.recipient_key, t.c.offset_days, t.c.status,
                                           t.c.kind, t.c.due_at).where(
                t.c.occurrence_uid == event.uid, t.c.party_key == key)).all()
            seen = set()
            open_ = (Status.PENDING.value, Status.SUPPRESSED.value, Status.CANCELLED.value)
            for row in existing:
                k = (row.occurrence_uid, row.recipient_key, row.offset_days)
                seen.add(k)
                p = wanted.get(k)
                if row.status not in open_:
                    continue
                if p is None:
                    if row.status != Status.CANCELLED.value and not (row.kind == Kind.REMINDER and
                                                                     utc(row.due_at) <= stamp):
                        conn.execute(update(t).where(t.c.id == row.id).values(status=Status.CANCELLED,
                                                                              updated_at=stamp))
                    continue
                target = Status.SUPPRESSED if p.suppressed else Status.PENDING
                conn.execute(update(t).where(and_(t.c.id == row.id, t.c.status.in_(open_))).values(
                    status=target, send_at=utc(p.send_at), due_at=utc(p.due_at), updated_at=stamp))
            new = [dict(occurrence_uid=p.occurrence_uid, calendar_id=p.calendar_id, kind=p.kind.value,
                        offset_days=p.offset_days, recipient_key=p.recipient_key, party_key=p.party_key,
                        party_name=p.party_name, email=p.email, channel=p.channel, send_at=utc(p.send_at),
                        due_at=utc(p.due_at), status=Status.SUPPRESSED if p.suppressed else Status.PENDING,
                        attempts=0, updated_at=stamp)
                   for k, p in wanted.items() if k not in seen]
            if new:
                conn.execute(insert_ignoring(conn, t, ("occurrence_uid", "recipient_key", "offset_days")), new)

    # --- emails --------------------------------------------------------------

    def _view(self, event: Event, calendar: Calendar, now: datetime, until: date | None = None) -> DeadlineView:
        today = now.astimezone(ZoneInfo(calendar.timezone)).date()
        view = deadline_view(event, calendar.title, today)
        if until is not None and until > view.last_day:
            view = replace(view, last_day=until, days_left=(until - today).days,
                           due_text=f"hết ngày {vn_date(until)}, được gia hạn (hạn chung: {view.due_text})")
        return view

    def _allowed(self, email: str, calendar_id: str) -> bool:
        out = self.reminders.store.opted_out()
        return (email.lower(), calendar_id) not in out and (email.lower(), "*") not in out

    async def _send_returned(self, event: Event, body: B.Body, reason: str, staff: Staff, now: datetime) -> int:
        calendar = self.calendar(event.calendar_id)
        until = self.store.extensions().get((event.uid, party(body.id)))
        view = self._view(event, calendar, now, until)
        links = self.reminders.links
        specs = [MessageSpec(f"returned:{event.uid}:{body.id}:{email.lower()}:{int(now.timestamp())}",
                             Recipient(email, body.name),
                             ReturnedContent(view, reason, staff.name, body.name,
                                             links.submitted(event.uid, party(body.id)),
                                             links.unsubscribe(email, calendar.id)))
                 for email in body.emails if self._allowed(email, calendar.id)]
        return await self._deliver(specs, now)

    async def _deliver(self, specs: Sequence[MessageSpec], now: datetime) -> int:
        if not specs:
            return 0
        results = await deliver(specs, self.reminders.mailer, self.reminders.transport, now)
        failed = [r for r in results if not r.delivered]
        for r in failed:
            log.warning("Không gửi được tới %s: %s", ", ".join(r.recipients), r.reason)
        return len(results) - len(failed)

    async def nudge(self, calendar_id: str, deadline: str, key: str, staff: Staff, now: datetime
                    ) -> tuple[bool, int]:
        """"Nhắc các đơn vị chưa nộp": one reminder now to each unit in scope still owing; (new, units reached).

        Once per scope, deadline and ``key`` (the page and the CLI use the local day): the same key again (a
        second press, a reload, another tab, another instance) sends nothing and says so.
        """
        if not key or len(key) > 100:
            raise BadRequest("Thiếu mã chống gửi trùng của lời nhắc; hãy tải lại trang rồi bấm lại.")
        d, event = self.deadline(calendar_id, deadline, now)
        # The key is the scope's, not the account's: two staff of one district pressing at once send once.
        idem = "nudge:" + hashlib.sha256(f"{staff.scope}\x1f{d.uid}\x1f{key}".encode()).hexdigest()[:40]
        action = self.store.nudge(d.uid, calendar_id, idem, actor=staff.username, now=now, scope=staff.scope)
        if action is None:
            return False, 0
        view = self.view(calendar_id, staff, now, deadline=d.uid)
        calendar = view.calendar
        links = self.reminders.links
        specs: list[MessageSpec] = []
        units = 0
        for e in view.entries:
            if not e.owing:
                continue
            emails = [m for m in e.unit.emails if self._allowed(m, calendar_id)]
            if emails:
                units += 1
            content_view = self._view(event, calendar, now, e.extended_to)
            specs += [MessageSpec(f"nudge:{action}:{email.lower()}", Recipient(email, e.unit.name),
                                  ReminderContent(content_view, e.unit.name, links.submitted(d.uid, party(e.unit.id)),
                                                  links.unsubscribe(email, calendar_id)))
                      for email in emails]
        await self._deliver(specs, now)
        self.store.nudge_sent(action, units)
        return True, units

    # --- the digest ----------------------------------------------------------

    def nudged_today(self, staff: Staff, uids: Sequence[str], now: datetime) -> dict[str, tuple[datetime, int]]:
        """Deadline uid → (when, units) of the nudge sent today in this staff member's scope."""
        out: dict[str, tuple[datetime, int]] = {}
        for a in self.store.actions(uids, party_keys=[]):
            if a.kind is not ActionKind.NUDGE or a.note != f"phạm vi: {staff.scope}":
                continue
            zone = ZoneInfo(self.reminders.calendars[a.calendar_id].timezone if a.calendar_id in
                            self.reminders.calendars else "Asia/Ho_Chi_Minh")
            if a.at.astimezone(zone).date() == now.astimezone(zone).date():
                out[a.occurrence_uid] = (a.at, a.sent)
        return out

    def digest_due(self, d: B.Deadline, now: datetime) -> bool:
        """The day after the last day, then every 7 days for ``DIGEST_WEEKS`` weeks (the sender also stops once
        nobody in the account's scope still owes)."""
        today = now.astimezone(ZoneInfo(d.timezone)).date()
        since = (today - d.last_day).days
        return 1 <= since <= 1 + 7 * DIGEST_WEEKS and (since - 1) % 7 == 0

    async def send_digests(self, now: datetime, board_url: str) -> int:
        """The staff digest of every deadline due for one today, once per (deadline, account, day)."""
        sent = 0
        accounts = [Staff(a.username, a.name, a.scope, a.email) for a in self.store.accounts()
                    if a.email and a.disabled_at is None]
        if not accounts:
            return 0  # nobody to send a digest to: no calendar need be looked at
        for calendar in list(self.reminders.calendars.values()):
            await asyncio.sleep(0)  # thousands of calendars: requests are answered between two of them
            try:
                deadlines = self.deadlines(calendar.id, now)
            except CalendarNotFound:
                continue
            for d in deadlines:
                if not self.digest_due(d, now):
                    continue
                today = now.astimezone(ZoneInfo(d.timezone)).date()
                for staff in accounts:
                    view = self.view(calendar.id, staff, now, deadline=d.uid)
                    owing = B.by_overdue(e for e in view.entries if e.owing)
                    if not owing:
                        continue  # closed for this scope: everyone has submitted
                    idem = f"digest:{d.uid}:{staff.username}:{today.isoformat()}"
                    action = self.store.nudge(d.uid, calendar.id, idem[:200], actor=staff.username, now=now,
                                              kind=ActionKind.DIGEST,
                                              scope=staff.scope)
                    if action is None:
                        continue
                    counts = B.counts(view.entries)
                    hierarchy = view.hierarchy
                    lines = tuple(BoardDigestLine(_unit_label(e.unit, hierarchy), e.status_text)
                                  for e in owing[:DIGEST_OWING_LINES])
                    scope_name = ("mọi đơn vị" if staff.root is None else
                                  f"các đơn vị thuộc {hierarchy.bodies[staff.root].name}"
                                  if staff.root in hierarchy.bodies else staff.scope)
                    content = BoardDigestContent(
                        self._view(self._expanded(calendar.id, now)[1][d.uid], calendar, now), scope_name,
                        tuple((s.label, n) for s, n in counts.items()), lines, len(owing),
                        f"{board_url.rstrip('/')}/admin/board/{calendar.id}?deadline={d.id}", staff.name)
                    assert staff.email is not None
                    ok = await self._deliver([MessageSpec(idem, Recipient(staff.email, staff.name), content)], now)
                    self.store.nudge_sent(action, len(owing) if ok else 0)
                    sent += ok
        return sent


def _unit_label(body: B.Body, hierarchy: B.Hierarchy) -> str:
    above = hierarchy.bodies.get(body.parent) if body.parent else None
    return f"{body.name} ({above.name})" if above is not None else body.name
