"""Wordings of the eighth reading, two sentences each (written for these tests, in our own words).

The year of "Tháng Công nhân năm 2024" and of a sentence that opens "Năm 2023, … phát động …" (not one that
says what was done); an observance month's span that is no event; a report's day that is no event but gives
the year; the time line of a plan for one event ("Thời gian tổ chức hội nghị: từ … – …", "Thời gian: tập trung
lúc … ngày …"); days a news page gives relative to itself ("Chiều nay (16/11), …"); a clause that opens with
"Vào tối ngày …"; "mồng 6/3/2026" written of a Gregorian day; a course's opening and closing ("khai giảng",
"bế giảng"); what is held carrying a count or a year before its day; Tết Trung thu named "lễ trung thu" or by
its night "rằm tháng Tám"; no phase in a project's stages ("giai đoạn 1 của dự án …") or in windows for filing
or selection ("đợt 1 nộp hồ sơ …"); who signs up with whom ("Công nhân có nhu cầu … đăng ký với tổ trưởng công
đoàn trước …"), a name in quotes naming no one; a visit or inspection on a clause's own day, its year the one
its sentence names when nothing else dates the text; a document's issuing day ("ban hành ngày …") that is no
event; an epidemic's or a disaster's time that is not the plan's; the phases a report reviews ("BÁO CÁO / Kết
quả đợt … (từ …)", a subheading "1. Kết quả thực hiện năm 2026", a sentence opening "Năm qua, …"); a school
year whose sentence tells what it saw, before the one the plan is for. The corpus passages p319–p366
(tests/plans/corpus/passages-11.yaml) measure the same classes.
"""

from __future__ import annotations

from datetime import date

import pytest

from scheduler.plans.findings import Findings
from tests.plan_reading import days, read


@pytest.mark.parametrize(("text", "day"), [
    # a day relative to the page: "sáng nay (d/m)", "chiều nay (d/m)", with the year stated in the article
    ("Năm 2026, Liên đoàn Lao động huyện phát động Hội thi cán bộ nữ công giỏi. Sáng nay (21/10), Liên đoàn Lao động "
     "huyện tổ chức vòng chung kết với 12 đội thi.", date(2026, 10, 21)),
    ("Trong khuôn khổ Tháng Công nhân năm 2027, chiều nay (12/5), Công đoàn Khu kinh tế tổ chức đối thoại với "
     "200 công nhân.", date(2027, 5, 12)),
    # "Vào tối ngày …" opens the clause
    ("Vào tối ngày 24/9/2026, Công đoàn Bệnh viện Phổi tỉnh tổ chức chương trình vui Tết Trung thu cho 150 cháu.",
     date(2026, 9, 24)),
    ("Vào sáng ngày 05/01/2027, Công đoàn cơ quan tổ chức Hội nghị viên chức, người lao động.", date(2027, 1, 5)),
    # "mồng" before a day written with its month is a Gregorian day
    ("Chiều mồng 7/3/2026, Công đoàn trường Tiểu học Hòa Bình tổ chức gặp mặt nữ nhà giáo.", date(2026, 3, 7)),
    ("Nhân Ngày Quốc tế Phụ nữ, sáng mồng 8/3/2027, Công đoàn Sở Y tế tổ chức tọa đàm \"Phụ nữ ngành Y\".",
     date(2027, 3, 8)),
    # a course opened or closed on a day
    ("Liên đoàn Lao động tỉnh khai giảng lớp bồi dưỡng nghiệp vụ công đoàn vào ngày 14/4/2026 tại Hội trường tỉnh.",
     date(2026, 4, 14)),
    ("Trường Chính trị tỉnh bế giảng lớp cán bộ công đoàn khóa II vào sáng ngày 30/6/2027.", date(2027, 6, 30)),
    # what is held carries a count or a year
    ("Công đoàn Tổng công ty khai giảng lớp tiếng Anh cho 60 công nhân vào ngày 08/8/2026.", date(2026, 8, 8)),
    ("Công đoàn Bệnh viện tổ chức chương trình \"Đêm hội trăng rằm\" năm 2026 cho con viên chức vào tối 25/9/2026.",
     date(2026, 9, 25)),
])
def test_an_event_on_a_day_of_these_wordings(text: str, day: date) -> None:
    assert day in days(read(text))


