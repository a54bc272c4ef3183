"""Read a received plan into text (imperative shell): .txt, .docx, .pdf, images, .doc.

Text files: UTF-8 (with or without BOM), UTF-16 (BOM), and the legacy
Vietnamese byte encodings (Windows-1258, TCVN3, VNI; see
`legacy_encodings`). Word files through python-docx (paragraphs and tables in
document order), legacy .doc through LibreOffice. PDFs through pypdf; a page
with no text layer is a scan and goes through Tesseract OCR with Vietnamese
data (pdftoppm rasterises it). Everything is NFC-normalised and CRLF becomes LF.

Missing tools raise `ToolMissing` (exit 69) with what to install, in Vietnamese.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from scheduler.errors import BadRequest, CalendarNotFound, ToolMissing
from scheduler.plans.legacy_encodings import decode_vietnamese

TEXT_SUFFIXES = {".txt", ".text", ".md"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}
OCR_DPI = 300
OCR_WORKERS = os.cpu_count() or 1
# A page with fewer letters than this in its text layer is taken for a scan.
MIN_TEXT_CHARS = 40
# Seconds LibreOffice may take to turn a .doc into .docx (its first start builds a profile).
DOC_TIMEOUT: float = 180


@dataclass(frozen=True, slots=True)
class PlanText:
    """The plan as text: one string per page (one page for .txt and .docx)."""

    pages: tuple[str, ...]
    paged: bool  # True for PDFs and scans: locations are "trang N"
    how: str  # Vietnamese: how it was read ("UTF-8", "OCR (Tesseract, vie)")
    ocr: bool = False

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


def normalize(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "").replace("\u00a0", " ")
    return unicodedata.normalize("NFC", text)


def decode_text(raw: bytes) -> tuple[str, str]:
    """Bytes of a .txt plan → (text, encoding name)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "UTF-8"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "UTF-16"
    if len(raw) >= 4 and raw[1] == 0 and raw[3] == 0:
        return raw.decode("utf-16-le"), "UTF-16"
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        text, name = decode_vietnamese(raw)
        return text, {"windows-1258": "Windows-1258", "tcvn3": "TCVN3 (ABC)", "vni": "VNI"}[name]


def read_plan(path: Path) -> PlanText:
    if not path.is_file():
        raise CalendarNotFound(f"Không tìm thấy tệp kế hoạch {path}")
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES or suffix == "":
        text, how = decode_text(path.read_bytes())
        return PlanText((normalize(text),), False, how)
    if suffix == ".docx":
        return PlanText((normalize(read_docx(path)),), False, "Word (.docx)")
    if suffix == ".doc":
        return _read_doc(path)
    if suffix == ".pdf":
        return read_pdf(path)
    if suffix in IMAGE_SUFFIXES:
        return PlanText((normalize(ocr_image(path)),), True, "OCR (Tesseract, vie)", ocr=True)
    raise BadRequest(
        f"{path}: không đọc được loại tệp '{suffix}'. Hỗ trợ: .txt, .docx, .doc, .pdf, ảnh quét (.png, .jpg, .tif)"
    )


def read_docx(path: Path) -> str:
    from docx import Document  # python-docx, only here
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(str(path))
    lines: list[str] = []
    for block in doc.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, doc).text)
        elif tag == "tbl":
            for row in Table(block, doc).rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # merged cells repeat
                        continue
                    seen.add(id(cell._tc))
                    lines.extend(p.text for p in cell.paragraphs)
    return "\n".join(lines)


def read_pdf(path: Path) -> PlanText:
    from pypdf import PdfReader  # only here

    reader = PdfReader(str(path))
    pages: list[str] = []
    scanned: list[int] = []
    for number, page in enumerate(reader.pages, start=1):
        # Layout mode keeps the blank lines between paragraphs; its column padding is dropped.
        text = normalize(page.extract_text(extraction_mode="layout") or "")
        text = "\n".join(" ".join(line.split()) for line in text.split("\n"))
        if sum(ch.isalpha() for ch in text) < MIN_TEXT_CHARS:
            scanned.append(number)
        pages.append(text)
    if not scanned:
        return PlanText(tuple(pages), True, "PDF có lớp chữ")
    for number, text in zip(scanned, ocr_pdf_pages(path, scanned), strict=True):
        pages[number - 1] = normalize(text)
    how = "PDF quét, OCR (Tesseract, vie)" if len(scanned) == len(pages) else f"PDF, OCR {len(scanned)} trang quét"
    return PlanText(tuple(pages), True, how, ocr=True)


def _need(program: str, package: str) -> str:
    found = shutil.which(program)
    if not found:
        raise ToolMissing(
            f"Cần chương trình '{program}' để đọc tệp này nhưng máy chưa cài. "
            f"Cài bằng: sudo apt-get install {package}"
        )
    return found


