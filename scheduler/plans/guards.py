"""Checks a received document passes before it is parsed (pure functions of its bytes and the limits).

- :func:`sniff`: what the file is, from its first bytes, whatever its name says;
- :func:`check_zip`: a .docx's zip directory (parts, names, inflated total, ratio), then every part
  inflated for real in chunks, counting, so a directory that lies is caught too;
- :func:`scan_docx_body`: the body XML streamed once: no DOCTYPE (no entities, no XXE),
  paragraphs and table nesting counted before python-docx builds a single object;
- :func:`image_size`: width and height from an image's header, without decoding it.
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO

from scheduler.document_limits import RATIO_FLOOR_BYTES, DocumentLimits, beyond, rejected

HEAD_BYTES = 8192

# Kinds, as sniffed, and how they are named to people.
KIND_NAMES = {
    "zip": "tệp nén ZIP (như .docx)",
    "ole2": "tệp Word cũ (.doc) hoặc Office 97-2003",
    "rtf": "tệp RTF",
    "pdf": "tệp PDF",
    "png": "ảnh PNG",
    "jpeg": "ảnh JPEG",
    "tiff": "ảnh TIFF",
    "bmp": "ảnh BMP",
    "webp": "ảnh WebP",
    "gif": "ảnh GIF",
    "html": "trang HTML",
    "xml": "tệp XML",
    "text": "văn bản thuần",
    "binary": "dữ liệu nhị phân không rõ loại",
    "empty": "tệp rỗng",
}


def sniff(head: bytes) -> str:
    """The kind of a file from its first bytes (up to HEAD_BYTES)."""
    if not head:
        return "empty"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole2"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head.startswith(b"BM") and len(head) >= 26:
        return "bmp"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(head) >= 4 and head[1] == 0 and head[3] == 0 and head[0]):
        return "text"  # UTF-16
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html")) or b"<html" in start[:1024] or b"<body" in start[:1024]:
        return "html"
    if start.startswith(b"<?xml"):
        return "xml"
    if b"\x00" in head:
        return "binary"
    controls = sum(1 for byte in head if byte < 32 and byte not in b"\t\n\r\f\x0b\x1a")
    return "binary" if controls > len(head) // 100 else "text"


def _members(info: list[zipfile.ZipInfo], path: Path, limits: DocumentLimits) -> None:
    if len(info) > limits.parts:
        raise beyond(path, "parts", limits, f"tệp có {len(info):,} phần".replace(",", "."))
    total = 0
    for member in info:
        name = member.filename
        pure = PurePosixPath(name.replace("\\", "/"))
        if pure.is_absolute() or ".." in pure.parts or "\x00" in name or (len(name) > 1 and name[1] == ":"):
            raise rejected(path, f"tệp nén có phần mang tên không hợp lệ ({name[:80]!r}), không phải tệp Word thật",
                           "Hãy mở tệp gốc trong Word và lưu lại thành .docx")
        total += member.file_size
        if total > limits.inflated_bytes:
            raise beyond(path, "inflated_bytes", limits, "theo mục lục của tệp nén")
        if member.file_size > RATIO_FLOOR_BYTES and member.file_size > limits.zip_ratio * max(member.compress_size, 1):
            ratio = member.file_size // max(member.compress_size, 1)
            raise beyond(path, "zip_ratio", limits, f"phần {name[:60]} nén {ratio:,} lần".replace(",", "."))


def check_zip(path: Path, limits: DocumentLimits) -> None:
    """A .docx's zip: its directory, then each part inflated in chunks and counted (a directory can lie)."""
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.infolist()
            _members(info, path, limits)
            total = 0
            for member in info:
                if member.is_dir():
                    continue
                seen = 0
                with archive.open(member) as stream:
                    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
                        seen += len(chunk)
                        total += len(chunk)
                        if total > limits.inflated_bytes:
                            raise beyond(path, "inflated_bytes", limits, "khi giải nén")
                        if seen > RATIO_FLOOR_BYTES and seen > limits.zip_ratio * max(member.compress_size, 1):
                            raise beyond(path, "zip_ratio", limits, f"phần {member.filename[:60]}, khi giải nén")
    except zipfile.BadZipFile as exc:
        raise rejected(path, f"tệp nén bị hỏng ({exc})", "Hãy mở tệp gốc trong Word và lưu lại thành .docx") from None
    except (NotImplementedError, RuntimeError) as exc:  # an unknown compression method, a password
        raise rejected(path, f"tệp nén dùng cách nén hoặc mật khẩu không đọc được ({exc})",
                       "Hãy bỏ mật khẩu và lưu lại thành .docx") from None


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_TABLE_NESTING = 32  # a plan nests a table or two; libxml2 stops any XML at 256 levels anyway


PROLOG_MAX = 1024 * 1024  # what may precede an XML part's root element (declaration, comments)


def _prolog_has_doctype(stream: IO[bytes]) -> bool:
    """Whether an XML part declares a DOCTYPE or an ENTITY before its root element (Office XML never does);
    a prolog longer than PROLOG_MAX counts as one."""
    seen = b""
    while len(seen) < PROLOG_MAX:
        chunk = stream.read(64 * 1024)
        if not chunk:
            break
        seen += chunk
        flat = seen.replace(b"\x00", b"")  # UTF-16 parts too
        root = re.search(rb"<[A-Za-z_]", flat)
        if root:
            prolog = flat[:root.start()].upper()
            return b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog
    return len(seen) >= PROLOG_MAX or b"<!DOCTYPE" in seen.upper()


