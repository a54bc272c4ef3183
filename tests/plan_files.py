"""Turn a plan's text into the files admins receive: .docx, a text PDF, a scanned PDF.

The scanned PDF is the text PDF rendered to images (pdftoppm) and wrapped
back into an image-only PDF (Pillow), so reading it runs OCR for real.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SEEDS = Path(__file__).resolve().parent / "plans"
SEED_IDS = ("lao-cai-2024", "kon-tum-2024", "cao-bang-2017", "ninh-thuan-2023", "long-bien-2024")


def seed_text(seed_id: str) -> str:
    return (SEEDS / f"{seed_id}.txt").read_text(encoding="utf-8")


Header = tuple[list[str], list[str]]  # the administrative header's left and right columns


def to_docx(text: str, out: Path, blank_paragraphs: bool = True, header: Header | None = None) -> Path:
    """A Word file of the plan: one paragraph per line. `blank_paragraphs=False` types it the way most
    people do, with no empty paragraph between paragraphs; `header` puts the two-column administrative
    header in a borderless two-column table above the text."""
    from docx import Document

    doc = Document()
    if header is not None:
        left, right = header
        table = doc.add_table(rows=1, cols=2)
        for cell, lines in zip(table.rows[0].cells, (left, right), strict=True):
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    for line in text.split("\n"):
        if line.strip() or blank_paragraphs:
            doc.add_paragraph(line)
    doc.save(str(out))
    return out


def to_doc(docx: Path, out_dir: Path) -> Path:
    """Save a .docx as a legacy Word 97-2003 .doc with LibreOffice, as old offices still send them."""
    soffice = shutil.which("soffice")
    assert soffice, "soffice (libreoffice-writer-nogui) is needed to make a .doc"
    profile = out_dir / "soffice-profile"  # private: tests run side by side
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "doc", "--outdir", str(out_dir), str(docx)],
        check=True, capture_output=True, timeout=180,
    )
    doc = out_dir / (docx.stem + ".doc")
    assert doc.read_bytes()[:4] == b"\xd0\xcf\x11\xe0", "LibreOffice did not write an OLE2 .doc"
    return doc


def to_text_pdf(text: str, out: Path, header: Header | None = None) -> Path:
    """A PDF with a text layer; `header` sets the administrative header in two columns side by side,
    whose lines interleave when the text is read back."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", size=11)
    pdf.add_page()
    if header is not None:
        left, right = header
        top = pdf.get_y()
        pdf.set_xy(10, top)
        pdf.multi_cell(85, 6, "\n".join(left), align="C")
        below = pdf.get_y()
        pdf.set_xy(100, top)
        pdf.multi_cell(100, 6, "\n".join(right), align="C")
        pdf.set_xy(10, max(below, pdf.get_y()) + 4)
    for line in text.split("\n"):
        if line.strip():
            pdf.multi_cell(0, 6, line.replace("\t", " "), new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.ln(4)
    pdf.output(str(out))
    return out


def to_scanned_pdf(text_pdf: Path, out: Path, dpi: int = 200, first: int | None = None, last: int | None = None) -> Path:
    from PIL import Image

    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm (poppler-utils) is needed to make a scan"
    stem = out.with_suffix("")
    args = [pdftoppm, "-r", str(dpi), "-gray", "-png"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    subprocess.run(args + [str(text_pdf), str(stem)], check=True)
    pages = sorted(out.parent.glob(stem.name + "-*.png"))
    images = [Image.open(p).convert("L") for p in pages]
    images[0].save(out, save_all=True, append_images=images[1:], resolution=dpi)
    for p in pages:
        p.unlink()
    return out


def soffice_missing() -> str | None:
    """Why .doc tests cannot run here, or None."""
    if not shutil.which("soffice"):
        return "soffice is not installed (apt-get install --no-install-recommends libreoffice-writer-nogui)"
    return None


def ocr_available() -> str | None:
    """Why OCR tests cannot run here, or None."""
    if not shutil.which("tesseract"):
        return "tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-vie)"
    if not shutil.which("pdftoppm"):
        return "pdftoppm is not installed (apt-get install poppler-utils)"
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout.split()
    if "vie" not in langs:
        return "Tesseract has no Vietnamese data (apt-get install tesseract-ocr-vie)"
    return None
