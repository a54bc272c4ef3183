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
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml.comments import CommentedMap

from scheduler.core import messages
from scheduler.core.bounds import DEFAULT_LIMITS, Limits
from scheduler.core.checks import check_calendar_file
from scheduler.core.loaded import KeyPath, LoadedFile, display_path
from scheduler.core.model import (
    CalendarFile,
    Commemoration,
    Deadline,
    LunarDateItem,
    Observance,
    OneOffEvent,
    Phase,
    RepeatedActivity,
)
from scheduler.core.yaml_syntax import EMPTY, decode, find_tabs, parse_yaml, plain
from scheduler.errors import Diagnostic, Severity

LIST_SECTIONS: dict[str, type[BaseModel]] = {
    "commemorations": Commemoration,
    "observances": Observance,
    "lunar_dates": LunarDateItem,
    "phases": Phase,
    "deadlines": Deadline,
    "events": OneOffEvent,
    "activities": RepeatedActivity,
}

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
    text = decode(raw, loaded)
    if text is None:
        return loaded
    if find_tabs(text, loaded):
        return loaded
    tree = parse_yaml(text, loaded, limits, item_limit=limits.items)
    if tree is EMPTY:
        loaded.diagnose("yaml.empty", ())
        return loaded
    if tree is None and loaded.diagnostics:
        return loaded
    if not isinstance(tree, CommentedMap):
        loaded.diagnose("yaml.not_mapping", ())
        return loaded
    from_data(plain(tree, (), loaded), loaded, limits)
    review_marks(text, loaded)
    return loaded


REVIEW_MARK = "KIỂM TRA"
_MARK = re.compile(r"#\s*" + REVIEW_MARK)  # a comment that starts with the mark


def review_marks(text: str, loaded: LoadedFile) -> None:
    """Each "# KIỂM TRA" left by `new` or `import` is a warning on its line until someone removes it,
    and a file marked ``draft: true`` says it is not published."""
    for number, line in enumerate(text.splitlines(), start=1):
        mark = _MARK.search(line)
        if mark is None:
            continue
        note = line[mark.end():].strip(" :–-")
        _warn_at(loaded, "review.pending", number, mark.start() + 1, note=note or "(không ghi lý do)")
    if loaded.model is not None and loaded.model.draft:
        at, column = loaded.where(("draft",), key=True)
        _warn_at(loaded, "review.draft", at, column)


def _warn_at(loaded: LoadedFile, code: str, line: int, column: int, **context: Any) -> None:
    message, expected, hint = messages.render(code, context)
    loaded.diagnostics.append(Diagnostic(file=loaded.display, line=line, column=column, path="", code=code,
                                         message=message, severity=Severity.WARNING, expected=expected, hint=hint))


def from_data(data: dict[str, Any], loaded: LoadedFile, limits: Limits = DEFAULT_LIMITS) -> LoadedFile:
    """The second half of reading a calendar file: its plain data (positions already in ``loaded``,
    as ``yaml_syntax.plain`` or :mod:`scheduler.core.fast_yaml` record them) → model, diagnostics and checks."""
    extends = data.get("extends")
    if isinstance(extends, list) and len(extends) > limits.extends:
        loaded.diagnose("bounds.extends", ("extends", limits.extends), value=len(extends), limit=limits.extends)
        return loaded
    loaded.model = _validate(data, loaded)
    check_file(loaded)
    return loaded


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
                if section == "phases" and (salvaged := _salvage_phase(item, exc)) is not None:
                    virtual = len(raw) + len(loaded.salvaged_phases)  # an index no kept item has
                    loaded.salvaged_phases[virtual] = salvaged
                    loaded.index_map[(section, virtual)] = index
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


def _salvage_phase(item: Any, exc: ValidationError) -> Phase | None:
    """A phase read again without the fields its errors name (already reported): what it
    celebrates can still be checked. None when its id or its celebrations are the problem."""
    if not isinstance(item, dict):
        return None
    bad = {error["loc"][0] for error in exc.errors() if error["loc"]}
    if not bad or bad & {"id", "celebrates"} or any(not error["loc"] for error in exc.errors()):
        return None
    data = {key: value for key, value in item.items() if key not in bad}
    if "name" in bad:
        data["name"] = str(item.get("id", ""))
    try:
        return Phase.model_validate(data)
    except ValidationError:
        return None


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
                          "commemoration.", "dated_by.", "activity.", "repeat.")):
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
    text = decode(raw, loaded)
    if text is None or find_tabs(text, loaded):
        return None
    tree = parse_yaml(text, loaded)
    if tree is EMPTY:
        return {}
    if tree is None:
        return None
    if not isinstance(tree, dict):
        loaded.diagnose(what, ())
        return None
    data = plain(tree, (), loaded)
    return data if isinstance(data, dict) else None
