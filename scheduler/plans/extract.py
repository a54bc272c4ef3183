"""Read a plan's text into findings (pure): header, span, phases, anniversaries, deadlines, events.

Works on paragraphs (`blocks`), so text from Word, a PDF's wrapped lines and
OCR output read the same. Mentions map to the national calendar's entries by
the base date in their bracket first, then by name. References to other
documents ("Nghị quyết số 02-NQ/TW ngày 12/6/2021") are masked before dates
are looked for, so they never become events.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date

from scheduler.plans import notation as n
from scheduler.plans.findings import (
    Block,
    CommemorationRef,
    Deadline,
    Event,
    Findings,
    LunarMention,
    Mention,
    Phase,
    Reference,
    WeekdayMention,
    Where,
)

_MARKER = re.compile(r"^\s*(?:[-+•●▪]\s|\d+(?:\.\d+)*\.\s|[IVX]+\.\s|Đợt\b|Nơi nhận|TM\.)", re.I)
_D = r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}"
_DY = rf"(?:{_D}|\d{{4}})"
BRACKET = re.compile(rf"\(\s*(?P<a>{_DY})\s*[-–—]\s*(?P<b>{_DY})\s*\)")
REFERENCE = re.compile(
    r"(?:số:?\s*)?\d+[\w.]*(?:[/\-][A-ZĐ][\wĐ.\-]*)+(?:,)?\s+ngày\s+"
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})",
    re.I,
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
CAN_CHI = re.compile(
    r"(?P<what>Tết(?:\s+Nguyên\s+[Đđ]án)?|[Xx]uân|năm)\s+(?P<cc>(?:Giáp|Ất|Bính|Đinh|Mậu|Kỷ|Canh|Tân|Nhâm|Quý)\s+"
    r"(?:Tý|Sửu|Dần|Mão|Mẹo|Thìn|Tỵ|Ngọ|Mùi|Thân|Dậu|Tuất|Hợi))\s+(?P<y>\d{4})"
)
_EVENT_NOUN = r"(?:Hội nghị|Lễ|Đại hội|Chương trình|Hội thi|Hội diễn|Giải)"
_DATED_EVENT = re.compile(
    rf"(?P<ev>{_EVENT_NOUN}\s[^.;]{{3,100}}?)\s+(?:(?:được\s+)?(?:tổ chức|diễn ra)\s+)?(?:vào\s+)?"
    r"(?:(?:lúc|từ)\s+(?P<h>\d{1,2})\s*(?:giờ|h|:)\s*(?P<mi>\d{2})?"
    r"(?:\s*(?:đến|-|–)\s*(?P<h2>\d{1,2})\s*(?:giờ|h|:)\s*(?P<mi2>\d{2})?)?\s*,?\s*)?"
    r"(?:từ\s+)?ngày\s+(?P<d1>\d{1,2})[/.\-](?P<m1>\d{1,2})[/.\-](?P<y1>\d{4})"
    r"(?:\s*(?:đến|-|–)\s*(?:ngày\s+)?(?P<d2>\d{1,2})[/.\-](?P<m2>\d{1,2})[/.\-](?P<y2>\d{4}))?"
    r"(?:\s+tại\s+(?P<place>[^.;,]+))?"
)
_UNDATED_EVENT = re.compile(
    rf"(?P<ev>{_EVENT_NOUN}\s[^.;]{{3,80}}?)\s+(?:(?:được\s+)?(?:tổ chức|diễn ra)\s+)?vào\s+"
    r"(?P<when>quý\s+[IV1-4]+(?:\s+năm\s+\d{4})?|(?:đầu|giữa|cuối)\s+(?:năm|tháng|quý)[^.;,]{0,20}|dịp\s+[^.;,]{3,40})"
)
_AFTER_EVENT = re.compile(
    r"(?P<when>Sau khi\s+[^,.;]{3,60}),\s*[^,.;]{0,40}?tổ chức\s+(?P<ev>(?:hội nghị|lễ|Hội nghị|Lễ)\s[^.;]+)"
)
STOP_PHRASES = ("Nơi nhận", "TM.", "Ban Chấp hành", "Ban chấp hành", "Ban Thường vụ", "Sau mỗi đợt", "Trong quá trình")


def clean_line(line: str) -> str:
    line = re.sub(r"\*+", "", line)
    line = re.sub(r"^\s*#+\s*", "", line)
    return re.sub(r"[ \t]+", " ", line).strip()


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
            if not line or (_MARKER.match(line) and not (paged and wrapped)):
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
    return _join_broken(out)


def _join_broken(found: list[Block]) -> list[Block]:
    """A paragraph cut by a page break ends without punctuation and resumes in lower case."""
    out: list[Block] = []
    for b in found:
        prev = out[-1] if out else None
        if prev and b.text[:1].islower() and prev.text[-1:] not in ".:;!?)”\"…" and not _MARKER.match(b.text):
            out[-1] = Block(prev.text + " " + b.text, prev.line, prev.page)
        else:
            out.append(b)
    return out


def slug(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _cap(text: str) -> str:
    text = text.strip(" ,;:.-–—\"“”'")
    return text[:1].upper() + text[1:]


def _sentence_case(text: str) -> str:
    """Headings are set in capitals: lower the leading run of all-capital words."""
    words = text.split(" ")
    k = 0
    while k < len(words) and words[k].isupper() and len(words[k]) > 1 or (k < len(words) and words[k] in ("VÀ",)):
        k += 1
    if k >= 2:
        words[:k] = [w.lower() for w in words[:k]]
    return _cap(" ".join(words))


def quote(block: Block, start: int = 0, end: int | None = None, width: int = 220) -> Where:
    """The sentence around text[start:end] of a block, trimmed to about `width` characters."""
    text = block.text
    end = len(text) if end is None else end
    left = max(text.rfind(". ", 0, start), text.rfind("; ", 0, start))
    left = 0 if left < 0 else left + 2
    right_candidates = [i for i in (text.find(". ", end), text.find("; ", end)) if i >= 0]
    right = min(right_candidates) + 1 if right_candidates else len(text)
    q = text[left:right].strip()
    if len(q) > width:
        mid = max(0, start - left - width // 3)
        if mid:
            mid = q.find(" ", mid) + 1 or mid  # whole words only
        cut = q[mid:mid + width]
        cut = cut.rsplit(" ", 1)[0] if mid + width < len(q) else cut
        q = ("…" if mid else "") + cut.strip() + ("…" if mid + width < len(q) else "")
    return Where(block.line, block.page, q)


def _mask_references(text: str) -> str:
    return REFERENCE.sub(lambda m: "§" * len(m[0]), text)


class _Matcher:
    """Maps a mention's words and bracket to commemoration ids."""

    def __init__(self, refs: list[CommemorationRef]) -> None:
        self.refs = refs

    @staticmethod
    def _core(name: str) -> list[str]:
        name = re.sub(r"\(.*?\)", "", name)
        toks = _tokens(name)
        return toks[1:] if toks and toks[0] == "ngày" else toks

    def name_score(self, ref: CommemorationRef, phrase: str) -> float:
        words = _tokens(phrase)
        best = 0.0
        forms = [self._core(ref.name)] + [_tokens(x) for x in re.findall(r"\((.*?)\)", ref.name)]
        for core in forms:
            if not core:
                continue
            run = 0
            for i in range(len(words)):
                k = 0
                while k < len(core) and i + k < len(words) and words[i + k] == core[k]:
                    k += 1
                run = max(run, k)
            if run == len(core) or (run >= 3 and run >= 0.75 * len(core)):
                best = max(best, run / len(core) + run / 100)
        return best

    def ids(self, phrase: str, base: date | None, year_only: bool) -> list[str]:
        found: list[str] = []
        if base is not None:
            for ref in self.refs:
                same = ref.base.year == base.year if year_only else ref.base == base
                if same and (not year_only or self.name_score(ref, phrase)):
                    found.append(ref.id)
        scored = sorted(((self.name_score(r, phrase), r) for r in self.refs), key=lambda x: -x[0])
        if not found:
            # By name only: the best entry, and any other joined with "và" ("Cách mạng tháng Tám và Quốc khánh").
            if scored and scored[0][0] > 0:
                found.append(scored[0][1].id)
        for score, ref in scored:
            if score > 0 and ref.id not in found and " và " in phrase.lower():
                found.append(ref.id)
        # A combined entry ("Cách mạng tháng Tám và Quốc khánh") stands for the entries it names.
        names = {r.id: r for r in self.refs}
        combined = [i for i in found if " và " in names[i].name.lower()]
        if combined:
            found = combined[:1]
        return found


