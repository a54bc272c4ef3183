"""Extraction corpus: short excerpts in each wording plans really use, with what must come out.

Written for these tests from the wordings seen in received plans (the seeds,
school-year and multi-year plans): every kind of dash, dots and hyphens in
dates, month precision, named ends, Roman and word ordinals, typos, and
tokens that look like dates but are not.
"""

from __future__ import annotations

from typing import Any

import pytest

from scheduler.plans.extract import extract
from scheduler.plans.findings import Findings, Reference
from scheduler.plans.service import reference_from
from tests.conftest import CALENDARS

REF: Reference = reference_from(CALENDARS)


def read(body: str, title: str = "Phát động phong trào thi đua năm 2024") -> Findings:
    return extract([f"KẾ HOẠCH\n\n{title}\n\n{body}\n"], False, REF)


PHASES: list[tuple[str, str, Any, Any]] = [
    ("- Đợt 1 (từ tháng 01/2024 đến 31/7/2024): Thi đua chào mừng", "Đợt 1", "tháng 01/2024", "31/7/2024"),
    ("Đợt 2: Từ ngày 1.1 - 30.6.2024", "Đợt 2", "1/1/2024", "30/6/2024"),
    ("Đợt 1: từ ngày 1.1 - 30.6", "Đợt 1", "1/1/2024", "30/6/2024"),
    ("Đợt I: Từ 28-7-2024 đến 31-12-2024", "Đợt I", "28/7/2024", "31/12/2024"),
    ("Đợt 1: Từ tháng 1-12/2024", "Đợt 1", "tháng 1/2024", "tháng 12/2024"),
    ("Đợt 1: từ tháng 03 - 05/2024", "Đợt 1", "tháng 03/2024", "tháng 05/2024"),
    ("2. Đợt 2: Từ 01/7/2024 đến hết năm 2024", "Đợt 2", "01/7/2024", "hết năm"),
    ("* Đợt I: Từ ngày phát động đến hết 30/6/2024: Các phong trào", "Đợt I", "ngày phát động", "30/6/2024"),
    ("Đợt II: Từ 01/7 đến hết 31/12/2024", "Đợt II", "01/7/2024", "31/12/2024"),
    ("Đợt 2: Từ sau 30/10/2024 đến 28/02/2025", "Đợt 2", "sau 30/10/2024", "28/02/2025"),
    ("Đợt 2: từ sau 30/10 đến 31/12/2024", "Đợt 2", "sau 30/10/2024", "31/12/2024"),
    ("Đợt thứ hai: từ 01/01/2024 đến hết học kỳ I", "Đợt 2", "01/01/2024", "hết học kỳ I"),
    ("Đợt 3: Từ 01/3/2024 đến khi tổ chức thành công Đại hội XIV của Đảng.", "Đợt 3", "01/3/2024",
     {"until": "đến khi tổ chức thành công Đại hội XIV của Đảng"}),
    ("Đợt I1: Từ 01/8/2024 – 31/12/2024", "Đợt II", "01/8/2024", "31/12/2024"),
    ("Đợt 1: Từ 1/9/2024—20/11/2024", "Đợt 1", "1/9/2024", "20/11/2024"),
    ("Đợt 2: Từ 21/11/2024 đến hết năm học", "Đợt 2", "21/11/2024", "hết năm học"),
    ("Đợt 1: Từ tháng 01/01/2024 đến 31/7/2024", "Đợt 1", "01/01/2024", "31/7/2024"),
    ("Đợt 1 (quý I và quý II/2024): mừng Đảng", "Đợt 1", "tháng 1/2024", "tháng 6/2024"),
    ("Đợt 2: quý III - IV năm 2024", "Đợt 2", "tháng 7/2024", "tháng 12/2024"),
    ("Giai đoạn 1 (2021 - 2023): triển khai", "Giai đoạn 1", "01/01/2021", "31/12/2023"),
    ("Đợt 1: từ ngày phát động đến hết quý I/2024.", "Đợt 1", "ngày phát động", "31/03/2024"),
    ("Đợt 2: Từ ngày 01 tháng 5 đến ngày 31 tháng 8 năm 2024.", "Đợt 2", "01/5/2024", "31/8/2024"),
    ("Đợt 1 từ 1/1/2024 đến hết tháng 6/2024.", "Đợt 1", "1/1/2024", "tháng 6/2024"),
    ("Đợt 1: tháng 3 và tháng 4/2024.", "Đợt 1", "tháng 3/2024", "tháng 4/2024"),
    ("Đợt 1: Tháng 3/2024.", "Đợt 1", "tháng 3/2024", "tháng 3/2024"),
    ("Đợt I. Từ 01/01/2024 đến 30/4/2024.", "Đợt I", "01/01/2024", "30/4/2024"),
    ("Đợt 2: từ 01/7/2024 đến cuối năm.", "Đợt 2", "01/7/2024", "hết năm"),
    ("Đợt 2 từ ngày 01/9/2024 đến kết thúc năm học.", "Đợt 2", "01/9/2024", "hết năm học"),
    ("| Đợt 2 | 01/5/2024 - 31/8/2024 | Chào mừng Quốc khánh |", "Đợt 2", "01/5/2024", "31/8/2024"),
    ("Đợt 2: Từ 01/5/2024 (sau lễ sơ kết đợt 1) đến 31/8/2024.", "Đợt 2", "01/5/2024", "31/8/2024"),
    ("Đợt 1: từ ngày 02/9 đến ngày 20/11 năm 2024.", "Đợt 1", "02/9/2024", "20/11/2024"),
    ("Đợt 1: trong tháng 3 và tháng 4 năm 2024.", "Đợt 1", "tháng 3/2024", "tháng 4/2024"),
    ("Đợt 1: Từ 01/3/2024 cho đến 30/4/2024.", "Đợt 1", "01/3/2024", "30/4/2024"),
]


