"""Read a plan's text into findings (pure): header, span, phases, anniversaries, deadlines, events.

One pass per concept over the plan's paragraphs (`text.blocks`): the header
(number, place and date, kind, title), issuer, the plan it implements, span,
theme, anniversary mentions (`mentions`), phases with their bounds
(`notation`), deadlines and events (`wording`). References to other documents
("Nghị quyết số 02-NQ/TW ngày 12/6/2021") are masked before dates are looked
for, so they never become events.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date

from scheduler.plans import notation as n
from scheduler.plans.mentions import CAN_CHI, Matcher, bracket_date, name_after_ordinal, phrase_before
from scheduler.plans.text import BRACKET, EMAIL, MARKER, blocks, cap, mask_references, quote, sentence_case, slug
from scheduler.plans.wording import (
    AFTER_EVENT,
    DATED_EVENT,
    UNDATED_EVENT,
    deadline_title,
    email_of,
    subject_of,
    submit_to_of,
    theme_of,
)
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
)

STOP_PHRASES = ("Nơi nhận", "TM.", "Ban Chấp hành", "Ban chấp hành", "Ban Thường vụ", "Sau mỗi đợt", "Trong quá trình")


class Extractor:
    def __init__(self, pages: Iterable[str], paged: bool, reference: Reference) -> None:
        self.blocks = blocks(pages, paged)
        self.masked = [mask_references(b.text) for b in self.blocks]
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
            if (len(b.text) > 200 or MARKER.match(b.text) or "như sau" in b.text or b.text.endswith(":")
                    or re.match(r"(Thực hiện|Căn cứ|Năm \d{4}|Để|Nhằm|Ban |Phát huy)", b.text)):
                break
            text = b.text
            if parts and text.split(" ", 1)[0] in ("Trong", "Và", "Của", "Về", "Năm", "Cho"):
                text = text[:1].lower() + text[1:]
            parts.append(sentence_case(text) if not parts else text)
            if b.text.endswith(")"):
                break
        title = " ".join(parts)
        title = re.sub(r"\s*" + BRACKET.pattern + r"\s*$", "", title).strip()
        f.title = cap(title) if title else None

    def issuer(self) -> None:
        f = self.f
        level_re = r"(tỉnh|thành phố|Thành phố|quận|huyện|thị xã)"
        body = " ".join(b.text for b in self.blocks)
        pattern = re.compile(
            rf"(?P<who>Ban Thường vụ|Ban Chấp hành|Ban chấp hành|BCH)?\s*"
            rf"(?:Liên đoàn Lao động|LĐLĐ)\s+{level_re}(?P<rest>.{{0,40}})"
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
            found = re.search(re.escape(header), body, re.I)
            same = [x for x in re.finditer(re.escape(header), body, re.I) if not x[0].isupper()]
            f.issuer = same[0][0] if same else sentence_case(header) if found else None
            f.issuer = cap(f.issuer) if f.issuer else None
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
                self.f.implements = f"{cap(m['what'])} số {m['num']} ngày {d} của {m['who'].strip()}"
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

    # -- anniversaries, lunar dates, observances ------------------------------------------
    def mentions(self) -> None:
        f = self.f
        refs = list(self.ref.commemorations)
        # Local commemorations first: bracket base dates the national calendar does not know.
        matcher = Matcher(refs)
        for bi in range(len(self.blocks)):
            for m in BRACKET.finditer(self.masked[bi]):
                base, _ = bracket_date(m["a"])
                if base is None or len(m["a"]) == 4:
                    continue
                phrase, ordinal = phrase_before(self.masked[bi], m.start())
                if matcher.ids(phrase, base, False):
                    continue
                name = name_after_ordinal(phrase)
                if not name or any(r.base == base for r in refs):
                    continue
                ref = CommemorationRef(slug(re.sub(r"^ngày\s+(thành lập\s+)?", "", name, flags=re.I)), cap(name), base, True)
                refs.append(ref)
                f.local_commemorations.append(ref)
        self.matcher = Matcher(refs)
        f.known_commemorations = refs
        for bi, b in enumerate(self.blocks):
            self.f.mentions.extend(self._mentions_in(bi, b))
        for b in self.blocks:
            for m in CAN_CHI.finditer(b.text):
                if m["what"].lower() != "năm":
                    f.lunar.append(LunarMention("tet-nguyen-dan", "Tết Nguyên đán", quote(b, m.start(), m.end()),
                                                m["cc"], int(m["y"])))
            for lunar_ref in self.ref.lunar:
                for m in re.finditer(re.escape(lunar_ref.name), b.text, re.I):
                    if lunar_ref.name.lower() == "tết nguyên đán" and any(
                            x.where.line == b.line and x.where.page == b.page for x in f.lunar):
                        continue
                    f.lunar.append(LunarMention(lunar_ref.id, lunar_ref.name, quote(b, m.start(), m.end())))
            for m in re.finditer(r"mừng\s+Xuân", b.text, re.I):
                tet = next((r for r in self.ref.lunar if r.name.lower().startswith("tết nguyên")), None)
                if tet:
                    f.lunar.append(LunarMention(tet.id, tet.name, quote(b, m.start(), m.end())))
            for observance in self.ref.observances:
                for m in re.finditer(re.escape(observance.name), b.text, re.I):
                    f.observances.append((observance.id, quote(b, m.start(), m.end())))

    def _mentions_in(self, bi: int, b: Block) -> list[Mention]:
        text = self.masked[bi]
        out: list[Mention] = []
        covered: list[tuple[int, int]] = []
        previous: Mention | None = None
        for m in BRACKET.finditer(text):
            base, year_only = bracket_date(m["a"])
            day, _ = bracket_date(m["b"])
            phrase, ordinal = phrase_before(text, m.start())
            if ordinal is None and previous is not None and re.match(r"\s*,?\s*và\b", phrase):
                ordinal = previous.ordinal
            name = name_after_ordinal(phrase) or phrase.strip(" ,;và")
            ids = self.matcher.ids(name, base, year_only)
            ids = self._combined(ids, name, base) if len(ids) > 1 and base and not year_only else ids
            if not ids and (ordinal is None or year_only and not re.search(r"niệm", phrase)):
                continue
            mention = Mention(ordinal, cap(name), base, day, ids, quote(b, m.start() - len(phrase), m.end()),
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
                out.append(Mention(int(m["n"]), cap(m["name"]), None, None, ids, quote(b, m.start(), m.end()), offset=m.start()))
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
            ref = CommemorationRef(cid, cap(name), base, True)
            self.f.local_commemorations.append(ref)
            self.matcher.refs.append(ref)
            for i in on_date:
                if i not in self.f.omit:
                    self.f.omit.append(i)
        return [cid]

    # -- phases --------------------------------------------------------------------------
    def phases(self) -> None:
        f = self.f
        label = re.compile(r"\b(?P<word>Đợt|Giai đoạn)\s+(?P<l>thứ\s+\w+|\d{1,2}|[IVX][IVX1l]*)\b"
                           r"\s*[:(.\-–]?\s*(?P<rest>.*)$", re.I)
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
            word = cap(m["word"].lower())
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
            theme = theme_of(theme_text)
            if not theme and bi + 1 < len(self.blocks) and not label.search(self.masked[bi + 1][:12]):
                nxt = self.blocks[bi + 1].text
                theme = theme_of(nxt.split(";")[0]) if not nxt.startswith(STOP_PHRASES) else None
            start, end = period.start, period.end
            for bound in (start, end):
                if bound is not None:
                    notes.extend(note for note in bound.notes if "không ghi năm" not in note or f.year is None)
                    if isinstance(bound.value, str) and re.fullmatch(r"\d+/\d+", bound.value) and f.year:
                        d_, m_ = bound.value.split("/")
                        bound.value, bound.day, bound.year = (
                            f"{bound.value}/{f.year}", n.make_date(int(d_), int(m_), f.year), f.year)
                        notes.append(f"văn bản không ghi năm: lấy năm {f.year} của phong trào")
            if end is None:
                notes.append("văn bản không ghi ngày kết thúc đợt: đợt tạm chạy đến hết thời gian phong trào")
            elif isinstance(end.value, dict) or (
                    end.day is None and end.value not in ("hết năm học", "hết giai đoạn", "hết năm")):
                until = end.value["until"] if isinstance(end.value, dict) else end.value
                notes.append(f'đợt kết thúc "{until}", văn bản không ghi ngày: '
                             'khi biết, ghi end: {until: ..., date: ngày/tháng/năm}')
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
        for k, (phase, bi) in enumerate(zip(f.phases, starts, strict=True)):
            stop = starts[k + 1] if k + 1 < len(starts) else len(self.blocks)
            region = [bi]
            for j in range(bi + 1, min(stop, bi + 5)):
                following = self.blocks[j].text
                if following.startswith(STOP_PHRASES) or re.match(
                        r"^(?:[IVX]+\.|\d+\.\s+[A-ZĐ]{2,}|Chủ đề\s*:)", following) and not following.startswith("Chủ đề"):
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
            f.notes.append((f"các đợt chạy từ {a:%d/%m/%Y} đến {z:%d/%m/%Y}, ra ngoài năm của văn bản: "
                            "span ghi theo các đợt", None))
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
                actor = cap(h[1])
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
                title = deadline_title(segment, lead if last_end and segment is not text[:m.start()] else "")
                if not title:
                    continue
                when = n.written(m["d"], m["m"], m["y"])
                year = int(m["y"]) if m["y"] else f.year
                day = n.make_date(int(m["d"]), int(m["m"]), year) if year else None
                sentence = text[max(0, text.rfind(".", 0, m.start()) + 1):]
                around = text[max(0, m.start() - 40):m.end()]
                keywords = tuple(sorted({k.lower() for k in re.findall(r"chậm nhất|trước", around, re.I)}))
                d = Deadline(
                    id=new_id(title), title=title, due=due, where=quote(b, m.start(), m.end()), date=when, day=day,
                    as_written=re.sub(r"\s+", " ", m[0]),
                    submitted_by=subject_of(text) or actor, submit_to=submit_to_of(sentence), via=email_of(sentence),
                    keywords=keywords,
                )
                if not m["y"]:
                    d.notes.append(f"văn bản ghi {when} không kèm năm: hạn lặp lại hằng năm")
                f.deadlines.append(d)
            for m in re.finditer(r"sau\s+mỗi\s+đợt(?:\s+thi\s+đua)?", text, re.I):
                clause_start = max(text.rfind(". ", 0, m.start()) + 1, 0)
                clause = text[clause_start:]
                report = re.search(r"báo cáo\s+kết quả(?:\s+về\s+(?P<to>[^.;]+?))?\s+sau\s+mỗi\s+đợt", clause, re.I)
                subject = subject_of(clause) or subject_of(text) or actor
                if report:
                    title = "Báo cáo kết quả sau mỗi đợt thi đua"
                    d = Deadline(new_id(title), title, "no_later_than", quote(b, m.start(), m.end()), after_phase="each",
                                 as_written=cap(report[0]), submitted_by=subject,
                                 submit_to=report["to"].strip() if report["to"] else None)
                    d.notes.append("văn bản không ghi ngày: mục chưa có ngày; quản trị có thể đặt days_after và dated_by: admin")
                    f.deadlines.append(d)
                    continue
                act = re.search(r"^[\s\-–•]*Sau\s+mỗi\s+đợt(?:\s+thi\s+đua)?\s*,\s*(?P<who>.+?)\s+tổ\s+chức\s+"
                                r"(?P<what>.+?)(?=\s+(?:các|cho|trong|kịp)\s|[;.]|$)", clause, re.I)
                if not act:
                    continue
                title = f"{cap(act['what'])} sau mỗi đợt thi đua"
                who = cap(act["who"])
                as_written = cap(m[0])
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
                verb = re.search(r"(đăng ký|gửi|nộp|báo cáo)\s+(?P<what>.+?)\s+về\s+(?P<to>.+?)"
                                 r"\s+qua\s+(?:địa chỉ\s+)?(?:e-?mail|thư điện tử|mail)", clause, re.I)
                if not verb or n.DATE_RE.search(mask_references(clause)):
                    continue
                title = cap(f"{verb[1]} {verb['what']}")
                d = Deadline(new_id(title), title, "no_later_than", quote(b, m.start(), m.end()),
                             as_written=f"{cap(verb[0])} {m[0]} (văn bản không ghi ngày)",
                             submitted_by=subject_of(b.text) or actor, submit_to=verb["to"].strip(), via=m[0])
                d.notes.append("văn bản không ghi hạn: mục chưa có ngày; khi LĐLĐ đặt hạn, thêm date và dated_by: admin")
                f.deadlines.append(d)
            # One-off events: "LĐLĐ ... tổ chức phát động thi đua ... tại hội nghị ..."
            for m in re.finditer(r"tổ chức\s+(?P<what>[^.;]{3,80}?)\s+tại\s+(?P<ev>(?:hội nghị|lễ|hội thi)[^.;]+)", text, re.I):
                title = f"{cap(m['ev'])} ({m['what'].strip()})"
                date_m = n.DATE_RE.search(m[0])
                ev = Event(new_id(m["ev"]), title, quote(b, m.start(), m.end()), as_written=cap(m[0]))
                if date_m and date_m["y"]:
                    ev.date = n.written(date_m["d"], date_m["m"], date_m["y"])
                else:
                    ev.notes.append("văn bản không ghi ngày tổ chức: sự kiện chưa có ngày")
                f.events.append(ev)
            self._events(b, text, new_id)

    def _events(self, b: Block, text: str, new_id: Callable[[str], str]) -> None:
        f = self.f
        for m in DATED_EVENT.finditer(text):
            title = re.sub(r"\s+(?:được\s+)?(?:tổ chức|diễn ra)$", "", m["ev"].strip())
            ev = Event(new_id(title), cap(title), quote(b, m.start(), m.end()), date=n.written(m["d1"], m["m1"], m["y1"]),
                       place=m["place"].strip() if m["place"] else None)
            if m["d2"]:
                ev.end = n.written(m["d2"], m["m2"], m["y2"])
            if m["h"]:
                ev.time = f"{int(m['h']):02d}:{m['mi'] or '00'}"
                if m["h2"]:
                    ev.end_time = f"{int(m['h2']):02d}:{m['mi2'] or '00'}"
            f.events.append(ev)
        for m in UNDATED_EVENT.finditer(text):
            title = re.sub(r"\s+(?:được\s+)?(?:tổ chức|diễn ra)$", "", m["ev"].strip())
            ev = Event(new_id(title), cap(title), quote(b, m.start(), m.end()), as_written=m["when"].strip())
            ev.notes.append(f'văn bản chỉ ghi "{m["when"].strip()}": sự kiện chưa có ngày')
            f.events.append(ev)
        for m in AFTER_EVENT.finditer(text):
            when = m["when"].strip()
            ev = Event(new_id(m["ev"]), cap(m["ev"].strip()), quote(b, m.start(), m.end()),
                       as_written=when[:1].lower() + when[1:])
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


def extract(pages: Iterable[str], paged: bool, reference: Reference) -> Findings:
    """The plan's findings; never raises on odd text (uncertain items carry notes)."""
    return Extractor(pages, paged, reference).run()