@pytest.mark.parametrize("text", [
    # a time is no count: the event keeps its hour
    "Công đoàn trường khai giảng lớp kỹ năng số vào 14 giờ ngày 10/9/2026.",
    "Công đoàn cơ quan tổ chức Hội nghị tổng kết vào lúc 8 giờ 30 phút ngày 15/01/2027.",
])
def test_an_events_hour_is_kept(text: str) -> None:
    f = read(text)
    assert [ev.time for ev in f.events if ev.day] in (["14:00"], ["08:30"])


@pytest.mark.parametrize(("text", "year"), [
    # an observance month named with its year, beside a congress term
    ("Trong Tháng Công nhân năm 2026, Công đoàn Viên chức tỉnh tuyên truyền Nghị quyết Đại hội Công đoàn tỉnh "
     "nhiệm kỳ 2023 – 2028 tới đoàn viên.", 2026),
    ("Hưởng ứng Tháng hành động về an toàn, vệ sinh lao động năm 2027, Công đoàn Công ty Xi măng Hà Tiên ra quân "
     "kiểm tra 14 phân xưởng.", 2027),
    # a sentence that opens with the year the campaign is launched in, beside a year compared with and "từ năm … đến nay"
    ("Năm 2026, Liên đoàn Lao động tỉnh phát động phong trào \"Sáng kiến vì người lao động\"; so với năm 2025, số "
     "đơn vị đăng ký tăng 12%. Từ năm 2019 đến nay, phong trào làm lợi hàng trăm tỷ đồng.", 2026),
    ("Năm 2027, Công đoàn ngành Xây dựng triển khai thi đua \"Công trình an toàn\" trên các công trường; từ năm 2020 "
     "đến nay đã có 300 công trình đăng ký.", 2027),
    # the year after "Bước sang", "Trong", with or without a comma
    ("Năm 2026, toàn ngành kết nạp 900 đoàn viên mới. Bước sang năm 2027, Công đoàn ngành Y tế phát động phong trào "
     "\"Bệnh viện xanh\".", 2027),
    ("Trong năm 2027 Liên đoàn Lao động huyện triển khai thi đua \"Dân vận khéo\" tới 60 công đoàn cơ sở.", 2027),
])
def test_the_campaigns_year_from_these_wordings(text: str, year: int) -> None:
    assert read(text).year == year


@pytest.mark.parametrize("text", [
    # what a year saw, not what it launches: no year from the opening "Năm …, … đã phát động"
    "Năm 2025, Liên đoàn Lao động quận đã phát động hai đợt thi đua và khen thưởng 40 tập thể.",
    "Năm 2024, các công đoàn cơ sở đã triển khai 120 công trình thi đua.",
])
def test_a_year_that_says_what_was_done_is_not_the_campaigns(text: str) -> None:
    assert read(text).year is None


@pytest.mark.parametrize("text", [
    "Tháng Công nhân năm 2026 diễn ra từ ngày 1 – 31/5 với chủ đề do Tổng Liên đoàn lựa chọn.",
    "Tháng hành động về an toàn, vệ sinh lao động năm 2027 diễn ra từ ngày 01/5 đến ngày 31/5/2027 trong các doanh nghiệp.",
])
def test_an_observance_months_span_is_no_event(text: str) -> None:
    assert read(text).events == []


@pytest.mark.parametrize(("text", "year"), [
    ("Ngày 12/02/2027, Công đoàn phường Phú Lợi cho biết đã trao xong 300 phần quà Tết cho đoàn viên khó khăn.", 2027),
    ("Ngày 03/10/2026, đại diện Liên đoàn Lao động tỉnh thông tin: 1.200 suất học bổng đã được trao cho con đoàn viên.",
     2026),
])
def test_a_reports_day_is_no_event_but_gives_the_year(text: str, year: int) -> None:
    f = read(text)
    assert f.events == [] and f.year == year