class Extractor:
    def __init__(self, pages: Iterable[str], paged: bool, reference: Reference) -> None:
        self.blocks = blocks(pages, paged)
        self.masked = [_mask_references(b.text) for b in self.blocks]
        self.ref = reference
        self.f = Findings()

    # -- header ---------------------------------------------------------------------------
    def header(self) -> None:
        f = self.f
        kind_words = {"KẾ HOẠCH": "KH", "HƯỚNG DẪN": "HD", "PHÁT ĐỘNG": "PĐTĐ", "CHƯƠNG TRÌNH": "CTr",
                      "THÔNG BÁO": "TB", "CÔNG VĂN": "CV", "QUYẾT ĐỊNH": "QĐ"}
        head = self.blocks[:25]
        title_start = None
        for i, b in enumerate(head):
            t = b.text
            m = re.match(r"Số\s*:?\s*(\d*)\s*(/\s*[^\s,;]+)", t)
            if m and f.number is None:
                f.number = (m[1] + m[2]).replace(" ", "")
                k = re.match(r"/([^-/]+)", m[2].replace(" ", ""))
                f.kind = k[1] if k else None
                continue
            m = re.match(r"(?:([^\d,]{2,40}),\s*)?[Nn]gày\s*(\d{1,2})?\s*tháng\s*(\d{1,2})?\s*năm\s*(\d{4})$", t)
            if m and f.doc_date is None:
                f.place = m[1].strip() if m[1] else None
                if m[2] and m[3]:
                    f.doc_date = f"{m[2]}/{m[3]}/{m[4]}"
                elif m[3]:
                    f.doc_date = f"tháng {m[3]}/{m[4]}"
                else:
                    f.doc_date = m[4]
                continue
            if i < 3 and t.isupper() and re.match(r"(CÔNG ĐOÀN|LIÊN ĐOÀN LAO ĐỘNG)\b", t):
                self.header_issuer = t
                continue
            upper = t.upper()
            for word, code in kind_words.items():
                if upper.startswith(word) and title_start is None and (t.isupper() or t.startswith(word)):
                    f.kind = f.kind or code
                    title_start = i + 1 if len(t) <= len(word) + 2 else i
                    break
        if title_start is None:
            return
        parts: list[str] = []
        for b in head[title_start:title_start + 4]:
            if (len(b.text) > 200 or _MARKER.match(b.text) or "như sau" in b.text or b.text.endswith(":")
                    or re.match(r"(Thực hiện|Căn cứ|Năm \d{4}|Để|Nhằm|Ban |Phát huy)", b.text)):
                break
            text = b.text
            if parts and text.split(" ", 1)[0] in ("Trong", "Và", "Của", "Về", "Năm", "Cho"):
                text = text[:1].lower() + text[1:]
            parts.append(_sentence_case(text) if not parts else text)
            if b.text.endswith(")"):
                break
        title = " ".join(parts)
        title = re.sub(r"\s*" + BRACKET.pattern + r"\s*$", "", title).strip()
        f.title = _cap(title) if title else None

    def issuer(self) -> None:
        f = self.f
        level_re = r"(tỉnh|thành phố|Thành phố|quận|huyện|thị xã)"
        body = " ".join(b.text for b in self.blocks)
        pattern = re.compile(
            rf"(?P<who>Ban Thường vụ|Ban Chấp hành|Ban chấp hành|BCH)?\s*(?:Liên đoàn Lao động|LĐLĐ)\s+{level_re}(?P<rest>.{{0,40}})"
        )
        best: tuple[int, str, str | None] | None = None
        for m in pattern.finditer(body):
            words = []
            for w in m["rest"].split():
                if w[:1].isupper() and w.strip(",.;:") == w:
                    words.append(w)
                elif w[:1].isupper():
                    words.append(w.strip(",.;:"))
                    break
                else:
                    break
            name = " ".join(words) or None
            rank = (1 if m["who"] else 0) + (3 if name else 0) + (2 if name and f.place and name == f.place else 0)
            if best is None or rank > best[0]:
                best = (rank, m[2], name)
        header = getattr(self, "header_issuer", None)
        if header and not header.startswith("LIÊN ĐOÀN"):
            # "CÔNG ĐOÀN NGÀNH GIÁO DỤC": the body writes the same name in its own case.
            m = re.search(re.escape(header), body, re.I)
            same = [x for x in re.finditer(re.escape(header), body, re.I) if not x[0].isupper()]
            f.issuer = same[0][0] if same else _sentence_case(header) if m else None
            f.issuer = _cap(f.issuer) if f.issuer else None
            return
        if best:
            level = best[1].lower() if best[1] != "Thành phố" else "Thành phố"
            name = best[2] or f.place
            if name:
                f.issuer = f"Liên đoàn Lao động {level} {name}"
                f.place = f.place or name
            else:
                f.issuer = f"Liên đoàn Lao động {level}"
                f.notes.append((f"văn bản không nêu tên {level} của cơ quan ban hành: bổ sung vào issuer", None))

    def implements(self) -> None:
        for b in self.blocks[:30]:
            m = re.search(
                r"Thực hiện\s+(?P<what>Kế hoạch|kế hoạch|Hướng dẫn|hướng dẫn|Chỉ thị|Nghị quyết|Chương trình)\s+"
                r"(?:số\s+)?(?P<num>\S+)\s+ngày\s+(?P<date>\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})"
                r"\s+của\s+(?P<who>.+?)(?=\s+(?:về|về việc)\s|[.;,(]|$)",
                b.text,
            )
            if m:
                d = m["date"]
                v = n.VERBAL_RE.match("ngày " + d)
                if v:
                    d = f"{v['d']}/{v['m']}/{v['y']}"
                self.f.implements = f"{_cap(m['what'])} số {m['num']} ngày {d} của {m['who'].strip()}"
                for parent in self.ref.parents:
                    if parent.number == m["num"] and (parent.place is None or parent.place in m["who"]):
                        self.f.extends = parent.id
                return

    def span(self) -> None:
        f = self.f
        source = f.title or ""
        s = n.campaign_span(source)
        if s is None and f.doc_date:
            y = int(f.doc_date[-4:])
            s = n.Span(y, None, date(y, 1, 1), date(y, 12, 31))
            f.notes.append((f"tiêu đề không nêu năm: tạm lấy năm {y} của văn bản", None))
        if s is not None:
            f.year, f.span, f.span_start, f.span_end = s.year, s.value, s.start, s.end
        base = f.place or (re.sub(r"^(Công đoàn ngành|Công đoàn|Liên đoàn Lao động)\s+", "", f.issuer) if f.issuer else None)
        if base and (f.year or f.span):
            tail = str(f.year) if f.year else f"{s.start.year}-{s.end.year}"  # type: ignore[union-attr]
            f.suggested_id = f"{slug(base)}-{tail}"

    def theme(self) -> None:
        for i, b in enumerate(self.blocks):
            if re.match(r"^(?:\d+\.\s*)?Chủ đề thi đua\s*:?$", b.text, re.I) and i + 1 < len(self.blocks):
                self.f.theme = _cap(self.blocks[i + 1].text)
                return
            m = re.match(r"^(?:\d+\.\s*)?Chủ đề thi đua\s*:\s*(.+)$", b.text, re.I)
            if m:
                self.f.theme = _cap(m[1])
                return
        text = " ".join(b.text for b in self.blocks[:20])
        found = list(re.finditer(r"chủ đề\s+(?:năm\s+\d{4}\s+)?(?:là\s+(?:năm\s+)?)?[“\"](?P<t>[^”\"]+)[”\"]", text, re.I))
        # Plans quote the themes of the bodies above them too; the issuer's own comes after its name.
        own = [m for m in found if self.f.place and self.f.place in text[max(0, m.start() - 60):m.start()]
               and re.search(r"LĐLĐ|Liên đoàn Lao động|Công đoàn", text[max(0, m.start() - 60):m.start()])]
        if own or found:
            self.f.theme = _cap((own or found)[0]["t"])

    # -- anniversaries, lunar dates, observances ------------------------------------------
    def mentions(self) -> None:
        f = self.f
        refs = list(self.ref.commemorations)
        # Local commemorations first: bracket base dates the national calendar does not know.
        matcher = _Matcher(refs)
        for bi, b in enumerate(self.blocks):
            for m in BRACKET.finditer(self.masked[bi]):
                base, _ = _bracket_date(m["a"])
                if base is None or len(m["a"]) == 4:
                    continue
                phrase, ordinal = _phrase_before(self.masked[bi], m.start())
                if matcher.ids(phrase, base, False):
                    continue
                name = _name_after_ordinal(phrase)
                if not name or any(r.base == base for r in refs):
                    continue
                ref = CommemorationRef(slug(re.sub(r"^ngày\s+(thành lập\s+)?", "", name, flags=re.I)), _cap(name), base, True)
                refs.append(ref)
                f.local_commemorations.append(ref)
        self.matcher = _Matcher(refs)
        f.known_commemorations = refs
        for bi, b in enumerate(self.blocks):
            self.f.mentions.extend(self._mentions_in(bi, b))
        for bi, b in enumerate(self.blocks):
            for m in CAN_CHI.finditer(b.text):
                if m["what"].lower() != "năm":
                    f.lunar.append(LunarMention("tet-nguyen-dan", "Tết Nguyên đán", quote(b, m.start(), m.end()), m["cc"], int(m["y"])))
            for ref in self.ref.lunar:
                for m in re.finditer(re.escape(ref.name), b.text, re.I):
                    if ref.name.lower() == "tết nguyên đán" and any(x.where.line == b.line and x.where.page == b.page for x in f.lunar):
                        continue
                    f.lunar.append(LunarMention(ref.id, ref.name, quote(b, m.start(), m.end())))
            for m in re.finditer(r"mừng\s+Xuân", b.text, re.I):
                tet = next((r for r in self.ref.lunar if r.name.lower().startswith("tết nguyên")), None)
                if tet:
                    f.lunar.append(LunarMention(tet.id, tet.name, quote(b, m.start(), m.end())))
            for ref in self.ref.observances:
                for m in re.finditer(re.escape(ref.name), b.text, re.I):
                    f.observances.append((ref.id, quote(b, m.start(), m.end())))

    def _mentions_in(self, bi: int, b: Block) -> list[Mention]:
        text = self.masked[bi]
        out: list[Mention] = []
        covered: list[tuple[int, int]] = []
        previous: Mention | None = None
        for m in BRACKET.finditer(text):
            base, year_only = _bracket_date(m["a"])
            day, _ = _bracket_date(m["b"])
            phrase, ordinal = _phrase_before(text, m.start())
            if ordinal is None and previous is not None and re.match(r"\s*,?\s*và\b", phrase):
                ordinal = previous.ordinal
            name = _name_after_ordinal(phrase) or phrase.strip(" ,;và")
            ids = self.matcher.ids(name, base, year_only)
            ids = self._combined(ids, name, base) if len(ids) > 1 and base and not year_only else ids
            if not ids and (ordinal is None or year_only and not re.search(r"niệm", phrase)):
                continue
            mention = Mention(ordinal, _cap(name), base, day, ids, quote(b, m.start() - len(phrase), m.end()),
                              base_year_only=year_only, offset=m.start())
            out.append(mention)
            covered.append((m.start() - len(phrase), m.end()))
            previous = mention
        # "kỷ niệm 70 năm ngày thành lập Công đoàn tỉnh Cao Bằng" without a bracket
        for m in re.finditer(r"k[ỷỉ]\s+niệm\s+(?P<n>\d{1,3})\s+(?:năm\s+)?(?P<name>[^,;.(]+)", text, re.I):
            if any(a <= m.start() < z for a, z in covered):
                continue
            ids = self.matcher.ids(m["name"], None, False)
            if ids:
                out.append(Mention(int(m["n"]), _cap(m["name"]), None, None, ids, quote(b, m.start(), m.end()), offset=m.start()))
        return out

    def _combined(self, ids: list[str], name: str, base: date) -> list[str]:
        """One bracket for two national days ("Cách mạng tháng Tám và Quốc khánh (2/9/1945 – 2/9/2024)"):
        one commemoration on the bracket's date, replacing the national entry of that date."""
        by_id = {r.id: r for r in self.matcher.refs}
        on_date = [i for i in ids if by_id[i].base == base]
        if not on_date or len(on_date) == len(ids):
            return ids
        cid = "-".join(sorted(ids, key=lambda i: (by_id[i].base.month, by_id[i].base.day)))
        existing = next((r for r in self.f.local_commemorations if r.id == cid), None)
        if existing is None:
            ref = CommemorationRef(cid, _cap(name), base, True)
            self.f.local_commemorations.append(ref)
            self.matcher.refs.append(ref)
            for i in on_date:
                if i not in self.f.omit:
                    self.f.omit.append(i)
        return [cid]

    # -- phases --------------------------------------------------------------------------
    def phases(self) -> None:
        f = self.f
        label = re.compile(r"\b(?P<word>Đợt|Giai đoạn)\s+(?P<l>thứ\s+\w+|\d{1,2}|[IVX][IVX1l]*)\b\s*[:(.\-–]?\s*(?P<rest>.*)$", re.I)
        starts: list[int] = []
        for bi, b in enumerate(self.blocks):
            text = self.masked[bi]
            c = re.search(r"(?:theo|thành|làm|qua)\s+(?P<n>\d+|hai|ba|bốn|năm)\s+đợt", text, re.I)
            if c and f.stated_phase_count is None:
                count = n.number_word(c["n"])
                if count:
                    f.stated_phase_count = (count, quote(b, c.start(), c.end()))
            m = label.search(text)
            if not m or m.start() > 12:
                continue
            rest = m["rest"]
            t = re.search(r"[Tt]ừ\s", rest[:40])
            if not t:
                continue
            period = n.parse_period(rest[t.start():])
            if period is None:
                continue
            raw_label = m["l"]
            word = _cap(m["word"].lower())
            notes: list[str] = []
            if raw_label.lower().startswith("thứ"):
                number = n.number_word(raw_label.split()[-1]) or len(f.phases) + 1
                name = f"{word} {number}"
            elif raw_label.isdigit():
                number, name = int(raw_label), f"{word} {raw_label}"
            else:
                value, typo = n.roman(raw_label)
                number = value or len(f.phases) + 1
                fixed = raw_label.replace("1", "I").replace("l", "I")
                name = f"{word} {fixed}"
                if typo:
                    notes.append(f'văn bản ghi "{word} {raw_label}": đọc là {name}')
            theme_text = rest[t.start() + period.end_offset:]
            theme = _theme(theme_text)
            if not theme and bi + 1 < len(self.blocks) and not label.search(self.masked[bi + 1][:12]):
                nxt = self.blocks[bi + 1].text
                theme = _theme(nxt.split(";")[0]) if not nxt.startswith(STOP_PHRASES) else None
            start, end = period.start, period.end
            for bound in (start, end):
                if bound is not None:
                    notes.extend(note for note in bound.notes if "không ghi năm" not in note or f.year is None)
                    if isinstance(bound.value, str) and re.fullmatch(r"\d+/\d+", bound.value) and f.year:
                        d_, m_ = bound.value.split("/")
                        bound.value, bound.day, bound.year = f"{bound.value}/{f.year}", n.make_date(int(d_), int(m_), f.year), f.year
                        notes.append(f"văn bản không ghi năm: lấy năm {f.year} của phong trào")
            if end is None:
                notes.append("văn bản không ghi ngày kết thúc đợt: đợt tạm chạy đến hết thời gian phong trào")
            elif isinstance(end.value, dict) or (end.day is None and end.value not in ("hết năm học", "hết giai đoạn", "hết năm")):
                until = end.value["until"] if isinstance(end.value, dict) else end.value
                notes.append(f'đợt kết thúc "{until}", văn bản không ghi ngày: khi biết, ghi end: {{until: ..., date: ngày/tháng/năm}}')
            phase = Phase(
                number=number, name=name,
                start=start.value if start else None, end=end.value if end else None,
                as_written=period.as_written, where=quote(b, m.start(), m.start() + 12 + t.start() + period.end_offset),
                theme=theme, notes=notes, label_as_written=f"{word} {raw_label}",
                start_date=start.day if start else None, end_date=end.day if end else None,
            )
            f.phases.append(phase)
            starts.append(bi)
        # Region of each phase: its block and the following ones until the next phase or a heading.
        for k, (phase, bi) in enumerate(zip(f.phases, starts)):
            stop = starts[k + 1] if k + 1 < len(starts) else len(self.blocks)
            region = [bi]
            for j in range(bi + 1, min(stop, bi + 5)):
                t = self.blocks[j].text
                if t.startswith(STOP_PHRASES) or re.match(r"^(?:[IVX]+\.|\d+\.\s+[A-ZĐ]{2,}|Chủ đề\s*:)", t) and not t.startswith("Chủ đề"):
                    break
                region.append(j)
            lines = {(self.blocks[j].line, self.blocks[j].page) for j in region}
            seen: set[str] = set()
            for men in sorted(self.f.mentions, key=lambda x: (x.where.page or 0, x.where.line, x.offset)):
                if (men.where.line, men.where.page) in lines:
                    for i in men.ids:
                        if i not in seen:
                            seen.add(i)
                            phase.celebrates.append((i, men.ordinal))
            # "mừng Đảng, mừng Xuân": the Party's founding day, with the ordinal the plan gives it elsewhere.
            party = next((r for r in self.matcher.refs if "thành lập đảng" in r.name.lower()), None)
            if party and party.id not in seen and any(re.search(r"mừng\s+Đảng", self.blocks[j].text) for j in region):
                ordinal = next((m.ordinal for m in self.f.mentions if party.id in m.ids and m.ordinal), None)
                seen.add(party.id)
                phase.celebrates.append((party.id, ordinal))
            for oid, w in self.f.observances:
                if (w.line, w.page) in lines and oid not in seen:
                    seen.add(oid)
                    phase.celebrates.append((oid, None))
            for lm in self.f.lunar:
                if (lm.where.line, lm.where.page) in lines and lm.id not in seen:
                    seen.add(lm.id)
                    phase.celebrates.append((lm.id, None))
        starts_ = [p.start_date for p in f.phases if p.start_date]
        ends_ = [p.end_date for p in f.phases if p.end_date]
        if starts_ and ends_ and f.span_start and f.span_end and (min(starts_) < f.span_start or max(ends_) > f.span_end):
            a, z = min(starts_), max(ends_)
            f.year, f.span, f.span_start, f.span_end = None, f"từ {a:%d/%m/%Y} đến {z:%d/%m/%Y}", a, z
            tail = f"{a.year}-{z.year}" if a.year != z.year else str(a.year)
            if f.suggested_id:
                f.suggested_id = re.sub(r"-\d{4}(?:-\d{4})?$", f"-{tail}", f.suggested_id)
            f.notes.append((f"các đợt chạy từ {a:%d/%m/%Y} đến {z:%d/%m/%Y}, ra ngoài năm của văn bản: span ghi theo các đợt", None))
        if f.stated_phase_count and f.stated_phase_count[0] != len(f.phases):
            count, where = f.stated_phase_count
            f.notes.append((f"văn bản nói {count} đợt nhưng tìm thấy {len(f.phases)} đợt", where))

    # -- deadlines and events --------------------------------------------------------------
    def deadlines(self) -> None:
        f = self.f
        actor = None
        used: set[str] = set()

        def new_id(title: str) -> str:
            base = "-".join(slug(title).split("-")[:5]) or "han-chot"
            out, k = base, 2
            while out in used:
                out, k = f"{base}-{k}", k + 1
            used.add(out)
            return out

        for bi, b in enumerate(self.blocks):
            text = self.masked[bi]
            h = re.match(r"^\d+\.\s+((?:Công đoàn|Liên đoàn|Các cấp|Ban|LĐLĐ|CĐ)[^.;:]{0,70})$", text)
            if h:
                actor = _cap(h[1])
                continue
            last_end = 0
            lead = text.split(":", 1)[0] if ":" in text[:120] else ""
            for m in re.finditer(
                r"(?P<kw>chậm\s+nhất(?:\s+là)?|hạn\s+chót(?:\s+là)?|trước)\s+(?:ngày\s+)?(?P<d>\d{1,2})(?P<s>[/.\-])(?P<m>\d{1,2})(?:(?P=s)(?P<y>\d{4}))?(?![\d])",
                text, re.I,
            ):
                segment = text[last_end:m.start()]
                last_end = m.end()
                kw = m["kw"].lower()
                due = "before" if kw == "trước" else "no_later_than"
                title = _deadline_title(segment, lead if last_end and segment is not text[:m.start()] else "")
                if not title:
                    continue
                when = n.written(m["d"], m["m"], m["y"])
                year = int(m["y"]) if m["y"] else f.year
                day = n.make_date(int(m["d"]), int(m["m"]), year) if year else None
                sentence = text[max(0, text.rfind(".", 0, m.start()) + 1):]
                keywords = tuple(sorted({k.lower() for k in re.findall(r"chậm nhất|trước", text[max(0, m.start() - 40):m.end()], re.I)}))
                d = Deadline(
                    id=new_id(title), title=title, due=due, where=quote(b, m.start(), m.end()), date=when, day=day,
                    as_written=re.sub(r"\s+", " ", m[0]),
                    submitted_by=_subject(text) or actor, submit_to=_submit_to(sentence), via=_email(sentence),
                    keywords=keywords,
                )
                if not m["y"]:
                    d.notes.append(f"văn bản ghi {when} không kèm năm: hạn lặp lại hằng năm")
                f.deadlines.append(d)
            for m in re.finditer(r"sau\s+mỗi\s+đợt(?:\s+thi\s+đua)?", text, re.I):
                clause_start = max(text.rfind(". ", 0, m.start()) + 1, 0)
                clause = text[clause_start:]
                report = re.search(r"báo cáo\s+kết quả(?:\s+về\s+(?P<to>[^.;]+?))?\s+sau\s+mỗi\s+đợt", clause, re.I)
                subject = _subject(clause) or _subject(text) or actor
                if report:
                    title = "Báo cáo kết quả sau mỗi đợt thi đua"
                    d = Deadline(new_id(title), title, "no_later_than", quote(b, m.start(), m.end()), after_phase="each",
                                 as_written=_cap(report[0]), submitted_by=subject,
                                 submit_to=report["to"].strip() if report["to"] else None)
                    d.notes.append("văn bản không ghi ngày: mục chưa có ngày; quản trị có thể đặt days_after và dated_by: admin")
                    f.deadlines.append(d)
                    continue
                act = re.search(r"^[\s\-–•]*Sau\s+mỗi\s+đợt(?:\s+thi\s+đua)?\s*,\s*(?P<who>.+?)\s+tổ\s+chức\s+(?P<what>.+?)(?=\s+(?:các|cho|trong|kịp)\s|[;.]|$)", clause, re.I)
                if not act:
                    continue
                title = f"{_cap(act['what'])} sau mỗi đợt thi đua"
                who = _cap(act["who"])
                as_written = _cap(m[0])
                if re.match(r"(LĐLĐ|Liên đoàn Lao động|Ban Thường vụ)", who):
                    ev = Event(new_id(title), title, quote(b, m.start(), m.end()), as_written=as_written)
                    ev.notes.append(f"{who} tự tổ chức, văn bản không ghi ngày: sự kiện chưa có ngày")
                    f.events.append(ev)
                else:
                    d = Deadline(new_id(title), title, "no_later_than", quote(b, m.start(), m.end()), after_phase="each",
                                 as_written=as_written, submitted_by=who)
                    d.notes.append("văn bản không ghi ngày: mục chưa có ngày; quản trị có thể đặt days_after và dated_by: admin")
                    f.deadlines.append(d)
            # Registrations by email with no date: "đăng ký ... qua địa chỉ mail: x@y"
            for m in EMAIL.finditer(b.text):
                clause_start = max(b.text.rfind(". ", 0, m.start()) + 1, 0)
                clause = b.text[clause_start:m.end()]
                verb = re.search(r"(đăng ký|gửi|nộp|báo cáo)\s+(?P<what>.+?)\s+về\s+(?P<to>.+?)\s+qua\s+(?:địa chỉ\s+)?(?:e-?mail|thư điện tử|mail)", clause, re.I)
                if not verb or n.DATE_RE.search(_mask_references(clause)):
                    continue
                title = _cap(f"{verb[1]} {verb['what']}")
                d = Deadline(new_id(title), title, "no_later_than", quote(b, m.start(), m.end()),
                             as_written=f"{_cap(verb[0])} {m[0]} (văn bản không ghi ngày)",
                             submitted_by=_subject(b.text) or actor, submit_to=verb["to"].strip(), via=m[0])
                d.notes.append("văn bản không ghi hạn: mục chưa có ngày; khi LĐLĐ đặt hạn, thêm date và dated_by: admin")
                f.deadlines.append(d)
            # One-off events: "LĐLĐ ... tổ chức phát động thi đua ... tại hội nghị ..."
            for m in re.finditer(r"tổ chức\s+(?P<what>[^.;]{3,80}?)\s+tại\s+(?P<ev>(?:hội nghị|lễ|hội thi)[^.;]+)", text, re.I):
                title = f"{_cap(m['ev'])} ({m['what'].strip()})"
                date_m = n.DATE_RE.search(m[0])
                ev = Event(new_id(m["ev"]), title, quote(b, m.start(), m.end()), as_written=_cap(m[0]))
                if date_m and date_m["y"]:
                    ev.date = n.written(date_m["d"], date_m["m"], date_m["y"])
                else:
                    ev.notes.append("văn bản không ghi ngày tổ chức: sự kiện chưa có ngày")
                f.events.append(ev)
            self._events(b, text, new_id)

    def _events(self, b: Block, text: str, new_id: Callable[[str], str]) -> None:
        f = self.f
        for m in _DATED_EVENT.finditer(text):
            title = re.sub(r"\s+(?:được\s+)?(?:tổ chức|diễn ra)$", "", m["ev"].strip())
            ev = Event(new_id(title), _cap(title), quote(b, m.start(), m.end()), date=n.written(m["d1"], m["m1"], m["y1"]),
                       place=m["place"].strip() if m["place"] else None)
            if m["d2"]:
                ev.end = n.written(m["d2"], m["m2"], m["y2"])
            if m["h"]:
                ev.time = f"{int(m['h']):02d}:{m['mi'] or '00'}"
                if m["h2"]:
                    ev.end_time = f"{int(m['h2']):02d}:{m['mi2'] or '00'}"
            f.events.append(ev)
        for m in _UNDATED_EVENT.finditer(text):
            title = re.sub(r"\s+(?:được\s+)?(?:tổ chức|diễn ra)$", "", m["ev"].strip())
            ev = Event(new_id(title), _cap(title), quote(b, m.start(), m.end()), as_written=m["when"].strip())
            ev.notes.append(f'văn bản chỉ ghi "{m["when"].strip()}": sự kiện chưa có ngày')
            f.events.append(ev)
        for m in _AFTER_EVENT.finditer(text):
            when = m["when"].strip()
            ev = Event(new_id(m["ev"]), _cap(m["ev"].strip()), quote(b, m.start(), m.end()), as_written=when[:1].lower() + when[1:])
            ev.notes.append(f'văn bản chỉ ghi "{when}": sự kiện chưa có ngày')
            f.events.append(ev)

    def weekdays(self) -> None:
        for b in self.blocks:
            for m in re.finditer(
                r"(?P<w>thứ\s+(?:hai|ba|tư|năm|sáu|bảy)|chủ\s+nhật)\s*,?\s*(?:ngày\s+)?(?P<d>\d{1,2})(?P<s>[/.\-])(?P<m>\d{1,2})(?P=s)(?P<y>\d{4})",
                b.text, re.I,
            ):
                day = n.make_date(int(m["d"]), int(m["m"]), int(m["y"]))
                if day:
                    key = re.sub(r"\s+", " ", m["w"].lower())
                    self.f.weekdays.append(WeekdayMention(key, day, quote(b, m.start(), m.end())))

    def run(self) -> Findings:
        self.header()
        self.issuer()
        self.implements()
        self.span()
        self.theme()
        self.mentions()
        self.phases()
        self.deadlines()
        self.weekdays()
        self._resolve_phase_dates()
        return self.f

    def _resolve_phase_dates(self) -> None:
        f = self.f
        for p in f.phases:
            if p.start_date is None:
                if p.start == "ngày phát động" or p.start is None:
                    p.start_date = f.span_start
            if p.end_date is None and isinstance(p.end, str):
                if p.end in ("hết năm",) and p.start_date:
                    p.end_date = date(p.start_date.year, 12, 31)
                elif p.end in ("hết năm học", "hết giai đoạn"):
                    p.end_date = f.span_end
        for d in f.deadlines:
            if d.day is None and d.date and f.year:
                dd, mm = d.date.split("/")[:2]
                d.day = n.make_date(int(dd), int(mm), f.year)


