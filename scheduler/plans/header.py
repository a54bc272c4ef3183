"""The plan's administrative header: number, place and date, kind, title, issuer, the plan it implements, theme (pure)."""

from __future__ import annotations

import re

from scheduler.plans import notation as n
from scheduler.plans.context import Context
from scheduler.plans.findings import Where
from scheduler.plans.names import organisation_case
from scheduler.plans.text import BRACKET, MARKER, cap, sentence_case

# "Kon Tum, ngày 21 tháng 02 năm 2024"; the day and month may be left blank, with spaces or dots.
DATE_LINE = re.compile(r"(?:([^\d,]{2,40}),\s*)?[Nn]gày[\s.…_]*(\d{1,2})?[\s.…_]*tháng[\s.…_]*(\d{1,2})?[\s.…_]*năm\s*(\d{4})$")
SENTENCE_TITLE = re.compile(r"(Kế hoạch|Hướng dẫn|Chương trình|Phát động|Thông báo)\s+\S")
# The first line under "KẾ HOẠCH" that names what the plan carries out ("Thực hiện phong trào thi đua … giai đoạn
# 2026 – 2030"): its title, unlike a basis ("Thực hiện Kế hoạch số 12/KH-LĐLĐ …;") that cites another document.
_OWN_TASK = re.compile(r"Thực hiện\s+(?!(?:[^;:.]*\bsố\s*\d|Kế hoạch|Hướng dẫn|Nghị quyết|Chỉ thị|Công văn|Quyết định|"
                       r"Chương trình công tác|Thông báo|Kết luận))[^;:.]*[^;:.,\s]$")


_LEVEL = r"(tỉnh|thành phố|Thành phố|quận|huyện|thị xã)"
_BODY_LDLD = re.compile(rf"(?P<who>Ban Thường vụ|Ban Chấp hành|Ban chấp hành|BCH)?\s*(?:Liên đoàn Lao động|LĐLĐ)\s+"
                        rf"{_LEVEL}(?P<rest>.{{0,40}})")
_HEADER_LDLD = re.compile(r"(?:LIÊN ĐOÀN LAO ĐỘNG|LĐLĐ)\s+(?P<level>TỈNH|THÀNH PHỐ|QUẬN|HUYỆN|THỊ XÃ)\s+"
                          r"(?P<name>[^\d,;:()]{2,40})")
# Capitalised words that open what follows a body's name rather than continue it ("… về LĐLĐ huyện. Chậm nhất …").
_NOT_NAME = frozenset({"Chậm", "Trước", "Ngày", "Từ", "Đến", "Hạn", "Thời", "Trong", "Tại", "Về", "Gửi", "Theo", "Sau",
                       "Kể", "Vào", "Để", "Nhằm", "Căn", "Thực", "Các", "Đề", "Năm", "Tháng", "Đợt", "Kế", "Hướng",
                       "KẾ", "HƯỚNG", "CÔNG", "THÔNG", "CHƯƠNG", "PHÁT"})


