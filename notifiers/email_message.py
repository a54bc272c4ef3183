"""Turning rendered email text into RFC 5322 bytes, fast and injection-proof.

Reminder waves send thousands of messages that differ only in recipient,
Message-ID, links and a few words of body. Building each with
:class:`email.message.EmailMessage` costs milliseconds (header folding is
slow), so the email package builds a *skeleton* once per distinct subject +
attachments: MIME headers and boundaries are encoded by the email package
itself (``policy.SMTP``; Subject and From by ``email.header``, see
:func:`_subject_and_from`), and the text and HTML bodies are placeholders.
Each message then only prepends its own headers (To, Date, Message-ID,
List-Unsubscribe: plain ASCII by construction) and drops its base64 bodies
into the skeleton. Tests parse the result with the email package.

Anything that goes into a header (titles and names from YAML, addresses,
URLs) passes through :func:`header_text`, :func:`check_address` or
:func:`check_url` first: CR/LF can never start a new header.
"""

from __future__ import annotations

import binascii
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email import base64mime, policy, quoprimime
from email.errors import HeaderParseError
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr

from notifiers.base import OutgoingMessage
from scheduler.errors import PermanentDeliveryError

# Unicode line breaks too: some mail software treats them as line ends.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")
_SPACES = re.compile(r"\s+")
_URL = re.compile(r"^(https?://|mailto:)[\x21-\x7e]+$")
_MAX_HEADER_TEXT = 200
_TEXT_TOKEN = "LICHTHIDUATEXTBODYPLACEHOLDER"
_HTML_TOKEN = "LICHTHIDUAHTMLBODYPLACEHOLDER"
# RFC 5322 dot-atom@dot-atom: the common case, checked without the slow header parser.
_DOT_ATOM_ADDRESS = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$"
)
_QUOTED_METHOD = re.compile(rb'method="([A-Za-z-]+)"')


@dataclass(frozen=True, slots=True)
class Recipient:
    address: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class Unsubscribe:
    """RFC 2369 / RFC 8058 unsubscribe links; ``url`` takes a one-click POST."""

    url: str  # "https://lich.example.vn/unsubscribe?token=..."
    mailto: str | None = None  # "mailto:unsubscribe@example.vn?subject=..."


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str  # 'text/calendar; charset="utf-8"; method=PUBLISH'
    data: bytes


@dataclass(frozen=True, slots=True)
class RenderedEmail:
    """What templates produce; subject is free text, cleaned here."""

    subject: str
    text: str
    html: str | None = None


def header_text(value: str, limit: int = _MAX_HEADER_TEXT) -> str:
    """Free text made safe for one header line: no control characters, one line."""
    cleaned = _SPACES.sub(" ", _CONTROL.sub(" ", value)).strip()
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    return cleaned


def check_address(address: str) -> str:
    """The bare ASCII addr-spec, or PermanentDeliveryError: retrying a bad address never helps."""
    if not isinstance(address, str) or _CONTROL.search(address) or not address.isascii():
        raise PermanentDeliveryError(f"Địa chỉ email không hợp lệ: {address!r}")
    address = address.strip()
    if _DOT_ATOM_ADDRESS.match(address):
        if "." in address.rpartition("@")[2] or address.endswith("@localhost"):
            return address
        raise PermanentDeliveryError(f"Địa chỉ email không hợp lệ: {address!r}")
    try:
        parsed = Address(addr_spec=address.strip())
    except (HeaderParseError, ValueError, IndexError) as exc:
        raise PermanentDeliveryError(f"Địa chỉ email không hợp lệ: {address!r}") from exc
    if not parsed.username or "." not in parsed.domain and parsed.domain != "localhost":
        raise PermanentDeliveryError(f"Địa chỉ email không hợp lệ: {address!r}")
    return parsed.addr_spec


def check_url(url: str) -> str:
    """An http(s) or mailto URL with no space, quote, angle bracket or line break."""
    if not _URL.match(url) or any(c in url for c in '<>"') or len(url) > 900:
        raise ValueError(f"Liên kết không hợp lệ trong tiêu đề email: {url!r}")
    return url


