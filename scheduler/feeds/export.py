"""`lichthidua export`: an .ics file whose previous version is its own ledger.

A file exported again keeps each unchanged event's SEQUENCE and DTSTAMP, so
the same input gives byte-identical output, and an event whose content changed
gets a higher SEQUENCE, so clients that imported the old file update it. We
learn what changed by comparing each VEVENT with its previous text minus
SEQUENCE and DTSTAMP: no state beside the file is needed.
"""

from __future__ import annotations

from datetime import datetime

from notifiers.ics import RenderOptions, Revision, feed_meta, render_calendar
from scheduler.core.campaign import Calendar
from scheduler.core.events import Event
from scheduler.core.expand import Window, expand
from scheduler.feeds.query import FeedQuery, select

_VOLATILE = ("SEQUENCE:", "DTSTAMP:")


# DTSTAMP baseline of calendars with neither a year nor a document date (the national one).
def _unfold(body: bytes) -> list[str]:
    lines: list[str] = []
    for raw in body.decode("utf-8", errors="replace").split("\r\n"):
        if raw.startswith((" ", "\t")) and lines:
            lines[-1] += raw[1:]
        elif raw:
            lines.append(raw)
    return lines


def vevents(body: bytes) -> dict[str, tuple[int, datetime | None, tuple[str, ...]]]:
    """UID -> (SEQUENCE, DTSTAMP, the other content lines) of every VEVENT in `body`."""
    out: dict[str, tuple[int, datetime | None, tuple[str, ...]]] = {}
    block: list[str] | None = None
    depth = 0
    for line in _unfold(body):
        if line == "BEGIN:VEVENT":
            block, depth = [], 0
            continue
        if block is None:
            continue
        if line == "END:VEVENT" and depth == 0:
            uid = next((x[4:] for x in block if x.startswith("UID:")), None)
            seq = next((int(x[9:]) for x in block if x.startswith("SEQUENCE:") and x[9:].isdigit()), 0)
            stamp = next((x[8:] for x in block if x.startswith("DTSTAMP:")), None)
            when = datetime.strptime(stamp, "%Y%m%dT%H%M%S%z") if stamp and stamp.endswith("Z") else None
            if uid:
                out[uid] = (seq, when, tuple(x for x in block if not x.startswith(_VOLATILE)))
            block = None
            continue
        depth += line.startswith("BEGIN:") - line.startswith("END:")
        block.append(line)
    return out


def export_ics(
    calendar: Calendar,
    window: Window,
    *,
    now: datetime,
    previous: bytes | None = None,
    options: RenderOptions = RenderOptions(),
    query: FeedQuery | None = None,
) -> bytes:
    """The calendar as an .ics file; with ``query`` (the served feed's default, see
    :func:`scheduler.feeds.query.calendar_query`) exactly the events the feed serves."""
    events: list[Event] = expand(calendar, window)
    if query is not None:
        events = select(events, query)
    meta = feed_meta(calendar)
    fresh = render_calendar(events, meta, now=now, options=options)
    if not previous:
        return fresh.body
    before, after = vevents(previous), vevents(fresh.body)
    ledger: dict[str, Revision] = {}
    for uid, (seq, stamp, content) in before.items():
        if uid not in after or stamp is None:
            continue
        same = after[uid][2] == content
        fingerprint = fresh.revisions[uid].fingerprint if same else "changed"
        ledger[uid] = Revision(fingerprint=fingerprint, sequence=seq, dtstamp=stamp)
    return render_calendar(events, meta, revisions=ledger, now=now, options=options).body