@pytest.mark.parametrize(("text", "name", "start", "end"), PHASES, ids=[p[0][:40] for p in PHASES])
def test_phase_bounds(text: str, name: str, start: Any, end: Any) -> None:
    (phase,) = read(text).phases
    assert (phase.name, phase.start, phase.end) == (name, start, end)


def test_a_phase_dated_at_the_head_of_its_sentence() -> None:
    (phase,) = read("Trong 6 tháng cuối năm 2024, Công đoàn Sở tổ chức đợt thi đua chào mừng Quốc khánh.").phases
    assert (phase.name, phase.start_date.isoformat(), phase.end_date.isoformat()) == ("Đợt thi đua", "2024-07-01", "2024-12-31")
    assert read("Trong quý I/2024, Công đoàn đã sơ kết đợt thi đua mừng Đảng.").phases == []


def test_phases_of_one_year_after_a_date_line_of_the_year_before() -> None:
    f = extract(["Hà Nội, ngày 20 tháng 12 năm 2024\n\nKẾ HOẠCH\n\nPhát động phong trào thi đua\n\n"
                 "Đợt 1: từ 01/01/2025 đến 30/6/2025.\n\nĐợt 2: từ 01/7/2025 đến 31/12/2025.\n"], False, REF)
    assert (f.year, f.span) == (2025, None)


def test_a_phase_years_away_from_the_campaign_is_flagged_and_does_not_date_it() -> None:
    f = read("Đợt 1: từ 01/02/2024 đến 30/6/2024.\n\nĐợt 2: từ 01/7/2024 đến 31/12/2034.")
    assert (f.year, f.span) == (2024, None)
    assert f.phases[1].implausible and "2034" in f.phases[1].notes[0]
    assert not f.phases[0].notes


def test_a_phase_number_that_skips_is_flagged() -> None:
    f = read("Đợt 1: từ 01/02/2024 đến 30/6/2024.\n\nĐợt 11: từ 01/7/2024 đến 31/12/2024.")
    assert [bool(p.notes) for p in f.phases] == [False, True]


