"""Next year's calendar: last campaign's file, moved to a new span, as a draft to review.

Admins make next year's calendar by copying last year's file. `draft_next`
does the mechanical part of that copy and marks the rest: text in, text out,
plus the list of lines a person must look at. Nothing here reads a file or the
clock; `lichthidua new` (scheduler/cli/drafts.py) is the shell.

What moves, by the whole number of years between the old and the new span:
every full date the plan wrote (phase bounds, "tháng 01/2024", "sau 30/10/2024",
deadline and event dates, the span itself), and the years and dates of the
span that titles, themes and quotes mention. What stays: yearly dates ("25/6"),
lunar dates, the base dates of anniversaries (they are history). What is
recomputed: the ordinals a phase states, by the rule `check` uses
(`campaign.celebrated_years`). What is cleared: the document's number and date,
the launch date, and every date an admin set (`dated_by: admin`, a named end's
`date`), which become undated again, their wording kept. Every line that needs
a human look gets a `# KIỂM TRA: …` comment; the original comments and key order
are kept (ruamel.yaml round trip).
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.tokens import CommentToken

from scheduler.core.campaign import ResolvedPhase, celebrated_years, resolve_phase
from scheduler.core.dates import (
    NAMED_END_PREFIXES,
    AfterDay,
    DateSyntaxError,
    FullDate,
    MonthYear,
    YearOnly,
    parse_date_expr,
    vn_date,
)
from scheduler.errors import BadRequest
from scheduler.core.loaded import KeyPath, format_path
from scheduler.core import lunar
from scheduler.core.lunar import CAN, CHI
from scheduler.core.format_fields import ID_PATTERN
from scheduler.core.model import Commemoration, Phase
from scheduler.core.spans import Span, SpanKind, parse_span

CHECK = "KIỂM TRA: "

# Indentation styles tried, in order, to write the draft the way the file was written:
# (mapping, sequence, offset); the first one that reproduces the file unchanged wins.
_INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0), (3, 5, 3))


@dataclass(frozen=True, slots=True)
class Note:
    """One line of the draft a person must check, and what to check (Vietnamese)."""

    line: int  # 1-based, in the draft
    path: str  # key path: "phases[0].as_written"
    text: str


@dataclass(frozen=True, slots=True)
class Draft:
    text: str
    notes: tuple[Note, ...]
    span: Span
    years: int  # how far every full date moved

    @property
    def lines_to_check(self) -> int:
        return len({n.line for n in self.notes})


def target_span(old: Span, *, year: int | None = None, span: str | None = None) -> Span:
    """The new campaign's span from `--year` or `--span`; by default the next one.

    `--year Y` keeps the kind of span and starts it in Y (a school year 2019–2020
    with `--year 2025` becomes 2025–2026). Without either, a year or a school
    year moves by one, a period ("giai đoạn 2021–2025") to the following one.
    """
    if year is not None and span is not None:
        raise BadRequest("Chỉ dùng một trong hai: --year hoặc --span")
    if span is not None:
        try:
            return _differs(old, parse_span(span))
        except DateSyntaxError:
            raise BadRequest(
                f"--span: không hiểu '{span}'. Ví dụ: 'năm 2027', 'năm học 2025–2026', "
                "'giai đoạn 2026–2030', 'từ 15/10/2026 đến 28/02/2027'"
            ) from None
    if year is not None:
        if not 1900 <= year <= 2100:
            raise BadRequest(f"--year: {year} không phải một năm hợp lệ (1900–2100)")
        return _differs(old, old.shifted(year - old.start.year))
    step = len(old.years) if old.kind is SpanKind.PERIOD else 1
    return old.shifted(step)


def _differs(old: Span, new: Span) -> Span:
    if (new.start, new.end) == (old.start, old.end):
        raise BadRequest(f"Phong trào mới trùng thời gian phong trào cũ ({old.words}): chọn --year hoặc --span khác")
    return new


def draft_next(
    text: str,
    *,
    new_id: str,
    old_span: Span,
    new_span: Span,
    commemorations: Mapping[str, Commemoration],
    known_ids: Collection[str] = (),
    span_text: str | None = None,
) -> Draft:
    """Next campaign's calendar from last campaign's file text.

    `old_span` is the old calendar's span (its own or inherited), `commemorations`
    every commemoration it sees (its own and inherited, by id: base dates for
    the ordinals, names to tell apart two ordinals in a title), `known_ids` the
    calendars that exist (a parent `ha-noi-2024` becomes `ha-noi-2027` when that
    exists), `span_text` the new span as the admin wrote it (`--span`), written as
    given. Raises BadRequest when the text is not a calendar mapping.
    """
    if not re.match(ID_PATTERN, new_id):
        raise BadRequest(f"Mã lịch mới '{new_id}' không hợp lệ: chỉ chữ thường không dấu, số và dấu gạch ngang")
    text = unicodedata.normalize("NFC", text.removeprefix("\ufeff"))  # as the loader reads it
    yaml = _yaml(text)
    try:
        tree = yaml.load(text)
    except YAMLError as exc:
        raise BadRequest(f"Không đọc được tệp lịch cũ: {exc}") from None
    if not isinstance(tree, CommentedMap):
        raise BadRequest("Tệp lịch cũ không phải một bảng khóa: giá trị")
    words = " ".join(span_text.split()) if span_text else None
    drafter = _Drafter(old_span, new_span, commemorations, known_ids, words)
    drafter.calendar(tree, new_id)
    out = io.StringIO()
    yaml.dump(tree, out)
    return _annotate(out.getvalue(), drafter.notes, new_span, drafter.years)


def _yaml(text: str) -> YAML:
    """A round-trip YAML that writes `text` back unchanged (same indentation, quotes, width)."""
    chosen = None
    for mapping, sequence, offset in _INDENTS:
        yaml = YAML(typ="rt")
        yaml.preserve_quotes = True
        yaml.width = 4096  # never fold long titles
        yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
        chosen = chosen or yaml
        try:
            out = io.StringIO()
            yaml.dump(yaml.load(text), out)
        except YAMLError:
            return chosen
        if out.getvalue() == text:
            return yaml
    assert chosen is not None
    return chosen


# --- dates and words inside texts ---------------------------------------------------------------

_DATE_OR_YEAR = re.compile(
    r"(?<![\d/.\-])(?:"
    r"(?P<iso>(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2}))"
    r"|(?P<dmy>(?P<d>\d{1,2})(?P<sep>[/.])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4}))"
    r"|(?P<my>(?P<mm>\d{1,2})/(?P<my_y>\d{4}))"
    r"|(?P<year>(?:19|20|21)\d{2})"
    r")(?![\d/])"
)
_ORDINAL = re.compile(r"(?<![\d/.,])(\d{1,3})(\s+năm\b)")
_LUNAR_WORDS = re.compile(r"\bTết\b|tháng Chạp|âm lịch|\bmùng\b|\brằm\b", re.IGNORECASE)
_CAN_CHI = re.compile(rf"\b({'|'.join(CAN)})\s+({'|'.join(CHI)})\b(\s+(\d{{4}}))?")


def _day_ok(year: int, month: int, day: int) -> int:
    """The day to write in `year`: 29/2 of a common year becomes 28/2."""
    if month == 2 and day == 29 and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        return 28
    return day


def shift_text(text: str, years: int, *, only: Collection[int] | None = None) -> tuple[str, list[str]]:
    """Move the dates, months and years written in `text` by `years`, keeping how they are written.

    With `only`, a date or year moves only if its year is one of `only` (a title's
    "(2/9/1945 – 2/9/2024)": 1945 is history). Returns the new text and the
    changes, "2024 → 2027", for the note.
    """
    changes: list[str] = []

    def move(year: int) -> int | None:
        return year + years if only is None or year in only else None

    def replace(m: re.Match[str]) -> str:
        whole = m.group(0)
        if m["iso"]:
            y = move(int(m["iy"]))
            if y is None:
                return whole
            day = _day_ok(y, int(m["im"]), int(m["id"]))
            new = f"{y}-{m['im']}-{str(day).zfill(len(m['id']))}"
        elif m["dmy"]:
            y = move(int(m["y"]))
            if y is None:
                return whole
            day = _day_ok(y, int(m["m"]), int(m["d"]))
            new = f"{str(day).zfill(len(m['d']))}{m['sep']}{m['m']}{m['sep']}{y}"
        elif m["my"]:
            y = move(int(m["my_y"]))
            if y is None or not 1 <= int(m["mm"]) <= 12:
                return whole
            new = f"{m['mm']}/{y}"
        else:
            y = move(int(m["year"]))
            if y is None:
                return whole
            new = str(y)
        changes.append(f"{whole} → {new}")
        return new

    return _DATE_OR_YEAR.sub(replace, text), changes


def _shift_can_chi(text: str, years: int, only: Collection[int]) -> tuple[str, list[str]]:
    """"Tết Nguyên đán Giáp Thìn 2024" names the lunar year: it moves with the year."""
    changes: list[str] = []

    def replace(m: re.Match[str]) -> str:
        if m[4] and int(m[4]) not in only:
            return m.group(0)  # "Mậu Thân 1968": history
        index = next(n for n in range(60) if CAN[n % 10] == m[1] and CHI[n % 12] == m[2])
        moved = (index + years) % 60
        new = f"{CAN[moved % 10]} {CHI[moved % 12]}"
        if new != f"{m[1]} {m[2]}":
            changes.append(f"{m[1]} {m[2]} → {new}")
        return new + (m[3] or "")

    return _CAN_CHI.sub(replace, text), changes


@dataclass(frozen=True, slots=True)
class _Ordinal:
    old: int
    new: int
    names: tuple[str, ...]  # casefolded ways a text names the anniversary


def _names(item: Commemoration) -> tuple[str, ...]:
    """Ways a text names an anniversary: its name, the words in brackets, each without "Ngày"."""
    head, _, bracket = item.name.partition(" (")
    out = [item.name, head, bracket.rstrip(")")]
    out += [n.removeprefix("Ngày ").removeprefix("ngày ") for n in out]
    return tuple(dict.fromkeys(n.casefold() for n in out if n))


# --- the drafter ---------------------------------------------------------------------------------


@dataclass
class _Drafter:
    old_span: Span
    new_span: Span
    commemorations: Mapping[str, Commemoration]
    known_ids: Collection[str]
    span_text: str | None = None  # the words of --span, written as given
    notes: list[tuple[KeyPath, str]] = field(default_factory=list)
    ordinals: list[_Ordinal] = field(default_factory=list)

    @property
    def words(self) -> str:
        return self.span_text or self.new_span.words

    @property
    def years(self) -> int:
        return self.new_span.start.year - self.old_span.start.year

    def note(self, path: KeyPath, text: str) -> None:
        self.notes.append((path, text))

    # The whole file -----------------------------------------------------------------------------

    def calendar(self, tree: CommentedMap, new_id: str) -> None:
        old_id = tree.get("id")
        tree["id"] = new_id
        self.note(("id",), f"bản nháp từ lịch {old_id} ({self.old_span.words} → {self.new_span.words}); "
                           "các dòng chú thích (#) vẫn là của lịch cũ")
        self.span(tree)
        self.extends(tree)
        phases = tree.get("phases")
        if isinstance(phases, CommentedSeq):
            self.phases(phases)  # first: titles reuse the recomputed ordinals
        for key, must in (("title", "tên kế hoạch năm mới: sửa theo trích yếu văn bản mới"),
                          ("theme", "chủ đề thi đua năm mới: sửa theo văn bản mới"),
                          ("description", None)):
            self.text(tree, key, (key,), always=must)
        self.document(tree)
        if tree.get("launch_date") is not None:
            old = tree["launch_date"]
            tree["launch_date"] = None
            self.note(("launch_date",), f"ngày phát động năm trước ({_show(old)}) đã xóa: điền ngày phát động "
                                       "của phong trào mới khi biết")
        for section, dated, texts in (
            ("commemorations", (), ("title", "description")),
            ("observances", ("start", "end"), ("title", "description")),
            ("lunar_dates", (), ("title", "description")),
            ("deadlines", ("date",), ("title", "as_written", "description")),
            ("events", ("date", "start", "end"), ("title", "as_written", "description", "place")),
        ):
            items = tree.get(section)
            if not isinstance(items, CommentedSeq):
                continue
            for index, item in enumerate(items):
                if not isinstance(item, CommentedMap):
                    continue
                path: KeyPath = (section, index)
                if section in ("deadlines", "events") and _by_admin(item):
                    self.undate(item, path, section)
                for key in dated:
                    self.item_date(item, key, path, section)
                if dated:
                    when = next((k for k in dated if item.get(k) is not None), "id")
                    self.lunar_hint(item, ("name", "title", "as_written"), path + (when,))
                for key in texts:
                    self.text(item, key, path + (key,))

    def span(self, tree: CommentedMap) -> None:
        new = self.new_span
        if "year" in tree and new.kind is SpanKind.YEAR:
            tree["year"] = new.start.year
        elif "year" in tree:
            _replace_key(tree, "year", "span", self.words)
            self.note(("span",), f"phong trào cũ tính theo năm, phong trào mới: {self.words} "
                                 f"({vn_date(new.start)} – {vn_date(new.end)}): kiểm tra")
        elif isinstance(tree.get("span"), CommentedMap):
            span = tree["span"]
            if span.get("as_written") is not None:
                span["as_written"] = self.span_words(str(span["as_written"]))
            for key in ("start", "end"):
                if span.get(key) is not None:
                    span[key] = self.shifted(span[key])[0]
            self.note(("span",), f"ngày đầu, ngày cuối của phong trào đã dời {self.years:+d} năm: "
                                 "đối chiếu văn bản mới")
        elif "span" in tree:
            tree["span"] = self.span_words(str(tree["span"]))
        else:
            # The span came from the calendar this one extends, which stays last year's: say it here.
            position = list(tree).index("title") + 1 if "title" in tree else len(tree)
            if new.kind is SpanKind.YEAR:
                tree.insert(position, "year", new.start.year)
                key = "year"
            else:
                tree.insert(position, "span", self.words)
                key = "span"
            self.note((key,), f"thời gian phong trào ({self.words}) trước đây lấy từ lịch cấp trên: kiểm tra")

    def span_words(self, written: str) -> str:
        """The new span as the old one was written ("01/11/2024" stays padded), if that says it."""
        if self.span_text is not None:
            return self.span_text
        moved, _ = shift_text(written, self.years)
        try:
            same = parse_span(moved)
        except DateSyntaxError:
            return self.new_span.words
        new = self.new_span
        return moved if (same.kind, same.start, same.end) == (new.kind, new.start, new.end) else new.words

    def extends(self, tree: CommentedMap) -> None:
        parents = tree.get("extends")
        if not isinstance(parents, CommentedSeq):
            return
        old_years = set(self.old_span.years)
        for index, parent in enumerate(list(parents)):
            moved = re.sub(r"(?<!\d)\d{4}(?!\d)",
                           lambda m: str(int(m[0]) + self.years) if int(m[0]) in old_years else m[0], str(parent))
            if moved == parent:
                continue
            if moved in self.known_ids:
                parents[index] = moved
                self.note(("extends", index), f"lịch cấp trên đã đổi {parent} → {moved}: kiểm tra")
            else:
                self.note(("extends", index), f"lịch cấp trên {parent} là của phong trào cũ; khi có lịch "
                                              f"{moved}, đổi sang lịch đó")

    def document(self, tree: CommentedMap) -> None:
        doc = tree.get("document")
        if not isinstance(doc, CommentedMap):
            return
        if doc.get("number") is not None:
            number = str(doc["number"])
            # "15/HD-LĐLĐ" → "/HD-LĐLĐ", as a plan prints its number before it is signed.
            doc["number"] = re.sub(r"^\s*\d+\s*/", "/", number) if "/" in number else None
            self.note(("document", "number"), f"số văn bản mới (năm trước: {number}): điền khi có số")
        if doc.get("date") is not None:
            old = doc["date"]
            doc["date"] = None
            self.note(("document", "date"), f"ngày ký văn bản mới (năm trước: {_show(old)}): điền khi có")
        self.text(doc, "title", ("document", "title"), always="trích yếu văn bản mới: sửa theo văn bản mới")
        if doc.get("implements") is not None:
            self.note(("document", "implements"), "văn bản cấp trên mà kế hoạch mới thực hiện: sửa số, ngày "
                                                  "(đây vẫn là văn bản của năm trước)")

    # Phases -----------------------------------------------------------------------------------------

    def phases(self, phases: CommentedSeq) -> None:
        for index, phase in enumerate(phases):
            if not isinstance(phase, CommentedMap):
                continue
            path: KeyPath = ("phases", index)
            for key in ("start", "end"):
                if key in phase:
                    self.bound(phase, key, path + (key,))
            if phase.get("as_written"):
                self.text(phase, "as_written", path + ("as_written",),
                          always="trích văn bản năm trước (đã dời năm): chép lại đúng lời văn bản mới")
            where = "as_written" if phase.get("as_written") else "start"
            self.lunar_hint(phase, ("name", "as_written", "theme"), path + (where,))
        # Ordinals need the phases' new dates; then the texts that quote them.
        for index, phase in enumerate(phases):
            if isinstance(phase, CommentedMap):
                self.celebrations(phase, ("phases", index))
        for index, phase in enumerate(phases):
            if isinstance(phase, CommentedMap):
                for key in ("name", "title", "theme", "description"):
                    self.text(phase, key, ("phases", index, key))

    def bound(self, phase: CommentedMap, key: str, path: KeyPath) -> None:
        value = phase[key]
        if isinstance(value, CommentedMap):  # a named end: {until: ..., date: ...}
            if value.get("date") is not None:
                old = value["date"]
                suggestion, _ = self.shifted(old)
                _pop(value, "date")
                self.note(path, f"ngày kết thúc do quản trị đặt năm trước ({_show(old)}) đã xóa: văn bản ghi "
                                f"“{value.get('until', '')}”; đặt lại khi biết (dời năm sẽ là {_show(suggestion)})")
            return
        if isinstance(value, str) and value.strip().lower().startswith(NAMED_END_PREFIXES):
            self.note(path, f"mốc “{value}” chép từ văn bản cũ, không có ngày: kiểm tra với văn bản mới")
            return
        try:
            parsed = parse_date_expr(value)
        except DateSyntaxError:
            return
        if isinstance(parsed, (FullDate, MonthYear, AfterDay, YearOnly)):
            moved, fixed = self.shifted(value)
            phase[key] = moved
            if fixed:
                self.note(path, f"ngày 29/2 không có trong năm mới: đã ghi {_show(moved)}")

    def celebrations(self, phase: CommentedMap, path: KeyPath) -> None:
        celebrates = phase.get("celebrates")
        if not isinstance(celebrates, CommentedSeq) or not celebrates:
            return
        resolved = self.resolved(phase)
        changed = []
        for index, entry in enumerate(celebrates):
            key, stated = _celebration(entry)
            if key is None or stated is None:
                continue
            target = self.commemorations.get(key)
            if target is None or target.base is None:
                self.note(path + ("celebrates", index), f"không tính lại được số năm của '{key}' (không có "
                                                         "ngày gốc): sửa theo văn bản mới")
                continue
            # check's rule: an occurrence inside the phase; of several, the one last year's moved to.
            years = celebrated_years(target.base, resolved, self.new_span)
            moved = target.base.year + stated + self.years
            new = (moved if moved in years or not years else years[0]) - target.base.year
            _set_celebration(celebrates, index, new)
            self.ordinals.append(_Ordinal(stated, new, _names(target)))
            changed.append(f"{key}: {stated} → {new}")
        if changed:
            self.note(path + ("celebrates",), f"số năm kỷ niệm đã tính lại cho phong trào mới ({self.new_span.words}); "
                                              "đối chiếu các ngày kỷ niệm đợt này chào mừng với văn bản mới")

    def resolved(self, phase: CommentedMap) -> ResolvedPhase | None:
        """The phase's dates in the new span, as `check` will see them."""
        try:
            model = Phase.model_validate(_plain(phase))
        except ValidationError:
            return None
        resolved, _ = resolve_phase(model, span=self.new_span, launch_date=None, defined_in="", source="")
        return resolved

    # Deadlines, events, observances -----------------------------------------------------------

    def item_date(self, item: CommentedMap, key: str, path: KeyPath, section: str) -> None:
        value = item.get(key)
        if value is None:
            return
        try:
            parsed = parse_date_expr(value)
        except DateSyntaxError:
            return
        if not isinstance(parsed, FullDate):
            return  # "25/6": every year
        moved, _ = self.shifted(value)
        item[key] = moved
        what = {"deadlines": "hạn", "events": "ngày sự kiện", "observances": "ngày"}[section]
        self.note(path + (key,), f"{what} năm trước {_show(value)} đã dời thành {_show(moved)}: đối chiếu "
                                 "văn bản mới")

    def undate(self, item: CommentedMap, path: KeyPath, section: str) -> None:
        """An admin's date is for one year only: the item is undated again, its wording kept."""
        what = []
        for key in ("date", "start", "end", "days_after"):
            if item.get(key) is not None:
                what.append(f"{key}: {_show(item[key])}")
                item[key] = None
        _pop(item, "dated_by")
        if not item.get("as_written"):
            keys = list(item)
            item.insert(keys.index("title") + 1 if "title" in keys else len(keys), "as_written",
                        "văn bản không ghi ngày")
            self.note(path + ("as_written",), "ghi cách văn bản mới nói thời hạn")
        kind = "hạn" if section == "deadlines" else "ngày"
        self.note(path + ("id",), f"{kind} do quản trị đặt năm trước ({', '.join(what)}) đã xóa, mục này chưa có "
                                  "ngày; khi đặt lại, ghi kèm dated_by: admin")

    def lunar_hint(self, item: CommentedMap, keys: tuple[str, ...], path: KeyPath) -> None:
        """Dates set by Tết move with the lunar calendar, not by whole years: give the new Tết."""
        words = " ".join(str(item.get(k) or "") for k in keys)
        if not self.years or not _LUNAR_WORDS.search(words):
            return
        days = [(y, lunar.to_solar(y, 1, 1)) for y in self.new_span.years]
        inside = [(y, d) for y, d in days if d in self.new_span] or days
        tet = ", ".join(f"Tết Nguyên đán {lunar.can_chi(y)} {y} là {vn_date(d)}" for y, d in inside)
        self.note(path, f"các mốc theo Tết, âm lịch không dời đúng một năm dương lịch: {tet}")

    # Texts ------------------------------------------------------------------------------------------

    def text(self, item: CommentedMap, key: str, path: KeyPath, *, always: str | None = None) -> None:
        value = item.get(key)
        if not isinstance(value, str) or not value:
            return
        new, changes, doubts = self.rewrite(value)
        if new != value:
            item[key] = type(value)(new) if type(value) is not str else new
        parts = [always or "kiểm tra theo văn bản mới"] if always or changes else []
        if changes:
            parts.append("đã đổi " + ", ".join(dict.fromkeys(changes)))
        parts += doubts
        if parts:
            self.note(path, "; ".join(parts))

    def rewrite(self, text: str) -> tuple[str, list[str], list[str]]:
        """A title or quote in the new span: ordinals of what the phases celebrate, years, can chi."""
        changes: list[str] = []
        doubts: list[str] = []

        def ordinal(m: re.Match[str]) -> str:
            number = int(m[1])
            found = [o for o in self.ordinals if o.old == number]
            if not found:
                if number >= 10 and self.years:
                    doubts.append(f"số năm {number} không khớp ngày kỷ niệm nào các đợt chào mừng: chưa đổi")
                return m.group(0)
            new = {o.new for o in found}
            if len(new) > 1:  # "70 năm Chiến thắng Điện Biên Phủ": the words after the number decide
                after = text[m.end():].lstrip().casefold()
                new = {o.new for o in found if any(after.startswith(n) for n in o.names)}
            if len(new) != 1:
                doubts.append(f"“{m.group(0)}” ứng với nhiều ngày kỷ niệm: chưa đổi")
                return m.group(0)
            (value,) = new
            if value != number:
                changes.append(f"{number} năm → {value} năm")
            return f"{value}{m[2]}"

        out = _ORDINAL.sub(ordinal, text)
        old_years = set(self.old_span.years)
        out, names = _shift_can_chi(out, self.years, old_years)  # before the years: "Ất Tỵ 2025" is history or not
        out, moved = shift_text(out, self.years, only=old_years)
        return out, changes + names + moved, doubts

    # Helpers ------------------------------------------------------------------------------------------

    def shifted(self, value: Any) -> tuple[Any, bool]:
        """A written date moved by the span's difference in years; True if 29/2 became 28/2."""
        if isinstance(value, date):
            year = value.year + self.years
            day = _day_ok(year, value.month, value.day)
            return value.replace(year=year, day=day), day != value.day
        if isinstance(value, int) and not isinstance(value, bool):
            return value + self.years, False
        if isinstance(value, str):
            new, changes = shift_text(value, self.years)
            moved = type(value)(new) if type(value) is not str else new
            return moved, any(c.startswith("29") and "→ 28" in c for c in changes)
        return value, False


