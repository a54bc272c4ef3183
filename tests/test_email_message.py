"""Building email: headers, bodies, attachment, injection safety, templates, content."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import date, datetime
from pathlib import Path

import icalendar
import pytest
from email_fixtures import CAMPAIGN, NOW, TODAY, attachment, body, deadline_event, parse, reminder_spec

from notifiers.base import DeliveryStatus
from notifiers.content import (
    AdminSummaryContent,
    ConfirmContent,
    DeadlineStatus,
    DigestContent,
    DigestItem,
    FailureLine,
    ReminderContent,
    deadline_view,
)
from notifiers.email_message import Attachment, Composer, Recipient, RenderedEmail, Unsubscribe, check_address, message_id
from notifiers.mailer import Mailer, MessageSpec, deliver
from notifiers.outbox import OutboxTransport
from notifiers.rendering import Templates
from notifiers.smtp import backoff_delays
from notifiers.transport import describe_transport, transport_from_settings
from scheduler.core.events import Due
from scheduler.errors import PermanentDeliveryError
from scheduler.settings import Settings

FROM = "Lịch thi đua <lichthidua@congdoan.vn>"


@pytest.fixture(scope="module")
def mailer() -> Mailer:
    return Mailer(Templates(), Composer(FROM))


def test_reminder_message_headers_parts_and_calendar(mailer: Mailer) -> None:
    spec = reminder_spec(1)
    msg = parse(mailer.build(spec, NOW).data)

    assert msg["Subject"] == "[Nhắc hạn] Báo cáo sơ kết 6 tháng đầu năm – còn 7 ngày (hạn trước 25/6/2024)"
    assert msg["From"].addresses[0].display_name == "Lịch thi đua"
    assert msg["To"].addresses[0].addr_spec == "cdcs1@congdoan-kontum.vn"
    assert msg["To"].addresses[0].display_name == "Công đoàn cơ sở số 1"
    assert msg["Message-ID"] == message_id(spec.key, "congdoan.vn")
    assert msg["Date"].datetime == NOW
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["List-Unsubscribe"] == (
        "<https://lich.congdoan.vn/unsubscribe?token=u1>, <mailto:huy-dang-ky@lich.congdoan.vn>"
    )
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert all(not part.defects for part in msg.walk())

    text = body(msg, "plain")
    for words in ("trước 25/6/2024", "hết ngày 24/6/2024", "còn 7 ngày", CAMPAIGN,
                  "Công đoàn cấp trên trực tiếp cơ sở", "LĐLĐ tỉnh (Ban Chính sách pháp luật)",
                  "ldldkontum@gmail.com", "https://lich.congdoan.vn/da-nop?token=s1&x=1"):
        assert words in text
    html = body(msg, "html")
    assert 'href="https://lich.congdoan.vn/da-nop?token=s1&amp;x=1"' in html
    assert "Đã nộp" in html and "hết ngày 24/6/2024" in html

    (ics_part,) = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert ics_part.get_param("method") == "PUBLISH"
    assert ics_part.get_filename() == "bao-cao-6-thang.ics"
    cal = icalendar.Calendar.from_ical(ics_part.get_content())
    assert str(cal["METHOD"]) == "PUBLISH"
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["UID"]) == "kon-tum-2024/bao-cao-6-thang"
    assert "Báo cáo sơ kết 6 tháng đầu năm" in str(vevent["SUMMARY"])
    # 7-bit clean on the wire: no SMTPUTF8/8BITMIME needed anywhere.
    assert mailer.build(spec, NOW).data.isascii()


def test_message_id_is_stable_per_key_and_differs_per_recipient(mailer: Mailer) -> None:
    a, b = reminder_spec(1), reminder_spec(2)
    assert mailer.build(a, NOW).message_id == mailer.build(a, NOW).message_id
    assert mailer.build(a, NOW).message_id != mailer.build(b, NOW).message_id
    assert mailer.build(a, NOW).message_id.endswith("@congdoan.vn>")


HOSTILE = "Báo cáo\r\nBcc: attacker@evil.example\r\n\r\n<script>alert(1)</script>\u2028X-Evil: 1"


def test_hostile_titles_and_names_cannot_inject_headers(mailer: Mailer) -> None:
    event = deadline_event(title=HOSTILE)
    spec = dataclasses.replace(reminder_spec(3, event=event), recipient=Recipient("cdcs3@congdoan-kontum.vn", HOSTILE))
    data = mailer.build(spec, NOW).data
    msg = parse(data)
    assert msg["Bcc"] is None and msg["X-Evil"] is None
    assert msg.get_all("To") is not None and len(msg.get_all("To")) == 1
    assert msg["To"].addresses[0].addr_spec == "cdcs3@congdoan-kontum.vn"
    assert "\n" not in str(msg["Subject"]) and "Bcc: attacker" in str(msg["Subject"])
    html = body(msg, "html")
    assert "<script>" not in html and "&lt;script&gt;" in html
    head = data.split(b"\r\n\r\n", 1)[0]
    assert b"\r\nBcc:" not in head and b"\nX-Evil" not in head


@pytest.mark.parametrize(
    "address",
    ["cdcs@congdoan.vn\r\nBcc: x@evil.example", "không phải email", "a@b.vn, c@d.vn", "a@", "@b.vn", "nguyễn@congdoan.vn", ""],
)
def test_bad_addresses_are_permanent_errors(address: str) -> None:
    with pytest.raises(PermanentDeliveryError):
        check_address(address)


def test_good_addresses_pass() -> None:
    assert check_address("van.an+nhac-han@congdoan-kontum.vn") == "van.an+nhac-han@congdoan-kontum.vn"
    assert check_address('"van an"@congdoan.vn') == '"van an"@congdoan.vn'


@pytest.mark.parametrize(
    "url", ["https://x.vn/u?t=1\r\nBcc: x@evil.example", "javascript:alert(1)", "https://x.vn/<a>", "https://x.vn/a b"]
)
def test_bad_unsubscribe_urls_are_rejected(url: str) -> None:
    composer = Composer(FROM)
    with pytest.raises(ValueError):
        composer.compose(RenderedEmail("Tiêu đề", "nội dung"), to=Recipient("a@congdoan.vn"), key="k", now=NOW,
                         unsubscribe=Unsubscribe(url))


def test_calendar_method_must_match_content_type() -> None:
    good = attachment()
    bad = Attachment("x.ics", "text/calendar; charset=utf-8; method=REQUEST", good.data)
    with pytest.raises(ValueError, match="METHOD"):
        Composer(FROM).compose(RenderedEmail("T", "x"), to=Recipient("a@congdoan.vn"), key="k", now=NOW, attachments=(bad,))


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        Composer(FROM).compose(RenderedEmail("T", "x"), to=Recipient("a@congdoan.vn"), key="k", now=datetime(2024, 6, 17))


def test_text_only_message_without_unsubscribe() -> None:
    out = Composer(FROM).compose(RenderedEmail("Chào", "Xin chào đồng chí\n"), to=Recipient("a@congdoan.vn"), key="k", now=NOW)
    msg = parse(out.data)
    assert msg["List-Unsubscribe"] is None and msg["List-Unsubscribe-Post"] is None
    assert msg.get_content_type() == "text/plain"
    assert msg.get_content().replace("\r\n", "\n") == "Xin chào đồng chí\n"


def test_due_moments_read_before_and_no_later_than_the_way_people_do() -> None:
    # The due moment is worded by DeadlineInfo.due_words (one wording for feeds, emails, pages, CLI),
    # from how the date is read (Due), never guessed from the clock time.
    view = deadline_view(deadline_event(), CAMPAIGN, TODAY)
    assert (view.last_day, view.due_text) == (date(2024, 6, 24), "hết ngày 24/6/2024 (nộp trước 25/6/2024)")
    assert view.due_text == deadline_event().deadline.due_words  # type: ignore[union-attr]
    assert (view.days_left, view.days_text, view.weekday) == (7, "còn 7 ngày", "Thứ Hai")
    assert deadline_view(deadline_event(), CAMPAIGN, date(2024, 6, 24)).days_text == "hôm nay là ngày cuối"
    late = deadline_view(deadline_event(), CAMPAIGN, date(2024, 6, 27))
    assert late.overdue and late.days_text == "đã quá hạn 3 ngày"
    assert deadline_event().deadline is not None and deadline_event().deadline.due is Due.BEFORE


def test_overdue_digest_confirm_and_admin_emails_render_and_parse(mailer: Mailer) -> None:
    view = deadline_view(deadline_event(), CAMPAIGN, date(2024, 6, 27))
    contents = {
        "overdue": ReminderContent(view, "CĐCS Trường THPT Kon Tum", "https://x.vn/da-nop?t=1"),
        "digest": DigestContent(
            (DigestItem(deadline_view(deadline_event(), CAMPAIGN, TODAY), "https://x.vn/s1"), DigestItem(view)),
            TODAY, "Nguyễn Văn An", "https://x.vn/unsubscribe?t=2",
        ),
        "confirm": ConfirmContent("Lịch thi đua LĐLĐ tỉnh Kon Tum 2024", "https://x.vn/xac-nhan?t=3"),
        "admin": AdminSummaryContent(
            TODAY,
            (DeadlineStatus(view, ("CĐCS Sở Y tế",), ("CĐCS Sở Giáo dục", "CĐCS Bưu điện")),),
            (FailureLine("sai@congdoan.vn", True, 550, "5.1.1 User unknown"),),
        ),
    }
    expected = {
        "overdue": ("[Quá hạn]", "đã quá hạn 3 ngày"),
        "digest": ("2 hạn chót cần chú ý ngày 17/6/2024 (1 đã quá hạn)", "https://x.vn/s1"),
        "confirm": ("Xác nhận đăng ký nhận nhắc hạn", "https://x.vn/xac-nhan?t=3"),
        "admin": ("1 email lỗi", "CĐCS Sở Giáo dục"),
    }
    for name, content in contents.items():
        spec = MessageSpec(key=f"{name}:1", recipient=Recipient("quan-tri@congdoan.vn"), content=content)
        msg = parse(mailer.build(spec, NOW).data)
        subject_words, text_words = expected[name]
        assert subject_words in str(msg["Subject"]), name
        assert text_words in body(msg, "plain"), name
        assert body(msg, "html").lstrip().startswith("<!DOCTYPE html>"), name
        assert (msg["List-Unsubscribe"] is not None) == (name == "digest"), name
    admin_text = body(parse(mailer.build(MessageSpec("a", Recipient("q@congdoan.vn"), contents["admin"]), NOW).data), "plain")
    assert "lỗi vĩnh viễn (550): 5.1.1 User unknown" in admin_text


def test_admin_override_of_one_template_wins(tmp_path: Path) -> None:
    (tmp_path / "reminder.txt.j2").write_text(
        "{% set subject %}Nhắc: {{ deadline.title }}{% endset %}Gửi {{ recipient_name }}: {{ deadline.days_text }}\n",
        encoding="utf-8",
    )
    templates = Templates(tmp_path)
    templates.check()
    rendered = templates.render(reminder_spec(5).content)
    assert rendered.subject == "Nhắc: Báo cáo sơ kết 6 tháng đầu năm"
    assert rendered.text == "Gửi Công đoàn cơ sở số 5: còn 7 ngày\n"
    assert rendered.html is not None and "Đã nộp" in rendered.html  # the built-in HTML still applies


def test_mailer_from_settings_uses_templates_dir(tmp_path: Path) -> None:
    (tmp_path / "confirm_subscription.txt.j2").write_text("{% set subject %}Xác nhận{% endset %}{{ confirm_url }}\n", "utf-8")
    mailer = Mailer.from_settings(Settings(templates_dir=tmp_path, mail_from=FROM))
    spec = MessageSpec("c", Recipient("a@congdoan.vn"), ConfirmContent("Lịch", "https://x.vn/c?t=9"))
    assert body(parse(mailer.build(spec, NOW).data), "plain") == "https://x.vn/c?t=9\n"


def test_deliver_reports_unbuildable_specs_and_keeps_order(tmp_path: Path, mailer: Mailer) -> None:
    specs = [reminder_spec(i) for i in range(5)]
    specs[2] = dataclasses.replace(specs[2], recipient=Recipient("sai địa chỉ"))
    results = asyncio.run(deliver(specs, mailer, OutboxTransport(tmp_path), NOW))
    assert [r.status for r in results] == (
        [DeliveryStatus.DELIVERED] * 2 + [DeliveryStatus.PERMANENT] + [DeliveryStatus.DELIVERED] * 2)
    assert results[2].message_id == mailer.composer.message_id(specs[2].key)
    assert "không hợp lệ" in results[2].reason
    assert [r.message_id for r in results] == [mailer.composer.message_id(s.key) for s in specs]
    assert len(list(tmp_path.glob("*.eml"))) == 4


def test_backoff_delays() -> None:
    assert backoff_delays(1) == ()
    assert backoff_delays(4) == (2.0, 8.0, 32.0)
    assert backoff_delays(8)[-1] == 120.0


def test_transport_choice_and_startup_line(tmp_path: Path) -> None:
    outbox = Settings(outbox_dir=tmp_path / "outbox")
    assert transport_from_settings(outbox).name == "outbox"
    assert describe_transport(outbox) == f"Chưa cấu hình SMTP: email được ghi vào thư mục {tmp_path / 'outbox'}"
    assert describe_transport(Settings(outbox_dir=Path("var/outbox"))) == (
        "Chưa cấu hình SMTP: email được ghi vào thư mục var/outbox")
    smtp = Settings(smtp_host="mail.congdoan.vn", smtp_port=465, smtp_security="tls", smtp_username="lich")
    assert transport_from_settings(smtp).name == "smtp"
    assert describe_transport(smtp) == (
        "Gửi email qua máy chủ SMTP mail.congdoan.vn:465 (TLS, đăng nhập lich), tối đa 8 kết nối song song"
    )


@pytest.mark.parametrize("length", range(20, 200, 7))
def test_long_vietnamese_subjects_round_trip_exactly(length: int) -> None:
    """policy.SMTP loses spaces at fold points; the subject must arrive word for word."""
    words = "Báo cáo sơ kết thi đua cần chú ý ngày hết hạn của Công đoàn cơ sở Kon Tum".split()
    subject = " ".join(words * 5)[:length].strip()
    out = Composer(FROM).compose(RenderedEmail(subject, "x"), to=Recipient("a@congdoan.vn"), key="k", now=NOW)
    assert parse(out.data)["Subject"] == subject
    assert all(len(line) <= 78 for line in out.data.split(b"\r\n\r\n")[0].split(b"\r\n"))


def test_long_display_names_round_trip() -> None:
    name = "Ban Chấp hành Công đoàn cơ sở Trường Trung học phổ thông chuyên Nguyễn Tất Thành"
    out = Composer(FROM).compose(RenderedEmail("T", "x"), to=Recipient("a@congdoan.vn", name), key="k", now=NOW)
    assert parse(out.data)["To"].addresses[0].display_name == name


def test_subject_says_each_thing_once(mailer: Mailer) -> None:
    """The expander's title repeats the kind and the date; the subject says each once."""
    event = deadline_event(title="Hạn chót: Báo cáo sơ kết 6 tháng đầu năm (trước 25/6/2024)")
    content = ReminderContent(deadline_view(event, CAMPAIGN, date(2024, 6, 22)), "Nguyễn Văn An", None)
    subject = str(parse(mailer.build(MessageSpec("k", Recipient("a@congdoan.vn"), content), NOW).data)["Subject"])
    assert subject == "[Nhắc hạn] Báo cáo sơ kết 6 tháng đầu năm – còn 2 ngày (hạn trước 25/6/2024)"