def test_phases_without_their_year_take_the_years_that_keep_them_in_order() -> None:
    f = extract(["Giai đoạn 1 từ nay đến ngày 30-11; Giai đoạn 2, từ ngày 1 đến 31-12; "
                 "Giai đoạn 3, từ ngày 1-1 đến 28-2-2026."], False, REF)
    assert [(p.start, p.end) for p in f.phases] == [
        ("ngày phát động", "30/11/2025"), ("1/12/2025", "31/12/2025"), ("1/1/2026", "28/2/2026")]
    assert (f.span_start.year, f.span_end.year) == (2025, 2026)


def test_the_dates_of_a_review_are_not_a_phase() -> None:
    assert read("Các đơn vị sơ kết đợt 1 từ ngày 01/7 đến 05/7/2024.").phases == []
    (phase,) = read("Sơ kết đợt 1 thi đua lao động giỏi (từ 01/01 đến 30/6/2024) vào tháng 7/2024.").phases
    assert (phase.start, phase.end) == ("01/01/2024", "30/6/2024")


def test_a_round_is_a_phase_only_with_evidence_of_the_campaign() -> None:
    """A dated round with no word of the campaign, no heading of the plan's time, no series stated is no phase."""
    assert read("Đoàn công tác làm việc với các đơn vị đợt 1 từ 02/3 đến 13/3/2026, đợt 2 từ 06/4 đến 17/4/2026.").phases == []
    assert read("Sơ kết đợt 1 (từ 01/01 đến 30/6/2024) vào tháng 7/2024.").phases == []
    # the campaign's words in the sentence, in the line that introduces the labels, or the plan's time section
    assert len(read("Thi đua đợt 1 từ 02/3 đến 13/3/2026, đợt 2 từ 06/4 đến 17/4/2026.").phases) == 2
    assert len(read("Phong trào thi đua năm 2026 chia làm 2 đợt.\nĐợt 1 từ 02/3 đến 13/6/2026.\n"
                    "Đợt 2 từ 14/6 đến 17/11/2026.").phases) == 2
    assert len(read("Các đơn vị thực hiện nghiêm túc.\nIII. THỜI GIAN THỰC HIỆN\nĐợt 1: từ 02/3 đến 13/6/2026.\n"
                    "Đợt 2: từ 14/6 đến 17/11/2026.").phases) == 2
    assert read("Các đơn vị thực hiện nghiêm túc.\nĐợt 1: từ 02/3 đến 13/6/2026.\n"
                "Đợt 2: từ 14/6 đến 17/11/2026.").phases == []


def test_rounds_of_an_activity_are_not_phases() -> None:
    """Health checks, training, inspections, leave, payments and gifts in rounds; a campaign's own phases stay."""
    for body in ("Đợt 1 khám cho khối trường học từ ngày 04/11 đến 07/11/2024.",
                 "Tập huấn đợt 2 từ ngày 05/7 đến 07/7/2024 tại Hội trường.",
                 "Chi trả đợt 1 từ ngày 15/9 đến 30/9/2024; chi trả đợt 2 từ ngày 11/10 đến 22/10/2024.",
                 "Lớp học tập trung theo 3 đợt: đợt 1 từ 08/4 đến 19/4/2024; đợt 2 từ 13/5 đến 24/5/2024.",
                 "Đợt 1 đã trao 300 suất quà từ ngày 06/01 đến 10/01/2024; đợt 2 từ ngày 13/01 đến 17/01/2024.",
                 "Chương trình khám sức khỏe được thực hiện theo từng đợt. Đợt 3 bắt đầu từ ngày 03/11/2024."):
        assert read(body).phases == [], body
    kept = read("Phong trào chia 3 giai đoạn: Giai đoạn 3: kiểm tra, đánh giá từ 01/11/2024 đến 30/11/2024.")
    assert [(p.start, p.end) for p in kept.phases] == [("01/11/2024", "30/11/2024")]
    assert [p.name for p in read("Đợt cao điểm trao quà Tết từ 15/01 đến 05/02/2024.").phases] == ["Đợt cao điểm"]