def _bracket_date(text: str) -> tuple[date | None, bool]:
    if re.fullmatch(r"\d{4}", text):
        return date(int(text), 1, 1), True
    m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
    return (n.make_date(int(m[1]), int(m[2]), int(m[3])) if m else None), False


def _phrase_before(text: str, pos: int) -> tuple[str, int | None]:
    """The words naming the bracket at `pos`, back to the previous ; ( ) : or opening quote."""
    left = max(text.rfind(ch, 0, pos) for ch in ";():“\"")
    left = max(left, text.rfind(". ", 0, pos))
    phrase = text[left + 1:pos]
    ordinals = list(re.finditer(r"(?<![\d/.])(\d{1,3})\s+(?:năm\s+)?(?=[^\d\s])", phrase))
    ordinal = None
    if ordinals:
        last = ordinals[-1]
        phrase = phrase  # keep the full phrase: name matching uses it
        ordinal = int(last[1])
    return phrase, ordinal


def _name_after_ordinal(phrase: str) -> str:
    ordinals = list(re.finditer(r"(?<![\d/.])(\d{1,3})\s+(?:năm\s+)?(?=[^\d\s])", phrase))
    if ordinals:
        return phrase[ordinals[-1].end():].strip(" ,;")
    return re.sub(r"^\s*,?\s*và\s+", "", phrase).strip(" ,;")


