"""libyaml's C parser for the common case, with the careful reader as the judge of anything else.

The careful reader (ruamel round-trip, in :mod:`scheduler.core.yaml_syntax`) keeps
comments and positions and explains every YAML trap, at about 10 ms per
calendar file and 1.3 ms per recipient unit. libyaml is 10–20× faster and
also gives positions. :func:`plain` turns libyaml's node tree into the same
plain data and positions as ``yaml_syntax.plain``, but only when nothing in the
file needs judging: every scalar must mean the same in YAML 1.1 (libyaml) and
YAML 1.2 (ruamel) and be free of the traps the loader reports (``no``,
``08:30``, octal numbers, dates, aliases, duplicate keys, explicit tags).
Otherwise :class:`Unusual` is raised and the caller reads the file the
careful way, so diagnostics are always the careful reader's.
"""

from __future__ import annotations

import re
from typing import Any

from scheduler.core.bounds import DEFAULT_LIMITS, Limits
from scheduler.core.loaded import KeyPath, LoadedFile
from scheduler.core.yaml_syntax import YAML11_TRAPS

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_QUOTED = ("'", '"', "|", ">")
_PLAIN_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")  # the same number in YAML 1.1 and 1.2
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULLS = ("", "~", "null", "Null", "NULL")
_yaml: Any = None  # PyYAML, imported on first use
_loader: Any = None  # its C loader, resolving each scalar once (see _loader_class)
_SAFE: dict[str, bool] = {}  # unquoted strings already screened for the YAML 1.1 traps: True when free of them
_MEMO_AT = 100_000  # entries a memo holds before it starts again (calendars repeat most of their words)


def _loader_class(yaml: Any) -> Any:
    """libyaml's safe loader with its tag resolution remembered by (text, implicit): the same text
    always resolves to the same tag (a safe loader has no path resolvers), and most of a calendar's
    scalars (keys, kinds, day rules) recur in every file of a folder."""
    resolve = yaml.CSafeLoader.resolve
    scalar = yaml.ScalarNode
    memo: dict[tuple[str, tuple[bool, bool]], str] = {}

    class Loader(yaml.CSafeLoader):  # type: ignore[misc,name-defined]
        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is not scalar or self.yaml_path_resolvers:
                return resolve(self, kind, value, implicit)
            key = (value, implicit)
            tag = memo.get(key)
            if tag is None:
                if len(memo) >= _MEMO_AT:
                    memo.clear()
                tag = memo[key] = resolve(self, kind, value, implicit)
            return tag

    if not yaml.CSafeLoader.yaml_path_resolvers:  # libyaml's composer asks these of every node: nothing to do
        Loader.descend_resolver = lambda self, node, index: None  # type: ignore[method-assign]
        Loader.ascend_resolver = lambda self: None  # type: ignore[method-assign]
    return Loader


class Unusual(Exception):
    """Something the careful reader must judge (or libyaml is missing)."""


def plain(text: str, loaded: LoadedFile, limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """The document's mapping as plain data; positions go to ``loaded``. Raises :class:`Unusual`.

    A file deeper than ``limits.depth`` or with more list items than ``limits.items``
    is Unusual too: the careful reader reports the bound.
    """
    global _yaml, _loader
    try:
        import yaml as _yaml  # type: ignore[import-untyped]

        if _loader is None:
            _loader = _loader_class(_yaml)
        root = _yaml.compose(text, Loader=_loader)
    except Exception as exc:  # no libyaml, or a syntax error: the careful reader says where and why
        raise Unusual from exc
    if not isinstance(root, _yaml.MappingNode):
        raise Unusual  # empty, or not a mapping
    try:
        return _node(root, (), loaded, set(), limits, [0])  # type: ignore[no-any-return]
    except RecursionError as exc:
        raise Unusual from exc


def _node(node: Any, path: KeyPath, loaded: LoadedFile, seen: set[int], limits: Limits, items: list[int]) -> Any:
    if id(node) in seen:
        raise Unusual  # an alias
    if len(path) >= limits.depth // 2:  # far below the bound: near it, the careful reader counts
        raise Unusual
    seen.add(id(node))
    if isinstance(node, _yaml.MappingNode):
        if node.tag != "tag:yaml.org,2002:map":
            raise Unusual
        out: dict[str, Any] = {}
        for key, value in node.value:
            if not isinstance(key, _yaml.ScalarNode) or key.tag != _STR or key.value in out:
                raise Unusual  # merge keys, non-string keys, duplicates
            child = path + (key.value,)
            loaded.key_positions[child] = (key.start_mark.line + 1, key.start_mark.column + 1)
            loaded.positions[child] = (value.start_mark.line + 1, value.start_mark.column + 1)
            out[key.value] = _node(value, child, loaded, seen, limits, items)
        return out
    if isinstance(node, _yaml.SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            raise Unusual
        items[0] += len(node.value)
        if items[0] > limits.items // 2:
            raise Unusual
        values = []
        for index, value in enumerate(node.value):
            child = path + (index,)
            loaded.positions[child] = (value.start_mark.line + 1, value.start_mark.column + 1)
            values.append(_node(value, child, loaded, seen, limits, items))
        return values
    quoted = node.style in _QUOTED
    text = node.value
    if node.tag == _STR:
        if not quoted:
            safe = _SAFE.get(text)
            if safe is None:
                if len(_SAFE) >= _MEMO_AT:
                    _SAFE.clear()
                safe = _SAFE[text] = not any(trap.match(text) for trap in YAML11_TRAPS)
            if not safe:
                raise Unusual
        return text
    if quoted:
        raise Unusual  # an explicit tag on a quoted value
    if node.tag == _INT and _PLAIN_INT.fullmatch(text):
        return int(text)
    if node.tag == _BOOL and text in _BOOLS:
        return _BOOLS[text]
    if node.tag == _NULL and text in _NULLS:
        return None
    raise Unusual  # floats, dates, octal, 1.1-only booleans, explicit tags