def test_a_finished_phase_and_what_follows_a_phase_are_not_phases() -> None:
    assert read("Qua đợt 1 (từ 01/02/2024 đến 30/6/2024), các tổ đã đăng ký 38 sáng kiến.").phases == []
    assert read("Hội thi đã diễn ra qua 2 đợt: đợt 1 từ ngày 11/8 đến 17/8/2024.").phases == []
    assert read("Sau đợt thi đua, Công đoàn tổng kết vào tháng 01/2025.").phases == []
    assert read("Trong 6 tháng đầu năm 2024, các công đoàn đã tổ chức đợt thi đua chào mừng.").phases == []
    report = extract(["BÁO CÁO\nSơ kết đợt thi đua cao điểm (từ 01/3/2025 đến 30/6/2025)\n"], False, REF)
    assert report.phases == []


def test_a_reporting_schedule_by_quarter_is_not_a_campaign_by_quarter() -> None:
    f = read("Các công đoàn cơ sở báo cáo kết quả theo quý: quý I/2024 gửi trước ngày 20/3/2024.")
    assert f.phases == []
    assert [p.name for p in read("Tổ chức thi đua theo quý: quý I/2024 gắn với Tháng Thanh niên.").phases] == ["Quý I"]


def test_a_period_the_campaign_serves_is_not_its_span() -> None:
    body = ("Năm 2024 là năm tăng tốc thực hiện Kế hoạch phát triển kinh tế – xã hội giai đoạn 2021 – 2025. "
            "Công đoàn phát động thi đua: đợt 1 từ 01/02/2024 đến 30/6/2024.")
    f = extract([body], False, REF)
    assert (f.year, f.span) == (2024, None)
    own = extract(["Liên đoàn Lao động tỉnh triển khai phong trào thi đua giai đoạn 2021 – 2025."], False, REF)
    assert (own.span_start.year, own.span_end.year) == (2021, 2025)


def test_anniversaries_named_after_tron_dip_huong_ve() -> None:
    for text in ("kỷ niệm tròn 95 năm Ngày thành lập Công đoàn Việt Nam", "dịp 95 năm Ngày thành lập Công đoàn Việt Nam",
                 "hướng về 95 năm Ngày thành lập Công đoàn Việt Nam"):
        assert [(m.ordinal, m.ids) for m in read(f"Các hoạt động {text}.").mentions] == [(95, ["cong-doan-viet-nam"])]


def test_a_year_ending_without_its_year_ends_the_start_year() -> None:
    (phase,) = read("Đợt 2: từ 01/7/2024 đến hết năm.").phases
    assert (phase.end, phase.end_date.isoformat(), phase.notes) == ("hết năm", "2024-12-31", [])


def test_typos_and_guesses_are_flagged() -> None:
    (typo,) = read("Đợt I1: Từ 01/8/2024 – 31/12/2024").phases
    assert typo.notes == ['văn bản ghi "Đợt I1": đọc là Đợt II']
    (month,) = read("Đợt 1: Từ tháng 01/01/2024 đến 31/7/2024").phases
    assert "tháng 01/01/2024" in month.notes[0]


def test_stated_phase_count() -> None:
    f = read("Phong trào được chia làm 2 đợt như sau:\n\n"
             "Đợt 1: Từ 01/01/2024 đến 30/6/2024\n\nĐợt 2: Từ 01/7/2024 đến 31/12/2024")
    assert f.stated_phase_count and f.stated_phase_count[0] == 2 and len(f.phases) == 2
    f = read("tổ chức qua 4 đợt như sau:\n\nĐợt 1: Từ 01/01/2024 đến 30/6/2024")
    assert f.stated_phase_count and f.stated_phase_count[0] == 4
    assert any("4 đợt" in note for note, _ in f.notes)