def _theme(text: str) -> str | None:
    text = text.strip()
    text = re.sub(r"^[\s):.,–\-]*", "", text)
    text = re.sub(r"^\([^()]{0,40}\)\s*[:.,–\-]?\s*", "", text)  # "(29 tháng Chạp): ..."
    text = re.sub(r"^(?:Với\s+)?[Cc]hủ\s+đề\s*:?\s*", "", text)
    quoted = text[:1] in "\"“"
    text = text.strip(" \"“”")
    if not text:
        return None
    m = re.match(r"(.+?)(?:[”\"]|\.\s|\.$|$)" if quoted else r"(.+?)(?:\.\s|\.$|$)", text)
    theme = m[1] if m else text
    theme = BRACKET.sub("", theme)
    theme = re.sub(r"\s+([;,])", r"\1", re.sub(r"\s+", " ", theme)).strip(" .;:\"“”")
    return _cap(theme[:400]) if theme else None


def _deadline_title(segment: str, lead: str) -> str:
    seg = segment.strip(" ,;:")
    seg = re.sub(r"\s*" + BRACKET.pattern, "", seg)
    seg = re.sub(r",?\s*(?:gửi|nộp)\s+về\s+.*$", "", seg)
    seg = re.sub(r"\s+về\s+(?:Liên đoàn|LĐLĐ|Công đoàn|Ban)\b.*$", "", seg)
    seg = re.sub(r"\s+(?:báo cáo|gửi|nộp)$", "", seg)
    verb = re.search(r"(đăng ký|tổng hợp|báo cáo|nộp|gửi|hoàn thành|hoàn thiện)", seg, re.I)
    if verb:
        seg = seg[verb.start():]
    seg = seg.replace(":", "")
    seg = re.sub(r"\s+", " ", seg).strip(" ,;")
    if len(seg.split()) < 3 and lead:
        seg = f"{lead.strip()} {seg}"
    if len(seg) > 180:
        seg = seg[:180].rsplit(" ", 1)[0] + "…"
    return _cap(seg) if seg else ""


