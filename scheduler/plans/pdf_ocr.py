"""Read a PDF plan, and OCR scans (imperative shell): the text layer through pypdf, page by page; a page
with no text layer is a scan and goes through Tesseract OCR with Vietnamese data (pdftoppm rasterises it),
as do images of scanned pages.

Bounded as every reading (:mod:`scheduler.plans.reading`): a PDF's pages and a scan's pixels are checked
before anything is rasterised, the text's characters as pages are read, and the converters run through
:mod:`scheduler.plans.tools` within the time left.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from scheduler.document_limits import DEFAULT_DOCUMENT_LIMITS, DocumentLimits, beyond, rejected
from scheduler.errors import DocumentTooLarge, ToolMissing
from scheduler.plans.guards import HEAD_BYTES, image_size, sniff
from scheduler.plans.ocr_layout import page_text
from scheduler.plans.plan_text import BROKEN, PlanText, excerpt, normalize
from scheduler.plans.tables import cells_text, laid_out_tables
from scheduler.plans.tools import Budget, Expired, run_tool, stopped_by_limit

OCR_DPI = 300
PDF_STREAM_LIMIT = "75 MB"  # pypdf's own bound on one decompressed stream (its Configuration's default)
MIN_OCR_DPI = 150  # below this Tesseract reads Vietnamese diacritics poorly
OCR_WORKERS = os.cpu_count() or 1
# A page with fewer letters than this in its text layer is taken for a scan.
MIN_TEXT_CHARS = 40


def read_pdf(path: Path, budget: Budget | None = None) -> PlanText:
    """A PDF's text layer page by page; pages without one are scans and go through OCR."""
    from pypdf import PdfReader  # only here
    from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PyPdfError

    budget = budget or Budget.start(DEFAULT_DOCUMENT_LIMITS)
    limits = budget.limits
    pages: list[str] = []
    scanned: list[int] = []
    areas: dict[int, float] = {}  # square points of each scanned page
    characters = 0
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not _decrypted(reader):
            raise rejected(path, "PDF có mật khẩu mở nên không đọc được",
                           "Hãy gửi bản PDF không đặt mật khẩu (hoặc in lại ra PDF)")
        count = len(reader.pages)
        if count > limits.pages:
            raise beyond(path, "pages", limits, f"tệp có {count:,} trang".replace(",", "."))
        for number, page in enumerate(reader.pages, start=1):
            if budget.left() <= 0:
                raise beyond(path, "seconds", limits, f"đã đọc {number - 1}/{count} trang")
            # Layout mode keeps the blank lines between paragraphs; a schedule table becomes its rows, read by the
            # columns' positions.
            text = cells_text(laid_out_tables(normalize(page.extract_text(extraction_mode="layout") or "").split("\n")))
            characters += len(text)
            if characters > limits.characters:
                raise beyond(path, "characters", limits, f"đến trang {number}")
            if sum(ch.isalpha() for ch in text) < MIN_TEXT_CHARS:
                scanned.append(number)
                areas[number] = _check_scan(path, page, number, limits)
            pages.append(text)
    except LimitReachedError:
        raise DocumentTooLarge(
            f"{path}: một luồng nén trong PDF giải nén ra hơn {PDF_STREAM_LIMIT} (giới hạn mỗi luồng của bộ đọc PDF, "
            "trong giới hạn chung plan_max_inflated_bytes); tệp không được đọc tiếp. "
            "Hãy mở tệp gốc và in (xuất) lại ra PDF rồi nhập lại"
        ) from None
    except DependencyError:
        raise rejected(path, "PDF được mã hóa theo cách cần thư viện mật mã chưa cài",
                       "Hãy gửi bản PDF không đặt mật khẩu (hoặc in lại ra PDF)") from None
    except FileNotDecryptedError:
        raise rejected(path, "PDF có mật khẩu mở nên không đọc được",
                       "Hãy gửi bản PDF không đặt mật khẩu (hoặc in lại ra PDF)") from None
    except (PyPdfError, *BROKEN) as exc:
        raise rejected(path, f"tệp PDF bị hỏng ({type(exc).__name__}: {excerpt(exc)})",
                       "Hãy mở tệp gốc và in (xuất) lại ra PDF rồi nhập lại") from None
    if not scanned:
        return PlanText(tuple(pages), True, "PDF có lớp chữ")
    for number, text in zip(scanned, ocr_pdf_pages(path, scanned, budget, areas), strict=True):
        pages[number - 1] = normalize(text)
    how = "PDF quét, OCR (Tesseract, vie)" if len(scanned) == len(pages) else f"PDF, OCR {len(scanned)} trang quét"
    return PlanText(tuple(pages), True, how, ocr=True)


