"""iCalendar (RFC 5545) feeds and attachments that Outlook, Google, Apple and Thunderbird accept.

Pure functions of their inputs: no clock is read here. The rules, and why:

* Every event is all-day: ``DTSTART;VALUE=DATE`` and an EXCLUSIVE
  ``DTEND;VALUE=DATE`` (:attr:`Event.end` is inclusive, as people say it, so
  "Đợt 1 từ 01/01 đến 31/7/2024" becomes ``DTSTART:20240101`` /
  ``DTEND:20240801``). Clients that get an inclusive DTEND show one day less.
* ``UID`` is :attr:`Event.uid` unchanged, so an edit updates the event a
  subscriber already has instead of adding a copy.
* ``SEQUENCE`` and ``DTSTAMP`` come from a revision ledger that the caller
  keeps and passes back in (see :func:`render_calendar`): the same input gives
  byte-identical output, so HTTP caches, ETags and golden files work, and a
  changed event gets a higher SEQUENCE, which is how clients know to replace it.
* A ``VTIMEZONE`` for every ``TZID`` named, generated from zoneinfo by
  ``icalendar`` once per zone and year range and cached.
* Text is NFC, escaped, folded at 75 octets without splitting a UTF-8
  character, with CRLF line ends (see :mod:`notifiers.ics_text`).
* Deadlines carry ``VALARM``s. Google Calendar and Outlook ignore alarms in
  subscribed feeds and refresh them only every few hours to a day, whatever
  ``REFRESH-INTERVAL`` says: that is why email reminders exist, and why the
  single-event attachment of an email (:func:`render_event`) carries them too.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from notifiers.ics_text import escape_text, fmt_date, fmt_duration, fmt_utc, fold
from notifiers.revisions import CANCELLED_PREFIX, Revision, revise  # the SEQUENCE rules (re-exported here)
from scheduler.core.dates import vn_date
from scheduler.core.events import DateOrigin, Event, EventKind
from scheduler.errors import CalendarError, LichThiDuaError

if TYPE_CHECKING:
    from scheduler.core.campaign import Calendar

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
PRODID = "-//lichthidua//Lich thi dua//VI"
Method = Literal["PUBLISH"]

CATEGORIES: Mapping[EventKind, str] = MappingProxyType({kind: kind.label for kind in EventKind})
_LUNAR_MONTHS = {1: "Giêng", 12: "Chạp"}
CANCELLED_TITLE = "[ĐÃ HỦY] "  # SUMMARY prefix of an event deleted from the calendar


# --- inputs and outputs ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedMeta:
    """What the VCALENDAR says about itself.

    ``baseline_stamp`` (UTC) is the DTSTAMP of an event never seen before. It
    is derived from the calendar, not from the clock, so a render without a
    ledger is still byte-identical from run to run. Build it with
    :meth:`for_calendar`.
    """

    calendar_id: str
    name: str  # X-WR-CALNAME, what the subscriber sees in the list of calendars
    baseline_stamp: datetime
    timezone: str = DEFAULT_TIMEZONE
    description: str | None = None  # X-WR-CALDESC

    def __post_init__(self) -> None:
        if self.baseline_stamp.tzinfo is None:
            raise LichThiDuaError(f"baseline_stamp cần có múi giờ: {self.baseline_stamp!r}")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise CalendarError(
                f"Lịch {self.calendar_id}: múi giờ không tồn tại: {self.timezone!r} "
                f"(ví dụ hợp lệ: {DEFAULT_TIMEZONE})"
            ) from exc

    @classmethod
    def for_calendar(
        cls,
        calendar_id: str,
        title: str,
        *,
        timezone: str = DEFAULT_TIMEZONE,
        year: int | None = None,
        document_date: date | None = None,
        description: str | None = None,
    ) -> FeedMeta:
        """Baseline stamp: the document's date at 00:00Z, else 1 January of ``year`` at 00:00Z."""
        if document_date is None:
            if year is None:
                raise LichThiDuaError("FeedMeta.for_calendar cần year hoặc document_date")
            document_date = date(year, 1, 1)
        stamp = datetime.combine(document_date, time(0), tzinfo=_UTC)
        return cls(calendar_id, title, stamp, timezone, description)


FALLBACK_BASELINE_YEAR = 2020


