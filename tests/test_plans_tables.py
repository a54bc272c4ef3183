"""Schedule tables in Word plans, and headers typed without the administrative layout.

Plans often give their schedule as a table ("TT | Nội dung | Thời gian | Đơn vị thực hiện"); each row
must be read as the task it is, its date beside its content. And a plan published as plain text often
opens with the issuer on its own line, in capitals or not, then "KẾ HOẠCH" and the title: the issuer,
its place and the title are read from those lines alone. Every passage is written for these tests.
"""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

from scheduler.plans.reading import read_plan
from scheduler.plans.service import import_plan
from scheduler.plans.tables import table_lines
from tests.conftest import CALENDARS


def _data(path: Path) -> dict[str, object]:
    return YAML(typ="safe").load(import_plan(path, CALENDARS).draft.yaml)  # type: ignore[no-any-return]


def _docx(path: Path, before: list[str], table: list[list[str]], after: list[str] = ()) -> Path:  # type: ignore[assignment]
    from docx import Document

    doc = Document()
    for line in before:
        doc.add_paragraph(line)
    grid = doc.add_table(rows=len(table), cols=len(table[0]))
    for row, values in zip(grid.rows, table, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    for line in after:
        doc.add_paragraph(line)
    doc.save(str(path))
    return path


def _items(data: dict[str, object], key: str) -> dict[str, dict[str, object]]:
    return {str(item["date"]): item for item in data.get(key) or []}  # type: ignore[union-attr,index]


def test_a_schedule_table_with_named_columns_gives_each_row_its_task(tmp_path: Path) -> None:
    path = _docx(tmp_path / "thang-cong-nhan.docx",
                 ["LIÊN ĐOÀN LAO ĐỘNG HUYỆN ĐĂK HÀ", "KẾ HOẠCH", "Tổ chức các hoạt động Tháng Công nhân năm 2027",
                  "III. TIẾN ĐỘ THỰC HIỆN"],
                 [["TT", "Nội dung công việc", "Thời gian", "Đơn vị thực hiện"],
                  ["1", "Ban hành hướng dẫn cho các công đoàn cơ sở", "Trước ngày 10/4/2027", "Ban Tuyên giáo"],
                  ["2", "Lễ phát động Tháng Công nhân", "Ngày 28/4/2027", "Ban Thường vụ"],
                  ["3", "Các công đoàn cơ sở gửi báo cáo kết quả về LĐLĐ huyện", "Chậm nhất ngày 15/6/2027",
                   "Các CĐCS"]])
    data = _data(path)
    assert (data["issuer"], data["year"]) == ("Liên đoàn Lao động huyện Đăk Hà", 2027)
    assert data["title"] == "Tổ chức các hoạt động Tháng Công nhân năm 2027"
    deadlines = _items(data, "deadlines")
    assert deadlines["10/4/2027"]["title"] == "Ban hành hướng dẫn cho các công đoàn cơ sở"
    assert (deadlines["10/4/2027"]["due"], deadlines["15/6/2027"]["due"]) == ("before", "no_later_than")
    assert deadlines["15/6/2027"]["submit_to"] == "LĐLĐ huyện"
    assert deadlines["15/6/2027"]["submitted_by"] == "Các công đoàn cơ sở"
    assert _items(data, "events")["28/4/2027"]["title"] == "Lễ phát động Tháng Công nhân"


def test_a_schedule_table_with_the_time_first(tmp_path: Path) -> None:
    path = _docx(tmp_path / "tet.docx",
                 ["CÔNG ĐOÀN NGÀNH Y TẾ TỈNH GIA LAI", "KẾ HOẠCH",
                  "Chăm lo Tết cho đoàn viên dịp Tết Nguyên đán Đinh Mùi 2027", "IV. LỊCH TRIỂN KHAI"],
                 [["Thời gian", "Nội dung", "Bộ phận phụ trách"],
                  ["Trước 20/12/2026", "Các công đoàn cơ sở lập danh sách đoàn viên khó khăn gửi về Văn phòng", "Các CĐCS"],
                  ["Tháng 01/2027", "Thăm, tặng quà đoàn viên có hoàn cảnh khó khăn", "Thường trực"],
                  ["8 giờ ngày 25/01/2027", "Chương trình Tết sum vầy tại Hội trường Bệnh viện tỉnh", "Ban Thường vụ"]])
    data = _data(path)
    assert (data["issuer"], data["year"]) == ("Công đoàn ngành Y tế tỉnh Gia Lai", 2027)
    (deadline,) = data["deadlines"]  # type: ignore[misc]
    assert (deadline["date"], deadline["submit_to"]) == ("20/12/2026", "Văn phòng")
    assert deadline["title"].startswith("Các công đoàn cơ sở lập danh sách")
    (event,) = data["events"]  # type: ignore[misc]
    assert (event["date"], event["time"], event["title"]) == ("25/01/2027", "08:00", "Chương trình Tết sum vầy")


def test_table_rows_become_lines() -> None:
    def cells(*rows: list[str]) -> list[list[list[str]]]:
        return [[[value] for value in row] for row in rows]

    named = table_lines(cells(["STT", "Nội dung", "Thời gian hoàn thành", "Đơn vị chủ trì"],
                              ["1", "Nộp hồ sơ đề nghị khen thưởng", "Trước 05/12/2027", "Văn phòng"]))
    assert named[1] == "Nộp hồ sơ đề nghị khen thưởng: trước 05/12/2027 (Đơn vị chủ trì: Văn phòng)."
    # Three columns without named ones: a row a line, without its number.
    assert table_lines(cells(["1", "Hội thao công nhân", "tháng 5/2027"], ["2", "Hội diễn văn nghệ", "tháng 9/2027"])) == [
        "Hội thao công nhân – tháng 5/2027.", "Hội diễn văn nghệ – tháng 9/2027."]
    # Two columns (a header, a label and its value): cell by cell, each paragraph a line.
    header = [[["LIÊN ĐOÀN LAO ĐỘNG TỈNH KON TUM", "Số: 15/KH-LĐLĐ"],
               ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Kon Tum, ngày 21 tháng 02 năm 2024"]]]
    assert table_lines(header) == ["LIÊN ĐOÀN LAO ĐỘNG TỈNH KON TUM", "Số: 15/KH-LĐLĐ",
                                   "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Kon Tum, ngày 21 tháng 02 năm 2024"]
    assert table_lines([[[""], [""]]]) == []


def test_a_docx_table_of_three_columns_is_read_a_row_a_line(tmp_path: Path) -> None:
    path = _docx(tmp_path / "hoi-thao.docx", ["KẾ HOẠCH"],
                 [["1", "Hội thao công nhân", "tháng 5/2027"], ["2", "Hội diễn văn nghệ", "tháng 9/2027"]])
    assert read_plan(path).text.split("\n") == ["KẾ HOẠCH", "Hội thao công nhân – tháng 5/2027.",
                                                "Hội diễn văn nghệ – tháng 9/2027."]


def _txt(tmp_path: Path, first: str, name: str = "plan.txt") -> dict[str, object]:
    path = tmp_path / name
    path.write_text(f"{first}\nKẾ HOẠCH\nTổ chức Hội thi an toàn vệ sinh lao động năm 2027\n"
                    "I. THỜI GIAN\nCác công đoàn cơ sở đăng ký dự thi về LĐLĐ huyện chậm nhất ngày 20/5/2027.\n",
                    encoding="utf-8")
    return _data(path)


def test_an_issuer_line_above_the_kind_heading(tmp_path: Path) -> None:
    for first, issuer in (("LIÊN ĐOÀN LAO ĐỘNG HUYỆN ĐỨC TRỌNG", "Liên đoàn Lao động huyện Đức Trọng"),
                          ("LĐLĐ HUYỆN KRÔNG PA", "Liên đoàn Lao động huyện Krông Pa"),
                          ("Liên đoàn Lao động huyện Đăk Hà", "Liên đoàn Lao động huyện Đăk Hà"),
                          ("LIÊN ĐOÀN LAO ĐỘNG THỊ XÃ BA ĐỒN", "Liên đoàn Lao động thị xã Ba Đồn")):
        data = _txt(tmp_path, first)
        assert data["issuer"] == issuer, first
        assert data["title"] == "Tổ chức Hội thi an toàn vệ sinh lao động năm 2027", first
        assert _items(data, "deadlines")["20/5/2027"]["submit_to"] == "LĐLĐ huyện"


def test_a_word_that_opens_a_clause_is_not_a_place_name(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text("KẾ HOẠCH\nHội thi an toàn vệ sinh lao động năm 2027\nCác công đoàn cơ sở gửi báo cáo về LĐLĐ huyện "
                    "Chậm nhất ngày 20/5/2027.\n", encoding="utf-8")
    assert _data(path)["issuer"] == "Liên đoàn Lao động huyện"


def test_a_numbered_task_is_named_without_its_number(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text("KẾ HOẠCH\nHội thi an toàn vệ sinh lao động năm 2027\nIII. TIẾN ĐỘ\n"
                    "1. Ban hành thể lệ hội thi trước ngày 10/4/2027.\n"
                    "b) Hoàn thành chấm sơ khảo chậm nhất ngày 30/5/2027.\n", encoding="utf-8")
    deadlines = _items(_data(path), "deadlines")
    assert deadlines["10/4/2027"]["title"] == "Ban hành thể lệ hội thi"
    assert deadlines["30/5/2027"]["title"] == "Hoàn thành chấm sơ khảo"


def _pdf(path: Path, before: list[str], table: list[list[str]], widths: tuple[int, ...]) -> Path:
    """A text PDF with a bordered table whose cells wrap, as Word prints a schedule."""
    from fpdf import FPDF

    from tests.plan_files import FONT

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", size=11)
    pdf.add_page()
    for line in before:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    with pdf.table(col_widths=widths, first_row_as_headings=False) as grid:
        for values in table:
            row = grid.row()
            for value in values:
                row.cell(value)
    pdf.multi_cell(0, 6, "Nơi nhận: như trên.", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_a_schedule_table_in_a_text_pdf_is_read_by_its_columns(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "hoi-thi.pdf",
                ["LIÊN ĐOÀN LAO ĐỘNG HUYỆN KRÔNG PA", "KẾ HOẠCH", "Tổ chức Hội thi nữ công năm 2027",
                 "IV. TIẾN ĐỘ THỰC HIỆN"],
                [["TT", "Nội dung công việc", "Thời gian", "Đơn vị thực hiện"],
                 ["1", "Các công đoàn cơ sở gửi danh sách thí sinh về Ban Nữ công LĐLĐ huyện", "Chậm nhất ngày 12/3/2027",
                  "Các công đoàn cơ sở"],
                 ["2", "Khai mạc Hội thi tại Nhà văn hóa huyện", "Ngày 20/3/2027", "Ban Tổ chức"],
                 ["3", "Tổng kết, trao giải Hội thi", "Ngày 22/3/2027", "Ban Thường vụ"]],
                (12, 80, 45, 50))
    data = _data(path)
    assert data["issuer"] == "Liên đoàn Lao động huyện Krông Pa"
    (deadline,) = data["deadlines"]  # type: ignore[misc]
    assert (deadline["date"], deadline["due"], deadline["submit_to"]) == ("12/3/2027", "no_later_than",
                                                                          "Ban Nữ công LĐLĐ huyện")
    events = _items(data, "events")
    assert set(events) == {"20/3/2027", "22/3/2027"}
    assert "Hội thi" in events["20/3/2027"]["title"] and "Hội thi" in events["22/3/2027"]["title"]


def test_laid_out_rows_keep_the_lines_around_them() -> None:
    from scheduler.plans.tables import laid_out_tables

    lines = ["Trước bảng", "STT   Nội dung            Thời gian        Chủ trì",
             "1     Nộp hồ sơ khen      Trước ngày       Văn phòng", "      thưởng              05/12/2027", "",
             "2     Hội nghị tổng kết   Ngày 20/12/2027  Ban Thường vụ", "",
             "Sau bảng, một đoạn văn dài chạy qua mọi cột của trang như mọi đoạn văn khác."]
    assert laid_out_tables(lines) == [
        "Trước bảng", "STT – Nội dung – Thời gian – Chủ trì.",
        "Nộp hồ sơ khen thưởng: trước ngày 05/12/2027 (Chủ trì: Văn phòng).", "", "",
        "Hội nghị tổng kết: ngày 20/12/2027 (Chủ trì: Ban Thường vụ).", "", lines[-1]]


def test_phases_in_a_table_keep_their_labels_themes_and_anniversaries(tmp_path: Path) -> None:
    path = _docx(tmp_path / "thi-dua.docx",
                 ["LIÊN ĐOÀN LAO ĐỘNG TỈNH GIA LAI", "KẾ HOẠCH", "Phát động phong trào thi đua năm 2027",
                  "II. CÁC ĐỢT THI ĐUA"],
                 [["Đợt", "Thời gian", "Nội dung, chủ đề", "Ghi chú"],
                  ["Đợt 1", "Từ 01/01/2027 đến 30/4/2027",
                   "Thi đua chào mừng kỷ niệm 97 năm Ngày thành lập Đảng Cộng sản Việt Nam (03/02/1930 – 03/02/2027)", ""],
                  ["Đợt 2", "Từ 01/5/2027 đến 31/12/2027", "Thi đua lập thành tích chào mừng Đại hội Công đoàn tỉnh",
                   "Sơ kết cuối đợt"]])
    data = _data(path)
    phases = {p["name"]: p for p in data["phases"]}  # type: ignore[union-attr,index]
    assert (phases["Đợt 1"]["start"], phases["Đợt 1"]["end"]) == ("01/01/2027", "30/4/2027")
    assert (phases["Đợt 2"]["start"], phases["Đợt 2"]["end"]) == ("01/5/2027", "31/12/2027")
    assert phases["Đợt 1"]["celebrates"] == [{"thanh-lap-dang": 97}]  # the national calendar's, not a copy
    assert phases["Đợt 2"]["theme"] == "Thi đua lập thành tích chào mừng Đại hội Công đoàn tỉnh"


def test_an_issuer_in_capitals_is_written_as_a_name(tmp_path: Path) -> None:
    from scheduler.plans.names import organisation_case

    assert organisation_case("CÔNG ĐOÀN TRƯỜNG THPT NGUYỄN DU") == "Công đoàn Trường THPT Nguyễn Du"
    assert organisation_case("CÔNG ĐOÀN BỆNH VIỆN ĐA KHOA TỈNH GIA LAI") == "Công đoàn Bệnh viện Đa khoa tỉnh Gia Lai"
    assert organisation_case("CÔNG ĐOÀN CƠ SỞ XÃ TƯỢNG SƠN") == "Công đoàn cơ sở xã Tượng Sơn"
    for first, issuer in (("CÔNG ĐOÀN CÔNG TY CỔ PHẦN CAO SU HƯỚNG HÓA", "Công đoàn Công ty Cổ phần Cao su Hướng Hóa"),
                          ("CÔNG ĐOÀN NGÀNH GIÁO DỤC TỈNH KON TUM", "Công đoàn ngành Giáo dục tỉnh Kon Tum")):
        assert _txt(tmp_path, first)["issuer"] == issuer


def test_a_title_without_a_stop_ends_where_the_body_opens(tmp_path: Path) -> None:
    """Typed without a blank line, the title under "KẾ HOẠCH" is not swallowed by the body's first sentence."""
    for title, opener, want in (
            ("Thực hiện Chương trình chăm lo đời sống đoàn viên giai đoạn 2026 – 2028",
             "Ban Thường vụ Liên đoàn Lao động tỉnh ban hành kế hoạch thực hiện như sau:", "giai đoạn 2026–2028"),
            ("Tổ chức Giải bóng chuyền hơi nữ công nhân viên chức năm 2027",
             "Căn cứ Chương trình công tác năm 2027 của Ban Chấp hành Công đoàn ngành;", 2027)):
        path = tmp_path / "plan.txt"
        path.write_text(f"LIÊN ĐOÀN LAO ĐỘNG TỈNH GIA LAI\nKẾ HOẠCH\n{title}\n{opener}\nI. MỤC ĐÍCH\n"
                        "Các công đoàn cơ sở gửi báo cáo về LĐLĐ tỉnh trước ngày 15/12/2027.\n", encoding="utf-8")
        data = _data(path)
        assert data["title"] == title
        assert data.get("span", data.get("year")) == want


def test_a_row_with_more_cells_than_names_keeps_them_unnamed() -> None:
    """A merged name in the first row leaves a data cell without a name: it is kept, in brackets."""
    rows = [[["Nội dung"], ["Thời gian"]], [["Họp Ban Chấp hành"], ["Ngày 05/3/2027"], ["Hội trường tầng 2"]]]
    assert table_lines(rows)[1] == "Họp Ban Chấp hành: ngày 05/3/2027 (Hội trường tầng 2)."
