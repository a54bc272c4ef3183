"""Wordings of the twelfth reading, two sentences each (written for these tests, in our own words).

Events as plans and their news state them: a clause that opens with its day, then who offered incense or flowers or
visited ("chiều 24/7/2026, Công đoàn … dâng hương tại …", "- Sáng 25/7/2026: dâng hương …"), or a rite on a lunar day
with no event noun ("… cho 45 đoàn viên dâng hương tại Đền Hùng vào sáng mùng 8 tháng 3 âm lịch"), with a longer list of
who came together; a clause that opens with a range of days and holds a named event or a course ("Từ ngày 11 đến
12/6/2026, tại …, LĐLĐ huyện tổ chức lớp tập huấn …"), but not a campaign's work over a period; a day after a plan's
colon, then what the day is ("…: ngày 23/02/2026 (tức mùng 7 Tết), ngày đầu tiên …, Ban Chấp hành gặp mặt …"). Not an
event: the day a document is issued when the sentence first names what the document is about ("…về tổ chức các hoạt
động …, ngày 06/7/2026, Công đoàn … ban hành văn bản …"), a contest's window for entries ("nhận tác phẩm từ ngày …
đến ngày …"). The corpus passages p496–p540 (tests/plans/corpus/passages-15.yaml) measure the same classes.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.plan_reading import days, read


@pytest.mark.parametrize(("text", "expected"), [
    ("Nhân kỷ niệm 79 năm Ngày Thương binh – Liệt sĩ (27/7/1947 – 27/7/2026), chiều 23/7/2026, Công đoàn Công ty Giấy "
     "Bãi Bằng dâng hương, dâng hoa tại Nghĩa trang liệt sĩ huyện.", {date(2026, 7, 23)}),
    ("Các hoạt động tháng Bảy của Công đoàn Sở Y tế:\n- Sáng 26/7/2026: dâng hoa tại Tượng đài liệt sĩ tỉnh.",
     {date(2026, 7, 26)}),
    # who came together may be long
    ("Sáng 24/7/2026, Công đoàn và Hội Cựu chiến binh Tổng công ty Đường sắt cùng Ủy ban Mặt trận Tổ quốc phường Hàng "
     "Bột đến thăm hỏi, tặng quà 10 gia đình liệt sĩ.", {date(2026, 7, 24)}),
])
def test_who_offered_incense_or_visited_on_the_clauses_day(text: str, expected: set[date]) -> None:
    assert days(read(text)) == expected


def test_a_range_of_days_opening_a_clause_is_an_event_only_when_it_names_one() -> None:
    course = ("Từ ngày 14 đến 16/5/2026, tại Trường Chính trị tỉnh, Liên đoàn Lao động tỉnh Hà Nam tổ chức lớp tập huấn "
              "kỹ năng thương lượng tập thể cho 120 cán bộ.")
    assert days(read(course)) == {date(2026, 5, 14)}
    period = ("Từ ngày 01/5 đến 31/5/2026, các cấp công đoàn tổ chức nhiều hoạt động chăm lo cho công nhân, người lao "
              "động.")
    assert days(read(period)) == set()


def test_a_day_after_a_plans_colon_then_what_the_day_is() -> None:
    text = ("Kế hoạch đầu xuân Đinh Mùi 2027 của Công đoàn Công ty May Hưng Long: ngày 15/02/2027 (tức mùng 9 Tết), "
            "ngày làm việc đầu tiên của năm mới, Ban Chấp hành gặp mặt và lì xì cho 1.800 công nhân.")
    assert days(read(text)) == {date(2027, 2, 15)}


@pytest.mark.parametrize("text", [
    # the document's day, after what it is about
    "Thực hiện Kế hoạch số 35/KH-CĐN ngày 02/7/2026 của Công đoàn ngành về tổ chức các hoạt động tri ân thương binh, "
    "liệt sĩ, ngày 06/7/2026, Công đoàn Tổng công ty Thép ban hành văn bản số 12/CĐ hướng dẫn thăm hỏi gia đình chính "
    "sách.",
    # a contest's window for entries
    "Cuộc thi viết “Kỷ niệm về thầy cô” năm 2026 của Công đoàn trường nhận bài dự thi từ ngày 05/9/2026 đến ngày "
    "20/10/2026.",
])
def test_an_issue_day_or_a_window_for_entries_is_no_event(text: str) -> None:
    assert days(read(text)) == set()


def test_a_rite_on_a_lunar_day_needs_no_event_noun_but_an_outing_does() -> None:
    rite = ("Nhân dịp Giỗ Tổ Hùng Vương năm 2027, Công đoàn Sở Giáo dục tổ chức cho 45 đoàn viên dâng hương tại Đền Hùng "
            "vào sáng mùng 8 tháng 3 âm lịch.")
    assert days(read(rite)) == {date(2027, 4, 14)}
    outing = "Năm 2027, Công đoàn công ty tổ chức đón công nhân quay lại nhà máy vào mùng 6 Tết và phát quà đầu năm."
    assert days(read(outing)) == set()


def test_an_events_title_does_not_end_with_the_word_before_its_day() -> None:
    f = read("Năm 2026, Công đoàn Khối tổ chức Hội thao vào ngày 16/5/2026 và Hội diễn vào ngày 24/10/2026.")
    assert sorted((ev.day, ev.title) for ev in f.events if ev.day) == [(date(2026, 5, 16), "Hội thao"),
                                                                      (date(2026, 10, 24), "Hội diễn")]