class HeaderPass(Context):
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
            m = DATE_LINE.match(t)
            if m and f.doc_date is None:
                f.place = m[1].strip() if m[1] and m[1].strip(" .…_") else None
                if m[2] and m[3]:
                    f.doc_date = f"{m[2]}/{m[3]}/{m[4]}"
                elif m[3]:
                    f.doc_date = f"tháng {m[3]}/{m[4]}"
                else:
                    f.doc_date = m[4]
                continue
            # The issuer's lines stand above the kind heading, among the header's other cells ("CỘNG HÒA …" and
            # its wrapped "VIỆT NAM" beside them); the lowest body named is the issuer.
            if i < 6 and title_start is None and t.isupper() and re.match(r"(CÔNG ĐOÀN|LIÊN ĐOÀN LAO ĐỘNG|LĐLĐ)\b", t):
                self.header_issuer = t
                continue
            upper = t.upper()
            if title_start is None and i <= 2 and SENTENCE_TITLE.match(t) and len(t) < 250 and not t.endswith((":", ".")):
                # A title typed in sentence case on the first lines ("Kế hoạch phát động thi đua … năm 2021").
                f.kind = f.kind or kind_words[SENTENCE_TITLE.match(t)[1].upper()]  # type: ignore[index]
                title_start = i
                continue
            for word, code in kind_words.items():
                if upper.startswith(word) and title_start is None and (t.isupper() or t.startswith(word)):
                    f.kind = f.kind or code
                    title_start = i + 1 if len(t) <= len(word) + 2 else i
                    break
        if title_start is None:
            return
        parts: list[str] = []
        for b in head[title_start:title_start + 4]:
            if (len(b.text) > 200 or MARKER.match(b.text) or "như sau" in b.text or b.text.endswith(":")
                    or re.match(r"(Thực hiện|Căn cứ|Năm \d{4}|Để|Nhằm|Ban |Phát huy)", b.text)
                    and not (not parts and _OWN_TASK.match(b.text))):
                break
            text = b.text
            if parts and text.endswith("."):  # a whole sentence typed on the next line: the plan's body, not its title
                break
            # A title typed without a blank line before "Căn cứ …;" / "Thực hiện …;": the title stops there.
            basis = re.search(r"\s(?=(?:Căn cứ|Thực hiện)\s[^;]*[;:.]$)", text)
            if basis:
                text = text[:basis.start()]
            if parts and text.split(" ", 1)[0] in ("Trong", "Và", "Của", "Về", "Năm", "Cho"):
                text = text[:1].lower() + text[1:]
            parts.append(sentence_case(text) if not parts else text)
            if b.text.endswith(")") or basis:
                break
        self.title_where = Where(head[title_start].line, head[title_start].page, " ".join(parts)) if parts else None
        title = " ".join(parts)
        title = re.sub(r"\s*" + BRACKET.pattern + r"\s*$", "", title).strip()
        f.title = cap(title) if title else None

    def issuer(self) -> None:
        f = self.f
        header = self.header_issuer
        if header and not header.startswith(("LIÊN ĐOÀN", "LĐLĐ")):
            # "CÔNG ĐOÀN NGÀNH GIÁO DỤC": as the body writes the same name in its own case, else as a name is written.
            f.issuer = cap(self._as_written(header) or organisation_case(header))
            return
        named = _HEADER_LDLD.fullmatch(header) if header else None
        if named:  # "LIÊN ĐOÀN LAO ĐỘNG HUYỆN ĐĂK HÀ": the issuer's own line says who
            level = named["level"].lower()
            name = self._as_written(named["name"]) or " ".join(w[:1] + w[1:].lower() for w in named["name"].split())
            f.issuer = f"Liên đoàn Lao động {level} {name}"
            f.place = f.place or name
            return
        best: tuple[int, str, str | None] | None = None
        for block in self.blocks:  # a name never runs from one paragraph into the next
            for m in _BODY_LDLD.finditer(block.text):
                words = []
                for w in m["rest"].split():
                    if not w[:1].isupper() or w.strip(",.;:") in _NOT_NAME:
                        break
                    words.append(w.strip(",.;:"))
                    if w.strip(",.;:") != w:
                        break
                spelled = " ".join(words) or None
                rank = (1 if m["who"] else 0) + (3 if spelled else 0) + (2 if spelled and f.place == spelled else 0)
                if best is None or rank > best[0]:
                    best = (rank, m[2], spelled)
        if best:
            level = best[1].lower() if best[1] != "Thành phố" else "Thành phố"
            place = best[2] or f.place
            if place:
                f.issuer = f"Liên đoàn Lao động {level} {place}"
                f.place = f.place or place
            else:
                f.issuer = f"Liên đoàn Lao động {level}"
                f.notes.append((f"văn bản không nêu tên {level} của cơ quan ban hành: bổ sung vào issuer", None))

    def _as_written(self, heading: str) -> str | None:
        """``heading`` (in capitals) as a paragraph writes it in its own case ("Đăk Hà"), or None."""
        for block in self.blocks:
            for m in re.finditer(rf"(?<!\w){re.escape(heading)}(?!\w)", block.text, re.I):
                if not m[0].isupper():
                    return m[0]
        return None

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
                self.f.implements = f"{cap(m['what'])} số {m['num']} ngày {d} của {m['who'].strip()}"
                for parent in self.ref.parents:
                    if parent.number == m["num"] and (parent.place is None or parent.place in m["who"]):
                        self.f.extends = parent.id
                return


    def theme(self) -> None:
        for i, b in enumerate(self.blocks):
            if re.match(r"^(?:\d+\.\s*)?Chủ đề thi đua\s*:?$", b.text, re.I) and i + 1 < len(self.blocks):
                self.f.theme = cap(self.blocks[i + 1].text)
                return
            m = re.match(r"^(?:\d+\.\s*)?Chủ đề thi đua\s*:\s*(.+)$", b.text, re.I)
            if m:
                self.f.theme = cap(m[1])
                return
        text = " ".join(b.text for b in self.blocks[:20])
        found = list(re.finditer(r"chủ đề\s+(?:năm\s+\d{4}\s+)?(?:là\s+(?:năm\s+)?)?[“\"](?P<t>[^”\"]+)[”\"]", text, re.I))
        # Plans quote the themes of the bodies above them too; the issuer's own comes after its name.
        own = [m for m in found if self.f.place and self.f.place in text[max(0, m.start() - 60):m.start()]
               and re.search(r"LĐLĐ|Liên đoàn Lao động|Công đoàn", text[max(0, m.start() - 60):m.start()])]
        if own or found:
            self.f.theme = cap((own or found)[0]["t"])
