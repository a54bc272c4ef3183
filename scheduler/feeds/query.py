"""What a feed URL asks for, and which events answer it.

``GET /feeds/{calendar}.ics?from=&to=&kinds=&inherited=&milestones=`` is
parsed here into a :class:`FeedQuery`, a hashable value that keys the render
cache together with the calendar's version. Parsing and selecting are pure:
"today" is passed in. Every rejection is a :class:`BadRequest` whose message
an official can act on, in Vietnamese.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from scheduler.core.events import Event, EventKind
from scheduler.errors import BadRequest

# lunardate (and so lunar events) covers 1900-2099; the first lunar year starts in 1900's February.
MIN_DATE = date(1901, 1, 1)
MAX_DATE = date(2099, 12, 31)
# A subscriber never needs more; it bounds the work one request can ask for.
MAX_WINDOW_DAYS = 10 * 366

_TRUE = {"1", "true", "yes", "on", "co", "có"}
_FALSE = {"0", "false", "no", "off", "khong", "không"}

KIND_LABELS: Mapping[EventKind, str] = {kind: kind.label.lower() for kind in EventKind}


@dataclass(frozen=True, slots=True)
class FeedQuery:
    """A normalised feed request: equal queries give byte-identical feeds."""

    start: date  # inclusive, civil date in the calendar's zone
    end: date  # inclusive
    kinds: frozenset[EventKind] | None = None  # None: every kind
    inherited: bool = True  # include items defined in a parent calendar (national days)
    milestones_only: bool = False  # drop anniversaries that are not round ("năm chẵn")
    # A campaign's default feed: outside these days (its span) only the plan's own events
    # (a report due after the campaign closes), never a parent's days of another year.
    own_only_outside: tuple[date, date] | None = None

    def params(self) -> dict[str, str]:
        """The query string that reproduces this query (for links and logs)."""
        out = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.kinds is not None:
            out["kinds"] = ",".join(sorted(k.value for k in self.kinds))
        if not self.inherited:
            out["inherited"] = "false"
        if self.milestones_only:
            out["milestones"] = "true"
        return out


def default_window(today: date) -> tuple[date, date]:
    """The current year and the next: what a subscriber of the national calendar sees without asking."""
    return date(today.year, 1, 1), date(today.year + 1, 12, 31)


def _parse_date(name: str, raw: str) -> date:
    try:
        value = date.fromisoformat(raw.strip())
    except ValueError:
        raise BadRequest(
            f"Tham số '{name}' phải là ngày dạng NNNN-TT-NN, ví dụ 2024-01-31 (nhận được: {raw!r})."
        ) from None
    if not MIN_DATE <= value <= MAX_DATE:
        raise BadRequest(
            f"Tham số '{name}' phải nằm trong khoảng {MIN_DATE:%d/%m/%Y} đến {MAX_DATE:%d/%m/%Y} "
            f"(nhận được: {raw!r})."
        )
    return value


def _parse_bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise BadRequest(f"Tham số '{name}' phải là true hoặc false (nhận được: {raw!r}).")


def _parse_kinds(raw: str) -> frozenset[EventKind]:
    kinds: set[EventKind] = set()
    valid = ", ".join(k.value for k in EventKind)
    for part in raw.split(","):
        part = part.strip().lower()
        if not part:
            continue
        try:
            kinds.add(EventKind(part))
        except ValueError:
            raise BadRequest(
                f"Loại sự kiện không hợp lệ trong 'kinds': {part!r}. Các loại hợp lệ: {valid}."
            ) from None
    if not kinds:
        raise BadRequest(f"Tham số 'kinds' không được để trống. Các loại hợp lệ: {valid}.")
    return frozenset(kinds)


def parse_feed_query(
    params: Mapping[str, str | None],
    today: date,
    *,
    campaign: tuple[date, date] | None = None,
    span: tuple[date, date] | None = None,
) -> FeedQuery:
    """Validate the feed's query parameters; unknown parameters are ignored.

    Calendar clients append their own parameters to subscribed URLs, so an
    unknown name is not an error; a known name with a bad value is.

    Without ``from`` and ``to`` a campaign's feed covers ``campaign`` (its span
    stretched to its own deadlines and events, whatever ``today`` is), and
    outside ``span`` keeps only the plan's own events; a calendar without a
    span (the national one) covers this year and the next.
    """
    raw_from, raw_to = params.get("from"), params.get("to")
    own_only_outside = None
    if campaign is not None and not raw_from and not raw_to:
        start, end = campaign
        own_only_outside = span
    else:
        start, end = default_window(today)
    if raw_from:
        start = _parse_date("from", raw_from)
    if raw_to:
        end = _parse_date("to", raw_to)
    if raw_from and not raw_to:
        # Keep the default two-year span from the chosen start.
        end = min(MAX_DATE, date(start.year + 1, 12, 31))
    elif raw_to and not raw_from:
        start = max(MIN_DATE, date(end.year - 1, 1, 1))
    if end < start:
        raise BadRequest(
            f"Khoảng thời gian không hợp lệ: 'to' ({end:%d/%m/%Y}) trước 'from' ({start:%d/%m/%Y})."
        )
    if (raw_from or raw_to) and end - start > timedelta(days=MAX_WINDOW_DAYS):
        raise BadRequest("Khoảng thời gian quá dài: tối đa 10 năm cho một nguồn lịch.")
    raw_kinds, raw_inherited, raw_milestones = params.get("kinds"), params.get("inherited"), params.get("milestones")
    kinds = _parse_kinds(raw_kinds) if raw_kinds is not None else None
    inherited = _parse_bool("inherited", raw_inherited) if raw_inherited else True
    milestones = _parse_bool("milestones", raw_milestones) if raw_milestones else False
    return FeedQuery(start, end, kinds, inherited, milestones, own_only_outside)


def wanted(event: Event, query: FeedQuery) -> bool:
    """Whether one event belongs in the feed (window overlap, kind, origin, milestone)."""
    if event.end < query.start or event.start > query.end:
        return False
    if query.kinds is not None and event.kind not in query.kinds:
        return False
    if not query.inherited and event.inherited:
        return False
    if query.milestones_only and event.kind is EventKind.ANNIVERSARY and not event.milestone:
        return False
    if query.own_only_outside is not None and event.inherited:
        first, last = query.own_only_outside
        if event.end < first or event.start > last:
            return False
    return True


def select(events: Iterable[Event], query: FeedQuery) -> list[Event]:
    return [e for e in events if wanted(e, query)]


def calendar_query(
    params: Mapping[str, str | None],
    today: date,
    window: tuple[date, date],
    span: tuple[date, date] | None,
) -> FeedQuery:
    """The one default of a calendar's feed, for the served feed and `export` alike: a campaign
    covers ``window`` (its span stretched to its own dates) and keeps only its own events outside
    its span; the national calendar covers this year and the next."""
    return parse_feed_query(params, today, campaign=window if span else None, span=span)


def feed_name(title: str, query: FeedQuery, default: FeedQuery) -> str:
    """X-WR-CALNAME: a filtered feed says what it holds, so two subscriptions never share a name."""
    parts: list[str] = []
    if query.kinds is not None:
        parts.append(", ".join(KIND_LABELS[k] for k in sorted(query.kinds, key=lambda k: k.value)))
    if not query.inherited:
        parts.append("chỉ mục của lịch này")
    if query.milestones_only:
        parts.append("kỷ niệm năm chẵn")
    if (query.start, query.end) != (default.start, default.end):
        parts.append(f"{query.start:%d/%m/%Y}–{query.end:%d/%m/%Y}")
    return f"{title} ({'; '.join(parts)})" if parts else title


def feed_key(query: FeedQuery, default: FeedQuery) -> str:
    """What identifies a feed URL over time: the default window is one key whatever today's date."""
    params = query.params()
    window = "default" if (query.start, query.end) == (default.start, default.end) else f"{params['from']}..{params['to']}"
    rest = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k not in ("from", "to"))
    return f"{window}|{rest}"[:500]
