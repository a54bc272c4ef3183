"""Wordings found by importing plans written by hand, as a new user would: titles that keep the quotes of a
name, a task named before "hoàn thành trước ngày …", a lunar end with its solar day beside it, a section
heading under a phase. Every passage is written for these tests."""

from __future__ import annotations

import pytest

from scheduler.plans.text import cap
from tests.plan_reading import read


@pytest.mark.parametrize(("text", "title"), [
    ('Liên hoan văn nghệ "Sắc màu áo trắng" ', 'Liên hoan văn nghệ "Sắc màu áo trắng"'),
    ("Hội thi “Tìm hiểu pháp luật lao động”.", "Hội thi “Tìm hiểu pháp luật lao động”"),
    ('"Tết sum vầy"', "Tết sum vầy"),  # wholly quoted: the quotes go, as before
    ("- tổng kết phong trào;", "Tổng kết phong trào"),
])
def test_a_cut_title_keeps_its_names_quotes(text: str, title: str) -> None:
    assert cap(text) == title


def test_an_events_name_in_quotes_keeps_its_closing_quote() -> None:
    f = read('KẾ HOẠCH\nHoạt động năm 2027\n\nLiên hoan văn nghệ "Giai điệu công nhân" tổ chức vào ngày 24/4/2027 '
             "tại Nhà văn hóa Lao động tỉnh.")
    (event,) = f.events
    assert event.title == 'Liên hoan văn nghệ "Giai điệu công nhân"'


@pytest.mark.parametrize(("sentence", "title"), [
    ("2. Thăm, tặng quà đoàn viên có hoàn cảnh khó khăn trước Tết Nguyên đán, hoàn thành trước ngày 30/01/2027.",
     "Thăm, tặng quà đoàn viên có hoàn cảnh khó khăn trước Tết Nguyên đán"),
    ("- Rà soát, cập nhật danh sách đoàn viên và hoàn thành chậm nhất ngày 15/3/2027.",
     "Rà soát, cập nhật danh sách đoàn viên"),
    ("- Các đơn vị hoàn thành việc chấm điểm thi đua trước ngày 10/12/2027.", "Hoàn thành việc chấm điểm thi đua"),
])
def test_a_task_named_before_its_completion_keeps_its_name(sentence: str, title: str) -> None:
    (deadline,) = read("KẾ HOẠCH\nCông tác năm 2027\n\n" + sentence).deadlines
    assert deadline.title == title


@pytest.mark.parametrize(("sentence", "end"), [
    ("Đợt cao điểm từ ngày 15/12/2026 đến hết ngày mùng 10 tháng Giêng năm Đinh Mùi (tức ngày 15/02/2027).",
     "15/02/2027"),
    ("Đợt 1: từ 05/01/2027 đến Rằm tháng Giêng (tức 20/2/2027), chăm lo Tết cho người lao động.\n"
     "Đợt 2: từ 21/2/2027 đến 30/4/2027.", "20/2/2027"),
])
def test_a_lunar_end_with_its_solar_day_beside_it_ends_on_that_day(sentence: str, end: str) -> None:
    f = read("KẾ HOẠCH\nPhong trào thi đua năm 2027\n\n" + sentence + "\nII. TỔ CHỨC THỰC HIỆN")
    phase = f.phases[0]
    assert (phase.end, phase.notes) == (end, [])
    assert phase.theme is None or "TỔ CHỨC" not in phase.theme  # the next section's heading is not its theme


def test_a_solar_day_that_is_not_the_lunar_day_it_names_is_flagged() -> None:
    (phase,) = read("KẾ HOẠCH\nChăm lo Tết Đinh Mùi 2027\n\n"
                    "Đợt cao điểm từ 15/12/2026 đến 29 tháng Chạp (tức 4/2/2027).").phases
    assert phase.end == "4/2/2027"  # as the plan writes it, never corrected
    assert any("29 tháng Chạp là 5/2/2027" in note for note in phase.notes)


def test_a_section_heading_in_capitals_is_not_quoted_with_the_paragraph_under_it() -> None:
    f = read("KẾ HOẠCH\nPHONG TRÀO THI ĐUA\nNĂM HỌC 2026 - 2027\n\nIII. TỔ CHỨC THỰC HIỆN\n"
             "Các tổ công đoàn đăng ký danh hiệu thi đua trước ngày 05/10/2026.")
    (deadline,) = f.deadlines
    assert deadline.where is not None and deadline.where.quote.startswith("Các tổ công đoàn")
    assert f.title == "Phong trào thi đua năm học 2026 - 2027"  # a title in capitals over two lines stays whole


@pytest.mark.parametrize(("line", "day"), [
    ("Cập nhật: 22-01-2027 | 08:40:12", "22/01/2027"),
    ("Đăng ngày 20/01/2027", "20/01/2027"),
    ("Cập nhật 2027-01-20", "20/01/2027"),
    ("Thứ Hai, 18/01/2027 09:15 (GMT+7)", "18/01/2027"),
    ("Hội nghị ngày 20/01/2027 tại Hội trường", None),  # a sentence of the article, not the page's date line
])
def test_a_web_pages_date_line(line: str, day: str | None) -> None:
    from scheduler.plans.noise import page_date

    assert page_date("Tin hoạt động công đoàn\n" + line + "\nNội dung bài viết.") == day


def test_a_pages_yearless_days_fall_in_the_year_of_its_date_line_which_is_never_the_documents_date(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ruamel.yaml import YAML

    from scheduler.plans.service import import_plan
    from tests.conftest import CALENDARS

    page = ("Cập nhật: 19-01-2027 | 07:30:05\n"
            "Tối 18-1, tại nhà văn hóa khu công nghiệp, Công đoàn các khu công nghiệp tỉnh tổ chức họp mặt công nhân "
            "không về quê đón Tết; 200 suất quà được trao cho người lao động khó khăn.\n")
    f = read(page)
    assert [(e.date, e.day and e.day.isoformat()) for e in f.events] == [("18/1/2027", "2027-01-18")]
    assert f.time_reason is not None and "ngày đăng trang 19/01/2027" in f.time_reason[0]
    path = tmp_path / "trang.txt"
    path.write_text(page, encoding="utf-8")
    data = YAML(typ="safe").load(import_plan(path, CALENDARS).draft.yaml)
    assert "date" not in (data.get("document") or {})  # the page's date is not the document's


def test_a_page_with_only_its_date_line_and_no_dated_item_gives_no_year() -> None:
    f = read("Tin tức > Công đoàn\n05/03/2027 10:20\nNhiều hoạt động thiết thực chăm lo cho đoàn viên trong năm qua.\n")
    assert (f.year, f.span) == (None, None)
