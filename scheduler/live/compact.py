"""A parsed calendar file as the parse cache keeps it: a few fields in the open, the rest compressed.

A whole parse (the pydantic model, its position tables) is needed only when a calendar is
merged again: its file or an ancestor's changed, or the folder's files did. Between those it
is kept as what a build reads of a calendar it does not merge again (the display path, the
ids it extends, the file's own diagnostics) and one compressed pickle of everything else,
a tenth of the parse's memory; :func:`whole` rebuilds the parse from it in a fraction of
a millisecond. Items a merged calendar keeps (deadlines, commemorations) live on in it.
"""

from __future__ import annotations

import pickle
import sys
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

from pydantic import BaseModel

from scheduler.core.loaded import LoadedFile
from scheduler.core.model import CalendarFile
from scheduler.errors import Diagnostic
from scheduler.live.positions import pack, unpack

# display path, the ids it extends (None: no model), the file's own diagnostics, the rest compressed
# (the bytes, or where they stand in the saved cache file: offset and length; see ParseCache)
Compact = tuple[str, tuple[str, ...] | None, tuple[Diagnostic, ...], bytes | tuple[int, int]]


@dataclass(frozen=True, slots=True)
class Outline:
    """The model of a parse given without the rest: what a build reads of a calendar it does not
    merge again (its parents, for the family tree, cycles and what an edit reaches)."""

    extends: tuple[str, ...]


def compact(loaded: LoadedFile) -> Compact:
    rest = (loaded.model, pack(loaded.positions), pack(loaded.key_positions), loaded.index_map,
            loaded.salvaged_phases)
    blob = zlib.compress(pickle.dumps(rest, protocol=pickle.HIGHEST_PROTOCOL), 1)
    extends = tuple(loaded.model.extends) if loaded.model is not None else None
    return loaded.display, extends, tuple(loaded.diagnostics), blob


def outline(path: Path, stored: Compact) -> LoadedFile:
    """The parse without its model's content nor position tables; its diagnostics a fresh list."""
    display, extends, diagnostics, _ = stored
    model = cast(CalendarFile, Outline(extends)) if extends is not None else None
    return LoadedFile(path, display, model, diagnostics=list(diagnostics))


def is_outline(loaded: LoadedFile) -> bool:
    return isinstance(loaded.model, Outline)


def whole(path: Path, stored: Compact, blob: bytes, diagnostics: list[Diagnostic] | None = None) -> LoadedFile:
    """The parse again, position tables included, from ``stored`` and its compressed ``blob``.
    ``diagnostics``: the list it adds to (an outline's, so what a build reports through either is
    one list); else a copy of the file's own."""
    display, _, own, _ = stored
    model, positions, key_positions, index_map, salvaged = pickle.loads(zlib.decompress(blob))
    if model is not None:
        share_equal_parts(model)
    return LoadedFile(path, display, model, unpack(positions), unpack(key_positions),
                      list(own) if diagnostics is None else diagnostics, index_map, salvaged)


_FIELDS_SETS: dict[frozenset[str], frozenset[str]] = {}


def share_equal_parts(model: BaseModel) -> None:
    """Every model in ``model`` (itself included) given one shared, immutable set of the names of its fields
    set at validation (pydantic keeps a set per instance; calendars' items are frozen and never copied
    with updates): a third of a merged calendar's memory was these sets, all alike. And its text fields
    given the one copy of equal text every calendar shares (``sys.intern``, freed with its last user):
    calendars of one province repeat their issuer, who submits and to whom, the same themes and titles;
    the text fields were half of what a merged calendar keeps of its parse."""
    shared = _FIELDS_SETS
    todo: list[Any] = [model]
    while todo:
        value = todo.pop()
        names = frozenset(value.__pydantic_fields_set__)
        object.__setattr__(value, "__pydantic_fields_set__", shared.setdefault(names, names))
        fields = value.__dict__
        for name, field_value in list(fields.items()):
            kind = type(field_value)
            if kind is str:
                fields[name] = sys.intern(field_value)
                continue
            if kind in _LEAVES:
                continue
            if isinstance(field_value, BaseModel):
                todo.append(field_value)
            elif kind is list or kind is tuple:
                todo.extend(_models(field_value))
            elif kind is dict:
                todo.extend(_models(field_value.values()))


_LEAVES = frozenset({str, int, float, bool, type(None), date})


def _models(values: Iterable[Any]) -> list[BaseModel]:
    """The models among ``values``, and in lists, tuples and dicts among them."""
    found: list[BaseModel] = []
    for value in values:
        if isinstance(value, BaseModel):
            found.append(value)
        elif isinstance(value, (list, tuple)):
            found += _models(value)
        elif isinstance(value, dict):
            found += _models(value.values())
    return found
