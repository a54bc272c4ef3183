"""A plan read into text, whatever file it came from (pure): its pages, how it was read, and what a reader
does to every text it returns.
"""

from __future__ import annotations

import struct
import unicodedata
import zlib
from dataclasses import dataclass

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


def excerpt(exc: BaseException) -> str:
    """An exception's message on one line, cut short for a message to the user."""
    text = " ".join(str(exc).split())
    return text[:160] + ("…" if len(text) > 160 else "")
