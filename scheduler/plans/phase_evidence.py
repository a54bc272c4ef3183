"""Whether a dated "đợt" or "giai đoạn" is a phase of the plan's own campaign: positive evidence (pure).

Many things happen in rounds: health checks, courses, visits, grants, congresses,
the works of a building. A label with a time is a phase of the campaign only when
the plan gives evidence of it; without evidence, no phase (an item the text does
not state is never produced). Evidence is any of:

- the label's own sentence speaks of the campaign: "thi đua", "phong trào",
  "cao điểm", "chào mừng", "kỷ niệm", "hưởng ứng", "chủ đề", "cuộc vận động",
  "mừng Đảng" ("Đợt 1 (từ … đến …): thi đua chào mừng …"); "đợt thi đua" and
  "đợt cao điểm" carry it in their name;
- the label heads a line (a heading or list item) and the campaign's words are in
  the lines it opens or in the line that introduces it ("Phong trào thi đua được
  chia làm 2 đợt:" above "Đợt 1: Từ 01/01 đến 30/4/2025");
- the label heads a line inside the part of the plan that lays out the campaign's
  time or content ("III. THỜI GIAN", "2. Nội dung và thời gian", "Các đợt thi đua",
  "Tổ chức thực hiện");
- the plan says its campaign runs in rounds of that word, in a sentence naming the
  campaign ("Phong trào thi đua được chia làm 3 đợt", "Cuộc thi tổ chức qua 2 giai
  đoạn"); a programme or plan in rounds is not enough ("Chương trình khám … theo 2 đợt").

The blacklists of `not_phases` still veto the rounds they know (a congress
schedule inside "Tổ chức thực hiện", a review of a finished phase).
"""

from __future__ import annotations

import re

CAMPAIGN = re.compile(
    r"(?<!\w)(?:thi\s+đua|phong\s+trào|cao\s+điểm|chào\s+mừng|kỷ\s+niệm|hưởng\s+ứng|chủ\s+đề|"
    r"cuộc\s+vận\s+động|mừng\s+Đảng|cuộc\s+thi|hội\s+thi)(?!\w)", re.I)
# The plan or its campaign, in a sentence saying it runs in rounds.
_OWN = re.compile(r"(?<!\w)(?:cuộc\s+thi|hội\s+thi|thi\s+đua|phong\s+trào|cao\s+điểm|cuộc\s+vận\s+động)(?!\w)", re.I)
_IN_ROUNDS = re.compile(
    r"(?<!\w)(?:chia|theo|thành|làm|qua|gồm|có|với|tổ\s+chức|triển\s+khai|phát\s+động)\s+(?:thành\s+|làm\s+)?"
    r"(?:\d{1,2}|hai|ba|bốn|năm|sáu)\s+(?P<w>đợt|giai\s+đoạn)(?!\w)", re.I)
# A section heading: "III. THỜI GIAN", "2. Nội dung và thời gian", "b) Các đợt thi đua:".
_HEADING = re.compile(r"^\s*(?:[IVX]+|\d+(?:\.\d+)*|[a-zđA-ZĐ])[.)]\s+(?P<t>[^.;]{3,90}?)\s*:?\s*$")
_TIME_SECTION = re.compile(
    r"(?<!\w)(?:thời\s+gian|nội\s+dung|các\s+đợt|đợt\s+thi\s+đua|tổ\s+chức\s+thực\s+hiện|tiến\s+độ|lộ\s+trình|"
    r"các\s+giai\s+đoạn|phát\s+động)(?!\w)", re.I)
_DATE = re.compile(r"\d{1,2}\s*[/.\-]\s*\d{1,2}|\d{4}")


def section_of(text: str) -> bool | None:
    """True for a heading of the campaign's time or content, False for another heading, None for no heading."""
    m = _HEADING.match(text)
    if m is None or _DATE.search(m["t"]):
        return None
    return bool(_TIME_SECTION.search(m["t"]))


def campaign_in_rounds(text: str) -> set[str]:
    """The label words ("đợt", "giai đoạn") of the rounds a sentence says the campaign runs in
    ("Phong trào thi đua chia làm 2 đợt", "Cuộc thi được tổ chức qua 2 giai đoạn")."""
    out: set[str] = set()
    for m in _IN_ROUNDS.finditer(text):
        lo, hi = max(0, m.start() - 200), min(len(text), m.end() + 200)  # a sentence's reach: long lines stay linear
        s0 = max(text.rfind(". ", lo, m.start()), text.rfind(";", lo, m.start()), lo - 1) + 1
        ends = [i for i in (text.find(". ", m.end(), hi), text.find(";", m.end(), hi)) if i >= 0]
        if _OWN.search(text, s0, min(ends) if ends else hi):
            out.add(" ".join(m["w"].lower().split()))
    return out


class Evidence:
    """The evidence seen so far, per series of labels: the labels of one word in one paragraph, or labels heading
    paragraphs a few lines apart with no section heading between ("Đợt 1: … chào mừng …" / "Đợt 2: từ …").
    Evidence for one label of a series is evidence for all (read once per sentence: long lines stay linear)."""

    def __init__(self, masked: list[str]) -> None:
        self.masked = masked
        self.stated = set().union(*map(campaign_in_rounds, masked))
        self.section = False  # under "III. THỜI GIAN" until the next heading
        self.proven: set[int] = set()
        self._series: dict[str, tuple[int, int, bool]] = {}  # label word -> (last paragraph, series id, heads it)
        self._sentences: dict[tuple[int, int, int], bool] = {}
        self._count = 0

    def paragraph(self, text: str) -> None:
        heads = section_of(text)
        if heads is not None:
            self.section = heads
            self._series.clear()

    def label(self, bi: int, sentence: tuple[int, int], word: str, named: bool, heads: bool) -> int:
        """The series of a label at paragraph `bi`, recording the evidence it gives (see the module's doc)."""
        word = " ".join(word.lower().split())
        last = self._series.get(word)
        self._count += 1
        joins = last is not None and (last[0] == bi or heads and last[2] and bi - last[0] <= 4)
        sid = last[1] if last is not None and joins else self._count
        self._series[word] = (bi, sid, heads)
        if sid in self.proven:
            return sid
        key = (bi, *sentence)
        if key not in self._sentences:
            self._sentences[key] = bool(CAMPAIGN.search(self.masked[bi], *sentence))
        text = self.masked[bi]
        if named or word in self.stated or self._sentences[key] or heads and (
                self.section or bi == 0 or CAMPAIGN.search(text) or CAMPAIGN.search(self.masked[bi - 1])
                or bi + 1 < len(self.masked) and CAMPAIGN.search(self.masked[bi + 1])):
            self.proven.add(sid)
        return sid
