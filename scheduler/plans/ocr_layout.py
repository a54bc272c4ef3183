"""A scanned page's schedule table, read by its columns (pure).

Tesseract reads a scan line by line across the page, so a table's cells that wrap interleave with their
neighbours' ("… gửi danh sách thí|Chậm nhất ngày", then "sinh về Ban Nữ công … 12/3/2027") and a row's date
ends up a line away from its task. Tesseract also gives every word's box (its TSV output); from the boxes
the page is laid out again on a grid of characters, as a text PDF's layout mode lays out its text, and
:func:`scheduler.plans.tables.laid_out_tables` reads each table by the positions of its columns.

A page with no schedule table keeps Tesseract's own text, so reading a scan without tables is unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median

from scheduler.plans.tables import cells_text, laid_out_tables

_BORDER = "|[]{}¦"  # a table's rules, read as characters glued to the words beside them
_MARK = re.compile(r"\w")
RULE_HEIGHT = 8  # pixels: a block no taller than this and long is a rule of a table
NARROWER = 0.8
SPACE = 2.0  # a gap of fewer characters than this is a space between words, not between columns
GAP = 0.75  # of a line's height: a gap this tall between two lines is a blank line
MIN_CONFIDENCE = 30.0  # below it, a box with no letter or digit is a speck or a rule, not a word


@dataclass(frozen=True)
class Word:
    left: int
    top: int
    width: int
    height: int
    text: str
    ruled: bool = False  # a rule stands just before it: it opens a cell


@dataclass(frozen=True)
class Line:
    top: int
    height: int
    words: tuple[Word, ...]


@dataclass(frozen=True)
class Page:
    lines: tuple[Line, ...]
    rules: tuple[int, ...]  # the heights (from the top) of the horizontal rules drawn across the page


def tsv_page(tsv: str) -> Page:
    """The lines of Tesseract's TSV output, each with its words (specks and the rules read into words
    dropped), and the horizontal rules it found as blocks of their own."""
    lines: dict[tuple[str, ...], list[Word]] = {}
    boxes: dict[tuple[str, ...], tuple[int, int]] = {}
    rules: list[int] = []
    ruled: set[tuple[str, ...]] = set()
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or not cells[0].isdigit():
            continue
        key = tuple(cells[1:5])
        left, top, width, height = (int(v) for v in cells[6:10])
        if cells[0] == "2" and 0 < height <= RULE_HEIGHT and width >= 20 * RULE_HEIGHT:
            rules.append(top)
            continue
        if cells[0] == "4":
            boxes[key] = (top, height)
            continue
        if cells[0] != "5":
            continue
        try:
            confidence = float(cells[10])
        except ValueError:
            confidence = -1.0
        words = lines.setdefault(key, [])
        text = cells[11].strip()
        if text and all(ch in _BORDER for ch in text):
            ruled.add(key)  # a rule read alone: the next word opens a cell
            continue
        pieces = _split_at_rules(Word(left, top, width, height, text, ruled=key in ruled), confidence)
        if pieces:
            ruled.discard(key)
        words.extend(pieces)
    out = []
    for key, words in lines.items():
        if any(_MARK.search(w.text) for w in words):  # a line of specks (a rule's shadow) is not text
            top, height = boxes.get(key, (min(w.top for w in words), max(w.height for w in words)))
            out.append(Line(top, height, tuple(words)))
    return Page(tuple(sorted(out, key=lambda line: line.top)), tuple(sorted(rules)))


def _split_at_rules(word: Word, confidence: float) -> list[Word]:
    """A word box without the table rules read into it ("thí|Chậm" is two words, "|Ngày" one), each piece
    placed where its characters stand in the box."""
    text = word.text
    if not _MARK.search(text) and confidence < MIN_CONFIDENCE:
        return []
    if not any(ch in _BORDER for ch in text):
        return [word]
    pieces: list[Word] = []
    step = word.width / max(1, len(text))
    for match in re.finditer(rf"[^{re.escape(_BORDER)}]+", text):
        piece = match[0].strip()
        if piece:
            pieces.append(Word(word.left + round(match.start() * step), word.top, round(len(piece) * step),
                               word.height, piece, ruled=match.start() > 0 or word.ruled))
    return pieces


def grid(page: Page) -> list[str]:
    """The page laid out on a grid of characters, as a text PDF's layout mode lays out its text: the first
    word of each run of words at its column; a blank line where a table's rule or a gap of most of a line
    separates two lines; lines that share a row (a row's number centred beside a cell's two lines) apart,
    as Tesseract found them."""
    lines = page.lines
    words = [w for line in lines for w in line.words if len(w.text) >= 2]
    if not words:
        return [" ".join(w.text for w in line.words) for line in lines]
    # A little narrower than the median character, so that a cell of narrow letters stays within its column.
    char = max(1.0, NARROWER * median(w.width / len(w.text) for w in words))
    height = median(line.height for line in lines)
    out: list[str] = []
    previous: Line | None = None
    for line in lines:
        if previous is not None:
            ruled = any(previous.top < rule < line.top for rule in page.rules)
            if ruled or line.top - (previous.top + previous.height) > GAP * height:
                out.append("")
        text = ""
        right = 0
        for word in sorted(line.words, key=lambda w: w.left):
            if text and not word.ruled and word.left - right < SPACE * char / NARROWER:
                text = f"{text} {word.text}"  # the next word of a run: one space, whatever the letters' widths
            else:
                text = text.ljust(max(round(word.left / char), len(text) + 2 if text else 0)) + word.text
            right = word.left + word.width
        out.append(text)
        previous = line
    return out


def page_text(text: str, tsv: str) -> str:
    """A scanned page's text: Tesseract's own, or, when the page holds a schedule table, the page laid out
    from its word boxes with each table made into its row lines (wide gaps elsewhere kept as a tab, as a
    text PDF's page is read)."""
    if not tsv.strip():
        return text
    laid = grid(tsv_page(tsv))
    read = laid_out_tables(laid)
    return cells_text(read) if read != laid else text
