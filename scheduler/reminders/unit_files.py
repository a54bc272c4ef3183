"""Files a unit attaches to its "Đã nộp": what they are (from their bytes, never from their name), and where
they are kept. Nothing here runs, opens or shows a file: it is stored, and handed back to staff as a download.

Accepted: PDF (``%PDF-``), and the three office formats that are ZIP packages,
told apart by the names inside (DOCX ``word/document.xml``, XLSX
``xl/workbook.xml``) or by the ``mimetype`` entry that ODF puts first (ODT).
Only the ZIP's directory and that one small entry are read: nothing is extracted.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from scheduler.errors import BadRequest

KINDS = {"pdf": "PDF", "docx": "Word (DOCX)", "xlsx": "Excel (XLSX)", "odt": "OpenDocument (ODT)"}
ODT_MIME = b"application/vnd.oasis.opendocument.text"
FOLDER = "submission-files"


class FileRefused(BadRequest):
    """Why a file is not accepted (Vietnamese)."""

    http_status = 422


def sniff(data: bytes) -> str:
    """The kind of file ("pdf", "docx", "xlsx", "odt") from its bytes; FileRefused otherwise."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
                if "mimetype" in names and z.getinfo("mimetype").file_size <= 100:
                    if z.read("mimetype").strip() == ODT_MIME:
                        return "odt"
                if "[Content_Types].xml" in names:
                    if "word/document.xml" in names:
                        return "docx"
                    if "xl/workbook.xml" in names:
                        return "xlsx"
        except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError):
            raise FileRefused("Tệp nén hỏng hoặc không đọc được.") from None
    raise FileRefused("Chỉ nhận tệp PDF, Word (DOCX), Excel (XLSX) hoặc OpenDocument (ODT); "
                      "tệp này không phải một trong các loại đó (kiểm tra theo nội dung tệp, không theo tên).")


def display_name(name: str, kind: str) -> str:
    """A safe name to show and to offer as the download's name: no folders, no control characters, the
    right extension."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = re.sub(r"[\x00-\x1f\x7f\"<>|:*?]", "", name).strip(" .") or "tep"
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem[:150]}.{kind}"


def ascii_name(name: str) -> str:
    """The name without diacritics, for the plain ``filename=`` of Content-Disposition."""
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    return re.sub(r"[^A-Za-z0-9._-]+", "-", plain.encode("ascii", "ignore").decode()).strip("-") or "tep"


@dataclass(frozen=True, slots=True)
class Stored:
    kind: str
    size: int
    sha256: str
    stored_as: str  # relative to the data folder


def store(data: bytes, data_dir: Path) -> Stored:
    """Keep the bytes under ``data_dir/submission-files/`` by their hash (the same file twice is kept once)."""
    kind = sniff(data)
    digest = hashlib.sha256(data).hexdigest()
    relative = f"{FOLDER}/{digest[:2]}/{digest}.{kind}.bin"  # ".bin": no server or desktop opens it by its name
    target = data_dir / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        partial.write_bytes(data)
        partial.chmod(0o600)
        partial.replace(target)
    return Stored(kind, len(data), digest, relative)
