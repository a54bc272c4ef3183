"""How much one received document may cost to read: bytes, inflated bytes, parts, paragraphs, pages, pixels,
memory and time.

A plan sent to `lichthidua import` / `lint-plan` (and any file attached later) is
written by someone else: a .docx that inflates to gigabytes, a PDF of 10,000
pages, a 30,000 × 30,000 pixel "scan". Each bound here is a setting (see
:mod:`scheduler.settings`, fields ``plan_max_*``); past one, the file is read no
further and the user gets a Vietnamese message naming the file, the limit and the
setting (:func:`beyond`). Memory and time are enforced on the process that reads
(see :mod:`scheduler.plans.bounded`) and on every converter it starts
(:mod:`scheduler.plans.tools`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scheduler.errors import DocumentRejected, DocumentTooLarge

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class DocumentLimits:
    """The defaults here are the settings' defaults (scheduler.settings reads them from here and builds
    one with Settings.document_limits())."""

    bytes: int = 50 * MiB  # the file as received: a 100-page scanned plan at 200 dpi is about 20 MB
    inflated_bytes: int = 200 * MiB  # all parts of a .docx after decompression (directory and stream)
    zip_ratio: int = 100  # inflated / compressed for one part above 1 MiB (text XML is about 5-20)
    parts: int = 1000  # members of a .docx (a plan has 10-30, plus its pictures)
    paragraphs: int = 100_000  # paragraphs (Word) or lines (text, PDF): a 100-page plan has about 3,000
    characters: int = 2_000_000  # text after reading: 500 pages of 4,000 characters
    pages: int = 500  # pages of a PDF
    pixels: int = 100_000_000  # one image to OCR (width × height); an A4 page at 300 dpi is 8.7 million
    memory_bytes: int = 512 * MiB  # address space of the reading process and of each converter
    seconds: float = 60.0  # wall-clock time of the whole reading (CPU time of each process too)


DEFAULT_DOCUMENT_LIMITS = DocumentLimits()

# Parts smaller than this are not held to the ratio: a tiny part compresses as it likes.
RATIO_FLOOR_BYTES = MiB


def size(n: float) -> str:
    """A byte count for people: "50 MB", "1,5 GB", "900 byte"."""
    for unit, scale in (("GB", 1024 * MiB), ("MB", MiB), ("KB", 1024)):
        if n >= scale:
            value = n / scale
            text = f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}".replace(".", ",")
            return f"{text} {unit}"
    return f"{int(n)} byte"


def count(n: float) -> str:
    """A count with Vietnamese thousands dots: 100.000.000."""
    return f"{int(n):,}".replace(",", ".")


# What each limit is called, its setting, and what to do about it.
_WHAT = {
    "bytes": ("kích thước tệp", "plan_max_bytes"),
    "inflated_bytes": ("dung lượng sau khi giải nén", "plan_max_inflated_bytes"),
    "zip_ratio": ("tỉ lệ nén của một phần", "plan_max_zip_ratio"),
    "parts": ("số phần trong tệp", "plan_max_parts"),
    "paragraphs": ("số đoạn văn (dòng)", "plan_max_paragraphs"),
    "characters": ("số ký tự văn bản", "plan_max_characters"),
    "pages": ("số trang", "plan_max_pages"),
    "pixels": ("số điểm ảnh của một ảnh", "plan_max_pixels"),
    "memory_bytes": ("bộ nhớ khi đọc", "plan_max_memory_bytes"),
    "seconds": ("thời gian đọc", "plan_max_seconds"),
}


def shown(limit: str, value: float) -> str:
    if limit in ("bytes", "inflated_bytes", "memory_bytes"):
        return size(value)
    if limit == "seconds":
        return f"{value:g} giây"
    if limit == "zip_ratio":
        return f"{int(value)} lần"
    return count(value)


def beyond(path: Path | str, limit: str, limits: DocumentLimits, found: str = "") -> DocumentTooLarge:
    """The error for a document past one limit: the file, what, the limit, its setting, what to do."""
    what, setting = _WHAT[limit]
    value = getattr(limits, limit)
    said = f" ({found})" if found else ""
    return DocumentTooLarge(
        f"{_name(path)}: {what} vượt giới hạn {shown(limit, value)}{said}; tệp không được đọc tiếp. "
        f"Nếu đây đúng là một kế hoạch, hãy tách nhỏ hoặc lưu lại gọn hơn (ví dụ in ra PDF có chữ), "
        f"hoặc quản trị viên nâng thiết lập {setting}"
    )


def rejected(path: Path | str, why: str, fix: str = "") -> DocumentRejected:
    """The error for a document that is broken or not what its name says."""
    return DocumentRejected(f"{_name(path)}: {why}" + (f". {fix}" if fix else ""))


def _name(path: Path | str) -> str:
    # The name as given, with control characters shown escaped (a name may carry a newline or an escape).
    text = str(path)
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