@pytest.mark.parametrize(("text", "day"), [
    ("KẾ HOẠCH\nTổ chức giao lưu văn nghệ chào mừng Ngày Nhà giáo Việt Nam\n"
     "1. Thời gian: từ 15 giờ, thứ Năm, ngày 19/11/2026.\n2. Địa điểm: hội trường nhà trường.", date(2026, 11, 19)),
    ("HƯỚNG DẪN TỔ CHỨC HỘI NGHỊ NGƯỜI LAO ĐỘNG CẤP PHÂN XƯỞNG NĂM 2027\n"
     "1. Thời gian tổ chức hội nghị: từ 11/01/2027 – 13/01/2027.\n2. Nội dung: tổng kết năm 2026.", date(2027, 1, 11)),
    ("KẾ HOẠCH\nTổ chức sinh hoạt chuyên đề nhân Ngày Quốc tế Phụ nữ\n"
     "- Thời gian: tập trung lúc 7 giờ 15 phút ngày 07/3/2027 tại cổng cơ quan.", date(2027, 3, 7)),
])
def test_the_time_line_of_a_plan_for_one_event(text: str, day: date) -> None:
    assert day in days(read(text))


def lunar(f: Findings) -> set[tuple[str | None, int | None]]:
    return {(lm.lunar or ("15/8" if lm.id == "tet-trung-thu" else lm.id), lm.year) for lm in f.lunar}


@pytest.mark.parametrize(("text", "year"), [
    ("Công đoàn Bệnh viện Nhi tổ chức lễ trung thu cho 200 cháu là con nhân viên vào ngày 02/10/2026.", 2026),
    ("Tối 14/9/2027, đúng đêm rằm tháng Tám, Công đoàn Khu công nghiệp tổ chức rước đèn cho con công nhân.", 2027),
])
def test_the_mid_autumn_festival_by_another_name(text: str, year: int) -> None:
    assert ("15/8", year) in lunar(read(text))


@pytest.mark.parametrize("text", [
    "Ngày 20/9/2026, Công đoàn Viên chức thành phố tổ chức chương trình \"Trung thu yêu thương\" cho 500 cháu.",
    "Ngày 01/10/2026, Công đoàn cơ sở Trung tâm Y tế tổ chức \"Đêm hội trăng rằm\" cho con đoàn viên.",
])
def test_a_programme_named_after_the_festival_is_no_lunar_day(text: str) -> None:
    assert lunar(read(text)) == set()


@pytest.mark.parametrize("text", [
    "Giai đoạn 1 của dự án Nhà văn hóa công nhân từ tháng 3 đến tháng 9/2027; giai đoạn 2 từ tháng 10/2027 đến tháng 4/2028.",
    "Dự án ký túc xá công nhân chia hai giai đoạn: giai đoạn 1 từ 01/02 đến 30/11/2026, giai đoạn 2 trong năm 2027.",
    "Đợt 1 nộp hồ sơ từ ngày 05/5 đến 15/5/2027; đợt 2 từ ngày 05/8 đến 15/8/2027.",
    "Đợt xét tuyển học viên lớp trung cấp lý luận chính trị từ 01/3 đến 30/3/2027; đợt tuyển sinh bổ sung từ 01/8 đến 20/8/2027.",
])
def test_a_projects_stages_and_filing_windows_are_no_phases(text: str) -> None:
    assert read(text).phases == []


@pytest.mark.parametrize(("text", "by", "to"), [
    ("Công nhân có nhu cầu về quê bằng \"Chuyến xe Công đoàn\" đăng ký với tổ trưởng công đoàn trước ngày 12/01/2027.",
     "Công nhân có nhu cầu về quê", "tổ trưởng công đoàn"),
    ("Đoàn viên có nhu cầu tham gia \"Phiên chợ Công đoàn\" đăng ký với Thường trực Công đoàn trước ngày 20/01/2027.",
     "Đoàn viên có nhu cầu tham gia", "Thường trực Công đoàn"),
])
def test_who_signs_up_with_whom(text: str, by: str, to: str) -> None:
    [d] = read(text).deadlines
    assert (d.submitted_by, d.submit_to) == (by, to)


