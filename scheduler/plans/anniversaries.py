"""Anniversaries ("kỷ niệm 95 năm Ngày thành lập Công đoàn Việt Nam (28/7/1929 - 28/7/2024)"), lunar dates, observances (pure)."""

from __future__ import annotations

import re
from datetime import date

from scheduler.plans.findings import Block, CommemorationRef, Mention
from scheduler.plans.lunar_dates import LunarPass
from scheduler.plans.mentions import Matcher, bracket_date, name_after_ordinal, phrase_before
from scheduler.plans.text import BRACKET, cap, quote, slug, tokens

BARE = re.compile(r"(?:(?:k[ỷỉ]\s+niệm|chào\s+mừng|mừng|hướng\s+(?:tới|về)|hưởng\s+ứng|(?<!\w)dịp|và|tròn)\s+|,\s*)"
                  r"(?P<n>\d{1,3})\s+(?:năm\s+)?(?P<name>[^,;.(]+?)(?=\s+và\s+\d{1,3}\s+năm\s|[,;.(]|$)", re.I)


_BARE_RANGE = re.compile(r"\s(?P<a>\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4})\s*[-–—]\s*(?P<b>\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4})(?=\s|$)")


class MentionPass(LunarPass):
    # -- anniversaries, lunar dates, observances ------------------------------------------
    def mentions(self) -> None:
        f = self.f
        refs = list(self.ref.commemorations)
        # Local commemorations first: bracket base dates the national calendar does not know.
        matcher = Matcher(refs)
        for bi, _b in enumerate(self.blocks):
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
        self.lunar_dates()

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
            if ordinal is not None and base is not None and day is not None and day.year - base.year != ordinal:
                self.f.notes.append((f"kỷ niệm {ordinal} năm nhưng ngoặc ghi {base.year} – {day.year} "
                                     f"({day.year - base.year} năm): "
                                     "giữ số văn bản ghi, sửa nếu sai", mention.where))
            out.append(mention)
            covered.append((m.start() - len(phrase), m.end()))
            previous = mention
        # "kỷ niệm 70 năm ngày thành lập Công đoàn tỉnh Cao Bằng", "chào mừng 93 năm Ngày thành lập Công đoàn
        # Việt Nam", "80 năm Cách mạng Tháng Tám và Quốc khánh 2/9" without a bracket
        for m in BARE.finditer(text):
            if any(a <= m.start("n") < z for a, z in covered):
                continue
            name = re.sub(r"\s+(?:năm\s+)?\d{4}$", "", m["name"].strip())  # "… Quốc khánh 2-9 năm 2025"
            inner = _BARE_RANGE.search(name)  # "… Quốc khánh 02/9/1945 – 02/9/2015 của Công đoàn …": the range ends it
            name = name[:inner.end()].rstrip() if inner else name
            ids = self.matcher.ids(name, None, False) or self._shortened(name)
            dm = re.search(r"\s(\d{1,2})\s*[/\-.]\s*(\d{1,2})$", name)
            if not ids and dm:  # "50 năm Ngày Chiến thắng 30/4", "kỷ niệm 79 năm ngày 2/9": the one national day on it
                day_month = (int(dm[1]), int(dm[2]))
                on_day = [r.id for r in self.matcher.refs if not r.local and (r.base.day, r.base.month) == day_month]
                ids = on_day if len(on_day) == 1 else []
            if len(ids) > 1 and dm:  # one day named for two: one commemoration on that day
                by_id = {r.id: r for r in self.matcher.refs}
                on_day = [i for i in ids if (by_id[i].base.day, by_id[i].base.month) == (int(dm[1]), int(dm[2]))]
                if len(on_day) == 1:
                    ids = self._combined(ids, name[:dm.start()], by_id[on_day[0]].base)
            if ids:
                base = day = None
                bare = _BARE_RANGE.search(name)  # "41 năm ngày Nhà giáo Việt Nam 20/11/1982 – 20/11/2023"
                if bare:
                    base, _ = bracket_date(bare["a"])
                    day, _ = bracket_date(bare["b"])
                    name = name[:bare.start()]
                    if len(ids) > 1 and base:  # "Cách mạng tháng Tám và Quốc khánh 02/9/1945 – 02/9/2015": as a bracket
                        ids = self._combined(ids, name, base)
                out.append(Mention(int(m["n"]), cap(name), base, day, ids, quote(b, m.start("n"), m.end()), offset=m.start("n")))
                covered.append((m.start("n"), m.end()))
        return out

    def check_ordinals(self) -> None:
        """An anniversary named without its bracket whose ordinal does not fall in the campaign's years
        ("95 năm Ngày thành lập Công đoàn Việt Nam" in a plan for 2025): kept as written, flagged."""
        f = self.f
        first = f.span_start.year if f.span_start else f.year
        last = f.span_end.year if f.span_end else f.year
        if first is None or last is None:
            return
        by_id = {r.id: r for r in f.known_commemorations}
        for m in f.mentions:
            refs = [by_id[i] for i in m.ids if i in by_id]
            if m.day is not None or m.ordinal is None or len(refs) != 1:
                continue
            falls = refs[0].base.year + m.ordinal
            if not first <= falls <= last:
                years = str(first) if first == last else f"{first}–{last}"
                f.notes.append((f"kỷ niệm {m.ordinal} năm {m.name} rơi vào năm {falls}, ngoài thời gian của kế hoạch "
                                f"({years}): giữ số văn bản ghi, sửa nếu sai", m.where))

    def _shortened(self, name: str) -> list[str]:
        """A national day named by the first words of its name ("Ngày giải phóng hoàn toàn miền Nam" for
        "… miền Nam, thống nhất đất nước"): at least four words, found in one entry only."""
        words = tokens(re.sub(r"\s\d.*$", "", name))
        words = words[1:] if words[:1] == ["ngày"] else words
        if len(words) < 4:
            return []
        found = []
        for ref in self.matcher.refs:
            core = tokens(ref.name)
            if any(core[i:i + len(words)] == words for i in range(len(core) - len(words) + 1)):
                found.append(ref.id)
        return found if len(found) == 1 else []

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
