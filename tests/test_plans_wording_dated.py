"""Deadline and event wordings of a fifth round, two sentences each (written for these tests, in our own words).

A weekday between "chậm nhất (là)" and the date, "muộn nhất", "không muộn hơn",
"hạn chót nhận … là ngày …", "Thời hạn gửi: trước ngày …" (before, not "no later
than"), events named by a label and a colon, a timetable's lines written date
first, a two-day event joined by "và", a weekday before an event's date. The
corpus passages p171–p200 (tests/plans/corpus/passages-7.yaml) measure the same
classes.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.plan_reading import read


def d(text: str) -> date:
    day, month, year = (int(x) for x in text.split("/"))
    return date(year, month, day)


# -- deadlines ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "when", "due", "by", "to"), [
    # a weekday between "chậm nhất (là)" and the date
    ("Các công đoàn cơ sở gửi danh sách về Liên đoàn Lao động quận chậm nhất là thứ Hai, ngày 09/11/2026.",
     "9/11/2026", "no_later_than", "công đoàn cơ sở", "Liên đoàn Lao động quận"),
    ("Công đoàn các phòng ban nộp bản đăng ký về Văn phòng Công đoàn chậm nhất vào thứ Hai, ngày 22 tháng 3 năm 2027.",
     "22/3/2027", "no_later_than", "Công đoàn các phòng ban", "Văn phòng Công đoàn"),
    # "muộn nhất"
    ("Các tổ công đoàn gửi biên bản bình xét về Ban Chấp hành muộn nhất ngày 14/11/2026.",
     "14/11/2026", "no_later_than", "tổ công đoàn", "Ban Chấp hành"),
    ("Công đoàn cơ sở nộp hồ sơ về Liên đoàn Lao động huyện muộn nhất là ngày 30/4/2027.",
     "30/4/2027", "no_later_than", "Công đoàn cơ sở", "Liên đoàn Lao động huyện"),
    # "không muộn hơn"
    ("Báo cáo quý IV các đơn vị gửi về Ban Chính sách không muộn hơn ngày 15/12/2026.",
     "15/12/2026", "no_later_than", None, "Ban Chính sách"),
    ("Các công đoàn ngành đăng ký đoàn dự thi về Liên đoàn Lao động tỉnh không muộn hơn ngày 05/3/2027.",
     "5/3/2027", "no_later_than", "công đoàn ngành", "Liên đoàn Lao động tỉnh"),
    # "hạn chót nhận … là ngày …"
    ("Hạn chót nhận bài dự thi là ngày 20/10/2026 (tính theo dấu bưu điện).", "20/10/2026", "no_later_than", None, None),
    ("Hạn chót nhận hồ sơ sáng kiến là ngày 12/5/2027.", "12/5/2027", "no_later_than", None, None),
    # "Thời hạn gửi: trước ngày …" is before
    ("Thời hạn gửi: trước ngày 25/11/2026.", "25/11/2026", "before", None, None),
    ("- Thời hạn nộp: trước ngày 08/01/2027, tại Văn phòng Liên đoàn Lao động thị xã.", "8/1/2027", "before", None, None),
    # a timetable's line, date first, that asks for a submission
    ("- 04/12/2026: các tổ công đoàn gửi biên bản họp xét về Ban Chấp hành công đoàn cơ sở.",
     "4/12/2026", "no_later_than", "tổ công đoàn", "Ban Chấp hành công đoàn cơ sở"),
    ("+ 10/01/2027: các đơn vị nộp báo cáo tổng kết về Văn phòng Công đoàn ngành.",
     "10/1/2027", "no_later_than", "đơn vị", "Văn phòng Công đoàn ngành"),
])
def test_deadline_wordings_fifth_round(text: str, when: str, due: str, by: str | None, to: str | None) -> None:
    f = read(text)
    (dl,) = f.deadlines
    assert (dl.day, dl.due) == (d(when), due)
    if by:
        assert dl.submitted_by and by.lower() in dl.submitted_by.lower(), dl.submitted_by
    if to:
        assert dl.submit_to and dl.submit_to.startswith(to), dl.submit_to
    assert f.events == []  # the deadline's day is no event's day


# -- events ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "when", "end", "kind"), [
    # a label, a colon, the date
    ("Vòng chung kết: ngày 18/11/2026, tại Hội trường Liên đoàn Lao động tỉnh.", "18/11/2026", None, "contest"),
    ("- Vòng chung kết: ngày 27/3/2027.", "27/3/2027", None, "contest"),
    ("Thời gian tổ chức Hội thi: ngày 12/12/2026 tại Nhà văn hóa Lao động.", "12/12/2026", None, "contest"),
    ("2. Thời gian tổ chức Hội diễn: ngày 24/4/2027.", "24/4/2027", None, "contest"),
    # a timetable's line, date first
    ("- 19/12/2026: Hội nghị tổng kết công tác công đoàn năm 2026.", "19/12/2026", None, "hoi-nghi"),
    ("+ 15/01/2027: Lễ trao giải Hội thi “Nữ công nhân khéo tay”.", "15/1/2027", None, "trao-giai"),
    # two days joined by "và"
    ("Hội thao công nhân lao động diễn ra trong 2 ngày 14 và 15/11/2026 tại Nhà thi đấu huyện.",
     "14/11/2026", "15/11/2026", "contest"),
    ("Giải cầu lông công đoàn ngành được tổ chức trong hai ngày 20 và 21-3-2027.", "20/3/2027", "21/3/2027", "contest"),
    # a weekday before the date
    ("Chương trình “Tết Sum vầy” được tổ chức vào ngày Chủ nhật 17/01/2027 tại Quảng trường huyện.",
     "17/1/2027", None, "other"),
    ("Lễ khai mạc Hội thao tổ chức vào sáng Chủ nhật, ngày 16/5/2027 tại sân vận động tỉnh.", "16/5/2027", None, "khai-mac"),
])
def test_event_wordings_fifth_round(text: str, when: str, end: str | None, kind: str) -> None:
    f = read(text)
    (ev,) = f.events
    assert (ev.day, ev.end, ev.kind) == (d(when), end, kind)
    assert f.deadlines == []


@pytest.mark.parametrize("text", [
    "Các đơn vị gửi danh sách đội thi về Ban Tổ chức chậm nhất là thứ Hai, ngày 09/11/2026.",  # a deadline, no event
    "Hội thi nhận bài muộn nhất ngày 30/11/2026.",  # the last day to send, not the contest's day
    "Căn cứ Kế hoạch số 15/KH-LĐLĐ ngày 06/12/2026 của Liên đoàn Lao động tỉnh;",  # a reference
    "Hội thi tổ chức vào ngày 14/11/2026 và ngày 05/12/2026 tại hai cụm.",  # two days with their months: not one event
])
def test_what_the_new_wordings_do_not_make_an_event(text: str) -> None:
    evs = read(text).events
    assert all(ev.end is None for ev in evs)
    assert "14/11/2026" in text or evs == []