def feed_meta(calendar: Calendar) -> FeedMeta:
    """The VCALENDAR header of a calendar's exports, feeds and email attachments.

    Its baseline stamp comes from the plan (its date, or 1 January of its year),
    never the clock, so the same calendar always renders to the same bytes.
    """
    doc_date = calendar.document.date if calendar.document else None
    value = getattr(doc_date, "value", None)
    return FeedMeta.for_calendar(
        calendar.id,
        calendar.title,
        timezone=calendar.timezone,
        year=calendar.year if calendar.year is not None else FALLBACK_BASELINE_YEAR,
        document_date=value if isinstance(value, date) else None,
        description=_description(calendar),
    )


def _description(calendar: Calendar) -> str | None:
    """X-WR-CALDESC: the issuer, and a span the file does not state but derives from its dated items."""
    if calendar.span is None or not calendar.span.derived:
        return calendar.issuer
    derived = f"Thời gian phong trào: {calendar.span.described}"
    return f"{calendar.issuer}\n{derived}" if calendar.issuer else derived


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """Knobs of the rendering; :meth:`from_settings` maps the service settings.

    ``alarm_days``/``alarm_hour``: each deadline gets one VALARM per entry,
    firing at ``alarm_hour`` local time that many days before the event's
    first day. ``event_url``: a template with ``{calendar_id}`` and ``{uid}``
    giving each event's URL (the web page), or None.
    """

    refresh_interval: timedelta = timedelta(hours=6)
    alarm_days: tuple[int, ...] = (7, 1)
    alarm_hour: int = 8
    event_url: str | None = None

    def __post_init__(self) -> None:
        if self.refresh_interval <= timedelta(0) or self.refresh_interval % timedelta(seconds=1):
            raise LichThiDuaError(f"refresh_interval phải là số giây dương: {self.refresh_interval}")
        if any(d < 0 for d in self.alarm_days):
            raise LichThiDuaError(f"alarm_days không được âm: {self.alarm_days}")
        if not 0 <= self.alarm_hour <= 23:
            raise LichThiDuaError(f"alarm_hour phải từ 0 đến 23: {self.alarm_hour}")


@dataclass(frozen=True, slots=True)
class Rendered:
    body: bytes
    revisions: dict[str, Revision] = field(default_factory=dict)


def content_type(method: Method = "PUBLISH") -> str:
    """The Content-Type of a body rendered with ``method``; RFC 6047 wants them equal."""
    return f"text/calendar; method={method}; charset=utf-8"


# --- rendering ---------------------------------------------------------------


def render_calendar(
    events: Sequence[Event],
    meta: FeedMeta,
    *,
    revisions: Mapping[str, Revision] = MappingProxyType({}),
    now: datetime,
    options: RenderOptions = RenderOptions(),
    cancelled: Sequence[Event] = (),
) -> Rendered:
    """A subscribable feed (``METHOD:PUBLISH``) of ``events``, plus the updated ledger.

    The ledger (``revisions``, keyed by UID) is how SEQUENCE and DTSTAMP stay
    stable without a clock: an event whose fingerprint equals its ledger entry
    keeps that SEQUENCE and DTSTAMP; a changed one gets SEQUENCE + 1 and
    DTSTAMP = ``now`` (UTC); a new one gets SEQUENCE 0 and DTSTAMP =
    ``meta.baseline_stamp``. ``cancelled`` events (deleted from the YAML but
    still announced for a while, so subscribers drop them) are written with
    ``STATUS:CANCELLED`` and a SEQUENCE one above what was last published.
    An event listed in both ``events`` and ``cancelled`` is live. The ledger
    returned holds every UID rendered plus the input entries not rendered, so
    an event that comes back later still gets a higher SEQUENCE. Store it and
    pass it back next time; the body does not change unless the events do.
    Events are written sorted by (start, end, UID), cancelled ones last.
    """
    if now.tzinfo is None:
        raise LichThiDuaError(f"now cần có múi giờ: {now!r}")
    live = sorted(events, key=_order)
    seen = _check_unique(live)
    gone = sorted((e for e in cancelled if e.uid not in seen), key=_order)
    _check_unique(gone)
    ledger = dict(revisions)
    parts = [_calendar_head(meta, options, feed=True)]
    tzids = {meta.timezone}
    for ev_list, is_cancelled in ((live, False), (gone, True)):
        for ev in ev_list:
            fp = ev.fingerprint()
            if is_cancelled:
                fp = CANCELLED_PREFIX + fp
            rev = revise(fp, revisions.get(ev.uid), now, meta.baseline_stamp)
            ledger[ev.uid] = rev
            parts.append(_vevent(ev, rev, options, cancelled=is_cancelled, tzid=meta.timezone))
    years = [e.start.year for e in live + gone] + [e.end.year for e in live + gone]
    years.append(meta.baseline_stamp.year)
    # VTIMEZONEs go before the events that name them, as Outlook prefers.
    parts[1:1] = [_vtimezone(tz, min(years) - 1, max(years) + 2) for tz in sorted(tzids)]
    parts.append(b"END:VCALENDAR\r\n")
    return Rendered(b"".join(parts), ledger)


