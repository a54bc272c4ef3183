"""The same plan gives the same draft from every format it arrives in.

A Word file typed the way most people type (no empty paragraph between
paragraphs), the administrative header in a two-column table (.docx) or laid out
in two columns (PDF, whose lines interleave when read back), or typed side by
side with spaces (.txt): the draft's data equal the one from the plain text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from scheduler.plans.reading import read_plan
from scheduler.plans.service import import_plan
from tests.conftest import CALENDARS
from tests.plan_files import SEED_IDS, SEEDS, seed_text, to_docx, to_text_pdf

HEADER = (
    ["LIÊN ĐOÀN LAO ĐỘNG TỈNH KON TUM", "BAN THƯỜNG VỤ", "Số: 15 /HD-LĐLĐ"],
    ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Kon Tum, ngày 21 tháng 02 năm 2024"],
)


def _data(path: Path) -> dict[str, object]:
    return YAML(typ="safe").load(import_plan(path, CALENDARS).draft.yaml)  # type: ignore[no-any-return]


def _kon_tum_body() -> str:
    """The Kon Tum plan from its heading on: the header comes from the test."""
    text = seed_text("kon-tum-2024")
    return text[text.index("## HƯỚNG DẪN"):]


@pytest.fixture(scope="module")
def typed_header(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The header typed line by line, left column then right, above the plan: what every format must give."""
    path = tmp_path_factory.mktemp("typed") / "plan.txt"
    path.write_text("\n".join(HEADER[0] + HEADER[1]) + "\n\n" + _kon_tum_body(), encoding="utf-8")
    data = _data(path)
    document = data["document"]
    assert isinstance(document, dict)
    assert (document["number"], document["place"], document["date"]) == ("15/HD-LĐLĐ", "Kon Tum", "21/02/2024")
    assert (data["id"], data["year"], data["issuer"]) == ("kon-tum-2024", 2024, "Liên đoàn Lao động tỉnh Kon Tum")
    return data


@pytest.mark.parametrize("seed_id", SEED_IDS)
def test_docx_typed_without_empty_paragraphs(seed_id: str, tmp_path: Path) -> None:
    """One paragraph per line and no empty ones: title, issuer, year and id are still read."""
    want = _data(SEEDS / f"{seed_id}.txt")
    docx = to_docx(seed_text(seed_id), tmp_path / f"{seed_id}.docx", blank_paragraphs=False)
    assert "" not in read_plan(docx).text.split("\n")
    assert _data(docx) == want


def test_docx_header_in_a_two_column_table(typed_header: dict[str, object], tmp_path: Path) -> None:
    for blank_paragraphs in (True, False):
        docx = to_docx(_kon_tum_body(), tmp_path / f"bang-{blank_paragraphs}.docx", blank_paragraphs=blank_paragraphs,
                       header=HEADER)
        assert _data(docx) == typed_header


def test_pdf_header_in_two_columns(typed_header: dict[str, object], tmp_path: Path) -> None:
    pdf = to_text_pdf(_kon_tum_body(), tmp_path / "hai-cot.pdf", header=HEADER)
    first = read_plan(pdf).pages[0].split("\n")[0]
    assert "CỘNG HÒA" in first and "KON TUM" in first  # the two columns share a line when read back
    assert _data(pdf) == typed_header


def test_txt_header_typed_side_by_side_with_spaces(typed_header: dict[str, object], tmp_path: Path) -> None:
    rows = [f"{left:<40}{right}" for left, right in zip(HEADER[0], HEADER[1], strict=True)]
    path = tmp_path / "canh-nhau.txt"
    path.write_text("\n".join(rows) + "\n\n" + _kon_tum_body(), encoding="utf-8")
    assert _data(path) == typed_header


def test_blank_number_and_dotted_day_in_a_side_by_side_header(tmp_path: Path) -> None:
    """A template's header: "Số:    /KH-CĐ" and ".........., ngày …. tháng …. năm 2027" on one line."""
    path = tmp_path / "mau.txt"
    path.write_text(
        "CÔNG ĐOÀN TRƯỜNG THCS HÒA AN          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Số:    /KH-CĐ                    .........., ngày …. tháng …. năm 2027\n\n"
        "KẾ HOẠCH\nTổ chức hoạt động kỷ niệm 117 năm ngày Quốc tế Phụ nữ 8/3 (8/3/1910 – 8/3/2027)\n",
        encoding="utf-8",
    )
    data = _data(path)
    document = data["document"]
    assert isinstance(document, dict)
    assert (document["number"], document["date"], data["year"]) == ("/KH-CĐ", "2027", 2027)
    assert "place" not in document


def _header_of(data: dict[str, object]) -> dict[str, object]:
    return {k: data.get(k) for k in ("id", "year", "issuer", "document")}


@pytest.mark.slow
def test_doc_with_the_header_in_a_table(typed_header: dict[str, object], tmp_path: Path) -> None:
    """An old Word file (.doc, through LibreOffice) typed without empty paragraphs, header in a table."""
    import shutil

    from tests.plan_files import to_doc

    if not shutil.which("soffice"):
        pytest.skip("cần LibreOffice (soffice) để tạo tệp .doc")
    docx = to_docx(_kon_tum_body(), tmp_path / "bang.docx", blank_paragraphs=False, header=HEADER)
    assert _data(to_doc(docx, tmp_path)) == typed_header


@pytest.mark.slow
def test_scan_of_a_two_column_header(typed_header: dict[str, object], tmp_path: Path) -> None:
    """OCR reads the two columns as one line joined by a space: the header is still read."""
    from tests.plan_files import ocr_available, to_scanned_pdf

    why = ocr_available()
    if why:
        pytest.skip(why)
    pdf = to_text_pdf(_kon_tum_body(), tmp_path / "hai-cot.pdf", header=HEADER)
    scan = to_scanned_pdf(pdf, tmp_path / "quet.pdf", first=1, last=1)
    assert _header_of(_data(scan)) == _header_of(typed_header)
