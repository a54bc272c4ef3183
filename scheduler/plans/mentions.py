"""Anniversary mentions: "kỷ niệm 95 năm Ngày thành lập Công đoàn Việt Nam (28/7/1929 - 28/7/2024)" (pure).

A mention maps to commemorations by its bracket's base date first, then by
name; the words before a bracket give its ordinal ("95 năm", or "70 chiến
thắng" with the "năm" left out).
"""

from __future__ import annotations

import re
from datetime import date

from scheduler.plans import notation as n
from scheduler.plans.findings import CommemorationRef
from scheduler.plans.text import tokens

CAN_CHI = re.compile(
    r"(?P<what>Tết(?:\s+Nguyên\s+[Đđ]án)?|[Xx]uân|năm)\s+(?P<cc>(?:Giáp|Ất|Bính|Đinh|Mậu|Kỷ|Canh|Tân|Nhâm|Quý)\s+"
    r"(?:Tý|Sửu|Dần|Mão|Mẹo|Thìn|Tỵ|Ngọ|Mùi|Thân|Dậu|Tuất|Hợi))\s+(?P<y>\d{4})"
)


# Short names plans use for the bodies whose days they celebrate.
_SHORT_NAMES = (
    (re.compile(r"\bĐảng\b(?!\s+Cộng)"), "Đảng Cộng sản Việt Nam"),
    (re.compile(r"\bĐCS(?:\s*VN|\s+Việt\s+Nam)\b"), "Đảng Cộng sản Việt Nam"),
    (re.compile(r"\bLHPN\b"), "Liên hiệp Phụ nữ"),
    (re.compile(r"\bQĐND\b"), "Quân đội nhân dân"),
    (re.compile(r"\bCĐVN\b"), "Công đoàn Việt Nam"),
    (re.compile(r"\bCĐ\s+Việt\s+Nam\b"), "Công đoàn Việt Nam"),
    (re.compile(r"\b(?:sỹ)\b"), "sĩ"),
    (re.compile(r"\bBác\s+Hồ\b"), "Chủ tịch Hồ Chí Minh"),
    (re.compile(r"\b[Nn]gày\s+[Pp]hụ\s+nữ\s+Việt\s+Nam\b"), "Ngày thành lập Hội Liên hiệp Phụ nữ Việt Nam"),
    # "Ngày giải phóng miền Nam (30/4)" for "… Giải phóng hoàn toàn miền Nam, thống nhất đất nước"
    (re.compile(r"\b[Gg]iải\s+phóng\s+(?:hoàn\s+toàn\s+)?miền\s+Nam\b(?!\s*,?\s*thống)"),
     "Giải phóng hoàn toàn miền Nam, thống nhất đất nước"),
    (re.compile(r"\b(?:[Nn]gày\s+)?Quốc\s+khánh\b(?!\s+nước)"), "Quốc khánh nước Cộng hòa xã hội chủ nghĩa Việt Nam"),
)


def expand_short_names(text: str) -> str:
    """ "Ngày thành lập Đảng" → "… Đảng Cộng sản Việt Nam", "Hội LHPN" → "Hội Liên hiệp Phụ nữ"… for matching."""
    for pattern, full in _SHORT_NAMES:
        text = pattern.sub(full, text)
    return text


class Matcher:
    """Maps a mention's words and bracket to commemoration ids."""

    def __init__(self, refs: list[CommemorationRef]) -> None:
        self.refs = refs

    @staticmethod
    def _core(name: str) -> list[str]:
        name = re.sub(r"\(.*?\)", "", name)
        toks = tokens(name)
        return toks[1:] if toks and toks[0] == "ngày" else toks

    def name_score(self, ref: CommemorationRef, phrase: str) -> float:
        words = tokens(phrase)
        best = 0.0
        forms = [self._core(ref.name)] + [tokens(x) for x in re.findall(r"\((.*?)\)", ref.name)]
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
        phrase = expand_short_names(phrase)
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


def bracket_date(text: str) -> tuple[date | None, bool]:
    if re.fullmatch(r"\d{4}", text):
        return date(int(text), 1, 1), True
    m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
    return (n.make_date(int(m[1]), int(m[2]), int(m[3])) if m else None), False


def phrase_before(text: str, pos: int) -> tuple[str, int | None]:
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


def name_after_ordinal(phrase: str) -> str:
    ordinals = list(re.finditer(r"(?<![\d/.])(\d{1,3})\s+(?:năm\s+)?(?=[^\d\s])", phrase))
    if ordinals:
        return phrase[ordinals[-1].end():].strip(" ,;")
    return re.sub(r"^\s*,?\s*và\s+", "", phrase).strip(" ,;")
