"""Wordings of the eleventh reading, a sentence or two each (written for these tests, in our own words).

The campaign's year or span: not the stage a congress is named with ("Đại hội thi đua yêu nước giai đoạn 2026 -
2030"), nor a period reported on ("báo cáo tổng kết … giai đoạn 2024 – 2026") or the period of those rewarded
("được khen thưởng trong giai đoạn …"); the term of the congress whose resolution a programme's heading carries out
("Thực hiện Nghị quyết Đại hội … nhiệm kỳ 2023 – 2028"); "Năm 2027, Công đoàn … tổ chức thi đua …". Phases: a
movement's stages ("chặng thứ nhất trong 6 tháng đầu năm"), rounds named by their place ("đợt đầu", "đợt cuối"),
months without a year ("từ tháng 9 đến hết tháng 12"), "Thời gian cao điểm chăm lo: từ … đến …"; and not the
period of a plan the sentence cites ("Thực hiện Kế hoạch … về đợt thi đua từ …, Công đoàn trường …"). Events: a
trip's days are none ("… đi tham quan … từ ngày … đến ngày …"); a market opened on a day is one ("Ngày …, … mở
"Chợ Tết Công đoàn" …"). The corpus
passages p451–p495 (tests/plans/corpus/passages-14.yaml) measure the same classes.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.plan_reading import days, read


def _phases(text: str) -> list[tuple[date | None, date | None]]:
    return [(p.start_date, p.end_date) for p in read(text).phases]


@pytest.mark.parametrize(("text", "year"), [
    # a congress named with its stage: not the span
    ("Công đoàn ngành Y tế phát động thi đua hoàn thành nhiệm vụ năm 2026, năm ngành tổ chức Đại hội thi đua yêu "
     "nước giai đoạn 2026 - 2030.", 2026),
    # a period reported on, or the period of those rewarded: not the span
    ("Ngày 12/10/2026, Công đoàn Công ty May Hòa Thọ họp tổng kết; hội nghị nghe báo cáo tổng kết hoạt động giai đoạn "
     "2024 – 2026 và bầu ban chấp hành mới.", 2026),
    ("Liên đoàn Lao động tỉnh triển khai \"Chuyến xe nghĩa tình – Xuân 2027\", ưu tiên đoàn viên được khen thưởng "
     "trong giai đoạn 2024 – 2026.", 2027),
    # a sentence that opens with the year the union runs its movement in
    ("Năm 2027, Công đoàn Tổng công ty Sông Đà tổ chức thi đua theo hai đợt: đợt 1 từ tháng 2 đến tháng 6, đợt 2 từ "
     "tháng 7 đến tháng 11.", 2027),
])
def test_the_campaign_year_past_a_congress_a_review_or_an_award(text: str, year: int) -> None:
    f = read(text)
    assert f.year == year and f.span is None


def test_a_programme_for_a_congress_resolution_spans_its_term() -> None:
    f = read("CHƯƠNG TRÌNH HÀNH ĐỘNG\nThực hiện Nghị quyết Đại hội Công đoàn thị xã lần thứ IX, nhiệm kỳ 2025 – 2030\n"
             "Chương trình gồm 4 nhóm giải pháp; mỗi năm Ban Thường vụ đánh giá kết quả một lần.")
    assert f.year is None and (f.span_start, f.span_end) == (date(2025, 1, 1), date(2030, 12, 31))
    # a term named inside a sentence of the plan is still no span
    g = read("Công đoàn trường tuyên truyền Nghị quyết Đại hội Công đoàn tỉnh nhiệm kỳ 2025 – 2030 trong tháng 10/2026.")
    assert g.span_start is None or g.span_start.year == 2026


@pytest.mark.parametrize(("text", "expected"), [
    # a movement's stages, by half-years
    ("Công đoàn Viên chức huyện tổ chức thi đua năm 2027 theo hai chặng: chặng thứ nhất trong 6 tháng đầu năm; chặng "
     "thứ hai trong 6 tháng cuối năm.",
     [(date(2027, 1, 1), date(2027, 6, 30)), (date(2027, 7, 1), date(2027, 12, 31))]),
    # rounds named by their place, months without a year, "đến hết tháng 12"
    ("Năm 2026, Công đoàn Công ty Giấy Bãi Bằng tổ chức thi đua theo ba đợt: đợt đầu từ tháng 1 đến tháng 4, đợt giữa "
     "từ tháng 5 đến tháng 8, đợt cuối từ tháng 9 đến hết tháng 12.",
     [(date(2026, 1, 1), date(2026, 4, 30)), (date(2026, 5, 1), date(2026, 8, 31)), (date(2026, 9, 1), date(2026, 12, 31))]),
    # a Tết plan's peak time on a line of its own
    ("KẾ HOẠCH\nChăm lo Tết cho đoàn viên năm 2027\nThời gian cao điểm chăm lo: từ ngày 11/01/2027 đến ngày 03/02/2027.",
     [(date(2027, 1, 11), date(2027, 2, 3))]),
    # the period of a cited plan is not one of this plan's phases; the main clause's is
    ("Thực hiện Kế hoạch số 08/KH-CĐGD ngày 05/01/2026 của Công đoàn Giáo dục huyện về đợt thi đua từ ngày 15/01 đến "
     "ngày 30/4/2026, Công đoàn trường Tiểu học An Phú phát động đợt thi đua từ ngày 20/01/2026 đến ngày 25/4/2026.",
     [(date(2026, 1, 20), date(2026, 4, 25))]),
])
def test_phases_in_running_text(text: str, expected: list[tuple[date, date]]) -> None:
    assert _phases(text) == expected


def test_a_round_at_the_end_of_the_year_is_no_label() -> None:
    # "đợt cuối năm" names when, not which round: the campaign's single round keeps its usual name
    f = read("Công đoàn cơ quan phát động đợt thi đua cuối năm từ ngày 01/10/2026 đến ngày 20/12/2026.")
    assert [p.name for p in f.phases] == ["Đợt thi đua"]
    assert _phases("Công đoàn cơ quan phát động đợt thi đua cuối năm từ ngày 01/10/2026 đến ngày 20/12/2026.") \
        == [(date(2026, 10, 1), date(2026, 12, 20))]


def test_a_cited_plan_alone_still_dates_nothing_of_ours_but_keeps_the_year() -> None:
    f = read("Thực hiện Hướng dẫn số 15/HD-LĐLĐ của Liên đoàn Lao động tỉnh về đợt cao điểm từ ngày 01/3 đến ngày "
             "30/6/2026, Ban Chấp hành Công đoàn cơ sở đề nghị các tổ công đoàn đăng ký công trình, phần việc.")
    assert f.phases == [] and f.year == 2026


@pytest.mark.parametrize(("text", "expected"), [
    # a trip's days, short or long, are no event
    ("Công đoàn cơ quan Sở Tư pháp tổ chức cho 30 đoàn viên đi tham quan Sa Pa từ ngày 12/7/2026 đến ngày 14/7/2026.",
     set()),
    ("Nhân dịp hè, công đoàn trường tổ chức du lịch Phú Yên cho đoàn viên từ 02/7 đến 05/7/2026; lễ tổng kết năm học "
     "tổ chức ngày 28/5/2026.", {date(2026, 5, 28)}),
    # a market opened that day is an event
    ("Ngày 30/01/2027, Liên đoàn Lao động huyện Bến Lức mở \"Chợ Tết Công đoàn\" tại Khu công nghiệp Thuận Đạo với "
     "40 gian hàng.", {date(2027, 1, 30)}),
    # a contest held over a period keeps its first day, as before
    ("Cuộc thi trực tuyến tìm hiểu Bộ luật Lao động được tổ chức từ ngày 05/9/2026 đến ngày 30/9/2026.",
     {date(2026, 9, 5)}),
])
def test_a_trip_is_no_event_and_a_market_opened_is_one(text: str, expected: set[date]) -> None:
    assert days(read(text)) == expected


def test_a_year_the_opening_names_comes_before_the_term_of_the_resolution() -> None:
    f = read("KẾ HOẠCH\nThực hiện Nghị quyết Đại hội Công đoàn tỉnh lần thứ X, nhiệm kỳ 2023 – 2028\n\n"
             "Năm 2025, Liên đoàn Lao động tỉnh phát động thi đua trong công nhân, viên chức, lao động.")
    assert f.year == 2025
