"""Reading received plans: text encodings, Word, missing tools, and `lichthidua import` end to end."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from scheduler.plans.legacy_encodings import encode_cp1258, encode_tcvn3, encode_vni, recase_tcvn3
from scheduler.plans.reading import decode_text, read_plan
from scheduler.plans.service import import_plan
from tests.conftest import CALENDARS
from tests.plan_files import SEEDS, seed_text, soffice_missing, to_doc, to_docx

SAMPLE = ("Kon Tum, ngày 21 tháng 02 năm 2024. Đợt 1: Từ tháng 01/2024 đến 31/7/2024; "
          "kỷ niệm 95 năm Ngày thành lập Công đoàn Việt Nam.")


@pytest.mark.parametrize(("encode", "name"), [
    (lambda t: t.encode("utf-8"), "UTF-8"),
    (lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), "UTF-8"),
    (lambda t: t.encode("utf-16"), "UTF-16"),
    (encode_cp1258, "Windows-1258"),
    (encode_vni, "VNI"),
])
def test_text_encodings_are_detected(encode, name: str) -> None:  # type: ignore[no-untyped-def]
    text, how = decode_text(encode(SAMPLE))
    assert how == name
    assert read_normalized(text) == SAMPLE


def test_cp1258_combining_tones_are_composed() -> None:
    # Windows-1258 writes "ế" as "ê" + combining acute; the reader gives one NFC character.
    raw = encode_cp1258("ế")
    assert len(raw) == 2
    assert decode_text(raw + b" " + encode_cp1258("Việt Nam")) == ("ế Việt Nam", "Windows-1258")


def test_tcvn3_lowercase_text() -> None:
    # TCVN3 capitals with tone marks lived in a separate font: the bytes are those of the lowercase letters.
    sample = SAMPLE.lower()
    text, how = decode_text(encode_tcvn3(sample))
    assert (how, text) == ("TCVN3 (ABC)", sample)


# A title typed in capitals and an ordinary sentence (our own words).
TCVN3_TITLE = "KẾ HOẠCH TỔ CHỨC THI ĐUA Ở CÁC CÔNG ĐOÀN CƠ SỞ"
TCVN3_SENTENCE = "Công đoàn ngành Giáo dục Đà Nẵng mời Đoàn viên ở Hà Nội về dự Hội nghị tổng kết."


def test_tcvn3_bytes_lose_the_case_of_toned_capitals() -> None:
    # What the capitals font did: "KẾ HOẠCH" and "Kế HOạCH" are the same bytes.
    assert encode_tcvn3("KẾ HOẠCH") == encode_tcvn3("Kế HOạCH")
    assert decode_text(encode_tcvn3(f"{TCVN3_SENTENCE}\nKế HOạCH"))[0].endswith("\nKẾ HOẠCH")


@pytest.mark.parametrize("text", [
    TCVN3_TITLE,
    TCVN3_SENTENCE,
    f"{TCVN3_TITLE}\r\n\r\n{TCVN3_SENTENCE}\r\n",
    "CÔNG ĐOÀN GIÁO DỤC\nTừ ngày 05/9/2026, các trường gửi BÁO CÁO TỔNG KẾT về Công đoàn huyện.",
])
def test_tcvn3_capitals_come_back_in_words_written_in_capitals(text: str) -> None:
    decoded, how = decode_text(encode_tcvn3(text))
    assert (how, decoded) == ("TCVN3 (ABC)", text)


@pytest.mark.parametrize(("decoded", "want"), [
    ("Kế HOạCH", "KẾ HOẠCH"),                 # a line in capitals: the short word too
    ("CÔNG ĐOàN", "CÔNG ĐOÀN"),
    ("Công văn về HOạT ĐộNG của Sở", "Công văn về HOẠT ĐỘNG của Sở"),  # capitals inside a sentence
    ("Công Đoàn Hà Nội", "Công Đoàn Hà Nội"),   # words in ordinary case stay
    ("Đà Nẵng", "Đà Nẵng"),
    ("Đà", "Đà"),
    ("ở UBND", "ở UBND"),                       # an acronym alone proves nothing about its neighbours
    ("Về ĐH Huế", "Về ĐH Huế"),
])
def test_tcvn3_recasing_rule(decoded: str, want: str) -> None:
    assert recase_tcvn3(decoded) == want


def test_tcvn3_plan_with_a_title_in_capitals_imports_like_its_utf8_copy(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    text = ("CÔNG ĐOÀN GIÁO DỤC HUYỆN MINH HÒA\n\nKẾ HOẠCH\n"
            "THI ĐUA CHÀO MỪNG NGÀY NHÀ GIÁO VIỆT NAM NĂM HỌC 2026-2027\n\n"
            "Công đoàn huyện đề ra kế hoạch thi đua trong các trường học như sau.\n\n"
            "Đợt 1: Từ ngày 05/9/2026 đến ngày 20/11/2026.\n"
            "- Các công đoàn cơ sở gửi báo cáo sơ kết về Công đoàn huyện chậm nhất ngày 25/11/2026.\n")
    legacy, utf8 = tmp_path / "minh-hoa.txt", tmp_path / "minh-hoa-utf8.txt"
    legacy.write_bytes(encode_tcvn3(text).replace(b"\n", b"\r\n"))
    utf8.write_text(text, encoding="utf-8")
    plan = read_plan(legacy)
    assert plan.how == "TCVN3 (ABC)"
    assert "\nKẾ HOẠCH\n" in plan.pages[0] and plan.pages[0].startswith("CÔNG ĐOÀN GIÁO DỤC HUYỆN MINH HÒA\n")
    run = cli("import", legacy, "--calendars", CALENDARS)
    want = cli("import", utf8, "--calendars", CALENDARS)
    assert run.exit_code == want.exit_code == 0
    assert "title: Thi đua chào mừng" in run.stdout and "KIỂM TRA: không tìm thấy trích yếu" not in run.stdout
    assert run.stdout.splitlines()[1:] == want.stdout.splitlines()[1:]  # all but the line naming the encoding


def read_normalized(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", text)


def test_legacy_seed_file_drafts_the_same_calendar(tmp_path: Path) -> None:
    text = seed_text("ninh-thuan-2023").replace("\n", "\r\n")
    legacy = tmp_path / "ninh-thuan.txt"
    legacy.write_bytes(encode_vni(text))
    want = import_plan(SEEDS / "ninh-thuan-2023.txt", CALENDARS).draft.yaml
    got = import_plan(legacy, CALENDARS)
    assert got.plan.how == "VNI"
    load = YAML(typ="safe").load
    assert load(got.draft.yaml) == load(want)


def test_unknown_suffix_is_a_usage_error(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    odd = tmp_path / "ke-hoach.odt"
    odd.write_bytes(b"x")
    run = cli("import", odd, "--calendars", CALENDARS)
    assert run.exit_code == 64 and "không đọc được loại tệp '.odt'" in run.stderr


def test_missing_plan_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run = cli("import", tmp_path / "khong-co.docx", "--calendars", CALENDARS)
    assert run.exit_code == 66 and "Không tìm thấy tệp kế hoạch" in run.stderr


def test_scan_without_tesseract_says_what_to_install(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    image = tmp_path / "trang-1.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n")
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without tesseract
    run = cli("import", image, "--calendars", CALENDARS)
    assert run.exit_code == 69
    assert "sudo apt-get install tesseract-ocr tesseract-ocr-vie" in run.stderr


def test_legacy_doc_without_libreoffice(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    doc = tmp_path / "ke-hoach.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    monkeypatch.setenv("PATH", str(tmp_path))
    run = cli("import", doc, "--calendars", CALENDARS)
    assert run.exit_code == 69 and "LibreOffice" in run.stderr and "lưu thành .docx" in run.stderr


@pytest.mark.slow
@pytest.mark.skipif(soffice_missing() is not None, reason=soffice_missing() or "")
def test_legacy_doc_drafts_the_same_calendar_through_libreoffice(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    # A real Word 97-2003 file: the seed written with python-docx, saved as .doc by LibreOffice.
    made = tmp_path / "made"
    made.mkdir()
    doc = to_doc(to_docx(seed_text("kon-tum-2024"), made / "kon-tum-2024.docx"), made)
    draft = tmp_path / "kon-tum-2024.yaml"
    run = cli("import", doc, "--calendars", CALENDARS, "-o", draft)
    assert run.exit_code == 0, run.output
    assert "Word cũ (.doc) qua LibreOffice" in run.stderr
    load = YAML(typ="safe").load
    want = import_plan(SEEDS / "kon-tum-2024.txt", CALENDARS).draft.yaml
    assert load(draft.read_text(encoding="utf-8")) == load(want)
    assert not list(Path(tempfile.gettempdir()).glob(f"lichthidua-doc-*/out/{doc.stem}.docx"))


@pytest.mark.skipif(soffice_missing() is not None, reason=soffice_missing() or "")
def test_a_broken_doc_is_a_clear_error(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    doc = tmp_path / "ke-hoach.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    run = cli("import", doc, "--calendars", CALENDARS)
    assert run.exit_code == 65, run.output
    assert "LibreOffice không mở được tệp (tệp hỏng" in run.stderr and "lưu thành .docx" in run.stderr
    assert "javaldx" not in run.stderr and "Warning" not in run.stderr


def test_a_hung_libreoffice_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from scheduler.document_limits import DocumentLimits
    from scheduler.errors import DocumentTooLarge

    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\nexec {shutil.which('sleep') or '/bin/sleep'} 60\n", encoding="utf-8")  # never converts
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    doc = tmp_path / "ke-hoach.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    with pytest.raises(DocumentTooLarge, match=r"thời gian đọc vượt giới hạn 0.3 giây.*plan_max_seconds"):
        read_plan(doc, DocumentLimits(seconds=0.3))


def test_import_writes_a_draft_that_passes_check(calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    target = calendars_dir / "kon-tum-2024.yaml"
    refused = cli("import", SEEDS / "kon-tum-2024.txt", "-o", target)
    assert refused.exit_code == 73 and "--force" in refused.stderr
    run = cli("import", SEEDS / "kon-tum-2024.txt", "-o", target, "--force")
    assert run.exit_code == 0, run.output
    assert "Tìm thấy: 2 đợt thi đua" in run.stderr and "3 hạn chót" in run.stderr
    assert "Cần kiểm tra (1 mục" in run.stderr and "dòng 89" in run.stderr
    assert target.read_text(encoding="utf-8").startswith("# Bản nháp do `lichthidua import`")
    check = cli("check", target)
    assert check.exit_code == 0, check.output


def test_import_prints_to_stdout_by_default(cli) -> None:  # type: ignore[no-untyped-def]
    run = cli("import", SEEDS / "lao-cai-2024.txt", "--calendars", CALENDARS)
    assert run.exit_code == 0
    data = YAML(typ="safe").load(run.stdout)
    assert (data["id"], data["issuer"]) == ("lao-cai-2024", "Liên đoàn Lao động tỉnh Lào Cai")
    assert "Bước tiếp" in run.stderr


def test_docx_tables_are_read_in_order(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("Trước bảng")
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Đợt 1"
    table.cell(0, 1).text = "Từ 01/01/2024 đến 30/6/2024"
    doc.add_paragraph("Sau bảng")
    path = tmp_path / "bang.docx"
    doc.save(str(path))
    assert read_plan(path).text.split("\n") == ["Trước bảng", "Đợt 1", "Từ 01/01/2024 đến 30/6/2024", "Sau bảng"]


def test_tesseract_data_dir_is_not_needed_for_text_formats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert read_plan(SEEDS / "cao-bang-2017.txt").how == "UTF-8"
    assert os.environ["PATH"] == str(tmp_path)


def test_the_docs_import_example_is_what_import_prints(calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    import re

    from tests.conftest import REPO

    readme = (REPO / "docs" / "nhap-ke-hoach.md").read_text(encoding="utf-8")
    (shown,) = [b for b in re.findall(r"^```text\n(.*?)^```", readme, flags=re.S | re.M) if "lichthidua import" in b]
    command, *printed = shown.rstrip("\n").split("\n")
    args = command.split("./run lichthidua ", 1)[1].split()
    plan = SEEDS / Path(args[1]).name
    run = cli(args[0], plan, *args[2:])
    assert run.exit_code == 0
    assert run.stderr.rstrip("\n").split("\n") == printed
    (draft_head,) = [b for b in re.findall(r"^```yaml\n(.*?)^```", readme, flags=re.S | re.M) if b.startswith("# Bản nháp")]
    assert (calendars_dir / "kon-tum-2024.yaml").read_text(encoding="utf-8").startswith(draft_head)


def test_the_docs_exit_codes_for_plans() -> None:
    from scheduler import errors
    from tests.conftest import REPO

    text = " ".join((REPO / "docs" / "nhap-ke-hoach.md").read_text(encoding="utf-8").split())
    assert ("`import` và `lint-plan`: 0 xong, 65 `lint-plan` có phát hiện, 66 không tìm thấy kế hoạch, "
            "69 thiếu chương trình cần để đọc kế hoạch (Tesseract, LibreOffice), 73 tệp đích đã có") in text
    assert errors.OutputError.exit_code == 73  # import -o onto an existing file without --force
    assert errors.ToolMissing.exit_code == 69 and errors.CalendarNotFound.exit_code == 66


def test_the_output_name_is_the_draft_id(calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """`-o kon-tum-2025.yaml`: the name the admin gives is the id they want, and `check` accepts the draft."""
    target = calendars_dir / "kon-tum-2025.yaml"
    run = cli("import", SEEDS / "kon-tum-2024.txt", "-o", target)
    assert run.exit_code == 0, run.output
    assert "Mã lịch: kon-tum-2025 (theo tên tệp -o; văn bản gợi ý 'kon-tum-2024')" in run.stderr
    text = target.read_text(encoding="utf-8")
    assert "\nid: kon-tum-2025\n" in text and "văn bản gợi ý kon-tum-2024" in text
    check = cli("check", target)
    assert check.exit_code == 0, check.output


@pytest.mark.parametrize(("name", "why"), [
    ("Kon Tum 2025.yaml", "chữ thường không dấu"),
    ("kế-hoạch.yaml", "Ví dụ: -o"),
    ("kon_tum.yaml", "kon-tum.yaml"),
    ("kon-tum-2025.txt", "đuôi .yaml"),
])
def test_an_output_name_check_would_refuse_is_refused_with_the_reason(calendars_dir: Path, cli, name: str, why: str) -> None:  # type: ignore[no-untyped-def]
    target = calendars_dir / name
    run = cli("import", SEEDS / "kon-tum-2024.txt", "-o", target)
    assert run.exit_code == 64
    assert why in run.stderr and "-o" in run.stderr
    assert not target.exists()


def test_a_heading_in_capitals_keeps_the_capitals_vietnamese_writes() -> None:
    from scheduler.plans.text import sentence_case

    assert sentence_case("CÔNG ĐOÀN NGÀNH Y TẾ TỈNH QUẢNG TRỊ") == "Công đoàn ngành Y tế tỉnh Quảng Trị"
    assert sentence_case("CÔNG ĐOÀN CƠ SỞ TRƯỜNG TIỂU HỌC XÃ HÒA BÌNH") == "Công đoàn cơ sở trường tiểu học xã Hòa Bình"
    assert sentence_case("HƯỞNG ỨNG NGÀY PHÁP LUẬT VIỆT NAM") == "Hưởng ứng ngày pháp luật Việt Nam"