def _check_vie(tesseract: str) -> None:
    langs = subprocess.run([tesseract, "--list-langs"], capture_output=True, text=True, check=False)
    if "vie" not in (langs.stdout + langs.stderr).split():
        raise ToolMissing(
            "Tesseract chưa có dữ liệu tiếng Việt nên không nhận dạng được bản quét. "
            "Cài bằng: sudo apt-get install tesseract-ocr-vie"
        )


def ocr_image(path: Path) -> str:
    tesseract = _need("tesseract", "tesseract-ocr tesseract-ocr-vie")
    _check_vie(tesseract)
    return _tesseract(tesseract, path)


def _tesseract(tesseract: str, path: Path) -> str:
    # One thread per page: pages run side by side, and Tesseract's own threads only contend.
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    done = subprocess.run(
        [tesseract, str(path), "stdout", "-l", "vie", "--psm", "4"], capture_output=True, check=False, env=env
    )
    if done.returncode != 0:
        raise BadRequest(f"{path}: Tesseract không đọc được ảnh: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout.decode("utf-8", errors="replace")


def ocr_pdf_pages(path: Path, pages: list[int]) -> list[str]:
    """OCR the given 1-based pages of a PDF, in order, several pages at a time."""
    pdftoppm = _need("pdftoppm", "poppler-utils")
    tesseract = _need("tesseract", "tesseract-ocr tesseract-ocr-vie")
    _check_vie(tesseract)
    with tempfile.TemporaryDirectory(prefix="lichthidua-ocr-") as tmp:
        images: list[Path] = []
        for number in pages:
            stem = Path(tmp) / f"p{number}"
            subprocess.run(
                [pdftoppm, "-r", str(_scan_dpi(path, number)), "-gray", "-png", "-f", str(number), "-l", str(number),
                 "-singlefile", str(path), str(stem)],
                check=True, capture_output=True,
            )
            images.append(stem.with_suffix(".png"))
        with ThreadPoolExecutor(max_workers=max(1, min(OCR_WORKERS, len(images)))) as pool:
            return list(pool.map(lambda image: _tesseract(tesseract, image), images))


def _scan_dpi(path: Path, page: int) -> int:
    """The resolution the page was scanned at (no use rasterising a 200 dpi scan at 300), at most OCR_DPI."""
    pdfimages = shutil.which("pdfimages")
    if not pdfimages:
        return OCR_DPI
    listing = subprocess.run([pdfimages, "-list", "-f", str(page), "-l", str(page), str(path)],
                             capture_output=True, text=True, check=False).stdout
    ppi = [int(row.split()[12]) for row in listing.splitlines()[2:] if len(row.split()) > 13 and row.split()[12].isdigit()]
    return max(150, min(OCR_DPI, max(ppi))) if ppi else OCR_DPI


def _read_doc(path: Path) -> PlanText:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise ToolMissing(
            f"{path}: tệp Word cũ (.doc) cần LibreOffice để chuyển sang .docx. "
            "Cài bằng: sudo apt-get install libreoffice-writer-nogui — hoặc mở tệp trong Word và lưu thành .docx"
        )
    with tempfile.TemporaryDirectory(prefix="lichthidua-doc-") as tmp:
        # A private profile: parallel imports (and a user's open LibreOffice) do not share one and hand off.
        profile = Path(tmp) / "profile"
        outdir = Path(tmp) / "out"
        try:
            done = subprocess.run(
                [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nolockcheck",
                 "--convert-to", "docx", "--outdir", str(outdir), str(path.resolve())],
                capture_output=True, timeout=DOC_TIMEOUT, check=False, stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise BadRequest(
                f"{path}: LibreOffice chuyển tệp .doc quá {DOC_TIMEOUT} giây nên đã dừng. "
                "Hãy mở tệp trong Word hoặc LibreOffice và lưu thành .docx rồi nhập lại"
            ) from None
        converted = outdir / (path.stem + ".docx")
        if done.returncode != 0 or not converted.is_file():
            raise BadRequest(f"{path}: {_soffice_failure(done.stderr.decode(errors='replace'))}. "
                             "Hãy mở tệp trong Word và lưu thành .docx rồi nhập lại")
        return PlanText((normalize(read_docx(converted)),), False, "Word cũ (.doc) qua LibreOffice")


def _soffice_failure(stderr: str) -> str:
    """What went wrong, in Vietnamese, from LibreOffice's stderr (which also carries harmless Java warnings)."""
    if "source file could not be loaded" in stderr:
        return "LibreOffice không mở được tệp (tệp hỏng, có mật khẩu, hoặc không phải tệp Word)"
    errors = [line.strip() for line in stderr.splitlines() if line.strip().lower().startswith("error")]
    said = f" (LibreOffice báo: {'; '.join(errors)})" if errors else ""
    return f"LibreOffice không chuyển được tệp sang .docx{said}"