@pytest.mark.parametrize(("text", "day"), [
    ("Chiều nay (16/11), đoàn công tác của Công đoàn Viên chức tỉnh đã kiểm tra việc quản lý tài chính công đoàn "
     "năm 2026 tại Công đoàn cơ sở Sở Tài chính.", date(2026, 11, 16)),
    ("Sáng nay (05/02), Thường trực Liên đoàn Lao động huyện thăm, chúc Tết công nhân đang làm việc tại Khu công "
     "nghiệp Phố Nối dịp Tết năm 2027.", date(2027, 2, 5)),
])
def test_a_visit_on_a_clauses_day_in_the_year_its_sentence_names(text: str, day: date) -> None:
    f = read(text)
    assert day in days(f) and f.year == day.year


@pytest.mark.parametrize("text", [
    "Kế hoạch tổ chức Tết Nguyên đán Đinh Mùi cho đoàn viên được ban hành ngày 15/11/2026.",
    "Hướng dẫn tổ chức Hội nghị người lao động năm 2027 do Chủ tịch Công đoàn ký ngày 20/12/2026.",
])
def test_a_documents_issuing_day_is_no_event(text: str) -> None:
    assert read(text).events == []


@pytest.mark.parametrize("text", [
    "Thời gian giãn cách xã hội từ ngày 09/7 đến 30/9/2021, công đoàn hỗ trợ túi an sinh cho công nhân. "
    "Liên đoàn phát động đợt thi đua \"Phục hồi sản xuất\" từ 01/3 đến 31/8/2022.",
    "Trong đợt bão lũ (từ 10/10 đến 25/10/2021), công đoàn các cấp hỗ trợ 700 đoàn viên. Liên đoàn phát động đợt "
    "thi đua \"Vượt khó\" từ 01/02 đến 30/6/2022.",
])
def test_an_epidemics_time_is_not_the_plans(text: str) -> None:
    assert read(text).year == 2022


@pytest.mark.parametrize("text", [
    "BÁO CÁO\nKết quả đợt thi đua cao điểm (từ 01/3/2027 đến 30/6/2027)\nTrong đợt thi đua, 95% công đoàn cơ sở đăng "
    "ký công trình.",
    "BÁO CÁO SƠ KẾT\nKết quả đợt 1 (từ 01/01/2027 đến 30/6/2027): 40 sáng kiến được công nhận.",
    "1. Kết quả thực hiện năm 2026\nCông đoàn tổ chức 2 đợt thi đua: đợt 1 từ 01/01/2026 đến 30/6/2026, đợt 2 từ "
    "01/7/2026 đến 30/11/2026.",
    "Năm qua, đợt thi đua cao điểm từ 01/9 đến 30/11/2026 thu hút 90% đoàn viên tham gia.",
    "Thời gian qua, đợt thi đua \"100 ngày đêm\" từ 20/9 đến 31/12/2026 đã về đích.",
])
def test_the_phases_a_report_reviews_are_no_phases(text: str) -> None:
    assert read(text).phases == []


def test_a_plan_subheading_after_a_review_subheading_dates_its_phases() -> None:
    f = read("1. Kết quả thực hiện năm 2026\nCông đoàn tổ chức 2 đợt thi đua: đợt 1 từ 01/01/2026 đến 30/6/2026.\n"
             "2. Phương hướng năm 2027\nCông đoàn phát động 2 đợt thi đua: đợt 1 từ 01/02/2027 đến 30/6/2027; đợt 2 "
             "từ 01/7/2027 đến 30/11/2027.")
    assert [(p.start_date, p.end_date) for p in f.phases] == [(date(2027, 2, 1), date(2027, 6, 30)),
                                                              (date(2027, 7, 1), date(2027, 11, 30))]


