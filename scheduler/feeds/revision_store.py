"""The revision ledger in the database, so SEQUENCE and tombstones survive restarts.

Without it a restart would renumber every event and forget deletions made
while the service was down. The whole ledger is small (one row per published
UID) and is read once at start-up; afterwards only changed rows are written,
in batches through one compiled ``INSERT ... ON CONFLICT DO UPDATE`` (SQLite and
PostgreSQL both have it; SQLAlchemy sends a batch as one executemany), never a
SELECT and an INSERT per row. Reading goes
through SQLAlchemy Core: ORM objects for 275,000 rows cost seconds.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any, overload

from sqlalchemy import Column, DateTime, Text, select
from sqlalchemy.engine import Engine
from sqlmodel import Field, SQLModel

from notifiers.revisions import LedgerEntry, Revision
from scheduler.feeds.feed_versions import FeedVersion  # noqa: F401 - its table lives in the same database
from scheduler.store.db_lock import exclusive


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


BATCH = 5_000  # rows per executemany
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


def _upsert(engine: Engine, model: Any, keys: tuple[str, ...], values: tuple[str, ...]) -> Any:
    """The dialect's INSERT with ON CONFLICT (primary key) DO UPDATE of the other columns."""
    statement: Any
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        statement = postgresql_insert(model.__table__)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        statement = sqlite_insert(model.__table__)
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: statement.excluded[name] for name in values}
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


class FeedDigest(SQLModel, table=True):
    """What each calendar's ledger was last reconciled against.

    ``digest`` hashes the resolved calendar, the tracked years and the code
    that expands it (see ``CalendarRepository``): when it is unchanged at
    start-up the calendar is neither expanded nor reconciled, and its ledger
    is not even read until a feed needs it.
    """

    __tablename__ = "feed_digest"

    calendar_id: str = Field(primary_key=True, max_length=200)
    digest: str = Field(max_length=100)


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

    def load(self, calendar_id: str) -> dict[str, LedgerEntry]:
        """One calendar's ledger: uid -> entry."""
        table = FeedRevision.__table__  # type: ignore[attr-defined]
        query = select(*(table.c[name] for name in COLUMNS)).where(table.c.calendar_id == calendar_id)
        with self.engine.connect() as connection:
            return {row.uid: _from_row(row) for row in connection.execute(query)}

    def published(self) -> set[str]:
        """Calendars with at least one ledger row (the primary key's index answers it)."""
        table = FeedRevision.__table__  # type: ignore[attr-defined]
        with self.engine.connect() as connection:
            return set(connection.execute(select(table.c.calendar_id).distinct()).scalars())

    def deletions(self) -> dict[str, list[tuple[str, datetime]]]:
        """calendar id -> (uid, deleted_at UTC) of every tombstone, without reading whole ledgers."""
        table = FeedRevision.__table__  # type: ignore[attr-defined]
        query = select(table.c.calendar_id, table.c.uid, table.c.deleted_at).where(table.c.deleted_at.is_not(None))
        out: dict[str, list[tuple[str, datetime]]] = {}
        with self.engine.connect() as connection:
            for row in connection.execute(query):
                deleted_at = _utc(row.deleted_at)
                assert deleted_at is not None
                out.setdefault(row.calendar_id, []).append((row.uid, deleted_at))
        return out

    def digests(self) -> dict[str, str]:
        table = FeedDigest.__table__  # type: ignore[attr-defined]
        with self.engine.connect() as connection:
            return {row.calendar_id: row.digest for row in connection.execute(select(table.c.calendar_id,
                                                                                      table.c.digest))}

    def save_digests(self, digests: dict[str, str]) -> None:
        if not digests:
            return
        rows = [{"calendar_id": cid, "digest": digest} for cid, digest in digests.items()]
        statement = _upsert(self.engine, FeedDigest, ("calendar_id",), ("digest",))
        with self.engine.begin() as connection:
            connection.execute(statement, rows)

    def save(self, entries: Iterable[LedgerEntry]) -> None:
        """Insert or update, in one transaction; a later entry for the same UID wins."""
        rows = list({(e.calendar_id, e.uid): _to_row(e) for e in entries}.values())
        if not rows:
            return
        statement = _upsert(self.engine, FeedRevision, COLUMNS[:2], COLUMNS[2:])
        # Upserts need no lock to stay correct; instances starting together still take turns, as before.
        with exclusive(self.engine, "feed-ledger"), self.engine.begin() as connection:
            for first in range(0, len(rows), BATCH):  # bounded memory per round trip
                connection.execute(statement, rows[first:first + BATCH])
