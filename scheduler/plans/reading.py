"""Read a received plan into text (imperative shell): .txt, .docx, .pdf, images, .doc.

Text files: UTF-8 (with or without BOM), UTF-16 (BOM), and the legacy
Vietnamese byte encodings (Windows-1258, TCVN3, VNI; see
`legacy_encodings`). Word files through python-docx (paragraphs and tables in
document order), legacy .doc through LibreOffice. PDFs through pypdf; a page
with no text layer is a scan and goes through Tesseract OCR with Vietnamese
data (pdftoppm rasterises it). Everything is NFC-normalised and CRLF becomes LF.

Missing tools raise `ToolMissing` (exit 69) with what to install, in Vietnamese.

Every reading is bounded (:mod:`scheduler.plans.limits`): the file's size, its kind
checked from its bytes against its name (:mod:`scheduler.plans.guards`), a .docx's
zip and XML before python-docx sees them, a PDF's pages and a scan's pixels before
they are rasterised, the text's paragraphs and characters after, and the time all
along; converters run through :mod:`scheduler.plans.tools`. A file past a limit,
broken, or not what its name says raises `DocumentRejected` (exit 65) naming the
file and the limit; one that may not be opened, `DocumentUnreadable` (exit 66).
Memory is bounded by running the whole reading in a child process
(:mod:`scheduler.plans.bounded`), as `lichthidua import` and `lint-plan` do.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import tempfile
import unicodedata
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scheduler.errors import BadRequest, CalendarNotFound, DocumentTooLarge, DocumentUnreadable, ToolMissing
from scheduler.plans.guards import HEAD_BYTES, KIND_NAMES, check_zip, image_size, out_of_memory, scan_docx_body, sniff
from scheduler.plans.legacy_encodings import decode_vietnamese
from scheduler.plans.limits import DEFAULT_DOCUMENT_LIMITS, DocumentLimits, beyond, rejected, size
from scheduler.plans.tools import Budget, Expired, offline_profile, run_tool

_COLUMN_GAP = re.compile(r" {3,}")
TEXT_SUFFIXES = {".txt", ".text", ".md"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}
OCR_DPI = 300
PDF_STREAM_LIMIT = "75 MB"  # pypdf's own bound on one decompressed stream (its Configuration's default)
MIN_OCR_DPI = 150  # below this Tesseract reads Vietnamese diacritics poorly
OCR_WORKERS = os.cpu_count() or 1
# A page with fewer letters than this in its text layer is taken for a scan.
MIN_TEXT_CHARS = 40
# What each name promises, as sniffed kinds (scheduler.plans.guards.sniff).
TEXT_KINDS = {"text", "xml", "html"}  # an HTML page named .txt is read as the text it is: nothing is fetched
DOC_KINDS = {"ole2", "rtf"}
DOC_FILTERS = {"ole2": ("MS Word 97", "MS Word 95", "MS WinWord 6.0"), "rtf": ("Rich Text Format",)}
IMAGE_KINDS = {"png", "jpeg", "tiff", "bmp", "webp"}
SUFFIX_FOR_KIND = {"zip": ".docx", "ole2": ".doc", "rtf": ".doc", "pdf": ".pdf", "png": ".png", "jpeg": ".jpg",
                   "tiff": ".tif", "bmp": ".bmp", "webp": ".webp", "text": ".txt"}
# Errors a broken file raises from inside the readers' libraries (not our bugs: those are not caught here).
BROKEN = (ValueError, KeyError, IndexError, TypeError, AttributeError, AssertionError, RecursionError, EOFError,
          struct.error, zlib.error, UnicodeError)


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


def read_plan(path: Path, limits: DocumentLimits = DEFAULT_DOCUMENT_LIMITS) -> PlanText:
    """Read a plan within `limits` (memory excepted: see scheduler.plans.bounded for that)."""
    budget = Budget.start(limits)
    head = _open(path, limits)
    kind = sniff(head)
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES or suffix == "":
        _expect(path, kind, TEXT_KINDS, "văn bản thuần (.txt)")
        plan = _read_text(path, limits)
    elif suffix == ".docx":
        _expect(path, kind, {"zip"}, "tệp Word .docx")
        plan = PlanText((normalize(read_docx(path, limits)),), False, "Word (.docx)")
    elif suffix == ".doc":
        _expect(path, kind, DOC_KINDS, "tệp Word cũ (.doc)")
        plan = _read_doc(path, budget, kind)
    elif suffix == ".pdf":
        _expect(path, kind, {"pdf"}, "tệp PDF")
        plan = read_pdf(path, budget)
    elif suffix in IMAGE_SUFFIXES:
        _expect(path, kind, IMAGE_KINDS, "ảnh quét")
        plan = PlanText((normalize(ocr_image(path, budget, head, kind)),), True, "OCR (Tesseract, vie)", ocr=True)
    else:
        raise BadRequest(
            f"{path}: không đọc được loại tệp '{suffix}'. Hỗ trợ: .txt, .docx, .doc, .pdf, ảnh quét (.png, .jpg, .tif)"
        )
    return _within(path, plan, limits)


def _open(path: Path, limits: DocumentLimits) -> bytes:
    """The file's first bytes, after it proved to be a readable regular file within the size limit."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise CalendarNotFound(f"Không tìm thấy tệp kế hoạch {path}") from None
    except OSError as exc:
        raise DocumentUnreadable(f"{path}: không đọc được tệp ({exc.strerror or exc})") from None
    if not path.is_file():
        if path.is_dir():
            raise DocumentUnreadable(f"{path}: đây là thư mục, không phải tệp kế hoạch")
        raise DocumentUnreadable(f"{path}: không phải tệp thường (thiết bị, ống dẫn...); hãy chỉ một tệp kế hoạch")
    if st.st_size > limits.bytes:
        raise beyond(path, "bytes", limits, f"tệp nặng {size(st.st_size)}")
    try:
        with path.open("rb") as f:
            head = f.read(HEAD_BYTES * 8)
    except OSError as exc:
        raise DocumentUnreadable(f"{path}: không đọc được tệp ({exc.strerror or exc}); kiểm tra quyền đọc tệp") from None
    if not head:
        raise rejected(path, "tệp rỗng (0 byte)", "Hãy gửi lại tệp kế hoạch có nội dung")
    return head


