"""Reading one calendar file: bytes in, a validated model and diagnostics out.

Every problem of a file is collected before giving up, each located at
file:line:column with the key path, the bad value, what was expected and a
hint. A bad file never raises: the caller gets `LoadedFile.model is None` and
the list of diagnostics. ruamel.yaml is used because it keeps the line and
column of every key and value.
"""

from __future__ import annotations

import difflib
import re
import typing
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
)
from ruamel.yaml.scalarstring import ScalarString

from scheduler.core import messages
from scheduler.core.bounds import DEFAULT_LIMITS, Limits
from scheduler.core.checks import check_calendar_file
from scheduler.errors import Diagnostic, Severity
from scheduler.core.model import CalendarFile, Commemoration, Deadline, LunarDateItem, Observance, OneOffEvent, Phase

KeyPath = tuple[str | int, ...]

LIST_SECTIONS: dict[str, type[BaseModel]] = {
    "commemorations": Commemoration,
    "observances": Observance,
    "lunar_dates": LunarDateItem,
    "phases": Phase,
    "deadlines": Deadline,
    "events": OneOffEvent,
}

_AMBIGUOUS_BOOLS = re.compile(r"^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$")
_SEXAGESIMAL = re.compile(r"^[0-9]+(:[0-5]?[0-9])+$")
# The same traps, named for the fast reader (scheduler.core.fast_yaml), which must leave them to this one.
YAML11_TRAPS = (_AMBIGUOUS_BOOLS, _SEXAGESIMAL)


@dataclass
class LoadedFile:
    path: Path
    display: str  # path as shown in messages, relative to where the user works
    model: CalendarFile | None = None
    positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)  # value positions, 1-based
    key_positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # (section, index in model) -> index in the file, when invalid items were left out
    index_map: dict[tuple[str, int], int] = field(default_factory=dict)

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def ok(self) -> bool:
        return self.model is not None and not any(d.severity is Severity.ERROR for d in self.diagnostics)

    def sorted_diagnostics(self) -> tuple[Diagnostic, ...]:
        return tuple(sorted(self.diagnostics, key=lambda d: (d.line, d.column)))

    def where(self, path: KeyPath, *, key: bool = False) -> tuple[int, int]:
        """Best position for `path`: the key or value itself, else its nearest ancestor."""
        path = self.file_path(path)
        table = self.key_positions if key else self.positions
        for n in range(len(path), -1, -1):
            prefix = path[:n]
            if prefix in table:
                return table[prefix]
            if prefix in self.positions:
                return self.positions[prefix]
        # The document itself: where its first key is (line 1 may be a comment).
        return min(self.key_positions.values(), default=(1, 1))

    def file_path(self, path: KeyPath) -> KeyPath:
        """Translate a path in the (partial) model to the same place in the file."""
        if len(path) >= 2 and isinstance(path[1], int) and (path[0], path[1]) in self.index_map:
            return (path[0], self.index_map[(str(path[0]), path[1])]) + path[2:]
        return path

    def diagnose(
        self,
        code: str,
        path: KeyPath,
        *,
        value: object = None,
        severity: Severity = Severity.ERROR,
        key: bool = False,
        **context: Any,
    ) -> Diagnostic:
        line, column = self.where(path, key=key)
        path = self.file_path(path)
        ctx = {"value": value, **context}
        message, expected, hint = messages.render(code, ctx)
        diag = Diagnostic(
            file=self.display,
            line=line,
            column=column,
            path=format_path(path),
            code=code,
            message=message,  # type: ignore[arg-type]
            severity=severity,
            value=None if value is None else str(value),
            expected=expected,
            hint=hint,
        )
        self.diagnostics.append(diag)
        return diag