def render_event(
    event: Event,
    meta: FeedMeta,
    *,
    now: datetime,
    revisions: Mapping[str, Revision] = MappingProxyType({}),
    options: RenderOptions = RenderOptions(),
    method: Method = "PUBLISH",
    cancelled: bool = False,
) -> bytes:
    """One event as an email attachment; send it as :func:`content_type` (``method``).

    Same UID, SEQUENCE and DTSTAMP rules as :func:`render_calendar` (pass the
    feed's ledger so both agree), but none of the feed-only properties
    (calendar name, refresh interval): an attachment is imported once, and
    imported events keep their VALARMs where subscribed ones lose them. Only
    PUBLISH is offered: REQUEST and CANCEL need an ORGANIZER and attendees,
    which a reminder to many unions does not have.
    """
    if method != "PUBLISH":
        raise LichThiDuaError(f"phương thức iCalendar không được hỗ trợ: {method!r} (chỉ PUBLISH)")
    if now.tzinfo is None:
        raise LichThiDuaError(f"now cần có múi giờ: {now!r}")
    fp = event.fingerprint()
    if cancelled:
        fp = CANCELLED_PREFIX + fp
    rev = revise(fp, revisions.get(event.uid), now, meta.baseline_stamp)
    zone = [_vtimezone(meta.timezone, event.start.year - 1, event.start.year + 1)] if _timed(event) else []
    return b"".join(
        (
            _calendar_head(meta, options, feed=False),
            *zone,
            _vevent(event, rev, options, cancelled=cancelled, tzid=meta.timezone),
            b"END:VCALENDAR\r\n",
        )
    )


def _order(e: Event) -> tuple[date, date, str]:
    return (e.start, e.end, e.uid)


def _check_unique(events: Iterable[Event]) -> set[str]:
    seen: set[str] = set()
    for e in events:
        if e.uid in seen:
            raise CalendarError(f"Lịch {e.calendar_id}: UID bị trùng: {e.uid} ({e.source})")
        seen.add(e.uid)
    return seen


def _calendar_head(meta: FeedMeta, options: RenderOptions, *, feed: bool) -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    if feed:
        refresh = fmt_duration(options.refresh_interval)
        lines.append(f"X-WR-CALNAME:{escape_text(meta.name)}")
        lines.append(f"NAME:{escape_text(meta.name)}")
        if meta.description:
            lines.append(f"X-WR-CALDESC:{escape_text(meta.description)}")
            lines.append(f"DESCRIPTION:{escape_text(meta.description)}")
        lines.append(f"X-WR-TIMEZONE:{escape_text(meta.timezone)}")
        lines.append(f"REFRESH-INTERVAL;VALUE=DURATION:{refresh}")
        lines.append(f"X-PUBLISHED-TTL:{refresh}")
    return b"".join(fold(line) for line in lines)


def _timed(ev: Event) -> bool:
    """A one-day event with a time of day is written with times; everything else is all-day."""
    return ev.start_time is not None and ev.start == ev.end


def _when(ev: Event, tzid: str) -> list[str]:
    if not _timed(ev):
        return [f"DTSTART;VALUE=DATE:{fmt_date(ev.start)}", f"DTEND;VALUE=DATE:{fmt_date(ev.end + _DAY)}"]
    assert ev.start_time is not None
    day = fmt_date(ev.start)
    end = ev.end_time or ev.start_time  # no end time given: a moment, not an invented duration
    return [f"DTSTART;TZID={tzid}:{day}T{ev.start_time:%H%M%S}", f"DTEND;TZID={tzid}:{day}T{end:%H%M%S}"]


