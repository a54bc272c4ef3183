"""A line reader for the plainest YAML: what a generated list of 200,000 recipient units is made of.

libyaml (:mod:`scheduler.core.fast_yaml`) still builds a node object per
scalar and resolves each one in Python: about 30 µs a unit, 6 s for a country's
200,000 units. This reader takes only block mappings and block sequences whose
values sit on one line (plain scalars, simple quoted ones, one-line flow
lists of plain scalars) and gives the same plain data and positions as
:func:`scheduler.core.fast_yaml.plain`, several times faster. Anything else
(multi-line scalars, escapes, anchors, tags, flow mappings, documents,
a value that would resolve differently) raises :class:`Unusual`: the caller
then reads the file with libyaml, and anything unusual there the careful way.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from scheduler.core.bounds import DEFAULT_LIMITS, Limits
from scheduler.core.fast_yaml import Unusual
from scheduler.core.loaded import KeyPath, LoadedFile
from scheduler.core.yaml_syntax import YAML11_TRAPS

_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +|$)")
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_UNSAFE = re.compile(r"[\"'{}\[\]#&*!|>%`:]")
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULLS = ("~", "null", "Null", "NULL")
_PLAIN_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_STR, _INT, _BOOL, _NULL = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:bool",
                            "tag:yaml.org,2002:null")

Line = tuple[int, int, str]  # (0-based line number, column of the content, the content without its indentation)


def plain(text: str, loaded: LoadedFile, limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """The document's mapping as plain data, positions to ``loaded``; raises :class:`Unusual` (nothing recorded then).

    The same result as :func:`scheduler.core.fast_yaml.plain` for every file it accepts.
    """
    if "\r" in text or "\t" in text or "\\" in text:
        raise Unusual
    lines: list[Line] = []
    for number, raw in enumerate(text.split("\n")):
        content = raw.lstrip(" ")
        if not content or content[0] == "#":
            continue
        if raw.startswith(("---", "...", "%")):
            raise Unusual  # documents and directives
        lines.append((number, len(raw) - len(content), content.rstrip(" ")))
    if not lines or lines[0][1] != 0:
        raise Unusual
    reader = _Reader(lines, limits)
    positions: dict[KeyPath, tuple[int, int]] = {}
    key_positions: dict[KeyPath, tuple[int, int]] = {}
    reader.positions, reader.key_positions = positions, key_positions
    value, end = reader.mapping(0, 0, ())
    if end != len(lines):
        raise Unusual
    loaded.positions.update(positions)
    loaded.key_positions.update(key_positions)
    return value


@lru_cache(maxsize=4096)
def _tag(text: str) -> str:
    """The tag libyaml's SafeLoader resolves a plain scalar to (YAML 1.1)."""
    from yaml.resolver import Resolver  # type: ignore[import-untyped]

    for tag, regexp in Resolver.yaml_implicit_resolvers.get(text[0], ()):
        if regexp.match(text):
            return str(tag)
    return _STR


# The plain scalars starting with a letter that YAML 1.1 reads as other than a string (booleans, nulls),
# or that the careful reader warns about (y, n, on, off...): every other one is a string.
_WORDS = frozenset(("y", "Y", "n", "N", "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
                    "true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL"))


def _scalar(text: str) -> Any:
    """A plain scalar's value as fast_yaml gives it, or Unusual."""
    if text[0].isalpha() and text not in _WORDS:
        return text
    tag = _tag(text)
    if tag == _STR:
        if any(trap.match(text) for trap in YAML11_TRAPS):
            raise Unusual
        return text
    if tag == _INT and _PLAIN_INT.fullmatch(text):
        return int(text)
    if tag == _BOOL and text in _BOOLS:
        return _BOOLS[text]
    if tag == _NULL and text in _NULLS:
        return None
    raise Unusual



