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

Here: the drafter, which decides what moves. The texts it rewrites are moved by
scheduler.core.text_rewrite; the YAML round trip and the notes are in
scheduler.core.draft_yaml; the new span (`--year`, `--span`) in scheduler.core.next_span.
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
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from scheduler.core import lunar
from scheduler.core.campaign import ResolvedPhase, celebrated_years, resolve_phase
from scheduler.core.dates import (
    NAMED_END_PREFIXES,
    AfterDay,
    DateSyntaxError,
    FullDate,
    MonthYear,
    TetRelative,
    YearOnly,
    parse_date_expr,
    vn_date,
)
from scheduler.core.draft_yaml import (
    Draft,
    annotate,
    celebration_entry,
    dated_by_admin,
    mark_draft,
    plain_data,
    pop_key,
    replace_key,
    round_trip_yaml,
    set_celebration_ordinal,
)
from scheduler.core.format_fields import ID_PATTERN
from scheduler.core.loaded import KeyPath
from scheduler.core.model import Commemoration, Phase
from scheduler.core.spans import Span, SpanKind, parse_span
from scheduler.core.text_rewrite import (
    Ordinal,
    anniversary_names,
    day_in_year,
    later_tet_mentions,
    moved_onto_day_off,
    rewrite_text,
    shift_text,
    tet_days_off,
    tet_notation,
)
from scheduler.errors import BadRequest

_LUNAR_WORDS = re.compile(r"\bTết\b|tháng Chạp|âm lịch|\bmùng\b|\brằm\b", re.IGNORECASE)


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
    yaml = round_trip_yaml(text)
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
    return annotate(out.getvalue(), drafter.notes, new_span, drafter.years)


# --- the drafter ---------------------------------------------------------------------------------


@dataclass
class _Drafter:
    old_span: Span
    new_span: Span
    commemorations: Mapping[str, Commemoration]
    known_ids: Collection[str]
    span_text: str | None = None  # the words of --span, written as given
    notes: list[tuple[KeyPath, str]] = field(default_factory=list)
    ordinals: list[Ordinal] = field(default_factory=list)

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
        mark_draft(tree)
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
            ("activities", ("start", "end"), ("title", "as_written", "description", "place")),
        ):
            items = tree.get(section)
            if not isinstance(items, CommentedSeq):
                continue
            for index, item in enumerate(items):
                if not isinstance(item, CommentedMap):
                    continue
                path: KeyPath = (section, index)
                if section in ("deadlines", "events") and dated_by_admin(item):
                    self.undate(item, path, section)
                for key in dated:
                    self.item_date(item, key, path, section)
                if dated and not any(tet_notation(item.get(k)) for k in dated):  # by Tết: computed, nothing to hint
                    when = next((k for k in dated if item.get(k) is not None), "id")
                    self.lunar_hint(item, ("name", "title", "as_written"), path + (when,))
                for key in texts:
                    self.text(item, key, path + (key,))

    def span(self, tree: CommentedMap) -> None:
        new = self.new_span
        if "year" in tree and new.kind is SpanKind.YEAR:
            tree["year"] = new.start.year
        elif "year" in tree:
            replace_key(tree, "year", "span", self.words)
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
        elif self.old_span.derived:
            return  # derived from the dated items, which move with it: still derived, nothing to write
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
                pop_key(value, "date")
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
            key, stated = celebration_entry(entry)
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
            set_celebration_ordinal(celebrates, index, new)
            self.ordinals.append(Ordinal(stated, new, anniversary_names(target)))
            changed.append(f"{key}: {stated} → {new}")
        if changed:
            self.note(path + ("celebrates",), f"số năm kỷ niệm đã tính lại cho phong trào mới ({self.new_span.words}); "
                                              "đối chiếu các ngày kỷ niệm đợt này chào mừng với văn bản mới")

    def resolved(self, phase: CommentedMap) -> ResolvedPhase | None:
        """The phase's dates in the new span, as `check` will see them."""
        try:
            model = Phase.model_validate(plain_data(phase))
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
        if isinstance(parsed, TetRelative) and (off := tet_days_off(parsed, self.new_span)):
            self.note(path + (key,), off)  # computed each year: nothing to move, but a day off to see
        if not isinstance(parsed, FullDate):
            return  # "25/6", "mùng 6 Tết": every year
        moved, _ = self.shifted(value)
        item[key] = moved
        what = {"deadlines": "hạn", "events": "ngày sự kiện", "observances": "ngày",
                "activities": "ngày lặp lại"}[section]
        off = moved_onto_day_off(moved)
        self.note(path + (key,), f"{what} năm trước {_show(value)} đã dời thành {_show(moved)}: đối chiếu "
                                 "văn bản mới" + (f"; {off}" if off else ""))

    def undate(self, item: CommentedMap, path: KeyPath, section: str) -> None:
        """An admin's date is for one year only: the item is undated again, its wording kept."""
        what = []
        for key in ("date", "start", "end", "days_after"):
            if item.get(key) is not None:
                what.append(f"{key}: {_show(item[key])}")
                item[key] = None
        pop_key(item, "dated_by")
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
        for year in later_tet_mentions(value, self.old_span.years):
            moved = year + self.years
            parts.append(f"văn bản cũ nhắc Tết năm sau ({year}); Tết của phong trào mới là Tết Nguyên đán "
                         f"{lunar.can_chi(moved)} {moved} ({vn_date(lunar.to_solar(moved, 1, 1))}): kiểm tra")
        if parts:
            self.note(path, "; ".join(parts))

    def rewrite(self, text: str) -> tuple[str, list[str], list[str]]:
        return rewrite_text(text, self.ordinals, self.years, set(self.old_span.years))

    # Helpers ------------------------------------------------------------------------------------------

    def shifted(self, value: Any) -> tuple[Any, bool]:
        """A written date moved by the span's difference in years; True if 29/2 became 28/2."""
        if isinstance(value, date):
            year = value.year + self.years
            day = day_in_year(year, value.month, value.day)
            return value.replace(year=year, day=day), day != value.day
        if isinstance(value, int) and not isinstance(value, bool):
            return value + self.years, False
        if isinstance(value, str):
            new, changes = shift_text(value, self.years)
            moved = type(value)(new) if type(value) is not str else new
            return moved, any(c.startswith("29") and "→ 28" in c for c in changes)
        return value, False


def _show(value: Any) -> str:
    if isinstance(value, date):
        return vn_date(value)
    return str(value)