@pytest.mark.parametrize(("text", "span"), [
    ("Năm học 2025 – 2026, Công đoàn trường được tặng Bằng khen của Liên đoàn Lao động tỉnh. Năm học 2026 – 2027, "
     "Công đoàn trường phát động thi đua \"Dạy tốt – Học tốt\".", (2026, 2027)),
    ("Năm học 2024 – 2025, Công đoàn trường đã hoàn thành 100% chỉ tiêu đề ra.\nTrong năm học 2025 – 2026, Công đoàn "
     "tập trung xây dựng trường học hạnh phúc.", (2025, 2026)),
])
def test_a_school_year_that_saw_is_not_the_plans(text: str, span: tuple[int, int]) -> None:
    f = read(text)
    assert f.span_start and f.span_end and (f.span_start.year, f.span_end.year) == span


@pytest.mark.parametrize(("text", "day"), [
    ("CÔNG ĐOÀN CƠ SỞ TRƯỜNG TIỂU HỌC AN PHÚ\nAn Phú, ngày 24 tháng 12 năm 2026\nKẾ HOẠCH\nHoạt động công đoàn tháng 01\n"
     "- Tổ chức Hội nghị viên chức ngày 09/01.\n- Các tổ công đoàn nộp báo cáo về Ban Chấp hành trước ngày 05/01.",
     date(2027, 1, 9)),
    ("CÔNG ĐOÀN CÔNG TY MAY PHÚ HÒA\nPhú Hòa, ngày 20 tháng 11 năm 2026\nKẾ HOẠCH\nChăm lo Tết cho công nhân\n"
     "- Chương trình \"Chợ Tết Công đoàn\" tổ chức ngày 30/01 tại sân Công ty.", date(2027, 1, 30)),
])
def test_a_plan_issued_in_december_for_januarys_days(text: str, day: date) -> None:
    f = read(text)
    assert f.year == day.year and day in days(f)


@pytest.mark.parametrize(("text", "left"), [
    ("Đợt thi đua thứ nhất (từ 05/9 đến 20/11/2026) kết thúc thắng lợi; Công đoàn trường phát động đợt 2 từ 21/11/2026 "
     "đến 26/3/2027.", [(date(2026, 11, 21), date(2027, 3, 26))]),
    ("Đợt 1 từ 01/02/2027 đến 30/6/2027 đã kết thúc với 40 sáng kiến được công nhận. Đợt 2 từ 01/7/2027 đến 30/11/2027 "
     "tập trung về đích kế hoạch năm.", [(date(2027, 7, 1), date(2027, 11, 30))]),
])
def test_a_phase_said_to_be_over_is_not_the_plans(text: str, left: list[tuple[date, date]]) -> None:
    assert [(p.start_date, p.end_date) for p in read(text).phases] == left


@pytest.mark.parametrize(("text", "year"), [
    ("LIÊN ĐOÀN LAO ĐỘNG TỈNH BẮC GIANG\nSố: 88/KH-LĐLĐ\nBắc Giang, ngày 20 tháng 11 năm 2026\nKẾ HOẠCH\n"
     "Chăm lo Tết Nguyên đán cho đoàn viên, người lao động\nCác công đoàn cơ sở gửi danh sách về Liên đoàn trước ngày "
     "15/12/2026.", 2027),
    ("CÔNG ĐOÀN CÔNG TY GẠCH MEN HÀ LAN\nHải Dương, ngày 06 tháng 01 năm 2027\nKẾ HOẠCH\nTổ chức Tết cho công nhân\n"
     "Các tổ công đoàn gửi danh sách công nhân ở lại trước ngày 20/01/2027.", 2027),
])
def test_a_tet_plan_without_a_year_is_for_the_tet_after_its_date(text: str, year: int) -> None:
    f = read(text)
    assert f.year == year and {lm.year for lm in f.lunar if lm.id == "tet-nguyen-dan"} <= {year}