@pytest.mark.parametrize(("title", "year", "span"), [
    ("Phát động phong trào thi đua năm 2024", 2024, None),
    ("Kế hoạch thi đua năm học 2019 - 2020", None, "năm học 2019–2020"),
    ("Kế hoạch thi đua giai đoạn 2021-2025", None, "giai đoạn 2021–2025"),
])
def test_campaign_span(title: str, year: int | None, span: str | None) -> None:
    f = read("Nội dung.", title=title)
    assert (f.year, f.span) == (year, span)


@pytest.mark.parametrize(("text", "year", "span"), [
    ("KẾ HOẠCH\n\nTổ chức phong trào thi đua\n\nCăn cứ Chương trình hành động giai đoạn 2023-2028 của Tổng Liên đoàn;\n\n"
     "Liên đoàn Lao động tỉnh ban hành kế hoạch thi đua năm 2025 như sau:", 2025, None),
    ("KẾ HOẠCH\nTổ chức phong trào thi đua\nThực hiện hướng dẫn của Công đoàn ngành về thi đua năm học 2023-2024;\n"
     "Công đoàn trường triển khai thi đua năm học 2024-2025.", None, "năm học 2024–2025"),
    ("Thực hiện kế hoạch năm học 2024-2025, Ban Chấp hành Công đoàn trường phát động thi đua.", None, "năm học 2024–2025"),
    ("Thực hiện Nghị quyết Đại hội Công đoàn tỉnh, nhiệm kỳ 2023 - 2028, Công đoàn ngành phát động thi đua năm 2025.",
     2025, None),
    ("KẾ HOẠCH\n\nThi đua năm 2024 thực hiện Nghị quyết giai đoạn 2021-2025\n", 2024, None),
])
def test_the_years_of_documents_cited_are_not_the_campaign(text: str, year: int | None, span: str | None) -> None:
    f = extract([text], False, REF)
    assert (f.year, f.span) == (year, span)


@pytest.mark.parametrize(("line", "place", "when"), [
    ("Kon Tum, ngày 21 tháng 02 năm 2024", "Kon Tum", "21/02/2024"),
    ("Lào Cai, ngày    tháng 01 năm 2024", "Lào Cai", "tháng 01/2024"),
    ("Ninh Thuận, ngày   tháng   năm 2023", "Ninh Thuận", "2023"),
])
def test_document_place_and_date(line: str, place: str, when: str) -> None:
    f = extract([f"Số:    /KH-LĐLĐ\n\n{line}\n\nKẾ HOẠCH\n\nThi đua năm 2024\n"], False, REF)
    assert (f.place, f.doc_date, f.number, f.kind) == (place, when, "/KH-LĐLĐ", "KH")