def _by_admin(item: CommentedMap) -> bool:
    return str(item.get("dated_by", "")).strip().lower() in ("admin", "quản trị")


def _celebration(entry: Any) -> tuple[str | None, int | None]:
    if isinstance(entry, CommentedMap):
        if "id" in entry:
            ordinal = entry.get("ordinal")
            return str(entry["id"]), ordinal if isinstance(ordinal, int) else None
        if len(entry) == 1:
            ((key, ordinal),) = entry.items()
            return str(key), ordinal if isinstance(ordinal, int) and not isinstance(ordinal, bool) else None
    return None, None


def _set_celebration(celebrates: CommentedSeq, index: int, ordinal: int) -> None:
    entry = celebrates[index]
    if "id" in entry:
        entry["ordinal"] = ordinal
    else:
        ((key, _),) = entry.items()
        entry[key] = ordinal


def _show(value: Any) -> str:
    if isinstance(value, date):
        return vn_date(value)
    return str(value)


def _plain(node: Any) -> Any:
    if isinstance(node, CommentedMap):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, CommentedSeq):
        return [_plain(v) for v in node]
    return str(node) if isinstance(node, str) else node


def _replace_key(mapping: CommentedMap, old: str, new: str, value: Any) -> None:
    position = list(mapping).index(old)
    comment = mapping.ca.items.pop(old, None)
    del mapping[old]
    mapping.insert(position, new, value)
    if comment is not None:
        mapping.ca.items[new] = comment


