"""The campaign list on ``/``: one summary per calendar, grouped, searched, paged; pure.

A province has thousands of campaigns, so ``/`` cannot be one long list.
Campaigns are grouped by issuing body and level (the level is how far a
calendar is from the national one along ``extends``: the national calendar,
then provinces and national sectors, then the unions directly above the
grassroots, then grassroots unions). Groups with the soonest deadline come
first, and inside a group the campaigns with a coming deadline, soonest
first, then running ones and the national calendar, then finished ones, the
most recent first. Search ignores case and Vietnamese
diacritics ("kon tum" finds "Kon Tum", "dien bien" finds "Điện Biên").

The summaries are computed once per calendar version and day (the caller
caches them); grouping, search and paging are cheap list work.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from scheduler.core.campaign import Calendar
from scheduler.web.views import DeadlineRow

PAGE_SIZE = 40
LEVELS = (
    "Toàn quốc",
    "Cấp tỉnh, thành phố, ngành trung ương",
    "Cấp trên trực tiếp cơ sở",
    "Cơ sở",
)
BROKEN_LEVEL = len(LEVELS)  # calendars with errors and no valid version: listed last
BROKEN_LABEL = "Lịch có lỗi, chưa phục vụ"


@dataclass(frozen=True, slots=True)
class Summary:
    """What ``/`` shows of one calendar."""

    id: str
    calendar: Calendar | None  # None: never valid
    failing: bool
    next_deadline: DeadlineRow | None
    level: int
    issuer: str
    search_text: str  # folded: lower case, no diacritics
    finished: bool = False  # the campaign is over

    @property
    def rank(self) -> tuple[int, int, str]:
        """Coming deadlines first, soonest first; then running campaigns; then finished ones, latest first."""
        if self.next_deadline is not None:
            return (0, self.next_deadline.days_left, self.id)
        span = self.calendar.span if self.calendar else None
        return (2 if self.finished else 1, -(span.end.toordinal() if span else 0), self.id)


@dataclass(frozen=True, slots=True)
class Group:
    issuer: str
    level: int
    level_label: str
    rows: tuple[Summary, ...]  # the rows on this page
    total: int  # rows of the group in the whole (searched) list
    continued: bool  # the group started on an earlier page


@dataclass(frozen=True, slots=True)
class Listing:
    groups: tuple[Group, ...]
    query: str
    level: int | None
    page: int  # 1-based, clamped to the pages there are
    pages: int
    matched: int  # campaigns matching the search
    total: int  # campaigns in all


def fold(text: str) -> str:
    """Lower case without diacritics, for searching Vietnamese: 'Điện Biên' -> 'dien bien'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


STATED_LEVEL = {"toàn quốc": 0, "tỉnh": 1, "trên cơ sở": 2, "cơ sở": 3}
# The issuer's words, most specific first (folded: no diacritics, lower case).
ISSUER_LEVEL = (
    (r"\b(cong doan|cd) (co so|truong|thanh vien)\b|\bcdcs\b", 3),
    (r"\btong lien doan\b|\btld\b", 0),
    (r"\b(quan|huyen|thi xa)\b", 2),
    (r"\bcong doan nganh\b.*\b(tinh|thanh pho)\b", 2),
    (r"\bcong doan nganh\b|\bcong doan (tong cong ty|khu)\b", 1),
    (r"\b(lien doan lao dong|ldld) (tinh|thanh pho)\b", 1),
)


def level_of(calendar: Calendar | None) -> int:
    """The issuer's level: the file's ``level:``, else the issuer's words (Tổng LĐLĐ, LĐLĐ tỉnh, công đoàn
    ngành, LĐLĐ huyện, công đoàn cơ sở); only without either, how many calendars it extends."""
    if calendar is None:
        return BROKEN_LEVEL
    if calendar.level is not None:
        return STATED_LEVEL[calendar.level]
    if calendar.issuer:
        words = fold(calendar.issuer)
        for pattern, level in ISSUER_LEVEL:
            if re.search(pattern, words):
                return level
    if calendar.span is None:
        return 0  # the national calendar
    return min(len(calendar.lineage), len(LEVELS) - 1)


def summarize(calendar_id: str, calendar: Calendar | None, failing: bool,
              next_deadline: DeadlineRow | None, *, finished: bool = False) -> Summary:
    issuer = (calendar.issuer if calendar and calendar.issuer else "") or "Chưa ghi cơ quan ban hành"
    parts = [calendar_id, issuer]
    if calendar is not None:
        parts += [calendar.title, str(calendar.year or "")]
        if calendar.document is not None:
            parts.append(str(getattr(calendar.document, "number", "") or ""))
    return Summary(calendar_id, calendar, failing, next_deadline, level_of(calendar), issuer, fold(" ".join(parts)),
                   finished)


def listing(summaries: Sequence[Summary], *, query: str = "", level: int | None = None, page: int = 1,
            page_size: int = PAGE_SIZE) -> Listing:
    """Search, group, order and cut one page."""
    words = fold(query).split()
    matched = [s for s in summaries
               if all(w in s.search_text for w in words) and (level is None or s.level == level)]
    by_group: dict[tuple[int, str], list[Summary]] = {}
    for summary in matched:
        by_group.setdefault((summary.level, summary.issuer), []).append(summary)
    ordered: list[tuple[tuple[int, str], list[Summary]]] = []
    for key, rows in by_group.items():
        rows.sort(key=lambda s: s.rank)
        ordered.append((key, rows))
    # Broken calendars last; otherwise the group with the most current campaign first.
    ordered.sort(key=lambda item: (item[0][0] == BROKEN_LEVEL, item[1][0].rank, item[0]))
    pages = max(1, -(-len(matched) // page_size))
    page = min(max(page, 1), pages)
    first, last = (page - 1) * page_size, page * page_size
    groups: list[Group] = []
    position = 0
    for (group_level, issuer), rows in ordered:
        start, end = position, position + len(rows)
        position = end
        if end <= first or start >= last:
            continue
        shown = rows[max(first - start, 0): last - start]
        label = BROKEN_LABEL if group_level == BROKEN_LEVEL else LEVELS[group_level]
        groups.append(Group(issuer, group_level, label, tuple(shown), len(rows), start < first))
    return Listing(tuple(groups), query, level, page, pages, len(matched), len(summaries))