ANNIVERSARIES = [
    ("kỷ niệm 95 năm Ngày thành lập Công đoàn Việt Nam (28/7/1929 - 28/7/2024)", [(95, ["cong-doan-viet-nam"])]),
    ("kỉ niệm 70 năm Chiến thắng Điện Biên Phủ (07.5.1954 – 07.5.2024)", [(70, ["dien-bien-phu"])]),
    ("70 chiến thắng Điện Biên Phủ (07/5/1954 - 07/5/2024)", [(70, ["dien-bien-phu"])]),
    ("kỷ niệm 76 năm Ngày truyền thống Thi đua yêu nước (11/6/1948-11/6/2024)", [(76, ["thi-dua-ai-quoc"])]),
    ("kỷ niệm 72 năm cách mạng Tháng Tám (19/8/1945 - 19/8/2017) và Quốc khánh nước Cộng hoà xã hội chủ nghĩa "
     "Việt Nam (02/9/1945 - 02/9/2017)", [(72, ["cach-mang-thang-tam"]), (72, ["quoc-khanh"])]),
    ("kỷ niệm 79 năm Cách mạng tháng Tám và Quốc khánh nước CHXHCN Việt Nam (2/9/1945–2/9/2024)",
     [(79, ["cach-mang-thang-tam-quoc-khanh"])]),
    ("kỷ niệm 80 năm Ngày thành lập Quân đội nhân dân Việt Nam (22/12/1944 — 22/12/2024)", [(80, ["quan-doi-nhan-dan"])]),
    ("35 năm Ngày hội Quốc phòng toàn dân (22/12/1989 - 22/12/2024)", [(35, ["quoc-phong-toan-dan"])]),
    ("79 năm Quốc khánh 2/9", [(79, ["quoc-khanh"])]),
    ("49 năm Ngày giải phóng miền Nam 30/4", [(49, ["giai-phong-mien-nam"])]),
    ("134 năm Ngày sinh Bác Hồ kính yêu", [(134, ["sinh-nhat-bac"])]),
    ("50 năm Ngày Chiến thắng 30/4", [(50, ["giai-phong-mien-nam"])]),
    ("94 năm Ngày Phụ nữ Việt Nam 20/10", [(94, ["hoi-lien-hiep-phu-nu"])]),
    ("80 năm Cách mạng Tháng Tám thành công và Quốc khánh 2-9 năm 2025", [(80, ["cach-mang-thang-tam-quoc-khanh"])]),
]


@pytest.mark.parametrize(("text", "expected"), ANNIVERSARIES, ids=[a[0][:40] for a in ANNIVERSARIES])
def test_anniversaries_map_to_the_national_calendar(text: str, expected: list[tuple[int, list[str]]]) -> None:
    f = read(f"Thi đua chào mừng {text}.")
    assert [(m.ordinal, m.ids) for m in f.mentions] == expected


def test_an_ordinal_outside_the_campaign_years_is_flagged() -> None:
    f = read("Đợt 2: từ 01/5/2024 đến 31/8/2024, chào mừng 94 năm Ngày thành lập Công đoàn Việt Nam.")
    assert [m.ordinal for m in f.mentions] == [94]
    assert any("rơi vào năm 2023" in note for note, _ in f.notes)
    f = read("Đợt 2: từ 01/5/2024 đến 31/8/2024, chào mừng 95 năm Ngày thành lập Công đoàn Việt Nam.")
    assert not any("rơi vào năm" in note for note, _ in f.notes)


def test_the_bracket_of_an_anniversary_is_not_the_campaign_time() -> None:
    f = extract(["Công đoàn Công ty phát động đợt thi đua cao điểm với thời gian kể từ ngày phát động đến hết ngày "
                 "15/5/2024, chào mừng 134 năm Ngày sinh Chủ tịch Hồ Chí Minh (19/5/1890 - 19/5/2024)."], False, REF)
    assert (f.year, f.span) == (2024, None)


def test_a_can_chi_title_is_the_year_nearest_the_document_date() -> None:
    f = extract(["Hà Nội, ngày 20 tháng 11 năm 2023\n\nKẾ HOẠCH\n\nChăm lo Tết cho đoàn viên dịp Xuân Giáp Thìn\n"], False, REF)
    assert f.year == 2024 and "Giáp Thìn" in f.time_reason[0]


def test_a_phase_bound_is_not_an_event() -> None:
    f = read("Đợt thi đua đặc biệt diễn ra từ ngày phát động đến hết ngày 30/9/2024, chào mừng Quốc khánh.")
    assert [(p.start, p.end) for p in f.phases] == [("ngày phát động", "30/9/2024")] and f.events == []


def test_one_bracket_for_two_days_replaces_the_national_entry() -> None:
    f = read("Thi đua kỷ niệm 79 năm Cách mạng tháng Tám và Quốc khánh nước CHXHCN Việt Nam (2/9/1945 - 2/9/2024).")
    (local,) = f.local_commemorations
    assert (local.name, local.base.isoformat(), f.omit) == (
        "Cách mạng tháng Tám và Quốc khánh nước CHXHCN Việt Nam", "1945-09-02", ["quoc-khanh"])


