"""Wordings of the thirteenth reading, two sentences each (written for these tests, in our own words).

Lunar days and years that are or are not the plan's: a feast's day told as a custom of every year ("Hằng năm, cứ đến
mùng 10 tháng 3 âm lịch, …") is no day of the plan, while "Hằng năm, vào …, Công đoàn tổ chức …" stays one; the year
written right after a feast's name ("Tết Nguyên đán năm 2015", "Tết Trung thu 2019") is the year of that feast; a Tết
named without its year in a sentence dated in full ("Ngày 30/1/2026, … quà Tết Nguyên đán") is the Tết of that season;
a sentence about the year before ("Năm trước, … mùng 8 Tết Giáp Thìn …") gives no lunar day of the plan.
A campaign's year is not the stage of a national programme it serves ("Chương trình mục tiêu quốc gia … giai đoạn
2021 - 2030"), nor are a survey's rounds its phases ("khảo sát … đợt 1 từ …"). The corpus passages p541–p585
(tests/plans/corpus/passages-16.yaml) measure the same classes.
"""

from __future__ import annotations

import pytest

from scheduler.plans.findings import Findings
from tests.plan_reading import read


def _lunar(f: Findings) -> set[tuple[str, int | None]]:
    from scheduler.plans.lunar_dates import CATALOG_DAYS
    return {(lm.lunar or CATALOG_DAYS.get(lm.id, lm.id), lm.year) for lm in f.lunar}


@pytest.mark.parametrize("text", [
    "Hằng năm, cứ đến mùng 10 tháng 3 âm lịch, đồng bào cả nước lại hướng về đất Tổ.",
    "Hàng năm cứ vào ngày 15 tháng 7 âm lịch, nhiều gia đình lại làm lễ báo hiếu cha mẹ.",
])
def test_a_custom_of_every_year_is_no_lunar_day_of_the_plan(text: str) -> None:
    assert _lunar(read(text)) == set()


def test_a_yearly_activity_of_the_union_on_a_lunar_day_stays_one() -> None:
    f = read("Kế hoạch năm 2026: hằng năm, vào ngày mùng 9 tháng 3 âm lịch, Công đoàn tổ chức cho đoàn viên dâng hương "
             "tại Đền Hùng.")
    assert ("9/3", 2026) in _lunar(f)


@pytest.mark.parametrize(("text", "expected"), [
    ("Công đoàn cơ sở thông báo lịch nghỉ Tết Nguyên đán năm 2015: nghỉ từ ngày 16/02 đến hết ngày 23/02.",
     ("1/1", 2015)),
    ("Nhân dịp Tết Trung thu 2019, Ban Nữ công tặng quà cho con đoàn viên.", ("15/8", 2019)),
    # a day of the last lunar month: the year written is the Gregorian one it falls in
    ("Công đoàn tổ chức gói bánh chưng dịp ông Công ông Táo năm 2025 cho công nhân ở lại.", ("23/12", 2025)),
])
def test_the_year_written_after_a_feasts_name_is_that_feasts(text: str, expected: tuple[str, int]) -> None:
    assert expected in _lunar(read(text))


@pytest.mark.parametrize(("text", "year"), [
    ("Ngày 30/1/2026, Công đoàn Công ty May Đông Anh trao 1.500 phần quà Tết Nguyên đán cho công nhân.", 2026),
    ("Sáng 20/12/2024, Liên đoàn Lao động huyện tặng 300 suất quà Tết Nguyên đán cho đoàn viên khó khăn.", 2025),
])
def test_a_tet_without_its_year_in_a_sentence_dated_in_full_is_that_seasons(text: str, year: int) -> None:
    assert ("1/1", year) in _lunar(read(text))


def test_a_tet_far_from_the_sentences_date_gets_no_year_from_it() -> None:
    f = read("Ngày 15/8/2026, Công đoàn bàn về việc chuẩn bị quà Tết Nguyên đán.")
    assert ("1/1", 2026) not in _lunar(f) and ("1/1", 2027) not in _lunar(f)


