"""One exception hierarchy, mapped to exit codes and HTTP statuses here only.

    LichThiDuaError                 exit 1, HTTP 500
    ├── SettingsError               exit 78 (EX_CONFIG), bad settings file or variable
    │   └── EnvironmentFault        exit 78, HTTP 503: a folder read-only or missing, a database refused
    ├── TemporaryFault              exit 75 (EX_TEMPFAIL), HTTP 503: database unreachable, disk full
    ├── CalendarError               exit 65 (EX_DATAERR), HTTP 503, carries every Diagnostic of a run
    │   └── CalendarNotFound        exit 66 (EX_NOINPUT), HTTP 404
    ├── LunarDateError              exit 65, HTTP 400: a lunar date that does not exist
    ├── BadRequest                  exit 64 (EX_USAGE), HTTP 400: bad CLI option or query parameter
    ├── OutputError                 exit 73 (EX_CANTCREAT), an output file exists or cannot be written
    ├── CampaignFinished            exit 65, HTTP 410: reminders asked for a campaign that has ended
    ├── ToolMissing                 exit 69 (EX_UNAVAILABLE), a program to read a plan is not installed
    ├── DocumentRejected            exit 65, HTTP 422: a document beyond a reading limit, broken, or not its type
    │   └── DocumentTooLarge        exit 65, HTTP 413: beyond a size limit (bytes, inflated, parts, pages, pixels)
    ├── DocumentUnreadable          exit 66 (EX_NOINPUT), HTTP 422: a document the service may not open
    ├── Forbidden                   exit 77 (EX_NOPERM), HTTP 403: a cross-site form post
    ├── TooManyRequests             exit 75 (EX_TEMPFAIL), HTTP 429: an abuse limit, try again later
    └── DeliveryError               exit 75 (EX_TEMPFAIL), a notifier could not deliver
        └── PermanentDeliveryError  exit 69 (EX_UNAVAILABLE), retrying will not help

A calendar with errors is a 503 on the web (with Retry-After): the service
cannot serve it until an admin fixes the file, and serves it again by itself
after the fix; a subscriber's app should retry, not drop the feed.

Messages are Vietnamese: they are read by admins and officials.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"  # not a problem: what `check` worked out (a span derived from the dated items)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in one calendar file, precise enough to fix without asking.

    ``line`` and ``column`` are 1-based, as editors show them. ``message`` and
    ``hint`` hold Vietnamese and English texts keyed by language.
    """

    file: str
    line: int
    column: int
    path: str  # key path in the document: "phases[1].end"
    code: str  # stable machine-readable code: "date.invalid"
    message: dict[str, str]
    severity: Severity = Severity.ERROR
    value: str | None = None  # the offending value, as written
    expected: dict[str, str] | None = None
    hint: dict[str, str] | None = None

    def format(self, lang: str = "vi") -> str:
        label = {"vi": {"error": "lỗi", "warning": "cảnh báo", "info": "ghi chú"},
                 "en": {"error": "error", "warning": "warning", "info": "note"}}
        words = {
            "vi": ("giá trị", "cần", "gợi ý"),
            "en": ("value", "expected", "hint"),
        }[lang]
        head = f"{self.file}:{self.line}:{self.column}: {label[lang][self.severity]}"
        if self.path:
            head += f" [{self.path}]"
        parts = [f"{head}: {self.message[lang]}"]
        if self.value is not None:
            parts.append(f"    {words[0]}: {self.value}")
        if self.expected:
            parts.append(f"    {words[1]}: {self.expected[lang]}")
        if self.hint:
            parts.append(f"    {words[2]}: {self.hint[lang]}")
        return "\n".join(parts)

    def to_json(self, lang: str = "vi") -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message[lang],
            "value": self.value,
            "expected": self.expected[lang] if self.expected else None,
            "hint": self.hint[lang] if self.hint else None,
        }


class LichThiDuaError(Exception):
    exit_code = 1
    http_status = 500


class SettingsError(LichThiDuaError):
    exit_code = 78


class EnvironmentFault(SettingsError):
    """The machine is not as the settings say: fix a path, a permission or a setting (see scheduler.store.faults)."""

    http_status = 503


class TemporaryFault(LichThiDuaError):
    """Retrying later will do once the fault ends: nothing was lost (see scheduler.store.faults)."""

    exit_code = 75
    http_status = 503


class CalendarError(LichThiDuaError):
    exit_code = 65
    http_status = 503

    def __init__(self, diagnostics: list[Diagnostic] | str) -> None:
        if isinstance(diagnostics, str):
            self.diagnostics: list[Diagnostic] = []
            super().__init__(diagnostics)
        else:
            self.diagnostics = list(diagnostics)
            super().__init__("\n".join(d.format() for d in self.diagnostics))


class CalendarNotFound(CalendarError):
    exit_code = 66
    http_status = 404


class LunarDateError(LichThiDuaError, ValueError):
    exit_code = 65
    http_status = 400


class BadRequest(LichThiDuaError, ValueError):
    exit_code = 64
    http_status = 400


class OutputError(LichThiDuaError):
    exit_code = 73


class CampaignFinished(LichThiDuaError):
    """A campaign whose span is over takes no new reminder subscriptions (HTTP 410 Gone: it never will again)."""

    exit_code = 65
    http_status = 410


class ToolMissing(LichThiDuaError):
    exit_code = 69


class DocumentRejected(LichThiDuaError):
    """A received document (plan, attachment) read no further: beyond a limit, broken, or not what its name says."""

    exit_code = 65
    http_status = 422


class DocumentTooLarge(DocumentRejected):
    http_status = 413


class DocumentUnreadable(LichThiDuaError):
    """The file is there but may not be opened (permissions, a folder, a device)."""

    exit_code = 66
    http_status = 422


class Forbidden(LichThiDuaError):
    exit_code = 77
    http_status = 403


class TooManyRequests(LichThiDuaError):
    exit_code = 75
    http_status = 429

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class DeliveryError(LichThiDuaError):
    exit_code = 75


class PermanentDeliveryError(DeliveryError):
    exit_code = 69