def scan_docx_body(path: Path, limits: DocumentLimits) -> None:
    """Every XML part: no DOCTYPE; word/document.xml streamed: paragraphs and table nesting within bounds."""
    from lxml import etree

    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                raise rejected(path, "tệp nén này không phải tệp Word .docx (thiếu word/document.xml)",
                               "Hãy mở tệp gốc trong Word và lưu lại thành .docx")
            for name in sorted(names):
                if name.endswith((".xml", ".rels")):
                    with archive.open(name) as stream:
                        if _prolog_has_doctype(stream):
                            raise rejected(path, f"phần {name[:60]} khai báo DOCTYPE/ENTITY, điều tệp Word thật không "
                                           "bao giờ có (có thể là tệp tấn công); tệp không được đọc",
                                           "Hãy mở tệp gốc trong Word và lưu lại thành .docx")
            with archive.open("word/document.xml") as stream:
                paragraphs = 0
                depth = 0
                events: Iterator[tuple[str, etree._Element]] = etree.iterparse(
                    stream, events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False,
                    huge_tree=False, remove_comments=True,
                )
                for event, element in events:
                    tag = element.tag
                    if tag == f"{W}tbl":
                        depth += 1 if event == "start" else -1
                        if depth > MAX_TABLE_NESTING:
                            raise rejected(path, f"bảng lồng trong bảng quá {MAX_TABLE_NESTING} cấp",
                                           "Hãy bỏ bớt các bảng lồng nhau rồi lưu lại")
                    elif tag == f"{W}p" and event == "end":
                        paragraphs += 1
                        if paragraphs > limits.paragraphs:
                            raise beyond(path, "paragraphs", limits)
                    if event == "end":
                        element.clear(keep_tail=False)
    except etree.XMLSyntaxError as exc:
        if out_of_memory(exc):
            raise beyond(path, "memory_bytes", limits, "thư viện đọc XML không cấp phát được bộ nhớ") from None
        if "Excessive depth" in str(exc):
            raise rejected(path, "nội dung XML của tệp Word lồng nhau quá 256 cấp (tệp hỏng hoặc tệp tấn công)",
                           "Hãy mở tệp gốc trong Word và lưu lại thành .docx") from None
        raise rejected(path, f"nội dung XML của tệp Word bị hỏng ({exc})",
                       "Hãy mở tệp gốc trong Word và lưu lại thành .docx") from None
    except zipfile.BadZipFile as exc:
        raise rejected(path, f"tệp nén bị hỏng ({exc})", "Hãy mở tệp gốc trong Word và lưu lại thành .docx") from None


def out_of_memory(exc: BaseException) -> bool:
    """Whether libxml2 failed for want of memory: it says so as a syntax error ("Memory allocation failed",
    or an "unknown error" at line 0 when even the message could not be allocated)."""
    text = str(exc)
    return "Memory allocation failed" in text or ("unknown error" in text and "line 0" in text)


def image_size(head: bytes, kind: str) -> tuple[int, int] | None:
    """(width, height) from an image file's first bytes, or None when the header does not say."""
    try:
        if kind == "png" and head[12:16] == b"IHDR":
            w, h = struct.unpack(">II", head[16:24])
            return w, h
        if kind == "gif":
            w, h = struct.unpack("<HH", head[6:10])
            return w, h
        if kind == "bmp":
            w, h = struct.unpack("<ii", head[18:26])
            return abs(w), abs(h)
        if kind == "webp":
            return _webp_size(head)
        if kind == "jpeg":
            return _jpeg_size(head)
        if kind == "tiff":
            return _tiff_size(head)
    except struct.error:
        return None
    return None


def _webp_size(head: bytes) -> tuple[int, int] | None:
    chunk = head[12:16]
    if chunk == b"VP8X":
        w = int.from_bytes(head[24:27], "little") + 1
        h = int.from_bytes(head[27:30], "little") + 1
        return w, h
    if chunk == b"VP8 ":
        w, h = struct.unpack("<HH", head[26:30])
        return w & 0x3FFF, h & 0x3FFF
    if chunk == b"VP8L":
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _jpeg_size(head: bytes) -> tuple[int, int] | None:
    at = 2
    while at + 9 < len(head):
        if head[at] != 0xFF:
            return None
        marker = head[at + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            at += 2
            continue
        length = struct.unpack(">H", head[at + 2:at + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            h, w = struct.unpack(">HH", head[at + 5:at + 9])
            return w, h
        at += 2 + length
    return None


def _tiff_size(head: bytes) -> tuple[int, int] | None:
    order = "<" if head[:2] == b"II" else ">"
    (offset,) = struct.unpack(order + "I", head[4:8])
    if offset + 2 > len(head):
        return None
    (entries,) = struct.unpack(order + "H", head[offset:offset + 2])
    found: dict[int, int] = {}
    for i in range(min(entries, 200)):
        at = offset + 2 + 12 * i
        if at + 12 > len(head):
            break
        tag, typ = struct.unpack(order + "HH", head[at:at + 4])
        value = struct.unpack(order + ("H" if typ == 3 else "I"), head[at + 8:at + (10 if typ == 3 else 12)])[0]
        found[tag] = value
    if 256 in found and 257 in found:
        return found[256], found[257]
    return None
