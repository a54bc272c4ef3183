"""The revision ledger in the database, so SEQUENCE and tombstones survive restarts.

Without it a restart would renumber every event and forget deletions made
while the service was down. The whole ledger is small (one row per published
UID) and is read once at start-up; afterwards only changed rows are written.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import overload

from sqlalchemy import Column, DateTime, Text
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, select

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


def _to_row(entry: LedgerEntry) -> FeedRevision:
    return FeedRevision(
        calendar_id=entry.calendar_id,
        uid=entry.uid,
        fingerprint=entry.revision.fingerprint,
        sequence=entry.revision.sequence,
        dtstamp=_utc(entry.revision.dtstamp),
        start=entry.start,
        event_json=entry.event_json,
        deleted_at=_utc(entry.deleted_at),
    )


def _from_row(row: FeedRevision) -> LedgerEntry:
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
        with Session(self.engine) as session:
            for row in session.exec(select(FeedRevision)):
                ledgers.setdefault(row.calendar_id, {})[row.uid] = _from_row(row)
        return ledgers

    def save(self, entries: Iterable[LedgerEntry]) -> None:
        rows = [_to_row(e) for e in entries]
        if not rows:
            return
        # Instances starting together save the same new UIDs: one at a time, each merge sees the other's rows.
        with exclusive(self.engine, "feed-ledger"), Session(self.engine) as session:
            for row in rows:
                session.merge(row)
            session.commit()
