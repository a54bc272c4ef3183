"""Plan text as paragraphs, and the small text helpers every extractor uses (pure).

`blocks` joins a PDF's wrapped lines and OCR output into paragraphs, so every
format reads the same; `quote` gives the sentence around a match for the
draft's comments; references to other documents ("Nghị quyết số 02-NQ/TW ngày
12/6/2021") are masked so their dates never become events.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from scheduler.plans.findings import Block, Where


MARKER = re.compile(r"^\s*(?:[-+•●▪]\s|\d+(?:\.\d+)*\.\s|[IVX]+\.\s|Đợt\b|Nơi nhận|TM\.)", re.I)


_D = r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}"
_DY = rf"(?:{_D}|\d{{4}})"
BRACKET = re.compile(rf"\(\s*(?P<a>{_DY})\s*[-–—]\s*(?P<b>{_DY})\s*\)")


# Linear on any line (a line of 1,600 digits once took 26 s): a number starts where no digit precedes it,
# its parts are bounded and possessive, and "-KH/TW" is one run where "/" must be followed by a letter
# (the old `(?:[/\-][A-ZĐ][\wĐ.\-]*)+` matched "-A-A-A…" in exponentially many ways before failing).
REFERENCE = re.compile(
    r"(?:số:?\s*)?(?<!\d)\d[\w.]{0,24}+[/\-][A-ZĐ](?:[\wĐ.\-]|/(?=[A-ZĐ])){0,48}+,?\s+ngày\s+"
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})",
    re.I,
)


# An address starts where its run of name characters starts: no rescan of a long run from each of its characters.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)+")


def clean_line(line: str) -> str:
    line = re.sub(r"\*+", "", line)
    line = re.sub(r"^\s*#+\s*", "", line)
    return re.sub(r"\s+", " ", line).strip()  # one space: no pattern meets a long run of blanks


def blocks(pages: Iterable[str], paged: bool) -> list[Block]:
    """Paragraphs: split at blank lines and at lines that open an item or heading."""
    out: list[Block] = []
    for page_no, page in enumerate(pages, start=1):
        current: list[str] = []
        first = 0
        raw_lines = page.split("\n")
        # PDF text and OCR lose blank lines: a line well short of the page's width ends its paragraph.
        widths = sorted(len(r.strip()) for r in raw_lines if r.strip())
        full = widths[int(len(widths) * 0.9)] if widths else 0
        wrapped = False  # in a PDF, a line that ends mid-sentence continues on the next one
        for idx, raw in enumerate(raw_lines, start=1):
            line = clean_line(raw)
            if not line or (MARKER.match(line) and not (paged and wrapped)):
                if current:
                    out.append(Block(" ".join(current), first, page_no if paged else None))
                    current = []
                if not line:
                    continue
            if not current:
                first = idx
            current.append(line)
            wrapped = line[-1:] not in ".:;!?)”\"…"
            if paged and len(raw.strip()) < 0.7 * full:  # a line well short of the margin ends its paragraph
                out.append(Block(" ".join(current), first, page_no))
                current = []
        if current:
            out.append(Block(" ".join(current), first, page_no if paged else None))
    return join_broken(out)


def join_broken(found: list[Block]) -> list[Block]:
    """A paragraph cut by a page break ends without punctuation and resumes in lower case."""
    out: list[Block] = []
    for b in found:
        prev = out[-1] if out else None
        if prev and b.text[:1].islower() and prev.text[-1:] not in ".:;!?)”\"…" and not MARKER.match(b.text):
            out[-1] = Block(prev.text + " " + b.text, prev.line, prev.page)
        else:
            out.append(b)
    return out


def slug(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def cap(text: str) -> str:
    text = text.strip(" ,;:.-–—\"“”'")
    return text[:1].upper() + text[1:]


def sentence_case(text: str) -> str:
    """Headings are set in capitals: lower the leading run of all-capital words."""
    words = text.split(" ")
    k = 0
    while k < len(words) and words[k].isupper() and len(words[k]) > 1 or (k < len(words) and words[k] in ("VÀ",)):
        k += 1
    if k >= 2:
        words[:k] = [w.lower() for w in words[:k]]
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
