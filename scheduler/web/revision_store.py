"""The revision ledger in the database, so SEQUENCE and tombstones survive restarts.

Without it a restart would renumber every event and forget deletions made
while the service was down. The whole ledger is small (one row per published
UID) and is read once at start-up; afterwards only changed rows are written,
in batches of one multi-row ``INSERT ... ON CONFLICT DO UPDATE`` (SQLite and
PostgreSQL both have it), never a SELECT and an INSERT per row. Reading goes
through SQLAlchemy Core: ORM objects for 275,000 rows cost seconds.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any, overload

from sqlalchemy import Column, DateTime, Text, select
from sqlalchemy.engine import Engine
from sqlmodel import Field, SQLModel

from notifiers.ics import Revision
from scheduler.db_lock import exclusive
from scheduler.web.revisions import LedgerEntry


class FeedRevision(SQLModel, table=True):
    __tablename__ = "feed_revision"

    calendar_id: str = Field(primary_key=True, max_length=200)
    uid: str = Field(primary_key=True, max_length=500)
    fingerprint: str = Field(max_length=100)
    sequence: int
    dtstamp: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    start: date
    event_json: str = Field(sa_column=Column(Text, nullable=False))
    deleted_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))


@overload
def _utc(moment: datetime) -> datetime: ...
@overload
def _utc(moment: None) -> None: ...
def _utc(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything stored here is UTC.
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


BATCH = 500  # rows per INSERT: 8 columns each stays under SQLite's 32,766 bound parameters
COLUMNS = ("calendar_id", "uid", "fingerprint", "sequence", "dtstamp", "start", "event_json", "deleted_at")


def _to_row(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "calendar_id": entry.calendar_id,
        "uid": entry.uid,
        "fingerprint": entry.revision.fingerprint,
        "sequence": entry.revision.sequence,
        "dtstamp": _utc(entry.revision.dtstamp),
        "start": entry.start,
        "event_json": entry.event_json,
        "deleted_at": _utc(entry.deleted_at),
    }


def _upsert(engine: Engine) -> Any:
    """The dialect's INSERT with ON CONFLICT (primary key) DO UPDATE of every other column."""
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(FeedRevision.__table__)  # type: ignore[attr-defined]
    return statement.on_conflict_do_update(
        index_elements=["calendar_id", "uid"],
        set_={name: statement.excluded[name] for name in COLUMNS[2:]},
    )


def _from_row(row: Any) -> LedgerEntry:
    dtstamp = _utc(row.dtstamp)
    assert dtstamp is not None
    return LedgerEntry(
        calendar_id=row.calendar_id,
        uid=row.uid,
        revision=Revision(row.fingerprint, row.sequence, dtstamp),
        start=row.start,
        event_json=row.event_json,
        deleted_at=_utc(row.deleted_at),
    )


class RevisionStore:
    """Load and save ledger entries; called from worker threads, never from the event loop."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def load_all(self) -> dict[str, dict[str, LedgerEntry]]:
        """calendar id -> uid -> entry."""
        ledgers: dict[str, dict[str, LedgerEntry]] = {}
        table = FeedRevision.__table__  # type: ignore[attr-defined]
        with self.engine.connect() as connection:
            for row in connection.execute(select(*(table.c[name] for name in COLUMNS))):
                ledgers.setdefault(row.calendar_id, {})[row.uid] = _from_row(row)
        return ledgers

    def save(self, entries: Iterable[LedgerEntry]) -> None:
        """Insert or update, in one transaction; a later entry for the same UID wins."""
        rows = list({(e.calendar_id, e.uid): _to_row(e) for e in entries}.values())
        if not rows:
            return
        statement = _upsert(self.engine)
        # Upserts need no lock to stay correct; instances starting together still take turns, as before.
        with exclusive(self.engine, "feed-ledger"), self.engine.begin() as connection:
            for first in range(0, len(rows), BATCH):
                connection.execute(statement.values(rows[first:first + BATCH]))