class _Reader:
    def __init__(self, lines: list[Line], limits: Limits) -> None:
        self.lines = lines
        self.limits = limits
        self.max_depth = limits.depth // 2
        self.items = 0
        self.positions: dict[KeyPath, tuple[int, int]] = {}
        self.key_positions: dict[KeyPath, tuple[int, int]] = {}

    def _depth(self, path: KeyPath) -> None:
        if len(path) >= self.max_depth:
            raise Unusual

    def node(self, i: int, path: KeyPath) -> tuple[Any, int]:
        """The block node starting at line ``i`` (its content's column)."""
        number, col, content = self.lines[i]
        self.positions[path] = (number + 1, col + 1)
        if content == "-" or content.startswith("- "):
            return self.sequence(i, col, path)
        return self.mapping(i, col, path)

    def mapping(self, i: int, col: int, path: KeyPath) -> tuple[dict[str, Any], int]:
        self._depth(path)
        lines, n = self.lines, len(self.lines)
        out: dict[str, Any] = {}
        while i < n and lines[i][1] == col:
            number, _, content = lines[i]
            m = _KEY.match(content)
            if m is None:
                raise Unusual
            key = m.group(1)
            if key in out or _scalar(key) != key:
                raise Unusual  # duplicates; keys YAML 1.1 reads as booleans or nulls
            child = (*path, key)
            self.key_positions[child] = (number + 1, col + 1)
            rest = content[m.end():]
            if not rest or rest[0] == "#":
                j = i + 1
                if j < n and (lines[j][1] > col or (lines[j][1] == col and (lines[j][2] == "-"
                                                                           or lines[j][2].startswith("- ")))):
                    out[key], i = self.node(j, child)
                    continue
                raise Unusual  # an empty value: null, at a position libyaml would choose
            out[key] = self.inline(rest, number, col + m.end(), child)
            i += 1
            if i < n and lines[i][1] > col:
                raise Unusual  # a continued scalar, or a mistake the careful reader explains
        if i < n and lines[i][1] > col:
            raise Unusual
        return out, i

    def sequence(self, i: int, col: int, path: KeyPath) -> tuple[list[Any], int]:
        self._depth(path)
        lines, n = self.lines, len(self.lines)
        out: list[Any] = []
        while i < n and lines[i][1] == col and (lines[i][2] == "-" or lines[i][2].startswith("- ")):
            number, _, content = lines[i]
            child = (*path, len(out))
            rest = content[1:].lstrip(" ")
            at = col + len(content) - len(rest)
            if not rest or rest[0] == "#":
                if i + 1 < n and lines[i + 1][1] > col:
                    value, i = self.node(i + 1, child)
                    out.append(value)
                    continue
                raise Unusual  # an empty item
            if rest == "-" or rest.startswith("- "):
                raise Unusual  # a sequence in a sequence on one line
            if _KEY.match(rest):
                self.positions[child] = (number + 1, at + 1)
                lines[i] = (number, at, rest)  # the item's mapping starts where its first key does
                value, i = self.mapping(i, at, child)
            else:
                value = self.inline(rest, number, at, child)
                i += 1
                if i < n and lines[i][1] > col:
                    raise Unusual
            out.append(value)
        self.items += len(out)
        if self.items > self.limits.items // 2:
            raise Unusual
        if i < n and lines[i][1] > col:
            raise Unusual
        return out, i

    def inline(self, rest: str, number: int, col: int, path: KeyPath) -> Any:
        """A value on the rest of a line (starting at ``col``): a scalar or a one-line flow list."""
        if len(path) >= self.max_depth:
            raise Unusual
        self.positions[path] = (number + 1, col + 1)
        first = rest[0]
        if first == '"' or first == "'":
            end = rest.find(first, 1)
            if end < 0:
                raise Unusual  # continued on the next line
            after = rest[end + 1:]
            if after and not after.lstrip(" ").startswith("#") or (after and after[0] != " "):
                raise Unusual  # '' inside a single-quoted scalar, text after the quote
            return rest[1:end]
        if first == "[":
            return self.flow(rest, number, col, path)
        if first in _INDICATORS and not (first == "-" and rest[1:2] not in ("", " ")):
            raise Unusual
        cut = rest.find(" #")
        text = rest if cut < 0 else rest[:cut].rstrip(" ")
        if ": " in text or text.endswith(":"):
            raise Unusual
        return _scalar(text)

    def flow(self, rest: str, number: int, col: int, path: KeyPath) -> list[Any]:
        """``[a, b]`` on one line, of plain scalars only."""
        end = rest.find("]")
        after = rest[end + 1:].lstrip(" ")
        if end < 0 or (after and not (after[0] == "#" and rest[end + 1] == " ")):
            raise Unusual
        inner = rest[1:end]
        if _FLOW_UNSAFE.search(inner) or "  " in inner:
            raise Unusual
        out: list[Any] = []
        if not inner.strip(" "):
            if inner:
                raise Unusual
            return out
        offset = 1
        for part in inner.split(","):
            text = part.strip(" ")
            if not text or (text[0] in _INDICATORS and not (text[0] == "-" and len(text) > 1)):
                raise Unusual
            at = offset + len(part) - len(part.lstrip(" "))
            child = (*path, len(out))
            if len(child) >= self.max_depth:
                raise Unusual
            self.positions[child] = (number + 1, col + at + 1)
            out.append(_scalar(text))
            offset += len(part) + 1
        self.items += len(out)
        if self.items > self.limits.items // 2:
            raise Unusual
        return out