def test_a_provincial_anniversary_becomes_a_local_commemoration() -> None:
    f = read("kỷ niệm 70 năm ngày thành lập Công đoàn tỉnh Cao Bằng (04/4/1947-04/4/2017).\n\n"
             "Đợt 1: Từ tháng 01/2017 - 30/6/2017\n"
             "Chủ đề: kỷ niệm 70 năm ngày thành lập Công đoàn tỉnh Cao Bằng, mừng Đảng, mừng Xuân",
             title="Phát động thi đua năm 2017")
    (local,) = f.local_commemorations
    assert (local.id, local.name) == ("cong-doan-tinh-cao-bang", "Ngày thành lập Công đoàn tỉnh Cao Bằng")
    assert f.phases[0].celebrates == [("cong-doan-tinh-cao-bang", 70), ("thanh-lap-dang", None), ("tet-nguyen-dan", None)]


@pytest.mark.parametrize("text", [
    "Trường THCS 28/8 tổ chức hội thi văn nghệ.",
    "Mỗi đoàn viên ủng hộ 5.000 đồng vào quỹ.",
    "theo tinh thần Nghị quyết số 02-NQ/TW ngày 12/6/2021 của Bộ Chính trị, trước đây.",
    "Chỉ thị số 34-CT/TW, ngày 07/04/2014 của Bộ Chính trị.",
    "kế hoạch phát triển kinh tế xã hội 5 năm (2021-2025).",
])
def test_date_like_tokens_that_are_not_dates(text: str) -> None:
    f = read(text)
    assert (f.phases, f.mentions, f.deadlines, f.events, f.weekdays) == ([], [], [], [], [])


DEADLINES = [
    ("gửi về LĐLĐ tỉnh chậm nhất ngày 15/3/2024.", "15/3/2024", "no_later_than", "LĐLĐ tỉnh"),
    ("Báo cáo 6 tháng đầu năm gửi trước 25/6.", "25/6", "before", None),
    ("Các đơn vị nộp hồ sơ khen thưởng, hạn chót là ngày 10.11.2024.", "10/11/2024", "no_later_than", None),
    ("Báo cáo năm trước ngày 25-11-2024 gửi về Ban Tuyên giáo.", "25/11/2024", "before", None),
]


@pytest.mark.parametrize(("text", "when", "due", "to"), DEADLINES, ids=[d[0][:40] for d in DEADLINES])
def test_deadline_wordings(text: str, when: str, due: str, to: str | None) -> None:
    (d,) = read(text).deadlines
    assert (d.date, d.due) == (when, due)
    if to:
        assert d.submit_to == to


def test_after_each_phase_is_undated() -> None:
    (d,) = read("- Sau mỗi đợt thi đua, các cấp Công đoàn tổ chức sơ kết, biểu dương khen thưởng các tập thể.").deadlines
    assert (d.after_phase, d.date, d.as_written, d.submitted_by) == ("each", None, "Sau mỗi đợt thi đua", "Các cấp Công đoàn")


def test_registration_by_email_without_a_date() -> None:
    text = ("Ban Thường vụ đề nghị Ban chấp hành công đoàn cơ sở phối hợp với chuyên môn đăng ký thời gian tổ chức "
            "phát động phong trào thi đua năm 2024 về LĐLĐ quận qua địa chỉ mail: ldld@example.vn và triển khai.")
    (d,) = read(text).deadlines
    assert (d.date, d.via, d.submit_to, d.submitted_by) == (None, "ldld@example.vn", "LĐLĐ quận", "Ban chấp hành công đoàn cơ sở")