def _expect(path: Path, kind: str, allowed: set[str], named: str) -> None:
    if kind in allowed:
        return
    suffix = SUFFIX_FOR_KIND.get(kind)
    fix = (f"Nếu đúng là tệp kế hoạch, hãy đổi đuôi tên tệp thành {suffix} rồi nhập lại" if suffix
           else "Hãy mở tệp gốc và lưu lại thành .docx hoặc PDF rồi nhập lại")
    raise rejected(path, f"tên tệp nói đây là {named} nhưng nội dung là {KIND_NAMES[kind]}; tệp không được đọc", fix)


def _read_text(path: Path, limits: DocumentLimits) -> PlanText:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentUnreadable(f"{path}: không đọc được tệp ({exc.strerror or exc})") from None
    if len(raw) > 4 * limits.characters:  # four bytes a character at most, in any encoding read here
        raise beyond(path, "characters", limits, f"tệp văn bản nặng {size(len(raw))}")
    try:
        text, how = decode_text(raw)
    except UnicodeError:
        raise rejected(path, "không giải mã được văn bản (không phải UTF-8, UTF-16 hay bảng mã tiếng Việt cũ)",
                       "Hãy lưu tệp dạng UTF-8 rồi nhập lại") from None
    if len(text) > limits.characters:  # before normalising copies it
        raise beyond(path, "characters", limits, f"văn bản có {len(text):,} ký tự".replace(",", "."))
    controls = sum(1 for ch in text[:1_000_000] if ord(ch) < 32 and ch not in "\t\n\r\f\v\x1a")
    if "\x00" in text or controls > min(len(text), 1_000_000) // 100:
        raise rejected(path, "nội dung có ký tự điều khiển hoặc byte 0: không phải văn bản thuần",
                       "Hãy gửi tệp .docx, .pdf, hoặc lưu lại thành văn bản UTF-8")
    return PlanText((normalize(text),), False, how)


def _within(path: Path, plan: PlanText, limits: DocumentLimits) -> PlanText:
    """The text itself within the paragraph (line) and character limits."""
    characters = sum(len(page) for page in plan.pages)
    if characters > limits.characters:
        raise beyond(path, "characters", limits, f"văn bản có {characters:,} ký tự".replace(",", "."))
    lines = sum(page.count("\n") + 1 for page in plan.pages)
    if lines > limits.paragraphs:
        raise beyond(path, "paragraphs", limits, f"văn bản có {lines:,} dòng".replace(",", "."))
    return plan


