"""Plan text as paragraphs, and the small text helpers every extractor uses (pure).

`blocks` joins a PDF's wrapped lines and OCR output into paragraphs, so every
format reads the same; `quote` gives the sentence around a match for the
draft's comments; references to other documents ("Nghị quyết số 02-NQ/TW ngày
12/6/2021") are masked so their dates never become events.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable

from scheduler.plans.findings import Block, Where
from scheduler.plans.noise import blank_noise

MARKER = re.compile(r"^\s*(?:[-+•●▪]\s|\d+(?:\.\d+)*\.\s|[IVX]+\.\s|Đợt\b|Nơi nhận|TM\.|(?-i:Căn\s+cứ)\s)", re.I)


_D = r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}"
_DY = rf"(?:{_D}|\d{{4}})"
BRACKET = re.compile(rf"\(\s*(?P<a>{_DY})\s*[-–—]\s*(?P<b>{_DY})\s*\)")


# Linear on any line (a line of 1,600 digits once took 26 s): a number starts where no letter, digit or dot precedes it,
# its parts are bounded and possessive, and "-KH/TW" is one run where "/" must be followed by a letter
# (the old `(?:[/\-][A-ZĐ][\wĐ.\-]*)+` matched "-A-A-A…" in exponentially many ways before failing).
REFERENCE = re.compile(
    r"(?:số:?\s*)?(?<![\w.])\d[\w.]{0,24}+[/\-][A-ZĐ](?:[\wĐ.\-]|/(?=[A-ZĐ])){0,48}+,?\s+ngày\s+"
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})",
    re.I,
)


# An address starts where its run of name characters starts: no rescan of a long run from each of its characters.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)+")


def clean_line(line: str) -> str:
    line = re.sub(r"\*+", "", line)
    line = re.sub(r"^\s*#+\s*", "", line)
    return re.sub(r"\s+", " ", line).strip()  # one space: no pattern meets a long run of blanks


_KIND_HEADING = re.compile(r"^(?:KẾ HOẠCH|HƯỚNG DẪN|PHÁT ĐỘNG|CHƯƠNG TRÌNH|THÔNG BÁO|CÔNG VĂN|QUYẾT ĐỊNH|THỂ LỆ|ĐIỀU LỆ)\b")
_KIND_LINE = re.compile(r"(?:KẾ HOẠCH|HƯỚNG DẪN|PHÁT ĐỘNG|CHƯƠNG TRÌNH|THÔNG BÁO|CÔNG VĂN|QUYẾT ĐỊNH"
                        r"|THỂ LỆ|ĐIỀU LỆ)")  # the heading alone
_CELL_GAP = re.compile(r"\t| {3,}")  # between the two columns of a header typed or laid out side by side
HEADER_LINES = 15  # the administrative header is within the first lines of the first page
_HEADER_MARK = re.compile(r"^(?:Số\s*:|CỘNG HÒA|Độc lập\s*[-–]|-{3,}$|[^,\d]{2,40},\s*ngày\b[^,]*năm\s*\d{4}$)", re.I)


def _header_like(line: str) -> bool:
    """A line of an administrative header: "Số: …", "CỘNG HÒA …", the place and date line, an issuer in capitals."""
    cells = [clean_line(c) for c in _cells(line)]
    return all(_HEADER_MARK.match(c) or (c.isupper() and len(c) <= 80) for c in cells)


def _header_cells(raw_lines: list[str]) -> list[list[str] | None]:
    """Each line as its cells. Lines of the administrative header (before the plan's kind heading) are
    paragraphs of their own, split at column gaps: a header typed in a two-column table, side by side with
    spaces, or laid out by a PDF, reads like one typed line by line."""
    end, kind = 0, False
    for idx, raw in enumerate(raw_lines[:HEADER_LINES]):
        if _KIND_HEADING.match(clean_line(_CELL_GAP.split(raw.strip())[0])):
            end, kind = idx, True
            break
    else:  # no kind heading: the header is the run of header-like lines the text opens with
        for idx, raw in enumerate(raw_lines[:HEADER_LINES]):
            line = clean_line(raw)
            if line and not _header_like(line):
                break
            end = idx + 1
    # Above a kind heading every line is a paragraph of its own (an issuer typed in its own case, "Liên đoàn Lao
    # động huyện Đăk Hà", is a header line too); without one, only the header-like lines.
    return [_cells(raw) if idx < end and raw.strip() and (kind or _header_like(clean_line(raw)) or len(_cells(raw)) > 1)
            else None for idx, raw in enumerate(raw_lines)]


_MERGED = re.compile(r"\s(?=CỘNG HÒA\b|Độc lập\s*[-–])")
_PLACE_DATE = re.compile(r",\s*ngày\b[^,]{0,40}năm\s*\d{4}\s*$")


def _unmerged(cell: str) -> list[str]:
    """A header line whose two columns OCR or a copy joined with one space: split before "CỘNG HÒA",
    "Độc lập –" and the "Place, ngày … năm …" that ends it (the place: up to four capitalised words)."""
    parts = [p.strip() for p in _MERGED.split(cell) if p.strip()]
    last = parts[-1] if parts else cell
    m = _PLACE_DATE.search(last)
    if m:
        words = last[:m.start()].split(" ")
        k = len(words)
        while k > 0 and len(words) - k < 4 and words[k - 1][:1].isupper() and not words[k - 1].startswith(("Số", "/")):
            k -= 1
        if 0 < k < len(words) and not words[k - 1].endswith(":"):
            parts[-1:] = [" ".join(words[:k]), " ".join(words[k:]) + last[m.start():]]
    return parts or [cell]


# How the body's first sentence opens, right under the title.
_BODY_OPENS = re.compile(r"(?:Căn cứ|Thực hiện|Để|Nhằm|Ban Thường vụ|Ban Chấp hành|BCH|Thường trực|Phát huy|Trên cơ sở|"
                         r"Nhân dịp|Hưởng ứng|Tiếp tục|Năm \d{4}\s*,)\s")
_BLANK_BEFORE = re.compile(r"(?::|\b(?:ngày|tháng|năm|số))$", re.I)


def _cells(raw: str) -> list[str]:
    """Split at wide gaps, except inside a blank to fill in ("Số:    /KH", "ngày    tháng 01 năm 2024")."""
    cells: list[list[str]] = []
    for part in _CELL_GAP.split(raw.strip()):
        part = part.strip()
        if not part:
            continue
        if cells and (_BLANK_BEFORE.search(cells[-1][-1]) or part[:1].islower() or part[:1] == "/"):
            cells[-1].append(part)
        else:
            cells.append([part])
    return [piece for cell in cells for piece in _unmerged(" ".join(cell))]


def _one_paragraph_per_line(raw_lines: list[str]) -> bool:
    """Text typed with no blank line between paragraphs (a Word file without empty paragraphs, a web page).

    Wrapped text (an e-mail, a PDF) never has a line longer than its margin; a typed paragraph often does.
    """
    content = "\n".join(raw_lines).strip("\n").split("\n")
    return len(content) > 1 and all(r.strip() for r in content) and max(len(r.strip()) for r in content) > 100


def _opens_sentence(raw_lines: list[str], idx: int) -> bool:
    """A typed line that ends a sentence ends its paragraph when the next line opens one with a capital
    ("Đợt 2: từ 01/3/2027 đến 30/6/2027." then "Các công đoàn cơ sở gửi …"), however short it is."""
    nxt = raw_lines[idx].strip() if idx < len(raw_lines) else ""
    return nxt[:1].isupper()


def blocks(pages: Iterable[str], paged: bool) -> list[Block]:
    """Paragraphs: split at blank lines and at lines that open an item or heading.

    Web-page noise is blanked first (`noise`); the header's two columns, typed side by side or laid out
    by a PDF, become separate paragraphs with the same line number.
    """
    out: list[Block] = []
    for page_no, page in enumerate(pages, start=1):
        per_line = not paged and _one_paragraph_per_line(page.split("\n"))
        page = blank_noise(page)
        current: list[str] = []
        first = 0
        raw_lines = page.split("\n")
        cells = _header_cells(raw_lines) if page_no == 1 else [None] * len(raw_lines)
        # PDF text and OCR lose blank lines: a line well short of the page's width ends its paragraph.
        widths = sorted(len(r.strip()) for r in raw_lines if r.strip())
        full = widths[int(len(widths) * 0.9)] if widths else 0
        wrapped = False  # in a PDF, a line that ends mid-sentence continues on the next one
        title_lines = 0  # lines after the kind heading that may still be the title
        for idx, raw in enumerate(raw_lines, start=1):
            line_cells = cells[idx - 1]
            if line_cells is not None:  # a line of the header: its own paragraph(s)
                if current:
                    out.append(Block(" ".join(current), first, page_no if paged else None))
                    current = []
                out.extend(Block(clean_line(c), idx, page_no if paged else None) for c in line_cells if clean_line(c))
                wrapped = False
                continue
            line = clean_line(raw)
            if not line or (MARKER.match(line) and not (paged and wrapped)):
                if current:
                    out.append(Block(" ".join(current), first, page_no if paged else None))
                    current = []
                if not line:
                    continue
            kind_line = _KIND_LINE.fullmatch(line) is not None
            if current and kind_line:  # "KẾ HOẠCH" alone opens the title, whatever came before
                out.append(Block(" ".join(current), first, page_no if paged else None))
                current = []
            if not current:
                first = idx
            current.append(line)
            wrapped = line[-1:] not in ".:;!?)”\"…"
            typed_end = not paged and line[-1:] in ".;!?" and (len(line) > 40 or _opens_sentence(raw_lines, idx))
            # The title under "KẾ HOẠCH" ends without a stop: the body's first sentence on the next line opens
            # its own paragraph ("Ban Thường vụ … như sau:", "Căn cứ …").
            title_end = title_lines > 0 and idx < len(raw_lines) and _BODY_OPENS.match(raw_lines[idx].strip())
            # A section's heading in capitals ("III. TỔ CHỨC THỰC HIỆN") is its own paragraph, not the opening
            # of the next one (a title in capitals under "KẾ HOẠCH" may run over several lines).
            heading = (len(current) == 1 and line.isupper() and len(line) <= 120
                       and (title_lines <= 0 or MARKER.match(line) is not None))
            title_lines -= 1
            if (paged and len(raw.strip()) < 0.7 * full) or per_line or typed_end or title_end or kind_line or heading:
                out.append(Block(" ".join(current), first, page_no if paged else None))
                current = []
            if kind_line:
                title_lines = 4
        if current:
            out.append(Block(" ".join(current), first, page_no if paged else None))
    return join_broken(out)


def join_broken(found: list[Block]) -> list[Block]:
    """A paragraph cut by a page break ends without punctuation and resumes in lower case, or after a word
    that cannot end a sentence ("… và", an open bracket) with a name in capitals ("Quan hệ Lao động)")."""
    out: list[Block] = []
    for b in found:
        prev = out[-1] if out else None
        cut = prev is not None and prev.text[-1:] not in ".:;!?)”\"…" and not MARKER.match(b.text)
        if prev and cut and (b.text[:1].islower() or (b.page != prev.page and _unfinished(prev.text))):
            out[-1] = Block(prev.text + " " + b.text, prev.line, prev.page)
        else:
            out.append(b)
    return out


_DANGLING = {"và", "của", "về", "với", "cho", "các", "những", "tại", "trong", "theo", "để", "đến", "từ", "là", "qua", "hoặc"}


def _unfinished(text: str) -> bool:
    return text.count("(") > text.count(")") or text.rsplit(" ", 1)[-1].lower() in _DANGLING


class Clauses:
    """Where the clauses of a paragraph start and end (". ", "; ", ": "), found once, looked up by bisection."""

    def __init__(self, text: str, marks: str = r"[.;:] ") -> None:
        self.cuts = [m.start() for m in re.finditer(marks, text)]
        self.size = len(text)

    def start(self, pos: int) -> int:
        """The first character of the clause holding `pos`."""
        i = bisect.bisect_left(self.cuts, pos - 1) - 1
        while i >= 0 and self.cuts[i] + 2 > pos:
            i -= 1
        return self.cuts[i] + 2 if i >= 0 else 0

    def end(self, pos: int) -> int:
        """Where the clause holding `pos` ends (the next mark at or after `pos`)."""
        i = bisect.bisect_left(self.cuts, pos)
        return self.cuts[i] if i < len(self.cuts) else self.size


def slug(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


_ENDS = " ,;:.-–—'"
_QUOTES = "\"“”"


def cap(text: str) -> str:
    """A title or theme cut from a sentence: its ends' punctuation dropped, a quote kept where it closes or opens
    a name inside it (Liên hoan văn nghệ "Sắc màu áo trắng"), the first letter capital."""
    text = text.strip(_ENDS + _QUOTES)
    if sum(text.count(q) for q in _QUOTES) % 2 == 1:  # a name's closing quote was cut with the ends: give it back
        text += "”" if text[max(text.rfind(q) for q in _QUOTES)] == "“" else "\""
    return text[:1].upper() + text[1:]


_PROPER = {"việt nam": "Việt Nam", "hồ chí minh": "Hồ Chí Minh"}
# After these words a heading in capitals names a place ("TỈNH NINH BÌNH"): its words keep their capitals.
_PLACE_LEVELS = frozenset({"tỉnh", "phố", "huyện", "quận", "xã", "phường", "trấn"})


def sentence_case(text: str) -> str:
    """Headings are set in capitals: lower the leading run of all-capital words, keeping the capitals of
    what Vietnamese writes with them: a place after its level ("tỉnh Ninh Bình"), a sector's first word
    ("ngành Y tế"), "Việt Nam"."""
    words = text.split(" ")
    k = 0
    while k < len(words) and words[k].isupper() and (len(words[k]) > 1 or k + 1 < len(words) and words[k + 1].isupper()):
        k += 1
    if k >= 2:
        lowered = [w.lower() for w in words[:k]]
        place = False
        for i, w in enumerate(lowered):
            if place or (i and lowered[i - 1] == "ngành"):
                lowered[i] = w[:1].upper() + w[1:]
            place = place or w in _PLACE_LEVELS
        words[:k] = lowered
        joined = " ".join(words)
        for low, proper in _PROPER.items():
            joined = re.sub(rf"(?<!\w){low}(?!\w)", proper, joined)
        return cap(joined)
    return cap(" ".join(words))


SENTENCE = 4000  # longer than any sentence of a plan


def quote(block: Block, start: int = 0, end: int | None = None, width: int = 220) -> Where:
    """The sentence around text[start:end] of a block, trimmed to about `width` characters."""
    text = block.text
    end = len(text) if end is None else end
    # Sentence ends are looked for within SENTENCE characters: a block of many matches and no full stop
    # (a hostile line) costs each quote that much, not the whole block.
    floor, ceiling = max(0, start - SENTENCE), min(len(text), end + SENTENCE)
    left = max(text.rfind(". ", floor, start), text.rfind("; ", floor, start))
    left = floor if left < 0 else left + 2
    right_candidates = [i for i in (text.find(". ", end, ceiling), text.find("; ", end, ceiling)) if i >= 0]
    right = min(right_candidates) + 1 if right_candidates else ceiling
    q = text[left:right].strip()
    if len(q) > width:
        mid = max(0, start - left - width // 3)
        if mid:
            mid = q.find(" ", mid) + 1 or mid  # whole words only
        cut = q[mid:mid + width]
        cut = cut.rsplit(" ", 1)[0] if mid + width < len(q) else cut
        q = ("…" if mid else "") + cut.strip() + ("…" if mid + width < len(q) else "")
    return Where(block.line, block.page, q)


def mask_references(text: str) -> str:
    return REFERENCE.sub(lambda m: "§" * len(m[0]), text)
