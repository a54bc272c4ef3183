"""What staff record on the deadline board, in the database: actions, accounts, attached files, unit feeds.

Every action is one row of ``board_action``: who (the staff account), when,
why (a note or a reason), on which deadline occurrence and unit. An undo
does not delete the row: it stamps ``undone_at`` / ``undone_by`` and puts
back what the action changed, so the record stays whole. The submissions
themselves stay in the ledger's ``submission`` table (what stops reminders);
a "received" action adds one, a "returned" action removes it (keeping its
time in ``previous_at`` for an undo).

A nudge is one row too (unit ``*``), with a unique idempotency key: pressing
the button twice (or two instances receiving the same form) records and
sends it once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Date, DateTime, Index, UniqueConstraint, and_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel

from scheduler.errors import BadRequest
from scheduler.reminders.board import Facts, How, Returned, Submitted
from scheduler.reminders.ledger import ReminderRow, Status, SubmissionRow, aware, utc
from scheduler.reminders.planning import Kind


class ActionKind(StrEnum):
    RECEIVED = "received"
    RETURNED = "returned"
    EXTENDED = "extended"
    NUDGE = "nudge"
    DIGEST = "digest"  # the staff digest of a deadline, sent to one account (once a day)

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    ActionKind.RECEIVED: "ghi nhận đã nhận",
    ActionKind.RETURNED: "trả lại để bổ sung",
    ActionKind.EXTENDED: "gia hạn",
    ActionKind.NUDGE: "nhắc các đơn vị chưa nộp",
    ActionKind.DIGEST: "bản tổng hợp gửi cán bộ",
}
EVERY_UNIT = "*"


def _when(nullable: bool) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


class BoardActionRow(SQLModel, table=True):
    __tablename__ = "board_action"
    __table_args__ = (
        Index("ix_board_action_pair", "occurrence_uid", "party_key"),
        UniqueConstraint("idem_key", name="uq_board_action_idem"),
    )

    id: int | None = Field(default=None, primary_key=True)
    occurrence_uid: str = Field(max_length=500)
    calendar_id: str = Field(max_length=200)
    party_key: str = Field(max_length=300)  # "unit:<id>", or "*" for a nudge
    kind: str = Field(max_length=20)
    how: str | None = Field(default=None, max_length=20)  # received: paper / email
    note: str = Field(default="", max_length=2000)  # the note, or the reason of a return
    until: date | None = Field(default=None, sa_column=Column(Date(), nullable=True))  # extended: the new last day
    received_at: datetime | None = _when(True)  # received: when it arrived
    previous_at: datetime | None = _when(True)  # returned: the time of the submission it took back
    actor: str = Field(max_length=200)
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    undone_at: datetime | None = _when(True)
    undone_by: str | None = Field(default=None, max_length=200)
    idem_key: str | None = Field(default=None, max_length=200)
    sent: int = 0  # nudge: how many units it went to


class StaffAccountRow(SQLModel, table=True):
    """A staff account of the board: scrypt hash, scope (a unit id, or "*" for every unit)."""

    __tablename__ = "staff_account"

    username: str = Field(primary_key=True, max_length=100)
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=300)
    scope: str = Field(max_length=200)
    password_hash: str = Field(max_length=300)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    disabled_at: datetime | None = _when(True)


class SubmissionFileRow(SQLModel, table=True):
    """A file a unit attached to its "Đã nộp", stored under the data folder (never executed or shown inline)."""

    __tablename__ = "submission_file"
    __table_args__ = (Index("ix_submission_file_pair", "occurrence_uid", "party_key"),)

    id: int | None = Field(default=None, primary_key=True)
    occurrence_uid: str = Field(max_length=500)
    party_key: str = Field(max_length=300)
    filename: str = Field(max_length=300)  # as the unit named it (shown, never used as a path)
    kind: str = Field(max_length=10)  # pdf / docx / xlsx / odt, from the bytes
    size: int
    sha256: str = Field(max_length=64)
    stored_as: str = Field(max_length=300)  # relative to the data folder
    uploaded_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class UnitFeedRow(SQLModel, table=True):
    """The version of a unit's personal feed link: revoking it moves the version, old links stop."""

    __tablename__ = "unit_feed"

    party_key: str = Field(primary_key=True, max_length=300)
    version: int = 1
    revoked_at: datetime | None = _when(True)


@dataclass(frozen=True, slots=True)
class Action:
    id: int
    occurrence_uid: str
    calendar_id: str
    party_key: str
    kind: ActionKind
    how: str | None
    note: str
    until: date | None
    received_at: datetime | None
    previous_at: datetime | None
    actor: str
    at: datetime
    undone_at: datetime | None
    undone_by: str | None
    sent: int

    @property
    def unit_id(self) -> str:
        return self.party_key.removeprefix("unit:")

    @property
    def active(self) -> bool:
        return self.undone_at is None


