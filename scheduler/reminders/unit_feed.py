"""A unit's personal calendar feed (pure): its deadlines, as it owes them.

One all-day event per deadline on the unit's own last day (the extended one
where staff gave one), titled "✓ Đã nộp – …" once it has submitted; the
description says the status and the date as the plan writes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from icalendar import Calendar as ICalendar
from icalendar import Event as IEvent

from scheduler.core.dates import vn_date
from scheduler.reminders.board import BoardStatus, Entry

DONE = "✓ Đã nộp – "


def feed(unit_name: str, entries: Sequence[Entry], now: datetime, *, page_url: str = "") -> bytes:
    cal = ICalendar()
    cal.add("prodid", "-//lichthidua//theo-doi-nop//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Hạn nộp của {unit_name}")
    cal.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    cal.add("refresh-interval;value=duration", "PT6H")
    for e in entries:
        done = e.status in (BoardStatus.SUBMITTED, BoardStatus.LATE)
        ev = IEvent()
        ev.add("uid", f"{e.unit.id}.{e.deadline.uid}")
        ev.add("dtstamp", now)
        ev.add("dtstart", e.last_day)
        ev.add("dtend", e.last_day + timedelta(days=1))
        ev.add("summary", (DONE if done else "") + f"Hạn chót: {e.deadline.title}")
        lines = [f"Tình trạng: {e.status_text}.", f"Hạn theo văn bản: {e.deadline.as_written}."]
        if e.extended_to is not None:
            lines.append(f"Đơn vị được gia hạn đến hết ngày {vn_date(e.extended_to)}.")
        else:
            lines.append(f"Ngày cuối: {vn_date(e.last_day)}.")
        if page_url:
            lines.append(f"Trang của đơn vị: {page_url}")
        ev.add("description", "\n".join(lines))
        ev.add("transp", "TRANSPARENT")
        if done:
            ev.add("status", "CONFIRMED")
        cal.add_component(ev)
    return bytes(cal.to_ical())
