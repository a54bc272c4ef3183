"""Last-Modified of each feed URL: strictly later whenever the feed's bytes change.

The newest DTSTAMP is not enough: a window that moves on 1 January, a tombstone
that expires or two edits in one second change a feed without a newer DTSTAMP,
and a client that revalidates by date only (If-Modified-Since) would keep the old
calendar. So each feed (a calendar and its filters, the default window being one
key whatever the date) remembers the digest of its last body and when it changed:
a feed first versioned is dated then (now), a new body gets max(previous + 1 s, now).
Kept in the database next to the revision ledger, so the rule holds across restarts
and across instances sharing it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Column, DateTime, select
from sqlalchemy.engine import Engine
from sqlmodel import Field, SQLModel

from scheduler.store.db_lock import exclusive

SECOND = timedelta(seconds=1)


class FeedVersion(SQLModel, table=True):
    __tablename__ = "feed_version"

    calendar_id: str = Field(primary_key=True, max_length=200)
    feed: str = Field(primary_key=True, max_length=500)  # "default|kinds=deadline" ...
    digest: str = Field(max_length=100)
    last_modified: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


@dataclass(frozen=True, slots=True)
class Seen:
    digest: str
    last_modified: datetime


def whole(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


def next_modified(seen: Seen | None, digest: str, now: datetime) -> datetime:
    """The rule, pure: a feed never versioned is dated ``now``; the same body keeps its date; a new
    body is strictly later than the last."""
    if seen is None:
        return whole(now)
    if seen.digest == digest:
        return seen.last_modified
    return max(seen.last_modified + SECOND, whole(now))


class Versions(Protocol):
    def stamp(self, calendar_id: str, feed: str, digest: str, now: datetime) -> datetime: ...


class MemoryVersions:
    """For a service without a database: the rule holds while the process runs."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], Seen] = {}
        self._lock = threading.Lock()

    def stamp(self, calendar_id: str, feed: str, digest: str, now: datetime) -> datetime:
        with self._lock:
            seen = self._seen.get((calendar_id, feed))
            moment = next_modified(seen, digest, now)
            self._seen[(calendar_id, feed)] = Seen(digest, moment)
            return moment


class DatabaseVersions:
    """The same rule in the shared database: read, decide and write under one lock."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._cache: dict[tuple[str, str], Seen] = {}

    def stamp(self, calendar_id: str, feed: str, digest: str, now: datetime) -> datetime:
        cached = self._cache.get((calendar_id, feed))
        if cached is not None and cached.digest == digest:
            return cached.last_modified  # another instance may have moved on; it will have a new digest too
        table: Any = FeedVersion.__table__  # type: ignore[attr-defined]
        key = (table.c.calendar_id == calendar_id) & (table.c.feed == feed)
        with exclusive(self.engine, "feed-version"), self.engine.begin() as connection:
            row = connection.execute(select(table.c.digest, table.c.last_modified).where(key)).first()
            seen = Seen(row.digest, whole(_aware(row.last_modified))) if row is not None else None
            moment = next_modified(seen, digest, now)
            if seen is None:
                connection.execute(table.insert().values(calendar_id=calendar_id, feed=feed, digest=digest,
                                                         last_modified=moment))
            elif seen.digest != digest:
                connection.execute(table.update().where(key).values(digest=digest, last_modified=moment))
        self._cache[(calendar_id, feed)] = Seen(digest, moment)
        return moment


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
