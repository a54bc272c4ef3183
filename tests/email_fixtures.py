"""Shared builders for the email tests: a real deadline event, specs, parsing."""

from __future__ import annotations

import email
import email.policy
from datetime import date, datetime, timedelta, timezone
from email.message import EmailMessage

from notifiers.content import ReminderContent, deadline_view
from notifiers.email_message import Attachment, Recipient
from notifiers.ics import FeedMeta
from notifiers.mailer import MessageSpec, event_attachment
from scheduler.core.events import DeadlineInfo, Due, Event, EventKind

VN = timezone(timedelta(hours=7))
NOW = datetime(2024, 6, 17, 8, 0, tzinfo=VN)
TODAY = NOW.date()
CAMPAIGN = "Phong trào thi đua năm 2024 của LĐLĐ tỉnh Kon Tum"


def deadline_event(title: str = "Báo cáo sơ kết 6 tháng đầu năm", uid: str = "kon-tum-2024/bao-cao-6-thang") -> Event:
    return Event(
        uid=uid,
        kind=EventKind.DEADLINE,
        title=title,
        start=date(2024, 6, 24),
        end=date(2024, 6, 24),
        source="calendars/kon-tum-2024.yaml:42",
        calendar_id="kon-tum-2024",
        item_id="bao-cao-6-thang",
        defined_in="kon-tum-2024",
        deadline=DeadlineInfo(
            due=Due.BEFORE,
            due_at=datetime(2024, 6, 25, 0, 0, tzinfo=VN),
            as_written="trước 25/6/2024",
            submitted_by="Công đoàn cấp trên trực tiếp cơ sở",
            submit_to="LĐLĐ tỉnh (Ban Chính sách pháp luật)",
            via="ldldkontum@gmail.com",
        ),
    )


def meta() -> FeedMeta:
    return FeedMeta.for_calendar("kon-tum-2024", "Lịch thi đua LĐLĐ tỉnh Kon Tum 2024", year=2024)


def attachment(event: Event | None = None) -> Attachment:
    return event_attachment(event or deadline_event(), meta(), now=NOW)


def reminder_spec(i: int, event: Event | None = None, ics: Attachment | None = None, name: str = "") -> MessageSpec:
    event = event or deadline_event()
    address = f"cdcs{i}@congdoan-kontum.vn"
    return MessageSpec(
        key=f"reminder:{event.uid}:7:{address}",
        recipient=Recipient(address, name or f"Công đoàn cơ sở số {i}"),
        content=ReminderContent(
            deadline=deadline_view(event, CAMPAIGN, TODAY),
            recipient_name=name or f"Công đoàn cơ sở số {i}",
            submitted_url=f"https://lich.congdoan.vn/da-nop?token=s{i}&x=1",
            unsubscribe_url=f"https://lich.congdoan.vn/unsubscribe?token=u{i}",
        ),
        attachments=(ics or attachment(event),),
        unsubscribe_mailto="mailto:huy-dang-ky@lich.congdoan.vn",
    )


def parse(data: bytes) -> EmailMessage:
    msg = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def body(msg: EmailMessage, subtype: str) -> str:
    part = msg.get_body((subtype,))
    assert part is not None, subtype
    return str(part.get_content()).replace("\r\n", "\n")