def test_a_wave_renders_each_reminder_as_the_full_templates_would(tmp_path: Path) -> None:
    """Reminders are rendered once per deadline and shape, then each person's name and links put in:
    the result is what rendering each in full gives, escapes included; an override renders in full."""
    names = ["", "Công đoàn cơ sở số 1", 'Tổ "A" & <B>', "Đoàn <script>alert(1)</script>", "x" * 300]
    links = [None, "", "https://lich.congdoan.vn/reminders/submitted?token=.eJw&a=<1>\"'"]
    overdue = dataclasses.replace(reminder_spec(0).content.deadline, days_left=-2)  # type: ignore[attr-defined]
    contents = [dataclasses.replace(reminder_spec(i).content, recipient_name=name, submitted_url=submitted,  # type: ignore[type-var]
                                    unsubscribe_url=unsubscribe, **({"deadline": overdue} if i % 2 else {}))
                for i, (name, submitted, unsubscribe) in enumerate(
                    (n, s, u) for n in names for s in links for u in reversed(links))]
    stamped, full = Templates(), Templates(stamp_reminders=False)  # the reference: every email through jinja
    for content in contents * 2:
        assert stamped.render(content) == full.render(content), content
    assert stamped.stamps_reminders  # every shape matched its full render, so stamping stayed on
    (tmp_path / "_footer.txt.j2").write_text("--\n{{ unsubscribe_url | upper }}\n", encoding="utf-8")
    assert not Templates(tmp_path).stamps_reminders


def test_to_headers_are_what_formataddr_writes() -> None:
    """The To header is built without email.charset's per-byte loop: the same string for any name."""
    import random
    from email.utils import formataddr

    from notifiers.email_message import _to_header

    rnd = random.Random(7)
    alphabet = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐ ÁÀẢÃẠấầẩẫậ-!*+/=?_.,\"'()<>@;:\\éß中😀\t"
    names = ["Công đoàn cơ sở số 1", "Ban Chấp hành", "x", " ", "=?utf-8?q?x?="]
    names += ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 150))) for _ in range(3000)]
    for name in names:
        assert _to_header(name, "don-vi@congdoan.vn") == formataddr((name, "don-vi@congdoan.vn"), charset="utf-8"), name
