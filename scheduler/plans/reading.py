"""Read a received plan into text (imperative shell): .txt, .docx, .pdf, images, .doc.

`read_plan` is the entry point: it checks the file, tells its kind from its bytes,
and hands it to its reader; text and Word files are read here, PDFs and scans in
:mod:`scheduler.plans.pdf_ocr`, into a :class:`~scheduler.plans.plan_text.PlanText`.

Text files: UTF-8 (with or without BOM), UTF-16 (BOM), and the legacy
Vietnamese byte encodings (Windows-1258, TCVN3, VNI; see
`legacy_encodings`). Word files through python-docx (paragraphs and tables in
document order), legacy .doc through LibreOffice. PDFs through pypdf; a page
with no text layer is a scan and goes through Tesseract OCR with Vietnamese
data (pdftoppm rasterises it). Everything is NFC-normalised and CRLF becomes LF.

Missing tools raise `ToolMissing` (exit 69) with what to install, in Vietnamese.

Every reading is bounded (:mod:`scheduler.document_limits`): the file's size, its kind
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

import shutil
import tempfile
from pathlib import Path

from scheduler.document_limits import DEFAULT_DOCUMENT_LIMITS, DocumentLimits, beyond, rejected, size
from scheduler.errors import BadRequest, CalendarNotFound, DocumentUnreadable, ToolMissing
from scheduler.plans.guards import HEAD_BYTES, KIND_NAMES, check_zip, out_of_memory, scan_docx_body, sniff
from scheduler.plans.legacy_encodings import decode_vietnamese
from scheduler.plans.pdf_ocr import ocr_image, read_pdf
from scheduler.plans.plan_text import BROKEN, PlanText, excerpt, normalize
from scheduler.plans.tools import Budget, Expired, offline_profile, run_tool, stopped_by_limit

TEXT_SUFFIXES = {".txt", ".text", ".md"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}
# What each name promises, as sniffed kinds (scheduler.plans.guards.sniff).
TEXT_KINDS = {"text", "xml", "html"}  # an HTML page named .txt is read as the text it is: nothing is fetched
DOC_KINDS = {"ole2", "rtf"}
DOC_FILTERS = {"ole2": ("MS Word 97", "MS Word 95", "MS WinWord 6.0"), "rtf": ("Rich Text Format",)}
IMAGE_KINDS = {"png", "jpeg", "tiff", "bmp", "webp"}
SUFFIX_FOR_KIND = {"zip": ".docx", "ole2": ".doc", "rtf": ".doc", "pdf": ".pdf", "png": ".png", "jpeg": ".jpg",
                   "tiff": ".tif", "bmp": ".bmp", "webp": ".webp", "text": ".txt"}


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

    from scheduler.plans.tables import table_lines

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
                rows: list[list[list[str]]] = []
                for row in Table(block, doc).rows:
                    seen: set[int] = set()
                    cells: list[list[str]] = []
                    for cell in row.cells:
                        if id(cell._tc) in seen:  # merged cells repeat
                            continue
                        seen.add(id(cell._tc))
                        cells.append([p.text for p in cell.paragraphs])
                    rows.append(cells)
                lines.extend(table_lines(rows))
    except (PackageNotFoundError, etree.LxmlError, *BROKEN) as exc:
        if out_of_memory(exc):
            raise beyond(path, "memory_bytes", limits, "thư viện đọc XML không cấp phát được bộ nhớ") from None
        raise rejected(path, f"python-docx không đọc được tệp Word này ({type(exc).__name__}: {excerpt(exc)})",
                       "Hãy mở tệp gốc trong Word và lưu lại thành .docx") from None
    return "\n".join(lines)


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
            raise rejected(path, _soffice_failure(said) + stopped_by_limit(done.returncode, budget),
                           "Hãy mở tệp trong Word và lưu thành .docx rồi nhập lại")
        return PlanText((normalize(read_docx(converted, budget.limits)),), False, "Word cũ (.doc) qua LibreOffice")


def _soffice_failure(stderr: str) -> str:
    """What went wrong, in Vietnamese, from LibreOffice's stderr (which also carries harmless Java warnings)."""
    if "source file could not be loaded" in stderr:
        return "LibreOffice không mở được tệp (tệp hỏng, có mật khẩu, hoặc không phải tệp Word)"
    errors = [line.strip() for line in stderr.splitlines() if line.strip().lower().startswith("error")]
    said = f" (LibreOffice báo: {'; '.join(errors)})" if errors else ""
    return f"LibreOffice không chuyển được tệp sang .docx{said}"
