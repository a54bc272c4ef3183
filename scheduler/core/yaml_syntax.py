"""Calendar YAML as text: decoding, tabs, the screen before parsing, the ruamel tree and
its plain data with the position of every key and value.

Everything a YAML file can get wrong before its schema is looked at ends here as
a located diagnostic: not UTF-8, tabs in indentation, anchors, aliases, tags,
merge keys, duplicate keys, nesting or list length over the bounds, syntax
errors, and the YAML 1.1 traps (`no` read as false, `1:30` as a number).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

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
from scheduler.core.loaded import KeyPath, LoadedFile
from scheduler.errors import Diagnostic

_AMBIGUOUS_BOOLS = re.compile(r"^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$")
_SEXAGESIMAL = re.compile(r"^[0-9]+(:[0-5]?[0-9])+$")
# The same traps, named for the fast reader (scheduler.core.fast_yaml), which must leave them to this one.
YAML11_TRAPS = (_AMBIGUOUS_BOOLS, _SEXAGESIMAL)

def decode(raw: bytes, loaded: LoadedFile) -> str | None:
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


def find_tabs(text: str, loaded: LoadedFile) -> bool:
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


def parse_yaml(text: str, loaded: LoadedFile, limits: Limits = DEFAULT_LIMITS, *, item_limit: int | None = None) -> Any:
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


def plain(node: Any, path: KeyPath, loaded: LoadedFile, seen: set[int] | None = None) -> Any:
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
            out[str(key)] = plain(value, child, loaded, seen)
        return out
    if isinstance(node, CommentedSeq):
        out_list = []
        for index, value in enumerate(node):
            line, col = node.lc.data[index]
            child = path + (index,)
            loaded.positions[child] = (line + 1, col + 1)
            out_list.append(plain(value, child, loaded, seen))
        return out_list
    if isinstance(node, ScalarString):
        return str(node)
    if type(node) is str:
        if _AMBIGUOUS_BOOLS.match(node):
            loaded.diagnose("yaml.ambiguous_bool", path, value=node)
        elif _SEXAGESIMAL.match(node):
            loaded.diagnose("yaml.sexagesimal", path, value=node)
    return node
