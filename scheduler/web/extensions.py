"""How other parts of the service plug into the web app without editing it.

The reminder service, for one, needs to re-plan after every reload, run an
APScheduler while the app runs, add routes (subscribe by email, "đã nộp"
links) and show blocks on the campaign page. A :class:`WebExtension` says all
of that as data; :func:`scheduler.web.app.create_app` installs it:

* ``routers`` are included with ``app.include_router``;
* ``on_reload(snapshot)`` is subscribed to the calendar repository, and also
  called once with the first snapshot, before ``lifespan`` is entered;
* ``lifespan(app)`` is entered after the calendars are loaded and exited
  before the watcher stops (start and stop a scheduler there);
* ``templates_dir`` is searched before the built-in templates: a file
  ``reminders/calendar.html`` there fills ``{% block reminders %}`` of the
  campaign page, and ``reminders/deadline.html`` is included under each
  deadline (with ``row`` in scope);
* ``calendar_context`` adds variables to the campaign page: an object with
  ``cached(state)`` (memory only, called on every request: fresh
  :class:`PageData` or None) and ``async load(state)`` (may read a database,
  off the event loop; awaited when ``cached`` says None). The page cache keys
  on ``PageData.key``, so a page whose extension data is fresh in memory is
  answered without reaching the route at all.

Services are on ``app.state``: ``settings``, ``repository``
(:class:`~scheduler.live.repository.CalendarRepository`), ``feeds``,
``engine`` (SQLAlchemy, see :mod:`scheduler.store.database`), ``clock`` and
``templates``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from fastapi import APIRouter, FastAPI

if TYPE_CHECKING:
    from scheduler.live.snapshot import CalendarState, Snapshot


@dataclass(frozen=True, slots=True)
class PageData:
    """Variables an extension adds to a campaign page, and a small key: equal keys, equal variables."""

    key: Hashable
    values: Mapping[str, Any]


class CalendarContext(Protocol):
    def cached(self, state: CalendarState) -> PageData | None:
        """The data from memory if it is fresh, else None; never blocks (runs on the event loop)."""

    async def load(self, state: CalendarState) -> PageData:
        """Fresh data; blocking reads go to a worker thread."""


@dataclass(frozen=True)
class WebExtension:
    name: str
    routers: Sequence[APIRouter] = ()
    on_reload: Callable[[Snapshot], Awaitable[None] | None] | None = None
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None
    templates_dir: Path | None = None
    calendar_context: CalendarContext | None = None

