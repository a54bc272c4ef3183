"""What each email says, as small frozen values handed to the templates.

Pure: a :class:`DeadlineView` is computed from an :class:`~scheduler.core.events.Event`
and an injected ``today``. Templates only format; every judgement (which day
is the last one, how many days are left, overdue or not) is made here, once,
so an admin overriding a template cannot get it wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from notifiers.base import DeliveryResult, DeliveryStatus
from scheduler.core.dates import vn_weekday  # as the plans write dates: 24/6/2024
from scheduler.core.events import DateOrigin, Event


@dataclass(frozen=True, slots=True)
class DeadlineView:
    uid: str
    title: str
    name: str  # the title without "Hạn chót: " and the date it already states: what subjects say
    campaign: str  # "Phong trào thi đua năm 2024 của LĐLĐ tỉnh Kon Tum"
    as_written: str  # "trước 25/6/2024"
    due_text: str  # DeadlineInfo.due_words: "hết ngày 24/6/2024 (nộp trước 25/6/2024)"
    last_day: date  # the last day one can still submit, in the calendar's zone
    days_left: int  # from today to last_day; negative once overdue
    submitted_by: str | None = None
    submit_to: str | None = None
    via: str | None = None
    warnings: tuple[str, ...] = ()
    # The document gives no date and the issuing body's admin set this one: never "Hạn theo văn bản".
    set_by_admin: bool = False
    provenance: str | None = None  # "Ngày do quản trị của ... đặt để nhắc việc; văn bản ghi “sau mỗi đợt thi đua”..."

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def weekday(self) -> str:
        return vn_weekday(self.last_day)

    @property
    def days_text(self) -> str:
        if self.days_left < 0:
            return f"đã quá hạn {-self.days_left} ngày"
        if self.days_left == 0:
            return "hôm nay là ngày cuối"
        return f"còn {self.days_left} ngày"


def deadline_view(event: Event, campaign: str, today: date) -> DeadlineView:
    """The email's view of a deadline event, as of ``today`` (a civil date in the calendar's zone)."""
    info = event.deadline
    if info is None:
        raise ValueError(f"{event.uid}: không phải hạn chót")
    last_day = info.last_day
    return DeadlineView(
        uid=event.uid,
        title=event.title,
        name=event.name,
        campaign=campaign,
        as_written=info.as_written,
        due_text=info.due_words,
        last_day=last_day,
        days_left=(last_day - today).days,
        submitted_by=info.submitted_by,
        submit_to=info.submit_to,
        via=info.via,
        warnings=tuple(dict.fromkeys((*info.warnings, *event.warnings))),  # each once, as the ICS says them
        set_by_admin=event.origin is DateOrigin.ADMIN,
        provenance=event.provenance,
    )


@dataclass(frozen=True, slots=True)
class ReminderContent:
    """One deadline for one person: the reminder, or once past due, the overdue notice."""

    deadline: DeadlineView
    recipient_name: str = ""
    submitted_url: str | None = None  # signed "Đã nộp" link
    unsubscribe_url: str | None = None

    @property
    def template(self) -> str:
        return "overdue" if self.deadline.overdue else "reminder"


@dataclass(frozen=True, slots=True)
class DigestItem:
    deadline: DeadlineView
    submitted_url: str | None = None


@dataclass(frozen=True, slots=True)
class DigestContent:
    """All of one person's reminders of one day in one email."""

    template: ClassVar[str] = "digest"
    items: tuple[DigestItem, ...]
    today: date
    recipient_name: str = ""
    unsubscribe_url: str | None = None

    @property
    def overdue_count(self) -> int:
        return sum(1 for item in self.items if item.deadline.overdue)


@dataclass(frozen=True, slots=True)
class ConfirmContent:
    """Double opt-in: nobody gets reminders they did not confirm."""

    template: ClassVar[str] = "confirm_subscription"
    calendar_title: str
    confirm_url: str
    recipient_name: str = ""
    valid_hours: int = 48


@dataclass(frozen=True, slots=True)
class DeadlineStatus:
    deadline: DeadlineView
    submitted: tuple[str, ...]  # units or people, as the admin knows them
    not_submitted: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FailureLine:
    recipient: str
    permanent: bool
    code: int | None
    reason: str

    @classmethod
    def from_result(cls, result: DeliveryResult) -> FailureLine:
        return cls(
            recipient=", ".join(result.recipients),
            permanent=result.status is DeliveryStatus.PERMANENT,
            code=result.code,
            reason=result.reason,
        )


@dataclass(frozen=True, slots=True)
class AdminSummaryContent:
    template: ClassVar[str] = "admin_summary"
    today: date
    deadlines: tuple[DeadlineStatus, ...]
    failures: tuple[FailureLine, ...] = ()
    recipient_name: str = ""


@dataclass(frozen=True, slots=True)
class ReturnedContent:
    """The deadline board: staff returned a unit's submission for completion, with the reason."""

    template: ClassVar[str] = "returned"
    deadline: DeadlineView
    reason: str
    returned_by: str  # the staff member's name, as the unit should read it
    recipient_name: str = ""
    submitted_url: str | None = None  # the unit's page ("Đã nộp" again once completed)
    unsubscribe_url: str | None = None


@dataclass(frozen=True, slots=True)
class BoardDigestLine:
    unit: str  # the unit's name (with the body above it, when it has one)
    status: str  # "chưa nộp, quá hạn 3 ngày", "trả lại để bổ sung (…)"


@dataclass(frozen=True, slots=True)
class BoardDigestContent:
    """To the staff of a scope: who still owes a deadline that has passed (the day after, then weekly)."""

    template: ClassVar[str] = "board_digest"
    deadline: DeadlineView
    scope_name: str  # "mọi đơn vị", or the body whose units these are
    counts: tuple[tuple[str, int], ...]  # (status label, count), every status
    owing: tuple[BoardDigestLine, ...]  # the first units still owing, most overdue first
    owing_total: int
    board_url: str
    recipient_name: str = ""

    @property
    def more(self) -> int:
        return self.owing_total - len(self.owing)


Content = (ReminderContent | DigestContent | ConfirmContent | AdminSummaryContent | ReturnedContent
           | BoardDigestContent)