@pytest.mark.parametrize("text", [
    "Năm 2022 là năm thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới giai đoạn 2021 - 2025; Công đoàn "
    "xã phát động thi đua từ ngày 01/3/2022 đến ngày 30/9/2022.",
    "Góp phần thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững giai đoạn 2021 – 2025, Công đoàn Sở phát động "
    "thi đua năm 2023.",
])
def test_a_national_programmes_stage_is_not_the_campaigns_span(text: str) -> None:
    f = read(text)
    assert (f.span_start, f.span_end) != (None, None) and f.span_start.year == f.span_end.year  # type: ignore[union-attr]


def test_a_sentence_about_the_year_before_gives_no_lunar_day() -> None:
    f = read("Kế hoạch hoạt động đầu năm 2027 của Công đoàn Trường Tiểu học Kim Liên.\n"
             "- Năm ngoái, buổi họp mặt đầu xuân tổ chức vào sáng mùng 9 Tết Bính Ngọ có 31 đoàn viên.\n"
             "- Năm nay: họp mặt đầu xuân Đinh Mùi vào sáng mùng 7 Tết tại thư viện nhà trường.")
    assert _lunar(f) == {("1/1", 2027), ("7/1", 2027)}


def test_the_years_own_lunar_day_beside_last_years_stays() -> None:
    f = read("Năm trước, Công đoàn gói bánh chưng vào ngày 24 tháng Chạp. Năm 2026, Công đoàn Công ty Dệt Nam Định tổ "
             "chức gói bánh chưng cho công nhân ở lại đón Tết Nguyên đán Bính Ngọ vào ngày 22 tháng Chạp.")
    assert {day for day, _ in _lunar(f)} == {"1/1", "22/12"}


@pytest.mark.parametrize("text", [
    "Kế hoạch thi đua năm 2025: khảo sát ý kiến đoàn viên đợt 1 từ ngày 01/3 đến ngày 15/3/2025, đợt 2 từ ngày 01/9 "
    "đến ngày 15/9/2025.",
    "Kế hoạch năm 2026 của Công đoàn ngành Dệt may: điều tra đời sống công nhân theo 2 đợt: đợt 1 từ ngày 01/4 đến "
    "ngày 20/4/2026; đợt 2 từ ngày 01/10 đến ngày 20/10/2026.",
])
def test_a_surveys_rounds_are_no_phases(text: str) -> None:
    assert read(text).phases == []


def test_the_campaigns_phases_beside_a_surveys_rounds_stay() -> None:
    f = read("Công đoàn ngành Dệt may điều tra đời sống công nhân theo 2 đợt: đợt 1 từ ngày 01/4 đến ngày 20/4/2026; "
             "đợt 2 từ ngày 01/10 đến ngày 20/10/2026.\n"
             "Phong trào thi đua năm 2026 chia 2 đợt: Đợt 1 từ 01/01 đến 30/6/2026; Đợt 2 từ 01/7 đến 30/11/2026.")
    assert [(p.start, p.end) for p in f.phases] == [("01/01/2026", "30/6/2026"), ("01/7/2026", "30/11/2026")]


@pytest.mark.parametrize("text", [
    "Kế hoạch năm 2023 của Công đoàn Sở. Đợt 2 của khóa đào tạo nghiệp vụ từ 15/5 đến 30/5/2023 do Trường Đại học Công "
    "đoàn tổ chức; thi đua học tập tốt.",
    "Thi đua năm 2024. Đợt 1 của lớp bồi dưỡng kỹ năng thương lượng từ ngày 08/4 đến ngày 10/4/2024, hưởng ứng phong trào.",
])
def test_a_round_of_a_course_named_after_the_label_is_no_phase(text: str) -> None:
    assert read(text).phases == []