def read_docx(path: Path, limits: DocumentLimits = DEFAULT_DOCUMENT_LIMITS) -> str:
    """A .docx's paragraphs and tables in order, once its zip and body XML passed the guards."""
    from docx import Document  # python-docx, only here
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    from lxml import etree

    check_zip(path, limits)
    scan_docx_body(path, limits)
    try:
        doc = Document(str(path))
        lines: list[str] = []
        for block in doc.element.body.iterchildren():
            tag = block.tag.rsplit("}", 1)[-1] if isinstance(block.tag, str) else ""
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
    except (PackageNotFoundError, etree.LxmlError, *BROKEN) as exc:
        if out_of_memory(exc):
            raise beyond(path, "memory_bytes", limits, "thư viện đọc XML không cấp phát được bộ nhớ") from None
        raise rejected(path, f"python-docx không đọc được tệp Word này ({type(exc).__name__}: {_short(exc)})",
                       "Hãy mở tệp gốc trong Word và lưu lại thành .docx") from None
    return "\n".join(lines)


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:160] + ("…" if len(text) > 160 else "")


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
            # Layout mode keeps the blank lines between paragraphs; its column padding is dropped.
            text = normalize(page.extract_text(extraction_mode="layout") or "")
            # Wide gaps within a line are columns (the header's two columns): kept as a tab, other runs of
            # spaces as one.
            text = "\n".join("\t".join(" ".join(cell.split()) for cell in _COLUMN_GAP.split(line.strip()))
                             for line in text.split("\n"))
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
        raise rejected(path, f"tệp PDF bị hỏng ({type(exc).__name__}: {_short(exc)})",
                       "Hãy mở tệp gốc và in (xuất) lại ra PDF rồi nhập lại") from None
    if not scanned:
        return PlanText(tuple(pages), True, "PDF có lớp chữ")
    for number, text in zip(scanned, ocr_pdf_pages(path, scanned, budget, areas)):
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
        done = run_tool([tesseract, str(image.resolve()), "stdout", "-l", "vie", "--psm", "4"], budget, work)
    except Expired:
        raise beyond(shown or image, "seconds", budget.limits, "khi nhận dạng chữ (OCR)") from None
    if done.returncode != 0:
        said = done.stderr.decode(errors="replace").strip()
        raise rejected(shown or image, f"Tesseract không đọc được ảnh{_killed(done.returncode, budget)}: {said[-300:]}",
                       "Hãy quét lại thành ảnh PNG hoặc PDF rồi nhập lại")
    return done.stdout.decode("utf-8", errors="replace")


def _killed(returncode: int, budget: Budget) -> str:
    """Why a converter ended without output, when a limit stopped it."""
    if returncode in (-9, -24, 137, 152):  # SIGKILL / SIGXCPU (by prlimit's CPU limit)
        return f" (dừng vì vượt giới hạn thời gian CPU {budget.limits.seconds:g} giây hoặc bộ nhớ)"
    if returncode < 0 or returncode > 128:
        return f" (dừng bất thường, có thể vì vượt giới hạn bộ nhớ {budget.limits.memory_bytes // (1024 * 1024)} MB)"
    return ""


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
                               f"{_killed(done.returncode, budget)}: {said[-300:]}",
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


def _read_doc(path: Path, budget: Budget | None = None, kind: str = "ole2") -> PlanText:
    budget = budget or Budget.start(DEFAULT_DOCUMENT_LIMITS)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise ToolMissing(
            f"{path}: tệp Word cũ (.doc) cần LibreOffice để chuyển sang .docx. "
            "Cài bằng: sudo apt-get install libreoffice-writer-nogui — hoặc mở tệp trong Word và lưu thành .docx"
        )
    with tempfile.TemporaryDirectory(prefix="lichthidua-doc-") as tmp:
        # A private profile: parallel imports (and a user's open LibreOffice) do not share one and hand off;
        # its proxies point nowhere, and LibreOffice runs without network where the kernel allows.
        profile = Path(tmp) / "profile"
        offline_profile(profile)
        outdir = Path(tmp) / "out"
        # The plan under a plain name: nothing of the received name reaches LibreOffice's command line.
        source = Path(tmp) / "in" / ("ke-hoach.rtf" if kind == "rtf" else "ke-hoach.doc")
        source.parent.mkdir()
        shutil.copyfile(path, source)
        converted = outdir / (source.stem + ".docx")
        # The import filter follows the kind read from the bytes: a broken Word file is refused, never read as
        # text by LibreOffice's guessing. Word 97-2003 first, then the older Word 95 and 6 formats.
        for infilter in DOC_FILTERS[kind]:
            try:
                done = run_tool(
                    [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nolockcheck",
                     "--nodefault", "--nologo", f"--infilter={infilter}", "--convert-to", "docx:MS Word 2007 XML",
                     "--outdir", str(outdir), str(source)],
                    budget, Path(tmp), network=False,
                )
            except Expired:
                raise beyond(path, "seconds", budget.limits, "khi LibreOffice chuyển tệp .doc sang .docx") from None
            said = done.stderr.decode(errors="replace")
            if (done.returncode == 0 and converted.is_file()) or "source file could not be loaded" not in said:
                break
        if done.returncode != 0 or not converted.is_file():
            raise rejected(path, _soffice_failure(said) + _killed(done.returncode, budget),
                           "Hãy mở tệp trong Word và lưu thành .docx rồi nhập lại")
        return PlanText((normalize(read_docx(converted, budget.limits)),), False, "Word cũ (.doc) qua LibreOffice")


def _soffice_failure(stderr: str) -> str:
    """What went wrong, in Vietnamese, from LibreOffice's stderr (which also carries harmless Java warnings)."""
    if "source file could not be loaded" in stderr:
        return "LibreOffice không mở được tệp (tệp hỏng, có mật khẩu, hoặc không phải tệp Word)"
    errors = [line.strip() for line in stderr.splitlines() if line.strip().lower().startswith("error")]
    said = f" (LibreOffice báo: {'; '.join(errors)})" if errors else ""
    return f"LibreOffice không chuyển được tệp sang .docx{said}"
