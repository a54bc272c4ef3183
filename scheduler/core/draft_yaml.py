"""The draft as YAML text: a round trip that writes the old file back unchanged, edits that
keep its comments, and the `# KIỂM TRA: …` comment on each line a person must check.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.tokens import CommentToken

from scheduler.core.loaded import KeyPath, format_path
from scheduler.core.spans import Span

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



def round_trip_yaml(text: str) -> YAML:
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


DRAFT_NOTE = "BẢN NHÁP: chỉ xem trước ở /admin; duyệt xong các dòng cần kiểm tra thì xóa dòng này để xuất bản"


def mark_draft(tree: CommentedMap) -> None:
    """``draft: true`` after the header (extends, else title, else id): nothing is published until an
    admin removes it."""
    keys = list(tree.keys())
    anchor = next((k for k in ("extends", "title", "id") if k in keys), None)
    after = keys.index(anchor) + 1 if anchor is not None else 0
    if "draft" in tree:
        tree["draft"] = True
    else:
        tree.insert(after, "draft", True)
    tree.yaml_add_eol_comment(DRAFT_NOTE, "draft")


def dated_by_admin(item: CommentedMap) -> bool:
    """Whether an admin set the item's date (`dated_by: admin`, or its Vietnamese word)."""
    return str(item.get("dated_by", "")).strip().lower() in ("admin", "quản trị")


def celebration_entry(entry: Any) -> tuple[str | None, int | None]:
    """(id, stated ordinal) of one entry of `celebrates`, in either of its written forms."""
    if isinstance(entry, CommentedMap):
        if "id" in entry:
            ordinal = entry.get("ordinal")
            return str(entry["id"]), ordinal if isinstance(ordinal, int) else None
        if len(entry) == 1:
            ((key, ordinal),) = entry.items()
            return str(key), ordinal if isinstance(ordinal, int) and not isinstance(ordinal, bool) else None
    return None, None


def set_celebration_ordinal(celebrates: CommentedSeq, index: int, ordinal: int) -> None:
    entry = celebrates[index]
    if "id" in entry:
        entry["ordinal"] = ordinal
    else:
        ((key, _),) = entry.items()
        entry[key] = ordinal



def plain_data(node: Any) -> Any:
    if isinstance(node, CommentedMap):
        return {str(k): plain_data(v) for k, v in node.items()}
    if isinstance(node, CommentedSeq):
        return [plain_data(v) for v in node]
    return str(node) if isinstance(node, str) else node


def replace_key(mapping: CommentedMap, old: str, new: str, value: Any) -> None:
    position = list(mapping).index(old)
    comment = mapping.ca.items.pop(old, None)
    del mapping[old]
    mapping.insert(position, new, value)
    if comment is not None:
        mapping.ca.items[new] = comment


def pop_key(mapping: CommentedMap, key: str) -> None:
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


def annotate(text: str, notes: list[tuple[KeyPath, str]], span: Span, years: int) -> Draft:
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
    return bool(after == plain_data(tree))


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


