"""Content lines of RFC 5545, written by hand because it is hot and small.

A feed of a thousand events is rendered on every request that misses the
cache; building ``icalendar`` component objects for each would cost several
times more than writing the few property kinds we use. The rules kept here:

* text is NFC-normalised (Vietnamese typed on some keyboards arrives
  decomposed, and clients compare and display it differently), control
  characters other than TAB are dropped (RFC 5545 §3.3.11 forbids them), and
  backslash, semicolon, comma and newline are escaped;
* lines are folded at 75 OCTETS (§3.1), never inside a UTF-8 sequence: a
  Vietnamese letter such as "ệ" is three octets, and a client that receives
  half of one shows garbage or rejects the whole feed;
* every line ends in CRLF.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone

CRLF = b"\r\n"
_FOLD = b"\r\n "
_MAX_OCTETS = 75

# TEXT may hold any character but the CONTROLs other than HTAB (RFC 5545 §3.3.11).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_ESCAPES = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n"})


def escape_text(value: str) -> str:
    """A TEXT value as it goes after the colon: NFC, escaped, one line."""
    if not value.isascii():
        value = unicodedata.normalize("NFC", value)
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", value).translate(_ESCAPES)


def fold(line: str) -> bytes:
    """One content line as UTF-8 octets, folded at 75 octets, CRLF-terminated.

    Continuation lines start with a space, which counts towards their 75
    octets. A cut that would land inside a multi-byte character moves back to
    the character's first octet (octets 0b10xxxxxx continue a character), and
    one that would separate a backslash from the character it escapes moves
    back by one.
    """
    raw = line.encode()
    if len(raw) <= _MAX_OCTETS:
        return raw + CRLF
    parts = []
    start, limit, n = 0, _MAX_OCTETS, len(raw)
    while n - start > limit:
        cut = start + limit
        while raw[cut] & 0xC0 == 0x80:
            cut -= 1
        # Keep an escape ("\\n", "\\,") on one line: unfolding joins it again, but
        # some importers unescape line by line.
        back = cut
        while back > start and raw[back - 1] == 0x5C:
            back -= 1
        if (cut - back) % 2:
            cut -= 1
        parts.append(raw[start:cut])
        start, limit = cut, _MAX_OCTETS - 1
    parts.append(raw[start:])
    return _FOLD.join(parts) + CRLF


def fmt_date(value: date) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def fmt_utc(value: datetime) -> str:
    """A UTC DATE-TIME ("20240101T000000Z"); naive values are refused, not guessed."""
    if value.tzinfo is None:
        raise ValueError(f"cần thời điểm có múi giờ, nhận được {value!r}")
    v = value.astimezone(timezone.utc)
    return f"{v.year:04d}{v.month:02d}{v.day:02d}T{v.hour:02d}{v.minute:02d}{v.second:02d}Z"


def fmt_duration(value: timedelta) -> str:
    """An RFC 5545 DURATION: ``-P6DT16H``, ``PT6H``, ``P1D``; whole seconds only."""
    total = int(value.total_seconds())
    sign = "-" if total < 0 else ""
    total = abs(total)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    out = f"{sign}P"
    if days:
        out += f"{days}D"
    if hours or minutes or seconds or not days:
        out += "T"
        if hours:
            out += f"{hours}H"
        if minutes:
            out += f"{minutes}M"
        if seconds or not (hours or minutes):
            out += f"{seconds}S"
    return out