def test_one_off_events() -> None:
    f = read("Lễ phát động thi đua năm học vào lúc 8 giờ 00, ngày 15/01/2024 tại Hội trường Sở GD&ĐT.\n\n"
             "LĐLĐ quận tổ chức phát động thi đua năm 2024 tại hội nghị tổng kết công tác Công đoàn năm 2023.")
    dated, undated = f.events
    assert (dated.date, dated.time, dated.place) == ("15/01/2024", "08:00", "Hội trường Sở GD&ĐT")
    assert undated.date is None and undated.title.startswith("Hội nghị tổng kết công tác Công đoàn năm 2023")


def test_lunar_and_observances() -> None:
    f = read("chăm lo Tết Nguyên đán Giáp Thìn 2024; tổ chức các hoạt động Tháng Công nhân.")
    assert [(m.id, m.can_chi, m.year) for m in f.lunar] == [("tet-nguyen-dan", "Giáp Thìn", 2024)]
    assert [o for o, _ in f.observances] == ["thang-cong-nhan"]


def test_weekday_mentions() -> None:
    (w,) = read("Hội nghị tổ chức vào thứ Hai, ngày 25/6/2024.").weekdays
    assert (w.weekday, w.day.isoformat()) == ("thứ hai", "2024-06-25")


def test_a_title_stops_before_the_first_sentence_of_the_body() -> None:
    """The body typed one sentence a line right under the title: a whole sentence ending with a full
    stop is the body, not more of the title (which used to take up to three of them)."""
    text = ("LIÊN ĐOÀN LAO ĐỘNG HUYỆN ĐÔNG XUÂN          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Số: 07/KH-LĐLĐ                                  Độc lập - Tự do - Hạnh phúc\n"
            "                                               Đông Xuân, ngày 04 tháng 12 năm 2026\n\n"
            "KẾ HOẠCH\n"
            "Tổ chức các hoạt động chăm lo Tết Nguyên đán Đinh Mùi năm 2027 cho đoàn viên, người lao động\n\n"
            "Liên đoàn Lao động huyện tổ chức đợt cao điểm chăm lo Tết từ ngày 15/12/2026 đến ngày 05/02/2027.\n"
            "Các công đoàn cơ sở gửi danh sách về Liên đoàn Lao động huyện chậm nhất trước Tết Nguyên đán 10 ngày.\n"
            "Chương trình gặp mặt khai mạc vào sáng ngày 16/01/2027 tại Nhà văn hóa huyện.\n")
    f = extract([text], False, REF)
    assert f.title == "Tổ chức các hoạt động chăm lo Tết Nguyên đán Đinh Mùi năm 2027 cho đoàn viên, người lao động"


def test_the_lunar_days_of_a_review_are_not_the_plans() -> None:
    """Under "I. KẾT QUẢ NĂM 2025" the Trung thu held last year is a passing mention, not a date of this plan."""
    f = read("I. KẾT QUẢ NĂM 2025\n- Tổ chức Tết Trung thu cho 300 cháu là con đoàn viên.\n"
             "II. NHIỆM VỤ NĂM 2026\n- Chăm lo Tết Đoan Ngọ cho công nhân.", "Kế hoạch hoạt động năm 2026")
    assert [m.id for m in f.lunar] == ["tet-doan-ngo"]


def test_a_short_typed_phase_line_ends_its_paragraph_and_takes_no_dated_line_as_its_theme() -> None:
    f = extract(["Phong trào thi đua của ngành chia làm hai đợt:\n"
                 "Đợt 1: từ 10/1/2027 đến 30/4/2027, chào mừng Ngày Quốc tế Lao động.\n"
                 "Đợt 2: từ 01/5/2027 đến 31/8/2027.\n"
                 "Các tổ công đoàn nộp bảng đăng ký về Ban Chấp hành chậm nhất ngày 20/1/2027.\n"
                 "Liên hoan văn nghệ vào ngày 30/4/2027."], paged=False, reference=Reference())
    second = next(p for p in f.phases if p.name == "Đợt 2")
    assert second.theme is None  # neither the deadline nor the event below it is its theme
    (deadline,) = f.deadlines
    assert deadline.where.line == 4  # the line the deadline is typed on, not the phase line above it