def _decrypted(reader: Any) -> bool:
    """Whether a PDF opens without a password (many carry only an owner password: printing, copying)."""
    from pypdf import PasswordType

    return bool(reader.decrypt("") != PasswordType.NOT_DECRYPTED)


def _check_scan(path: Path, page: Any, number: int, limits: DocumentLimits) -> float:
    """A scanned page's pictures, from their dictionaries (nothing decoded), and the page at OCR_DPI: within pixels."""
    for width, height in _images(page.get("/Resources"), 0, set()):
        if width * height > limits.pixels:
            raise beyond(path, "pixels", limits, f"ảnh trên trang {number} có {width:,} × {height:,} điểm".replace(",", "."))
    box = page.mediabox
    points = float(box.width) * float(box.height)
    if points * (MIN_OCR_DPI / 72) ** 2 > limits.pixels:  # even at the lowest resolution OCR uses
        raise beyond(path, "pixels", limits, f"trang {number} khổ {float(box.width):.0f} × {float(box.height):.0f} điểm in")
    return points


def _fitting_dpi(dpi: int, points: float, pixels: int) -> int:
    """The resolution to rasterise a page of `points` square points at: `dpi`, lowered to stay within `pixels`."""
    if points <= 0:
        return dpi
    return max(MIN_OCR_DPI, min(dpi, int((pixels / points) ** 0.5 * 72)))


def _images(resources: Any, depth: int, seen: set[int]) -> list[tuple[int, int]]:
    """(width, height) of every image a page draws, through nested forms (depth and cycles bounded)."""
    found: list[tuple[int, int]] = []
    if resources is None or depth > 8:
        return found
    resources = resources.get_object()
    xobjects = resources.get("/XObject") if hasattr(resources, "get") else None
    if xobjects is None:
        return found
    xobjects = xobjects.get_object()
    for ref in list(xobjects.values())[:1000]:
        key = id(ref) if not hasattr(ref, "idnum") else ref.idnum
        if key in seen:
            continue
        seen.add(key)
        obj = ref.get_object()
        subtype = obj.get("/Subtype")
        if subtype == "/Image":
            found.append((int(obj.get("/Width", 0)), int(obj.get("/Height", 0))))
        elif subtype == "/Form":
            found.extend(_images(obj.get("/Resources"), depth + 1, seen))
    return found


def _need(program: str, package: str) -> str:
    found = shutil.which(program)
    if not found:
        raise ToolMissing(
            f"Cần chương trình '{program}' để đọc tệp này nhưng máy chưa cài. "
            f"Cài bằng: sudo apt-get install {package}"
        )
    return found


def _check_vie(tesseract: str) -> None:
    langs = subprocess.run([tesseract, "--list-langs"], capture_output=True, text=True, check=False,
                           stdin=subprocess.DEVNULL, timeout=60)
    if "vie" not in (langs.stdout + langs.stderr).split():
        raise ToolMissing(
            "Tesseract chưa có dữ liệu tiếng Việt nên không nhận dạng được bản quét. "
            "Cài bằng: sudo apt-get install tesseract-ocr-vie"
        )


def ocr_image(path: Path, budget: Budget | None = None, head: bytes | None = None, kind: str = "") -> str:
    budget = budget or Budget.start(DEFAULT_DOCUMENT_LIMITS)
    if head is None:
        with path.open("rb") as f:
            head = f.read(HEAD_BYTES * 8)
        kind = sniff(head)
    dims = image_size(head, kind)
    if dims and dims[0] * dims[1] > budget.limits.pixels:
        raise beyond(path, "pixels", budget.limits, f"ảnh có {dims[0]:,} × {dims[1]:,} điểm".replace(",", "."))
    tesseract = _need("tesseract", "tesseract-ocr tesseract-ocr-vie")
    _check_vie(tesseract)
    with tempfile.TemporaryDirectory(prefix="lichthidua-ocr-") as tmp:
        return _tesseract(tesseract, path, budget, Path(tmp))