def _action(r: Any) -> Action:
    return Action(r.id, r.occurrence_uid, r.calendar_id, r.party_key, ActionKind(r.kind), r.how, r.note or "",
                  r.until, aware(r.received_at), aware(r.previous_at), r.actor, aware(r.at),  # type: ignore[arg-type]
                  aware(r.undone_at), r.undone_by, r.sent or 0)


class ActionRefused(BadRequest):
    """An action that cannot be taken now (Vietnamese message): already submitted, nothing to undo…"""

    http_status = 409


def party(unit_id: str) -> str:
    return f"unit:{unit_id}"


def facts_from(submissions: dict[str, dict[str, datetime]], actions: Iterable[Action]) -> Facts:
    """The board's facts from the submission table and the actions in force (pure).

    A submission is "received" (paper / email) when the latest received action in force for its unit
    and deadline is later than the latest return in force; otherwise it came by the unit's own link.
    """
    received: dict[tuple[str, str], Action] = {}
    returned: dict[tuple[str, str], Action] = {}
    extended: dict[tuple[str, str], Action] = {}
    for a in sorted(actions, key=lambda a: (a.at, a.id)):
        if not a.active or a.party_key == EVERY_UNIT:
            continue
        key = (a.occurrence_uid, a.unit_id)
        {ActionKind.RECEIVED: received, ActionKind.RETURNED: returned,
         ActionKind.EXTENDED: extended}.get(a.kind, {})[key] = a
    submitted: dict[tuple[str, str], Submitted] = {}
    for uid, parties in submissions.items():
        for party_key, at in parties.items():
            if not party_key.startswith("unit:"):
                continue
            key = (uid, party_key.removeprefix("unit:"))
            rec, ret = received.get(key), returned.get(key)
            if rec is not None and (ret is None or rec.at > ret.at):
                submitted[key] = Submitted(at, How(rec.how or How.PAPER), rec.note, rec.actor)
            else:
                submitted[key] = Submitted(at)
    return Facts(
        submitted=submitted,
        returned={k: Returned(a.at, a.note, a.actor) for k, a in returned.items()},
        extended={k: a.until for k, a in extended.items() if a.until is not None},
    )


