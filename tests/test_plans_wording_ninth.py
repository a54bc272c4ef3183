"""Wordings of the ninth reading, two sentences each (written for these tests, in our own words).

The campaign's year from a programme named in quotes with its year ("“Tết Sum vầy – Gắn kết” 2027", "“Chuyến
xe Công đoàn – Xuân 2026”"), not from a title awarded for a past year; a movement's span written "năm 2026 -
2027"; the year an anniversary given in years only is celebrated ("70 năm … (1957 - 2027)"); a trip's departure
("… lên đường về quê"); the next item of a list on its own day ("…, chuyến thứ hai ngày 26/1"); a place and its
day after an event named earlier in the sentence ("Chợ Tết … mở ở hai nơi: tại … ngày …; tại … ngày …"). The
corpus passages p367–p405 (tests/plans/corpus/passages-12.yaml) measure the same classes.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.plan_reading import days, read


@pytest.mark.parametrize(("text", "year"), [
    # a programme named in quotes, its year right after the name or at its end
    ("Chương trình \"Tết Sum vầy – Gắn kết yêu thương\" 2027 của Công đoàn Khu công nghiệp diễn ra tối 20/1 với 300 "
     "công nhân.", 2027),
    ("Sáng 5/2, 90 công nhân lên xe về quê trong chương trình \"Chuyến xe nghĩa tình – Xuân 2026\" của Liên đoàn Lao "
     "động huyện.", 2026),
    ("Liên đoàn Lao động thị xã khai trương \"Phiên chợ Công đoàn năm 2027\" ngày 16/1 tại Nhà văn hóa thị xã.", 2027),
    # a movement's span over two years in a row
    ("Ngày 14/6, Công đoàn ngành Công Thương biểu dương 75 điển hình của phong trào \"Sáng kiến vì người lao động\" "
     "năm 2026 - 2027.", None),
    # the year an anniversary given in years only is celebrated
    ("Ngày 9/3, Công đoàn Công ty Xi măng Hải Vân tổ chức hội trại mở đầu các hoạt động kỷ niệm 50 năm thành lập "
     "Công ty (1977 - 2027).", 2027),
    ("Hướng tới 35 năm thành lập trường (1991 - 2026), công đoàn trường tổ chức giải cầu lông vào sáng 21/11.", 2026),
])
def test_the_year_of_a_named_programme_a_movement_or_an_anniversary(text: str, year: int | None) -> None:
    f = read(text)
    if year is None:
        assert f.year is None and f.span_start == date(2026, 1, 1) and f.span_end == date(2027, 12, 31)
    else:
        assert f.year == year


@pytest.mark.parametrize("text", [
    # a title awarded for a past year names no campaign year
    "Nhân dịp 8/3, công đoàn trao giấy chứng nhận \"Giỏi việc nước, đảm việc nhà\" năm 2025 cho 30 nữ đoàn viên.",
    "Ban Chấp hành tặng danh hiệu \"Gia đình công nhân tiêu biểu\" năm 2024 cho 12 gia đình.",
    # years of an anniversary that do not add up give no year
    "Công ty chuẩn bị kỷ niệm 40 năm thành lập (1990 - 2026) bằng một chuyến dã ngoại cho người lao động.",
])
def test_no_campaign_year_from_an_award_or_a_wrong_anniversary(text: str) -> None:
    assert read(text).year is None


def test_a_second_movement_span_and_its_limits() -> None:
    f = read("Liên đoàn Lao động tỉnh tổng kết phong trào \"Xanh – Sạch – Đẹp\" năm 2025 - 2026 vào cuối tháng 6.")
    assert f.year is None and (f.span_start, f.span_end) == (date(2025, 1, 1), date(2026, 12, 31))
    # three years apart is no two-year span of a movement
    assert read("Phong trào thi đua năm 2021 - 2024 đã được tổng kết.").span_start is None


@pytest.mark.parametrize(("text", "expected"), [
    # a trip's departure on the clause's day
    ("Chiều 3.2.2027, 160 công nhân Khu công nghiệp Tân Hương lên đường về quê đón Tết trên 5 xe do Công đoàn "
     "tổ chức.", {date(2027, 2, 3)}),
    ("Sáng 22/01/2026, đoàn 45 đoàn viên của Công đoàn Điện lực huyện lên đường thăm các gia đình công nhân ở xã "
     "vùng cao.", {date(2026, 1, 22)}),
    # the next item of a list on its own day
    ("Chương trình đưa công nhân về quê năm 2027 gồm hai chuyến xe: chuyến thứ nhất khởi hành ngày 30/1, chuyến thứ "
     "hai ngày 2/2.", {date(2027, 1, 30), date(2027, 2, 2)}),
    ("Công đoàn trường tổ chức tập huấn kỹ năng sơ cứu vào ngày 12/9/2026, buổi thứ hai ngày 19/9/2026.",
     {date(2026, 9, 12), date(2026, 9, 19)}),
    # a place and its day after an event named earlier in the sentence
    ("\"Chợ Tết Công đoàn năm 2027\" mở ở hai điểm: tại Nhà văn hóa công nhân Bắc Sơn từ 7 giờ ngày 23/1/2027; "
     "tại Khu lưu trú công nhân Đông Mai ngày 29/1/2027.", {date(2027, 1, 23), date(2027, 1, 29)}),
    ("Hội thi nấu ăn \"Bữa cơm gia đình\" diễn ra theo cụm: tại Trung tâm Văn hóa huyện ngày 10/10/2026; tại Nhà "
     "văn hóa xã Phú Lâm ngày 12/10/2026.", {date(2026, 10, 10), date(2026, 10, 12)}),
])
def test_departures_list_items_and_places_with_their_days(text: str, expected: set[date]) -> None:
    assert days(read(text)) == expected


def test_a_place_with_its_day_but_no_event_named_before_is_no_event() -> None:
    text = "Các công đoàn cơ sở nộp báo cáo: tại Văn phòng Liên đoàn Lao động huyện trước ngày 15/12/2026."
    assert days(read(text)) == set()
