"""Wordings of the tenth reading, two sentences each (written for these tests, in our own words).

Events named without "tổ chức": a liên hoan, a tọa đàm, a diễn đàn, a hội thảo and its day; a clause that opens
with its day, then the place or what the day is ("Sáng 14/5, tại Cung Văn hóa …, …", "Ngày 9/2 (tức mùng 9 tháng
Giêng), ngày đầu tiên đi làm lại, …"), then who met, honoured or gave lì xì; a day of the lunar New Year month
("vào sáng mùng 7 tháng Giêng", "vào tối Rằm tháng Giêng") after an event noun. Not an event: the day a document
is issued ("Ngày …, … ban hành công văn … về việc tổ chức …"), another article's teaser or its title beside others
("… | …"). Not a lunar day nor the campaign's year: a feast named only in a quoted theme or slogan ("chủ đề “Trăng
rằm tháng Giêng”"); the year of "Giỗ Tổ Hùng Vương năm 2027". The corpus passages p406–p450
(tests/plans/corpus/passages-13.yaml) measure the same classes.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.plan_reading import days, read


@pytest.mark.parametrize(("text", "expected"), [
    # an event noun and its day, no "tổ chức"
    ("Liên hoan tiếng hát công nhân khu công nghiệp Quang Minh năm 2026 vào tối 16/5/2026 tại sân khấu ngoài trời.",
     {date(2026, 5, 16)}),
    ("Nhân Ngày Gia đình Việt Nam, Công đoàn Sở Tư pháp có buổi tọa đàm “Giữ lửa gia đình” vào sáng 26/6/2026.",
     {date(2026, 6, 26)}),
    ("Diễn đàn “Công nhân lên tiếng” năm 2027 ngày 14/5/2027 tại Nhà văn hóa công nhân huyện.", {date(2027, 5, 14)}),
    # the place first, then who holds it
    ("Sáng 14/5/2026, tại Cung Văn hóa Lao động tỉnh, Sở Lao động và Liên đoàn Lao động tỉnh Nam Định cùng phối hợp "
     "tổ chức Lễ phát động Tháng hành động về an toàn, vệ sinh lao động.", {date(2026, 5, 14)}),
    # who met, honoured or gave lì xì on the clause's day
    ("Chiều 20/10/2026, Liên đoàn Lao động huyện Gia Bình gặp mặt, biểu dương 35 nữ đoàn viên tiêu biểu.",
     {date(2026, 10, 20)}),
    ("Ngày 9/2/2027 (tức mùng 4 tháng Giêng), ngày đầu tiên đi làm lại, Công đoàn Công ty Giày Tân Phú lì xì cho "
     "900 công nhân.", {date(2027, 2, 9)}),
])
def test_events_named_without_to_chuc_and_their_days(text: str, expected: set[date]) -> None:
    assert days(read(text)) == expected


@pytest.mark.parametrize("text", [
    # the day a document is issued
    "Ngày 15/4/2026, Liên đoàn Lao động tỉnh ban hành công văn số 87/LĐLĐ về việc tổ chức Hội thao công nhân năm 2026.",
    "Ngày 02/3/2027, Công đoàn ngành Y tế có văn bản gửi các công đoàn cơ sở về việc tổ chức Ngày hội sức khỏe.",
    # an outing "tổ chức … vào mùng 6 Tết" has no event noun: no event
    "Năm 2027, Công đoàn công ty tổ chức đón công nhân quay lại nhà máy vào mùng 6 Tết và phát quà đầu năm.",
])
def test_no_event_on_an_issue_day_or_without_an_event_noun(text: str) -> None:
    assert days(read(text)) == set()


@pytest.mark.parametrize(("text", "expected"), [
    ("Kế hoạch mừng Xuân Đinh Mùi 2027 của Công đoàn Viên chức tỉnh: gặp mặt đầu xuân, chúc Tết cán bộ hưu trí vào "
     "sáng mùng 7 tháng Giêng tại trụ sở.", {date(2027, 2, 12)}),
    ("Mừng Xuân Bính Ngọ 2026, Công đoàn xã tổ chức liên hoan văn nghệ quần chúng vào tối Rằm tháng Giêng.",
     {date(2026, 3, 3)}),
])
def test_an_event_on_a_day_of_the_first_lunar_month(text: str, expected: set[date]) -> None:
    assert days(read(text)) == expected


def test_a_one_sentence_teaser_is_another_article_but_a_paragraph_ending_with_a_list_is_not() -> None:
    teaser = "Bài khác\nSáng 4/6/2026, Công đoàn Sở Xây dựng tổ chức tập huấn nghiệp vụ cho 120 cán bộ…"
    assert days(read(teaser)) == set()
    own = ("Tối 30/8/2026, Công đoàn Khối doanh nghiệp tổ chức Lễ bế mạc Hội thao năm 2026. Các môn gồm kéo co, bóng "
           "chuyền, cầu lông…")
    assert days(read(own)) == {date(2026, 8, 30)}


def test_titles_of_other_articles_side_by_side_give_no_event() -> None:
    text = ("Ngày 12/9/2026, Công đoàn trường tổ chức Hội nghị cán bộ, viên chức năm học 2026 - 2027.\n"
            "Rộn ràng Hội thi cắm hoa của Công đoàn phường Đông Ngạc | Tập huấn kỹ năng cho cán bộ công đoàn ngày "
            "5/9/2026")
    assert days(read(text)) == {date(2026, 9, 12)}
    # a table row with long cells inside the plan is the plan's own
    row = ("Hội nghị tổng kết công đoàn năm 2026 | Văn phòng Liên đoàn Lao động tỉnh | Tổ chức vào ngày 18/12/2026 tại "
           "hội trường\nCác công đoàn cơ sở gửi báo cáo năm trước ngày 05/12/2026.")
    assert days(read(row)) == {date(2026, 12, 18)}


@pytest.mark.parametrize(("text", "year"), [
    ("Công đoàn trường phát động thi vẽ tranh với chủ đề “Đêm rằm tháng Tám”, bài nộp trước ngày 20/7/2026.", 2026),
    ("Ngày 19/10/2025, Công đoàn phường tổ chức Hội thi cắm hoa hướng tới “Mừng Đảng, mừng Xuân Bính Ngọ 2026”.",
     2025),
])
def test_a_feast_named_in_a_quoted_theme_is_no_lunar_day_and_no_year(text: str, year: int) -> None:
    f = read(text)
    assert f.lunar == [] and f.year == year


def test_the_year_of_a_named_festival_dates_its_lunar_days() -> None:
    f = read("Nhân dịp Giỗ Tổ Hùng Vương năm 2027, Công đoàn Sở Văn hóa cử 40 đoàn viên trực lễ hội từ mùng 8 tháng 3 "
             "âm lịch.")
    assert f.year == 2027
    assert {(lm.lunar or "10/3", lm.year) for lm in f.lunar} == {("10/3", 2027), ("8/3", 2027)}