def _tesseract(tesseract: str, image: Path, budget: Budget, tmp: Path, shown: Path | None = None) -> str:
    """OCR one image in its own private folder; `shown` is the file named in messages (the plan, not a page)."""
    work = Path(tempfile.mkdtemp(prefix="t-", dir=tmp))
    try:
        # One recognition, two renderings: the text, and every word's box to find a table's columns by.
        done = run_tool([tesseract, str(image.resolve()), str(work / "out"), "-l", "vie", "--psm", "4", "txt", "tsv"],
                        budget, work)
    except Expired:
        raise beyond(shown or image, "seconds", budget.limits, "khi nhận dạng chữ (OCR)") from None
    if done.returncode != 0:
        said = done.stderr.decode(errors="replace").strip()
        raise rejected(shown or image, f"Tesseract không đọc được ảnh{stopped_by_limit(done.returncode, budget)}: {said[-300:]}",
                       "Hãy quét lại thành ảnh PNG hoặc PDF rồi nhập lại")
    text, tsv = ((work / f"out.{kind}").read_text(encoding="utf-8", errors="replace")
                 if (work / f"out.{kind}").is_file() else "" for kind in ("txt", "tsv"))
    return page_text(text, tsv)


def ocr_pdf_pages(path: Path, pages: list[int], budget: Budget | None = None,
                  areas: dict[int, float] | None = None) -> list[str]:
    """OCR the given 1-based pages of a PDF, in order, several pages at a time; `areas` (square points of each page)
    lower the resolution of a large page to stay within the pixel limit."""
    budget = budget or Budget.start(DEFAULT_DOCUMENT_LIMITS)
    pdftoppm = _need("pdftoppm", "poppler-utils")
    tesseract = _need("tesseract", "tesseract-ocr tesseract-ocr-vie")
    _check_vie(tesseract)
    with tempfile.TemporaryDirectory(prefix="lichthidua-ocr-") as tmp:
        images: list[Path] = []
        source = path.resolve()
        for number in pages:
            stem = Path(tmp) / f"p{number}"
            dpi = _fitting_dpi(_scan_dpi(source, number, budget, Path(tmp)), (areas or {}).get(number, 0.0),
                               budget.limits.pixels)
            try:
                done = run_tool(
                    [pdftoppm, "-r", str(dpi), "-gray", "-png", "-f", str(number),
                     "-l", str(number), "-singlefile", str(source), str(stem)],
                    budget, Path(tmp),
                )
            except Expired:
                raise beyond(path, "seconds", budget.limits, f"khi chuyển trang {number} thành ảnh") from None
            if done.returncode != 0 or not stem.with_suffix(".png").is_file():
                said = done.stderr.decode(errors="replace").strip()
                raise rejected(path, f"pdftoppm không chuyển được trang {number} thành ảnh"
                               f"{stopped_by_limit(done.returncode, budget)}: {said[-300:]}",
                               "Hãy mở tệp gốc và in (xuất) lại ra PDF rồi nhập lại")
            images.append(stem.with_suffix(".png"))
        with ThreadPoolExecutor(max_workers=max(1, min(OCR_WORKERS, len(images)))) as pool:
            return list(pool.map(lambda image: _tesseract(tesseract, image, budget, Path(tmp), shown=path), images))


def _scan_dpi(path: Path, page: int, budget: Budget, tmp: Path) -> int:
    """The resolution the page was scanned at (no use rasterising a 200 dpi scan at 300), at most OCR_DPI."""
    pdfimages = shutil.which("pdfimages")
    if not pdfimages:
        return OCR_DPI
    try:
        done = run_tool([pdfimages, "-list", "-f", str(page), "-l", str(page), str(path)], budget, tmp)
    except Expired:
        return OCR_DPI
    listing = done.stdout.decode(errors="replace")
    ppi = [int(row.split()[12]) for row in listing.splitlines()[2:] if len(row.split()) > 13 and row.split()[12].isdigit()]
    return max(150, min(OCR_DPI, max(ppi))) if ppi else OCR_DPI