def _pop(mapping: CommentedMap, key: str) -> None:
    """Remove `key`, keeping the comment lines that follow it (ruamel hangs them on the key)."""
    if key not in mapping:
        return
    keys = list(mapping)
    index = keys.index(key)
    column = mapping.lc.key(key)[1] if key in mapping.lc.data else 0
    token = mapping.ca.items.pop(key, None)
    del mapping[key]
    eol = token[2] if token and len(token) > 2 else None
    if eol is None:
        return
    own, _, rest = eol.value.partition("\n")
    if own.strip():  # the removed line's own comment stays, as a line of its own
        rest = " " * column + own.strip() + "\n" + rest
    if not rest.strip() or index == 0:
        return
    previous = keys[index - 1]
    slot = mapping.ca.items.setdefault(previous, [None, None, None, None])
    if slot[2] is not None:
        slot[2].value = slot[2].value + rest if slot[2].value.endswith("\n") else slot[2].value + "\n" + rest
    else:
        slot[2] = CommentToken("\n" + rest, CommentMark(0), None)


# --- comments on the lines to check ------------------------------------------------------------------


def _annotate(text: str, notes: list[tuple[KeyPath, str]], span: Span, years: int) -> Draft:
    """Append `# KIỂM TRA: …` to each line a note points at; the notes, with their lines."""
    tree = YAML(typ="rt").load(text)
    by_line: dict[int, list[str]] = {}
    located: list[Note] = []
    for path, words in notes:
        line = _line_of(tree, path)
        if words not in by_line.setdefault(line, []):
            by_line[line].append(words)
            located.append(Note(line + 1, format_path(path), words))
    lines = text.split("\n")
    for line, line_notes in by_line.items():
        commented = f"{lines[line]}  # {CHECK}{'; '.join(line_notes)}"
        if _same_data(lines, line, commented, tree):
            lines[line] = commented
        # else: a line a comment cannot end (inside a quoted or block text); the note stays in the summary
    return Draft("\n".join(lines), tuple(sorted(located, key=lambda n: n.line)), span, years)


def _same_data(lines: list[str], index: int, new_line: str, tree: Any) -> bool:
    """Whether `new_line` in place of line `index` leaves the document's data unchanged."""
    try:
        after = YAML(typ="safe").load("\n".join(lines[:index] + [new_line] + lines[index + 1:]))
    except YAMLError:
        return False
    return bool(after == _plain(tree))


def _line_of(tree: Any, path: KeyPath) -> int:
    """0-based line of the key (or list item) at `path`, else of its nearest ancestor."""
    node, line = tree, 0
    for part in path:
        if isinstance(node, CommentedMap) and part in node:
            line = node.lc.key(part)[0]
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
            line = node.lc.item(part)[0]
            node = node[part]
        else:
            break
    return line