def format_path(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_bounded(path: Path, loaded: LoadedFile, limits: Limits) -> bytes | None:
    """The file's bytes, or None (reported) if unreadable or over `limits.file_bytes`."""
    try:
        with path.open("rb") as f:
            raw = f.read(limits.file_bytes + 1)
    except OSError as exc:
        loaded.diagnose("file.unreadable", (), detail=exc.strerror or str(exc))
        return None
    if len(raw) > limits.file_bytes:
        try:
            size = path.stat().st_size
        except OSError:
            size = len(raw)
        loaded.diagnose("bounds.file_bytes", (), value=size, limit=limits.file_bytes)
        return None
    return raw


def load_file(path: Path, display: str | None = None, limits: Limits = DEFAULT_LIMITS) -> LoadedFile:
    """Read and validate one calendar file; never raises for bad content."""
    loaded = LoadedFile(path=path, display=display or display_path(path))
    raw = read_bounded(path, loaded, limits)
    if raw is None:
        return loaded
    return parse_text(raw, loaded, limits)


def parse_text(raw: bytes, loaded: LoadedFile, limits: Limits = DEFAULT_LIMITS) -> LoadedFile:
    """Bytes of a calendar file → model and diagnostics; any failure ends as a diagnostic."""
    try:
        return _parse_text(raw, loaded, limits)
    except Exception as exc:  # noqa: BLE001 - a bug met by one file must not stop the others
        loaded.model = None
        loaded.diagnose("file.internal", (), detail=f"{type(exc).__name__}: {exc}"[:300])
        return loaded


def _parse_text(raw: bytes, loaded: LoadedFile, limits: Limits) -> LoadedFile:
    if len(raw) > limits.file_bytes:
        loaded.diagnose("bounds.file_bytes", (), value=len(raw), limit=limits.file_bytes)
        return loaded
    text = _decode(raw, loaded)
    if text is None:
        return loaded
    if _find_tabs(text, loaded):
        return loaded
    tree = _parse_yaml(text, loaded, limits, item_limit=limits.items)
    if tree is EMPTY:
        loaded.diagnose("yaml.empty", ())
        return loaded
    if tree is None and loaded.diagnostics:
        return loaded
    if not isinstance(tree, CommentedMap):
        loaded.diagnose("yaml.not_mapping", ())
        return loaded
    return from_data(_plain(tree, (), loaded), loaded, limits)


def from_data(data: dict[str, Any], loaded: LoadedFile, limits: Limits = DEFAULT_LIMITS) -> LoadedFile:
    """The second half of reading a calendar file: its plain data (positions already in ``loaded``,
    as ``_plain`` or :mod:`scheduler.core.fast_yaml` record them) → model, diagnostics and checks."""
    extends = data.get("extends")
    if isinstance(extends, list) and len(extends) > limits.extends:
        loaded.diagnose("bounds.extends", ("extends", limits.extends), value=len(extends), limit=limits.extends)
        return loaded
    loaded.model = _validate(data, loaded)
    check_file(loaded)
    return loaded


def _decode(raw: bytes, loaded: LoadedFile) -> str | None:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        message, expected, hint = messages.render("encoding.not_utf8", {"byte": f"{raw[exc.start]:02X}"})
        loaded.diagnostics.append(
            Diagnostic(loaded.display, line, column, "", "encoding.not_utf8", message, expected=expected, hint=hint)  # type: ignore[arg-type]
        )
        return None
    # Editors on Windows may save decomposed diacritics; titles must compare equal.
    return unicodedata.normalize("NFC", text)


def _find_tabs(text: str, loaded: LoadedFile) -> bool:
    found = False
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            found = True
            message, expected, hint = messages.render("yaml.tab", {})
            loaded.diagnostics.append(
                Diagnostic(loaded.display, number, indent.index("\t") + 1, "", "yaml.tab", message, expected=expected, hint=hint)  # type: ignore[arg-type]
            )
    return found


class _Constructor(RoundTripConstructor):
    """Leaves timestamps as text: our date parser reports 2024-02-30 with its position."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", lambda self, node: str(self.construct_scalar(node)))

# What _parse_yaml returns for a file with nothing but comments and blank lines.
EMPTY = object()


def _parse_yaml(text: str, loaded: LoadedFile, limits: Limits = DEFAULT_LIMITS, *, item_limit: int | None = None) -> Any:
    """The YAML tree of `text`, or None with diagnostics; screened first (see `_screen`)."""
    if not text.strip() or all(line.lstrip().startswith("#") or not line.strip() for line in text.splitlines()):
        return EMPTY
    if not _screen(text, loaded, limits, item_limit):
        return None
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.preserve_quotes = True
    try:
        return yaml.load(text)
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        key = re.search(r'found duplicate key "([^"]*)"', str(exc))
        _syntax(loaded, "yaml.duplicate_key", mark, value=key[1] if key else None)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = " ".join(filter(None, [exc.context, exc.problem]))
        _syntax(loaded, "yaml.syntax", mark, detail=detail)
    except YAMLError as exc:
        _syntax(loaded, "yaml.syntax", None, detail=str(exc))
    return None


class _Open:
    """A mapping or list being read by `_screen`."""

    __slots__ = ("mapping", "expect_key", "keys")

    def __init__(self, mapping: bool) -> None:
        self.mapping = mapping
        self.expect_key = True
        self.keys: dict[str, int] = {}  # key -> line, for duplicates


def _screen(text: str, loaded: LoadedFile, limits: Limits, item_limit: int | None) -> bool:
    """Reject what calendars never use, before building anything: True if the text may be loaded.

    Read as a stream of parser events (no tree, no recursion), so 3,000 levels
    of brackets or a million-item list cost at most the bounds. Reported, each
    at its line:column: anchors and aliases (`&a`, `*a`: exponential expansion),
    tags (`!!python/object`, `!!binary`, ...), merge keys (`<<:`), every
    duplicate key, nesting deeper than `limits.depth`, more list items than
    `item_limit`. Syntax errors are left to the loader, which says them better.
    """
    stack: list[_Open] = []
    items = 0
    fine = True
    try:
        for event in YAML(typ="rt").parse(text):
            mark = event.start_mark
            if isinstance(event, AliasEvent):
                _syntax(loaded, "yaml.alias", mark)
                fine = False
            elif isinstance(event, NodeEvent):
                if event.anchor is not None:
                    _syntax(loaded, "yaml.alias", mark)
                    fine = False
                tag = getattr(event, "tag", None)
                if tag is not None and not (isinstance(event, ScalarEvent) and str(tag) == "!"):
                    _syntax(loaded, "yaml.tag", mark, value=str(tag).replace("tag:yaml.org,2002:", "!!"))
                    fine = False
            if isinstance(event, (NodeEvent,)) and stack:
                parent = stack[-1]
                if parent.mapping:
                    is_key, parent.expect_key = parent.expect_key, not parent.expect_key
                    if is_key and isinstance(event, ScalarEvent):
                        if event.value == "<<" and event.style is None:
                            _syntax(loaded, "yaml.merge", mark)
                            fine = False
                        elif event.value in parent.keys:
                            _syntax(loaded, "yaml.duplicate_key", mark, value=event.value,
                                    other_line=parent.keys[event.value])
                            fine = False
                        else:
                            parent.keys[event.value] = mark.line + 1
                else:
                    items += 1
                    if item_limit is not None and items > item_limit:
                        _syntax(loaded, "bounds.items", mark, limit=item_limit)
                        return False
            if isinstance(event, CollectionStartEvent):
                stack.append(_Open(isinstance(event, MappingStartEvent)))
                if len(stack) > limits.depth:
                    _syntax(loaded, "bounds.depth", mark, limit=limits.depth)
                    return False
            elif isinstance(event, CollectionEndEvent) and stack:
                stack.pop()
    except YAMLError:
        return fine  # reported by the loader, at the same place
    return fine


def _syntax(loaded: LoadedFile, code: str, mark: Any, **context: Any) -> None:
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    message, expected, hint = messages.render(code, context)
    loaded.diagnostics.append(
        Diagnostic(loaded.display, line, column, "", code, message, value=context.get("value"), expected=expected, hint=hint)  # type: ignore[arg-type]
    )


def _plain(node: Any, path: KeyPath, loaded: LoadedFile, seen: set[int] | None = None) -> Any:
    """ruamel tree → plain data, recording positions and catching YAML 1.1 traps.

    A mapping or list met twice is an alias (`*name`): calendars never need them,
    and expanding nested aliases grows exponentially ("billion laughs"), so each is
    reported and not followed.
    """
    seen = set() if seen is None else seen
    if isinstance(node, (CommentedMap, CommentedSeq)):
        if id(node) in seen:
            loaded.diagnose("yaml.alias", path)
            return None
        seen.add(id(node))
    if isinstance(node, CommentedMap):
        out = {}
        for key, value in node.items():
            kl, kc, vl, vc = node.lc.data[key]
            child = path + (str(key),)
            loaded.key_positions[child] = (kl + 1, kc + 1)
            loaded.positions[child] = (vl + 1, vc + 1)
            out[str(key)] = _plain(value, child, loaded, seen)
        return out
    if isinstance(node, CommentedSeq):
        out_list = []
        for index, value in enumerate(node):
            line, col = node.lc.data[index]
            child = path + (index,)
            loaded.positions[child] = (line + 1, col + 1)
            out_list.append(_plain(value, child, loaded, seen))
        return out_list
    if isinstance(node, ScalarString):
        return str(node)
    if type(node) is str:
        if _AMBIGUOUS_BOOLS.match(node):
            loaded.diagnose("yaml.ambiguous_bool", path, value=node)
        elif _SEXAGESIMAL.match(node):
            loaded.diagnose("yaml.sexagesimal", path, value=node)
    return node


def _validate(data: dict[str, Any], loaded: LoadedFile) -> CalendarFile:
    """Validate item by item, so one bad item hides no other error of the file.

    Invalid items and header fields are reported and left out; what remains is a
    partial model good enough for the file's other checks. `LoadedFile.ok` stays
    False, so a partial model is never served.
    """
    header = {k: v for k, v in data.items() if k not in LIST_SECTIONS or not isinstance(v, list)}
    items: dict[str, list[Any]] = {}
    for section, item_model in LIST_SECTIONS.items():
        raw = data.get(section)
        if not isinstance(raw, list):
            continue
        kept: list[Any] = []
        for index, item in enumerate(raw):
            try:
                kept.append(item_model.model_validate(item))
            except ValidationError as exc:
                for error in exc.errors():
                    report_error({**error, "loc": (section, index, *error["loc"])}, loaded)
                continue
            loaded.index_map[(section, len(kept) - 1)] = index
        items[section] = kept
    try:
        header_model = CalendarFile.model_validate({**header, **{k: [] for k in items}})
    except ValidationError as exc:
        bad = set()
        for error in exc.errors():
            report_error(dict(error), loaded)
            bad.add(error["loc"][0] if error["loc"] else None)
        header = {k: v for k, v in header.items() if k not in bad}
        header.setdefault("id", loaded.stem)
        header.setdefault("title", "")
        header_model = CalendarFile.model_validate({**header, **{k: [] for k in items}})
    return header_model.model_copy(update=items)


def report_error(error: Any, loaded: LoadedFile, root: type[BaseModel] = CalendarFile) -> None:
    """One pydantic error of a file whose schema is `root`, as a located diagnostic."""
    loc: KeyPath = tuple(error["loc"])
    kind = error["type"]
    ctx = dict(error.get("ctx") or {})
    value = error.get("input")
    if kind == "missing":
        loaded.diagnose("missing", loc[:-1], field=loc[-1], key=True)
    elif kind == "extra_forbidden":
        allowed = _fields_at(loc[:-1], root)
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
        loaded.diagnose(
            "extra_forbidden",
            loc,
            key=True,
            field=loc[-1],
            allowed=", ".join(allowed),
            suggestion=close[0] if close else None,
        )
    elif kind.startswith(("date.", "id.", "deadline.", "lunar.", "span.", "named_end.", "event.", "time.",
                          "commemoration.", "dated_by.")):
        if kind == "id.format":
            ctx["suggestion"] = _slug(str(ctx.get("value", "")))
        if kind == "date.day" and ctx.get("detail"):
            ctx["last"] = str(ctx["detail"]).rsplit(":", 1)[-1]
        path = loc + ((ctx["field"],) if "field" in ctx else ())
        loaded.diagnose(kind, path, **ctx)
    else:
        expected = _expected_text(kind, ctx)
        shown = value if isinstance(value, (str, int, float, bool)) else None
        loaded.diagnose("type", loc, value=shown, detail=error["msg"], detail_vi=_problem_vi(kind, ctx),
                        expected=expected)


def _problem_vi(kind: str, ctx: dict[str, Any]) -> str:
    """pydantic's problem in Vietnamese; its English text goes to --lang en."""
    if kind.startswith("int") or kind.startswith("float"):
        return "cần một số nguyên"
    if kind.startswith("bool"):
        return "cần true hoặc false"
    if kind.startswith("string_pattern"):
        return "không đúng dạng"
    if kind.startswith("string"):
        return "cần văn bản"
    if kind in ("list_type", "tuple_type"):
        return "cần một danh sách"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "cần một mục khóa: giá trị"
    if kind in ("enum", "literal_error"):
        return f"cần một trong: {str(ctx.get('expected', '')).replace(' or ', ' hoặc ')}"
    if kind == "greater_than_equal":
        return f"cần lớn hơn hoặc bằng {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"cần nhỏ hơn hoặc bằng {ctx.get('le')}"
    return "giá trị không hợp lệ"


def _expected_text(kind: str, ctx: dict[str, Any]) -> str:
    if kind.startswith("int"):
        return "số nguyên / an integer"
    if kind.startswith("bool"):
        return "true hoặc false / true or false"
    if kind.startswith("string"):
        return "văn bản / text"
    if kind in ("list_type", "tuple_type"):
        return "danh sách (các dòng bắt đầu bằng '- ') / a list"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "một mục khóa: giá trị / a mapping"
    if kind in ("greater_than_equal", "less_than_equal"):
        return " ".join(f"{k} {v}" for k, v in ctx.items())
    if kind in ("enum", "literal_error"):
        return str(ctx.get("expected", ""))
    return kind


def _fields_at(path: KeyPath, root: type[BaseModel]) -> list[str]:
    """Field names of the model at `path` in a `root` document, for typo suggestions."""
    model: Any = root
    for part in path:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, BaseModel) else None
        if info is None:
            return []
        model = _model_of(info.annotation)
        if model is None:
            return []
    return list(model.model_fields) if isinstance(model, type) and issubclass(model, BaseModel) else []


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(c for c in ascii_text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "ma-moi"


def check_file(loaded: LoadedFile) -> None:
    """Checks that need the whole file but no other file (the semantic rules live in scheduler.core.checks)."""
    check_calendar_file(loaded)


def yaml_mapping(raw: bytes, loaded: LoadedFile, *, what: str = "yaml.not_mapping") -> dict[str, Any] | None:
    """Another YAML file an admin edits (recipients), read as calendar files are: UTF-8 and
    tab checks, YAML 1.1 traps, positions of every key. Plain data of its top-level mapping;
    {} for an empty file; None when broken (the diagnostics are in ``loaded``; ``what`` is
    the code said when the top level is not a mapping)."""
    text = _decode(raw, loaded)
    if text is None or _find_tabs(text, loaded):
        return None
    tree = _parse_yaml(text, loaded)
    if tree is EMPTY:
        return {}
    if tree is None:
        return None
    if not isinstance(tree, dict):
        loaded.diagnose(what, ())
        return None
    data = _plain(tree, (), loaded)
    return data if isinstance(data, dict) else None