class BoardStore:
    """The board's tables; every method is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- reading -------------------------------------------------------------

    def actions(self, occurrence_uids: Sequence[str] | None = None, *, party_keys: Sequence[str] | None = None,
                include_nudges: bool = True) -> list[Action]:
        t = BoardActionRow.__table__  # type: ignore[attr-defined]
        stmt = select(t)
        if occurrence_uids is not None:
            stmt = stmt.where(t.c.occurrence_uid.in_(list(occurrence_uids)))
        if party_keys is not None:
            stmt = stmt.where(t.c.party_key.in_(list(party_keys) + ([EVERY_UNIT] if include_nudges else [])))
        elif not include_nudges:
            stmt = stmt.where(t.c.party_key != EVERY_UNIT)
        with self.engine.connect() as conn:
            return [_action(r) for r in conn.execute(stmt.order_by(t.c.at, t.c.id)).all()]

    def action(self, action_id: int) -> Action | None:
        t = BoardActionRow.__table__  # type: ignore[attr-defined]
        with self.engine.connect() as conn:
            row = conn.execute(select(t).where(t.c.id == action_id)).first()
        return _action(row) if row is not None else None

    def extensions(self) -> dict[tuple[str, str], date]:
        """(occurrence uid, party key) → the extended last day, for every extension in force (the planner's input)."""
        t = BoardActionRow.__table__  # type: ignore[attr-defined]
        stmt = (select(t.c.occurrence_uid, t.c.party_key, t.c.until)
                .where(t.c.kind == ActionKind.EXTENDED.value, t.c.undone_at.is_(None)).order_by(t.c.at, t.c.id))
        with self.engine.connect() as conn:
            return {(u, p): d for u, p, d in conn.execute(stmt).all() if d is not None}

    def facts(self, submissions: dict[str, dict[str, datetime]], occurrence_uids: Sequence[str]) -> Facts:
        return facts_from(submissions, self.actions(occurrence_uids, include_nudges=False))

    # --- acting --------------------------------------------------------------

    def _insert(self, conn: Any, **values: Any) -> int:
        t = BoardActionRow.__table__  # type: ignore[attr-defined]
        values.setdefault("note", "")
        values.setdefault("sent", 0)
        values["at"] = utc(values["at"])
        for k in ("received_at", "previous_at"):
            if values.get(k) is not None:
                values[k] = utc(values[k])
        return int(conn.execute(t.insert().values(**values)).inserted_primary_key[0])

    def received(self, uid: str, calendar_id: str, unit_id: str, how: How, note: str, *, actor: str, now: datetime,
                 received_at: datetime | None = None) -> int:
        """Record a submission that came on paper or by email; refused if the unit has already submitted."""
        s = SubmissionRow.__table__  # type: ignore[attr-defined]
        t = ReminderRow.__table__  # type: ignore[attr-defined]
        key = party(unit_id)
        when = utc(received_at or now)
        with self.engine.begin() as conn:
            if conn.execute(select(s.c.id).where(s.c.occurrence_uid == uid, s.c.party_key == key)).first():
                raise ActionRefused("Đơn vị này đã nộp hạn này rồi; muốn ghi lại thì hãy trả lại hoặc hoàn tác trước.")
            conn.execute(s.insert().values(occurrence_uid=uid, party_key=key, submitted_at=when))
            conn.execute(update(t).where(t.c.occurrence_uid == uid, t.c.party_key == key, t.c.status == Status.PENDING,
                                         t.c.kind != Kind.SUMMARY).values(status=Status.SUPPRESSED, updated_at=utc(now)))
            return self._insert(conn, occurrence_uid=uid, calendar_id=calendar_id, party_key=key,
                                kind=ActionKind.RECEIVED.value, how=how.value, note=note, received_at=when, actor=actor,
                                at=now)

    def returned(self, uid: str, calendar_id: str, unit_id: str, reason: str, *, actor: str, now: datetime) -> int:
        """Take back a submission for completion: the unit owes it again (its reminders are re-planned)."""
        s = SubmissionRow.__table__  # type: ignore[attr-defined]
        key = party(unit_id)
        with self.engine.begin() as conn:
            row = conn.execute(select(s.c.id, s.c.submitted_at).where(s.c.occurrence_uid == uid,
                                                                       s.c.party_key == key)).first()
            if row is None:
                raise ActionRefused("Đơn vị này chưa nộp hạn này: không có gì để trả lại.")
            conn.execute(s.delete().where(s.c.id == row.id))
            return self._insert(conn, occurrence_uid=uid, calendar_id=calendar_id, party_key=key,
                                kind=ActionKind.RETURNED.value, note=reason, previous_at=aware(row.submitted_at),
                                actor=actor, at=now)

    def extended(self, uid: str, calendar_id: str, unit_id: str, until: date, note: str, *, actor: str,
                 now: datetime) -> int:
        with self.engine.begin() as conn:
            return self._insert(conn, occurrence_uid=uid, calendar_id=calendar_id, party_key=party(unit_id),
                                kind=ActionKind.EXTENDED.value, until=until, note=note, actor=actor, at=now)

    def undo(self, action_id: int, *, actor: str, now: datetime) -> Action:
        """Undo one action in force and put back what it changed; ActionRefused when it cannot be."""
        t = BoardActionRow.__table__  # type: ignore[attr-defined]
        s = SubmissionRow.__table__  # type: ignore[attr-defined]
        with self.engine.begin() as conn:
            row = conn.execute(select(t).where(t.c.id == action_id)).first()
            if row is None:
                raise ActionRefused(f"Không có thao tác số {action_id}.")
            action = _action(row)
            if not action.active:
                raise ActionRefused("Thao tác này đã được hoàn tác rồi.")
            if action.kind is ActionKind.NUDGE:
                raise ActionRefused("Lời nhắc đã gửi đi thì không thu hồi được.")
            later = conn.execute(select(t.c.id).where(
                t.c.occurrence_uid == action.occurrence_uid, t.c.party_key == action.party_key,
                t.c.undone_at.is_(None), t.c.id > action.id,
                t.c.kind.in_([ActionKind.RECEIVED.value, ActionKind.RETURNED.value]))).first()
            if action.kind is not ActionKind.EXTENDED and later is not None:
                raise ActionRefused("Đã có thao tác mới hơn trên đơn vị này; hãy hoàn tác thao tác mới nhất trước.")
            pair = and_(s.c.occurrence_uid == action.occurrence_uid, s.c.party_key == action.party_key)
            if action.kind is ActionKind.RECEIVED:
                conn.execute(s.delete().where(pair))
            elif action.kind is ActionKind.RETURNED:
                if conn.execute(select(s.c.id).where(pair)).first() is not None:
                    raise ActionRefused("Đơn vị đã nộp lại sau khi bị trả lại: không hoàn tác được việc trả lại.")
                conn.execute(s.insert().values(occurrence_uid=action.occurrence_uid, party_key=action.party_key,
                                               submitted_at=utc(action.previous_at or now)))
            conn.execute(update(t).where(t.c.id == action_id).values(undone_at=utc(now), undone_by=actor))
        return action

    def nudge(self, uid: str, calendar_id: str, key: str, *, actor: str, now: datetime, scope: str,
              kind: ActionKind = ActionKind.NUDGE) -> int | None:
        """Record a nudge (or a digest) under its idempotency key: its id, or None when that key was already used."""
        with self.engine.begin() as conn:
            try:
                with conn.begin_nested():
                    return self._insert(conn, occurrence_uid=uid, calendar_id=calendar_id, party_key=EVERY_UNIT,
                                        kind=kind.value, note=f"phạm vi: {scope}", idem_key=key,
                                        actor=actor, at=now)
            except IntegrityError:
                return None

    def nudge_sent(self, action_id: int, sent: int) -> None:
        t = BoardActionRow.__table__  # type: ignore[attr-defined]
        with self.engine.begin() as conn:
            conn.execute(update(t).where(t.c.id == action_id).values(sent=sent))

    # --- accounts ------------------------------------------------------------

    def save_account(self, username: str, name: str, scope: str, password_hash: str, email: str | None,
                     now: datetime) -> bool:
        """Create or replace an account; True if it is new."""
        a = StaffAccountRow.__table__  # type: ignore[attr-defined]
        with self.engine.begin() as conn:
            exists = conn.execute(select(a.c.username).where(a.c.username == username)).first() is not None
            values = dict(name=name, scope=scope, password_hash=password_hash, email=email, disabled_at=None)
            if exists:
                conn.execute(update(a).where(a.c.username == username).values(**values))
            else:
                conn.execute(a.insert().values(username=username, created_at=utc(now), **values))
        return not exists

    def account(self, username: str) -> StaffAccountRow | None:
        a = StaffAccountRow.__table__  # type: ignore[attr-defined]
        with self.engine.connect() as conn:
            row = conn.execute(select(a).where(a.c.username == username, a.c.disabled_at.is_(None))).first()
        return StaffAccountRow.model_validate(row._mapping) if row is not None else None

    def accounts(self) -> list[StaffAccountRow]:
        a = StaffAccountRow.__table__  # type: ignore[attr-defined]
        with self.engine.connect() as conn:
            return [StaffAccountRow.model_validate(r._mapping) for r in conn.execute(select(a).order_by(a.c.username))]

    def disable_account(self, username: str, now: datetime) -> bool:
        a = StaffAccountRow.__table__  # type: ignore[attr-defined]
        with self.engine.begin() as conn:
            return bool(conn.execute(update(a).where(a.c.username == username, a.c.disabled_at.is_(None))
                                     .values(disabled_at=utc(now))).rowcount)

    # --- unit feeds ----------------------------------------------------------

    def feed_version(self, party_key: str) -> int:
        f = UnitFeedRow.__table__  # type: ignore[attr-defined]
        with self.engine.connect() as conn:
            v = conn.execute(select(f.c.version).where(f.c.party_key == party_key)).scalar()
        return int(v) if v is not None else 1

    def revoke_feed(self, party_key: str, now: datetime) -> int:
        """A new version of the unit's feed link (the old one stops); returns it."""
        f = UnitFeedRow.__table__  # type: ignore[attr-defined]
        with self.engine.begin() as conn:
            v = conn.execute(select(f.c.version).where(f.c.party_key == party_key)).scalar()
            if v is None:
                conn.execute(f.insert().values(party_key=party_key, version=2, revoked_at=utc(now)))
                return 2
            conn.execute(update(f).where(f.c.party_key == party_key).values(version=v + 1, revoked_at=utc(now)))
            return int(v) + 1

    # --- attached files ------------------------------------------------------

    def add_file(self, uid: str, party_key: str, filename: str, kind: str, size: int, sha256: str, stored_as: str,
                 now: datetime) -> int:
        f = SubmissionFileRow.__table__  # type: ignore[attr-defined]
        with self.engine.begin() as conn:
            key = conn.execute(f.insert().values(occurrence_uid=uid, party_key=party_key, filename=filename, kind=kind,
                                                 size=size, sha256=sha256, stored_as=stored_as,
                                                 uploaded_at=utc(now))).inserted_primary_key
            assert key is not None
            return int(key[0])

    def files(self, uids: Sequence[str] | None = None, party_keys: Sequence[str] | None = None
              ) -> list[SubmissionFileRow]:
        f = SubmissionFileRow.__table__  # type: ignore[attr-defined]
        stmt = select(f)
        if uids is not None:
            stmt = stmt.where(f.c.occurrence_uid.in_(list(uids)))
        if party_keys is not None:
            stmt = stmt.where(f.c.party_key.in_(list(party_keys)))
        with self.engine.connect() as conn:
            return [SubmissionFileRow.model_validate(r._mapping) for r in conn.execute(stmt.order_by(f.c.id))]

    def file(self, file_id: int) -> SubmissionFileRow | None:
        f = SubmissionFileRow.__table__  # type: ignore[attr-defined]
        with self.engine.connect() as conn:
            row = conn.execute(select(f).where(f.c.id == file_id)).first()
        return SubmissionFileRow.model_validate(row._mapping) if row is not None else None
