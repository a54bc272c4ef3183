"""Schedule tables in Word plans, and headers typed without the administrative layout.

Plans often give their schedule as a table ("TT | Nội dung | Thời gian | Đơn vị thực hiện"); each row
must be read as the task it is, its date beside its content. And a plan published as plain text often
opens with the issuer on its own line, in capitals or not, then "KẾ HOẠCH" and the title: the issuer,
its place and the title are read from those lines alone. Every passage is written for these tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest
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


# -- schedule tables in scans ----------------------------------------------------------------------------------
def _tsv(lines: list[tuple[int, list[tuple[int, str]]]], rules: tuple[int, ...] = ()) -> str:
    """Tesseract's TSV for words at (left, text) on lines at the given tops, and rules as blocks of their own."""
    rows = ["level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"]
    for block, top in enumerate(rules, start=100):
        rows.append(f"2\t1\t{block}\t0\t0\t0\t50\t{top}\t2000\t3\t-1\t")
    for number, (top, words) in enumerate(lines, start=1):
        rows.append(f"4\t1\t1\t1\t{number}\t0\t50\t{top}\t2000\t40\t-1\t")
        rows += [f"5\t1\t1\t1\t{number}\t{k}\t{left}\t{top}\t{20 * len(text)}\t40\t95\t{text}"
                 for k, (left, text) in enumerate(words, start=1)]
    return "\n".join(rows) + "\n"


def _words(left: int, text: str) -> list[tuple[int, str]]:
    out, at = [], left
    for word in text.split():
        out.append((at, word))
        at += 20 * len(word) + 20
    return out


def test_a_scanned_table_is_read_by_the_word_boxes() -> None:
    from scheduler.plans.ocr_layout import page_text

    tsv = _tsv([(100, _words(100, "TT") + _words(300, "Nội dung") + _words(760, "Thời gian")),
                # a rule read into a word: "xã|Chậm" is two cells, "xã" ending one, "Chậm" opening the next
                (200, _words(100, "1") + _words(300, "Công đoàn cơ sở các") + [(700, "xã|Chậm")] + _words(860, "nhất")),
                (250, _words(300, "gửi báo cáo") + _words(760, "ngày 9/10/2027")),
                (350, _words(100, "2") + _words(300, "Hội nghị tổng kết") + [(740, "|Ngày")] + _words(860, "20/12/2027"))],
               rules=(150, 300))
    assert page_text("Tesseract's own text", tsv).split("\n") == [
        "TT – Nội dung – Thời gian.", "", "Công đoàn cơ sở các xã gửi báo cáo: chậm nhất ngày 9/10/2027.", "", "",
        "Hội nghị tổng kết: ngày 20/12/2027."]


def test_a_scanned_page_without_a_table_keeps_tesseracts_text() -> None:
    from scheduler.plans.ocr_layout import page_text

    tsv = _tsv([(100, _words(100, "Đợt 1: từ ngày 1/3/2027")), (150, _words(100, "đến ngày 30/4/2027."))])
    assert page_text("Đợt 1: từ ngày 1/3/2027\nđến ngày 30/4/2027.\n", tsv) == \
        "Đợt 1: từ ngày 1/3/2027\nđến ngày 30/4/2027.\n"


def _scan(pdf: Path) -> Path:
    from tests.plan_files import ocr_available, to_scanned_pdf

    why = ocr_available()
    if why:
        pytest.skip(why)
    return to_scanned_pdf(pdf, pdf.with_name(pdf.stem + "-quet.pdf"))


def _items_of(data: dict[str, object]) -> dict[str, object]:
    return {"deadlines": {(d["date"], d["due"], d.get("submitted_by"), d.get("submit_to"))  # type: ignore[index]
                          for d in data.get("deadlines") or []},  # type: ignore[union-attr]
            "events": {e["date"] for e in data.get("events") or []},  # type: ignore[index,union-attr]
            "year": data.get("year"), "title": data.get("title")}


@pytest.mark.slow
def test_a_schedule_table_in_a_scan_reads_as_in_the_text_pdf(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path / "hoi-thao.pdf",
               ["LIÊN ĐOÀN LAO ĐỘNG HUYỆN IA PA", "KẾ HOẠCH", "Tổ chức Hội thao công nhân viên chức năm 2027",
                "III. TIẾN ĐỘ"],
               [["STT", "Nội dung", "Thời gian", "Chủ trì"],
                ["1", "Các công đoàn cơ sở đăng ký danh sách vận động viên với Văn phòng LĐLĐ huyện",
                 "Trước ngày 05/4/2027", "Các công đoàn cơ sở"],
                ["2", "Khai mạc Hội thao tại sân vận động huyện", "Ngày 17/4/2027", "Ban Tổ chức"],
                ["3", "Bế mạc, trao giải Hội thao", "Ngày 18/4/2027", "Ban Thường vụ"]],
               (14, 80, 45, 48))
    text = _data(pdf)
    assert _items_of(text)["events"] == {"17/4/2027", "18/4/2027"}
    scanned = _data(_scan(pdf))
    assert _items_of(scanned) == _items_of(text)
    assert scanned["issuer"] == text["issuer"] == "Liên đoàn Lao động huyện Ia Pa"


@pytest.mark.slow
def test_a_word_plan_printed_and_scanned_reads_as_the_word_file(tmp_path: Path) -> None:
    """A school's plan typed in Word (the header in a two-column table, a bordered schedule table), printed
    and scanned: the same title, issuer and items as the Word file."""
    import shutil
    import subprocess

    from docx import Document

    if not shutil.which("soffice"):
        pytest.skip("cần LibreOffice (soffice) để in tệp Word ra PDF")
    doc = Document()
    header = doc.add_table(rows=1, cols=2)
    for cell, lines in zip(header.rows[0].cells, (["LĐLĐ HUYỆN LẮK", "CÔNG ĐOÀN TRƯỜNG TH YANG TAO", "Số: 11/KH-CĐ"],
                                                  ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                                                   "Yang Tao, ngày 01 tháng 3 năm 2027"]), strict=True):
        cell.text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)
    for line in ("KẾ HOẠCH", "Tổ chức các hoạt động chào mừng Ngày Quốc tế Phụ nữ năm 2027",
                 "Ban Chấp hành Công đoàn trường xây dựng kế hoạch như sau:", "II. THỜI GIAN THỰC HIỆN"):
        doc.add_paragraph(line)
    rows = [["TT", "Nội dung công việc", "Thời gian", "Người thực hiện"],
            ["1", "Các tổ công đoàn đăng ký tiết mục văn nghệ với Ban Nữ công", "Chậm nhất ngày 04/3/2027",
             "Tổ trưởng"],
            ["2", "Gặp mặt nữ giáo viên, nhân viên và giao lưu văn nghệ", "Ngày 08/3/2027", "Ban Chấp hành"]]
    grid = doc.add_table(rows=len(rows), cols=4)
    grid.style = "Table Grid"
    for row, values in zip(grid.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    doc.add_paragraph("Trên đây là kế hoạch của Công đoàn trường.")
    docx = tmp_path / "phu-nu.docx"
    doc.save(str(docx))
    profile = tmp_path / "soffice-profile"  # private: tests run side by side
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
                   check=True, capture_output=True, timeout=180)
    word = _data(docx)
    assert _items_of(word)["events"] == {"08/3/2027"} and len(_items_of(word)["deadlines"]) == 1  # type: ignore[arg-type]
    scanned = _data(_scan(tmp_path / "phu-nu.pdf"))
    assert _items_of(scanned) == _items_of(word)
    assert str(scanned["issuer"]).startswith("Công đoàn Tr")  # the school's union, not the district's
