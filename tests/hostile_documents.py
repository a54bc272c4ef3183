"""Hostile received documents, made at test time (bombs are generated, never stored).

Each `Hostile` builds one file in a folder and says what `lichthidua import FILE`
must answer: the exit code and words of the message. Used by
tests/test_hostile_documents.py, which runs each through the real CLI in its own
process and measures its peak memory and CPU time.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

MiB = 1024 * 1024
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    b"</Types>"
)
RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    b'Target="word/document.xml"/></Relationships>'
)


@dataclass(frozen=True)
class Hostile:
    name: str  # the file's name (its suffix is what it claims to be)
    build: Callable[[Path], None]  # writes the file at the given path
    exit_code: int
    says: tuple[str, ...]  # words the message must contain
    slow: bool = False
    env: dict[str, str] = field(default_factory=dict)  # settings for this run (LICHTHIDUA_PLAN_MAX_*)


def body(paragraphs: Iterable[bytes]) -> Iterator[bytes]:
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W_NS}"><w:body>'.encode()
    yield from paragraphs
    yield b"</w:body></w:document>"


def para(text: str) -> bytes:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode()


# Bombs are made without compressing their gigabytes: a piece deflated once and flushed in full (which resets
# the dictionary) is a self-contained run of deflate blocks, so N copies of it inflate to N copies of the piece.

@dataclass(frozen=True)
class Deflated:
    raw: bytes  # raw deflate data (no zlib header)
    size: int
    crc: int
    adler: int


def deflated(pieces: Iterable[tuple[bytes, int]]) -> Deflated:
    """(piece, times) → the deflate stream of each piece repeated, in order; sizes and checksums computed."""
    out: list[bytes] = []
    size, crc, adler = 0, 0, 1
    for piece, times in pieces:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        out.append((c.compress(piece) + c.flush(zlib.Z_FULL_FLUSH)) * times)
        size += len(piece) * times
        for _ in range(times):
            crc = zlib.crc32(piece, crc)
            adler = zlib.adler32(piece, adler)
    out.append(b"\x03\x00")  # the final, empty block
    return Deflated(b"".join(out), size, crc, adler)


def zlib_stream(d: Deflated) -> bytes:
    return b"\x78\xda" + d.raw + struct.pack(">I", d.adler)


def write_zip(path: Path, members: list[tuple[str, Deflated]]) -> None:
    """A zip of deflated members, written by hand (so a member can be a bomb or carry any name)."""
    out = bytearray()
    central = bytearray()
    for name, d in members:
        encoded = name.encode()
        offset = len(out)
        fields = struct.pack("<HHHHHIIIHH", 20, 0x800, 8, 0, 0x21, d.crc, len(d.raw), d.size, len(encoded), 0)
        out += b"PK\x03\x04" + fields + encoded + d.raw
        central += (b"PK\x01\x02" + struct.pack("<H", 20) + fields
                    + struct.pack("<HHHII", 0, 0, 0, 0, offset) + encoded)
    end = struct.pack("<HHHHIIH", 0, 0, len(members), len(members), len(central), len(out), 0)
    path.write_bytes(bytes(out + central + b"PK\x05\x06" + end))


def write_docx(path: Path, document: Iterable[bytes] | Deflated, extra: Iterable[tuple[str, Deflated]] = ()) -> None:
    """A minimal .docx: content types, relationships, the body, and any extra parts."""
    main = document if isinstance(document, Deflated) else deflated([(b"".join(document), 1)])
    write_zip(path, [("[Content_Types].xml", deflated([(CONTENT_TYPES, 1)])), ("_rels/.rels", deflated([(RELS, 1)])),
                     ("word/document.xml", main), *extra])


def _head_tail() -> tuple[bytes, bytes]:
    head, tail = b"", b""
    parts = list(body([b"|"]))
    head, tail = parts[0], parts[2]
    return head, tail


def _valid_docx(path: Path) -> None:
    write_docx(path, body([para("Kế hoạch tổ chức phong trào thi đua năm 2026"), para("Đợt 1: từ 01/01/2026 đến 30/6/2026")]))


def _xml_bomb(path: Path) -> None:
    # 400 MB of blanks inside one paragraph: the directory says so before anything inflates.
    head, tail = _head_tail()
    write_docx(path, deflated([(head + b"<w:p><w:r><w:t>", 1), (b" " * MiB, 400), (b"</w:t></w:r></w:p>" + tail, 1)]))


def _tiny_paragraphs(path: Path) -> None:
    head, tail = _head_tail()
    write_docx(path, deflated([(head, 1), (b"<w:p/>" * 100_000, 30), (tail, 1)]))  # three million paragraphs


def _many_paragraphs(path: Path) -> None:
    write_docx(path, body(para(f"Mục {i}: nội dung số {i * 7919 % 100_003}") for i in range(150_000)))


def _billion_laughs(path: Path) -> None:
    entities = '<!ENTITY a0 "ha">' + "".join(f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    xml = (f'<?xml version="1.0"?>\n<!DOCTYPE w:document [{entities}]>\n'
           f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&a9;</w:t></w:r></w:p></w:body></w:document>')
    write_docx(path, [xml.encode()])


def _xxe(path: Path) -> None:
    xml = (f'<?xml version="1.0"?>\n<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
           f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>')
    write_docx(path, [xml.encode()])


def _many_members(path: Path) -> None:
    small = deflated([(b"<a/>", 1)])
    write_docx(path, body([para("Kế hoạch")]), extra=[(f"word/media/anh{i}.xml", small) for i in range(5000)])


def _traversal(path: Path) -> None:
    write_docx(path, body([para("Kế hoạch")]), extra=[("../../../tmp/lichthidua-pwned.sh", deflated([(b"echo pwned", 1)])),
                                                      ("/etc/cron.d/pwned", deflated([(b"* * * * * root true", 1)]))])


def _ratio_bomb(path: Path) -> None:
    # One 150 MB part of blanks that compresses a thousandfold: under the inflated total, over the ratio.
    write_docx(path, body([para("Kế hoạch")]), extra=[("word/media/image1.bin", deflated([(b" " * MiB, 150)]))])


def _lying_directory(path: Path) -> None:
    """A part whose directory entries say 1 KB while its stream inflates to 300 MB."""
    bomb = deflated([(b"\0" * MiB, 300)])
    write_docx(path, body([para("Kế hoạch")]), extra=[("word/media/image1.bin", Deflated(bomb.raw, 1024, bomb.crc, 1))])


def _nested_tables(path: Path) -> None:
    depth = 40
    xml = b"<w:tbl><w:tr><w:tc>" * depth + para("giữa") + b"</w:tc></w:tr></w:tbl>" * depth
    write_docx(path, body([xml]))


def _deep_xml(path: Path) -> None:
    write_docx(path, body([b"<w:p>" + b"<w:r>" * 5000 + b"</w:r>" * 5000 + b"</w:p>"]))


def _unknown_compression(path: Path) -> None:
    _valid_docx(path)
    data = bytearray(path.read_bytes())
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:  # every central directory entry: method 99 (AES)
        data[at + 10:at + 12] = struct.pack("<H", 99)
        at += 4
    at = 0
    while (at := data.find(b"PK\x03\x04", at)) >= 0:
        data[at + 8:at + 10] = struct.pack("<H", 99)
        at += 4
    path.write_bytes(bytes(data))


def _truncated_docx(path: Path) -> None:
    _valid_docx(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _not_a_zip(path: Path) -> None:
    path.write_bytes("Kế hoạch thi đua (thật ra là văn bản)\n".encode() * 20)


# --- PDF ---------------------------------------------------------------------------------


def pdf(objects: list[bytes], root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF from object bodies numbered 1..n, with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, trailer_extra, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _text_page_objects() -> list[bytes]:
    content = b"BT /F1 12 Tf 72 720 Td (Ke hoach thi dua nam 2026, dot 1 tu 01/01/2026 den 30/6/2026) Tj ET"
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]


def _pdf_deflate_bomb(path: Path) -> None:
    bomb = zlib_stream(deflated([(b"q Q " * (MiB // 4), 300)]))  # 300 MB of content operators
    objects = _text_page_objects()
    objects[3] = _stream(bomb, b"/Filter /FlateDecode ")
    path.write_bytes(pdf(objects))


def _pdf_cycle(path: Path) -> None:
    path.write_bytes(pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 2 >>",
        b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 3 0 R] /Count 2 >>",
    ]))


def _pdf_pages(path: Path, count: int = 10_000) -> None:
    kids = b" ".join(b"%d 0 R" % (n + 4) for n in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
        _stream(b"BT /F1 12 Tf 72 720 Td (Trang) Tj ET"),
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * count
    path.write_bytes(pdf(objects))


def _pdf_encrypted(path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="mat-khau", owner_password="chu-so-huu", algorithm="RC4-128")
    with path.open("wb") as f:
        writer.write(f)


@cache
def _huge_gray_rows(side: int) -> bytes:
    """The zlib stream of a side × side 8-bit grey image, all white (PNG row filters included): about 1 MB."""
    rows = (b"\x00" + b"\xff" * side) * 100
    return zlib_stream(deflated([(rows, side // 100)]))


def huge_png(side: int = 30_000) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", _huge_gray_rows(side)) + chunk(b"IEND", b""))


def _pdf_huge_scan(path: Path) -> None:
    side = 30_000
    image = _stream(_huge_gray_rows(side), b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                    b"/BitsPerComponent 8 /Filter /FlateDecode /DecodeParms << /Predictor 15 /Columns %d >> "
                    % (side, side, side))
    path.write_bytes(pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /XObject << /Im1 5 0 R >> >> >>",
        _stream(b"q 595 0 0 842 0 0 cm /Im1 Do Q"),
        image,
    ]))


def _pdf_huge_page(path: Path) -> None:
    path.write_bytes(pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] >>",
    ]))


def _truncated_pdf(path: Path) -> None:
    data = pdf(_text_page_objects())
    path.write_bytes(data[: len(data) // 3])


def _png_named_docx(path: Path) -> None:
    path.write_bytes(huge_png(64))


def _html_named_doc(path: Path) -> None:
    path.write_bytes(b'<html><body><p>Xin chao</p><img src="http://127.0.0.1:9/anh.png"></body></html>')


def _noise(path: Path) -> None:
    import random

    path.write_bytes(random.Random(21).randbytes(64 * 1024))


def _nul_text(path: Path) -> None:
    path.write_bytes("Kế hoạch\x00\x00 thi đua\x00".encode() * 100)


def _huge_line(path: Path) -> None:
    path.write_bytes(b"1" * 3_000_000)  # one line, past plan_max_characters (2 million)


def _long_digits(path: Path) -> None:
    path.write_text("Kế hoạch thi đua\n" + "1" * 1_600 + "\n" + "1-A" * 20_000 + "\n" + "nộp 1 về 1 " * 20_000 + " a@b.vn\n",
                    encoding="utf-8")


def _slow_text(path: Path) -> None:
    path.write_text("Lễ 1 " * 390_000, encoding="utf-8")  # just under 2 million characters: seconds of work


def _big_file(path: Path) -> None:
    with path.open("wb") as f:  # sparse: 60 MB on paper, nothing on disk
        f.write(b"%PDF-1.7\n")
        f.truncate(60 * MiB)


def _huge_png(path: Path) -> None:
    path.write_bytes(huge_png())


def _png_header_only(path: Path) -> None:
    path.write_bytes(huge_png(64)[:16] + struct.pack(">II", 200_000, 200_000) + b"\x08\x00\x00\x00\x00")


def _truncated_png(path: Path) -> None:
    data = huge_png(64)
    path.write_bytes(data[:40])


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _shell_name(path: Path) -> None:
    path.write_text("Kế hoạch thi đua năm 2026\nĐợt 1: từ 01/01/2026 đến 30/6/2026\n", encoding="utf-8")


SIZE = ("vượt giới hạn",)
BROKEN_WORD = ("hỏng",)

CORPUS: list[Hostile] = [
    Hostile("khong-phai-zip.docx", _not_a_zip, 65, ("tệp Word .docx", "văn bản thuần", ".txt")),
    Hostile("bom-xml.docx", _xml_bomb, 65, ("dung lượng sau khi giải nén", "200 MB", "plan_max_inflated_bytes"),
            slow=True),
    Hostile("ba-trieu-doan.docx", _tiny_paragraphs, 65, ("tỉ lệ nén", "plan_max_zip_ratio")),
    Hostile("150-nghin-doan.docx", _many_paragraphs, 65, ("số đoạn văn", "100.000", "plan_max_paragraphs")),
    Hostile("ty-tieng-cuoi.docx", _billion_laughs, 65, ("DOCTYPE",)),
    Hostile("xxe.docx", _xxe, 65, ("DOCTYPE",)),
    Hostile("nhieu-phan.docx", _many_members, 65, ("số phần", "1.000", "plan_max_parts")),
    Hostile("ten-vuot-thu-muc.docx", _traversal, 65, ("tên không hợp lệ", "../")),
    Hostile("ti-le-nen.docx", _ratio_bomb, 65, ("tỉ lệ nén", "100 lần", "plan_max_zip_ratio")),
    Hostile("muc-luc-doi.docx", _lying_directory, 65, ("tệp nén bị hỏng",), slow=True),
    Hostile("bang-long-bang.docx", _nested_tables, 65, ("bảng lồng", "32 cấp")),
    Hostile("xml-sau.docx", _deep_xml, 65, ("XML", "lồng nhau quá 256 cấp")),
    Hostile("nen-la.docx", _unknown_compression, 65, ("cách nén",)),
    Hostile("cut-doi.docx", _truncated_docx, 65, ("hỏng",)),
    Hostile("png-ten-docx.docx", _png_named_docx, 65, ("ảnh PNG", ".png")),
    Hostile("rong.docx", _empty, 65, ("tệp rỗng",)),
    Hostile("bom-deflate.pdf", _pdf_deflate_bomb, 65, ("giải nén ra hơn 75 MB", "plan_max_inflated_bytes")),
    Hostile("trang-vong.pdf", _pdf_cycle, 65, ("PDF bị hỏng",)),
    Hostile("muoi-nghin-trang.pdf", lambda p: _pdf_pages(p), 65, ("số trang", "500", "10.000", "plan_max_pages")),
    Hostile("mat-khau.pdf", _pdf_encrypted, 65, ("mật khẩu",)),
    Hostile("quet-30000.pdf", _pdf_huge_scan, 65, ("điểm ảnh", "30.000 × 30.000", "plan_max_pixels")),
    Hostile("trang-khong-lo.pdf", _pdf_huge_page, 65, ("điểm ảnh", "plan_max_pixels")),
    Hostile("cut-doi.pdf", _truncated_pdf, 65, ("PDF bị hỏng",)),
    Hostile("nhieu-tieng-on.pdf", _noise, 65, ("tệp PDF", "nhị phân")),
    Hostile("qua-lon.pdf", _big_file, 65, ("kích thước tệp", "50 MB", "plan_max_bytes")),
    Hostile("rong.pdf", _empty, 65, ("tệp rỗng",)),
    Hostile("quet-30000.png", _huge_png, 65, ("điểm ảnh", "30.000 × 30.000", "plan_max_pixels")),
    Hostile("chi-dau-anh.png", _png_header_only, 65, ("điểm ảnh", "200.000 × 200.000")),
    Hostile("cut-doi.png", _truncated_png, 65, ("Tesseract",), slow=True),
    Hostile("html-ten-doc.doc", _html_named_doc, 65, ("tệp Word cũ (.doc)", "trang HTML")),
    Hostile("tieng-on.txt", _noise, 65, ("nhị phân",)),
    Hostile("byte-0.txt", _nul_text, 65, ("văn bản thuần", "nhị phân")),
    Hostile("rong.txt", _empty, 65, ("tệp rỗng",)),
    Hostile("mot-dong-dai.txt", _huge_line, 65, ("số ký tự", "2.000.000", "plan_max_characters")),
    Hostile("dong-so-dai.txt", _long_digits, 0, ("Tìm thấy",)),
    Hostile("doc-lau.txt", _slow_text, 65, ("thời gian đọc vượt giới hạn 1 giây", "plan_max_seconds"),
            env={"LICHTHIDUA_PLAN_MAX_SECONDS": "1"}),
    Hostile("$(touch pwned); `touch pwned2` | rm -rf x.txt", _shell_name, 0, ("Tìm thấy",)),
    Hostile("-o--force.txt", _shell_name, 0, ("Tìm thấy",)),
]
