"""HTTP validators for feeds: strong ETag, Last-Modified, and the 304 decision.

Calendar clients (Outlook, Google, Thunderbird) and caches such as nginx poll
feeds for hours on end; answering them with 304 from precomputed validators
is what keeps a poll cheap. Everything here is pure: the route passes the
request headers in and gets headers back (RFC 9110 §8.8 and §13).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime


@dataclass(frozen=True, slots=True)
class Validators:
    """What a conditional request is checked against, computed once per body."""

    etag: str  # strong, quoted: '"3f2a..."'
    last_modified: datetime  # aware, UTC, whole seconds (HTTP dates have no fraction)

    @classmethod
    def for_body(cls, body: bytes, last_modified: datetime) -> Validators:
        return cls(etag=strong_etag(body), last_modified=_whole_seconds(last_modified))


def strong_etag(body: bytes) -> str:
    """A strong ETag: equal iff the bytes are equal, across restarts and processes."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def http_date(moment: datetime) -> str:
    """IMF-fixdate, e.g. 'Sat, 21 Nov 2026 05:49:15 GMT'."""
    return format_datetime(_whole_seconds(moment), usegmt=True)


def parse_http_date(value: str) -> datetime | None:
    """The instant of an HTTP date, or None when a client sends garbage (then it is ignored)."""
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _etag_matches(header: str, etag: str) -> bool:
    # If-None-Match uses the weak comparison: W/"x" matches "x" (RFC 9110 §13.1.2).
    opaque = etag.removeprefix("W/")
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == opaque:
            return True
    return False


def is_not_modified(
    validators: Validators, if_none_match: str | None, if_modified_since: str | None
) -> bool:
    """True when a GET/HEAD may be answered 304.

    If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 §13.1.3):
    an ETag is exact, a date only has one-second resolution.
    """
    if if_none_match is not None:
        return _etag_matches(if_none_match, validators.etag)
    if if_modified_since is not None:
        since = parse_http_date(if_modified_since)
        return since is not None and validators.last_modified <= since
    return False


def validator_headers(validators: Validators, max_age_seconds: int) -> dict[str, str]:
    """Headers sent with both 200 and 304, so a cache can refresh its copy from either."""
    return {
        "ETag": validators.etag,
        "Last-Modified": http_date(validators.last_modified),
        "Cache-Control": f"public, max-age={max_age_seconds}",
    }


def _whole_seconds(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("Last-Modified needs an aware datetime")
    return moment.astimezone(UTC).replace(microsecond=0)