def _vevent(ev: Event, rev: Revision, options: RenderOptions, *, cancelled: bool, tzid: str) -> bytes:
    uid = escape_text(ev.uid)
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{fmt_utc(rev.dtstamp)}",
        *_when(ev, tzid),
        f"SEQUENCE:{rev.sequence}",
        # Clients that ignore STATUS would show a deleted deadline as active: the title says it too.
        f"SUMMARY:{escape_text(CANCELLED_TITLE + ev.title if cancelled else ev.title)}",
    ]
    if ev.place:
        lines.append(f"LOCATION:{escape_text(ev.place)}")
    description = describe(ev)
    if cancelled:
        # Some clients show cancelled events anyway (struck through at best): say so in words.
        description = "\n".join(filter(None, ("ĐÃ HỦY: sự kiện này đã bị xóa khỏi lịch.", description)))
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    lines.append(f"CATEGORIES:{escape_text(CATEGORIES[ev.kind])}")
    lines.append("STATUS:CANCELLED" if cancelled else "STATUS:CONFIRMED")
    lines.append("TRANSP:TRANSPARENT")
    if ev.kind is EventKind.DEADLINE:
        lines.append("PRIORITY:1")
    if options.event_url:
        url = options.event_url.format(calendar_id=ev.calendar_id, uid=ev.uid)
        lines.append(f"URL:{url}")
    if ev.deadline and not cancelled:
        alarm_text = escape_text(_alarm_text(ev))
        for days in sorted(set(options.alarm_days), reverse=True):
            trigger = fmt_duration(timedelta(days=-days, hours=options.alarm_hour))
            lines += [
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                f"TRIGGER:{trigger}",
                f"DESCRIPTION:{alarm_text}",
                "END:VALARM",
            ]
    lines.append("END:VEVENT")
    return b"".join(fold(line) for line in lines)


@functools.lru_cache(maxsize=64)
def _vtimezone(tzid: str, first_year: int, last_year: int) -> bytes:
    """VTIMEZONE covering the years the feed touches; building one takes milliseconds, so cache."""
    from icalendar import Timezone  # only here: the rest of the writer needs no icalendar objects

    tz = Timezone.from_tzid(tzid, first_date=date(first_year, 1, 1), last_date=date(last_year, 1, 1))
    # icalendar adds an English COMMENT ("This timezone only works from ..."); people
    # see it in some calendar apps, and nothing a user reads is English.
    tz.pop("COMMENT", None)
    return tz.to_ical()


_DAY = timedelta(days=1)
_UTC = timezone.utc


# --- Vietnamese descriptions -------------------------------------------------




def _lunar_text(ev: Event) -> str:
    assert ev.lunar is not None
    lu = ev.lunar
    day = f"mùng {lu.day}" if lu.day <= 10 else f"ngày {lu.day}"
    month = _LUNAR_MONTHS.get(lu.month, str(lu.month)) + (" nhuận" if lu.leap else "")
    year = f"năm {ev.can_chi} ({lu.year})" if ev.can_chi else f"năm {lu.year}"
    return f"Âm lịch: {day} tháng {month} {year}"


def describe(ev: Event) -> str:
    """DESCRIPTION: the event's own text, then the details a subscriber asks about."""
    lines: list[str] = []
    if ev.description:
        lines.append(ev.description.strip())
    if ev.end != ev.start:
        lines.append(f"Thời gian: từ {vn_date(ev.start)} đến hết {vn_date(ev.end)}")
    if ev.anniversary:
        a = ev.anniversary
        text = f"Kỷ niệm {a.ordinal} năm ({vn_date(a.base_date)} – {vn_date(ev.start)})"
        lines.append(text + (", năm chẵn" if a.milestone else ""))
    if ev.lunar:
        lines.append(_lunar_text(ev))
    elif ev.can_chi:
        lines.append(f"Năm {ev.can_chi}")
    if ev.place and not (ev.description and ev.place in ev.description):
        lines.append(f"Địa điểm: {ev.place}")
    if ev.deadline:
        d = ev.deadline
        lines.append(f"Hạn cuối: {d.due_words}")
        if ev.origin is DateOrigin.ADMIN:
            lines.append(f"Hạn do quản trị đặt: {d.as_written}")
        else:
            lines.append(f"Văn bản ghi: {d.as_written}")
        if d.submitted_by:
            lines.append(f"Đơn vị nộp: {d.submitted_by}")
        if d.submit_to:
            lines.append(f"Nơi nhận: {d.submit_to}")
        if d.via:
            lines.append(f"Gửi qua: {d.via}")
        lines += [f"Lưu ý: {w}" for w in d.warnings]
    lines += [f"Lưu ý: {w}" for w in ev.warnings if not ev.deadline or w not in ev.deadline.warnings]
    if ev.provenance:
        lines.append(f"Nguồn ngày: {ev.provenance}")
    return "\n".join(lines)


def _alarm_text(ev: Event) -> str:
    assert ev.deadline is not None
    return f"Sắp đến hạn chót: {ev.name}. Hạn cuối: {ev.deadline.due_words}."