def mailbox(name: str, address: str) -> str:
    """'Name <addr>' for a header, RFC 2047-encoded by the email package when not ASCII."""
    clean = header_text(name, 80)
    return formataddr((clean, check_address(address)), charset="utf-8") if clean else check_address(address)


def message_id(key: str, domain: str) -> str:
    """Stable per (reminder, recipient): re-sending the same reminder reuses it."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def sender_parts(mail_from: str) -> tuple[str, str, str]:
    """(display name, address, domain) of the configured ``mail_from``."""
    name, address = parseaddr(header_text(mail_from, 300))
    address = check_address(address)
    return header_text(name, 80), address, address.rpartition("@")[2]


def _content_type(value: str) -> tuple[str, str, dict[str, str]]:
    header = policy.SMTP.header_factory("Content-Type", header_text(value, 300))
    return header.maintype, header.subtype, dict(header.params)


def _check_calendar(attachment: Attachment, params: dict[str, str]) -> None:
    """A METHOD in the data that differs from the Content-Type makes Outlook misbehave."""
    match = re.search(rb"^METHOD:([A-Za-z-]+)\r?$", attachment.data, re.MULTILINE)
    inside = match.group(1).decode().upper() if match else None
    declared = params.get("method", "").upper() or None
    if inside != declared:
        raise ValueError(
            f"Tệp đính kèm {attachment.filename}: METHOD trong tệp ({inside}) "
            f"khác method trong Content-Type ({declared})"
        )


@dataclass(frozen=True, slots=True)
class _Skeleton:
    head: bytes  # constant headers + MIME up to the text body
    middle: bytes  # between text and HTML bodies (empty when text only)
    tail: bytes  # after the last body: attachments and closing boundaries


def _subject_and_from(subject: str, from_header: str) -> bytes:
    """Subject and From, RFC 2047-encoded with email.header.

    Not with ``policy.SMTP``: its folder drops the space between two encoded
    words when a fold lands on it ("chú ý ngày" arrives as "chú ýngày").
    ``Header`` keeps each space inside an encoded word.
    """
    encoded = Header(subject, "utf-8", header_name="Subject").encode(linesep="\r\n", maxlinelen=76)
    return f"From: {from_header}\r\nSubject: {encoded}\r\n".encode("ascii")


_BASE64_LINE = re.compile(rb".{1,76}", re.DOTALL)


def _base64_lines(text: str) -> bytes:
    # Text in MIME is canonically CRLF, also inside base64.
    canonical = (text.replace("\r\n", "\n") if "\r" in text else text).replace("\n", "\r\n")
    # One C call, then its lines cut by one more (base64.encodebytes loops in Python per 57 bytes).
    encoded = binascii.b2a_base64(canonical.encode("utf-8"), newline=False)
    return b"\r\n".join(_BASE64_LINE.findall(encoded)) + b"\r\n" if encoded else b""


# Bytes that quoted-printable header encoding writes as themselves (email.quoprimime's header map).
_QP_AS_IS = bytes(b for b in range(256) if chr(b) in "-!*+/ " or chr(b).isascii() and chr(b).isalnum())


def _to_header(name: str, address: str) -> str:
    """``formataddr((name, address), charset="utf-8")``, the same string, without its slowest step.

    For a non-ASCII name ``email.charset`` picks the shorter of base64 and quoted-printable by counting
    the quoted-printable length in a Python loop over every byte; here that count is a ``bytes.translate``.
    """
    if name.isascii():
        return formataddr((name, address), charset="utf-8")
    address.encode("ascii")
    data = name.encode("utf-8")
    qp_length = len(data) + 2 * len(data.translate(None, _QP_AS_IS))
    encoder = base64mime if base64mime.header_length(data) < qp_length else quoprimime
    return f"{encoder.header_encode(data, 'utf-8')} <{address}>"


class Composer:
    """Builds :class:`OutgoingMessage` bytes; keeps skeletons across messages.

    Not thread-safe (a plain dict cache); one per sending task.
    """

    def __init__(self, mail_from: str, *, cache_size: int = 256) -> None:
        self.from_name, self.from_address, self.domain = sender_parts(mail_from)
        self._from_header = mailbox(self.from_name, self.from_address)
        self._cache: dict[tuple[str, bool, tuple[Attachment, ...]], _Skeleton] = {}
        self._cache_size = cache_size
        self._last_date: tuple[datetime | None, str] = (None, "")

    def message_id(self, key: str) -> str:
        return message_id(key, self.domain)

    def _date(self, now: datetime) -> str:
        """The Date header; a wave stamps every message with one ``now``, formatted once."""
        if self._last_date[0] != now:
            self._last_date = (now, format_datetime(now))
        return self._last_date[1]

    def compose(
        self,
        email: RenderedEmail,
        *,
        to: Recipient,
        key: str,
        now: datetime,
        unsubscribe: Unsubscribe | None = None,
        attachments: tuple[Attachment, ...] = (),
    ) -> OutgoingMessage:
        """One message for one recipient; ``key`` is stable per (reminder, recipient)."""
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware (the Date header carries the offset)")
        address = check_address(to.address)
        name = header_text(to.name, 80)
        skeleton = self._skeleton(email.subject, email.html is not None, attachments)
        mid = self.message_id(key)
        lines = [
            f"To: {_to_header(name, address) if name else address}",
            f"Date: {self._date(now)}",
            f"Message-ID: {mid}",
        ]
        if unsubscribe is not None:
            links = [f"<{check_url(unsubscribe.url)}>"]
            if unsubscribe.mailto:
                links.append(f"<{check_url(unsubscribe.mailto)}>")
            lines.append("List-Unsubscribe: " + ",\r\n ".join(links))
            lines.append("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
        parts = ["\r\n".join(lines).encode("ascii"), b"\r\n", skeleton.head, _base64_lines(email.text)]
        if email.html is not None:
            parts += [skeleton.middle, _base64_lines(email.html)]
        parts.append(skeleton.tail)
        return OutgoingMessage(mid, self.from_address, (address,), b"".join(parts))

    def _skeleton(self, subject: str, has_html: bool, attachments: tuple[Attachment, ...]) -> _Skeleton:
        """The message around its bodies; ``subject`` as written (made one safe line here, once)."""
        key = (subject, has_html, attachments)
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) >= self._cache_size:
                self._cache.clear()
            found = self._cache[key] = self._build_skeleton(header_text(subject), has_html, attachments)
        return found

    def _build_skeleton(self, subject: str, has_html: bool, attachments: tuple[Attachment, ...]) -> _Skeleton:
        msg = EmailMessage(policy=policy.SMTP)
        msg["Auto-Submitted"] = "auto-generated"
        msg["X-Auto-Response-Suppress"] = "All"  # no out-of-office replies to a robot
        msg.set_content(_TEXT_TOKEN, cte="base64")
        if has_html:
            msg.add_alternative(_HTML_TOKEN, subtype="html", cte="base64")
        for attachment in attachments:
            maintype, subtype, params = _content_type(attachment.content_type)
            if (maintype, subtype) == ("text", "calendar"):
                _check_calendar(attachment, params)
            msg.add_attachment(
                attachment.data, maintype, subtype, filename=header_text(attachment.filename, 100), params=params
            )
        # Bodies were base64 of the tokens; make them the bare tokens to cut at.
        bodies = [p for p in msg.walk() if p.get_content_type() in ("text/plain", "text/html")][:2]
        for part, token in zip(bodies, (_TEXT_TOKEN, _HTML_TOKEN), strict=False):
            part.set_payload(token)
        # Some calendar clients want the bare token RFC 5545 shows: method=PUBLISH.
        raw = _QUOTED_METHOD.sub(rb"method=\1", msg.as_bytes())
        # Each body is inserted with its own final CRLF; a single-part message has no CRLF after it.
        head, _, rest = raw.partition(_TEXT_TOKEN.encode())
        rest = rest.removeprefix(b"\r\n")
        if has_html:
            middle, _, tail = rest.partition(_HTML_TOKEN.encode())
            tail = tail.removeprefix(b"\r\n")
        else:
            middle, tail = b"", rest
        return _Skeleton(_subject_and_from(subject, self._from_header) + head, middle, tail)