def _subject(text: str) -> str | None:
    m = re.search(r"đề nghị\s+(?P<who>(?:Ban [Cc]hấp hành|Ban [Tt]hường vụ|các cấp|Công đoàn|BCH)[^,.;]*?)\s+(?:phối hợp|triển khai|thực hiện|gửi|đăng ký|chủ động)", text)
    if m:
        return _cap(m["who"])
    m = re.search(r"(?:^|[,.]\s*)(?P<who>các cấp Công đoàn|Công đoàn cấp trên trực tiếp cơ sở|công đoàn cơ sở)\s+(?:tổ chức|gửi|báo cáo)", text, re.I)
    if m:
        return _cap(m["who"])
    m = re.match(r"^(?:\d+\.\s*)?(?P<who>(?:Công đoàn|Các cấp|Các công đoàn|Ban Chấp hành)[^,.;:]{0,50}?)\s+(?:đăng ký|gửi|báo cáo|nộp|tổng hợp)\b", text)
    return _cap(m["who"]) if m else None


def _submit_to(text: str) -> str | None:
    m = re.search(r"(?:gửi|nộp|báo cáo)(?:[^.;]{0,80}?)?\s+về\s+(?P<to>.+?)(?=\s+qua\s+(?:địa chỉ\s+)?(?:e-?mail|mail)|\.\s|[.;]$|;|$)", text)
    if not m:
        return None
    to = re.split(r"\s+(?:chậm nhất|trước|hạn chót|trong thời hạn)\b", m["to"])[0].strip(" .,;")
    return to[:160] if to else None


def _email(text: str) -> str | None:
    m = EMAIL.search(text)
    return m[0] if m else None


def extract(pages: Iterable[str], paged: bool, reference: Reference) -> Findings:
    """The plan's findings; never raises on odd text (uncertain items carry notes)."""
    return Extractor(pages, paged, reference).run()
