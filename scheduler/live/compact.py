"""A parsed calendar file as the parse cache keeps it: a few fields in the open, the rest compressed.

A whole parse (the pydantic model, its position tables) is needed only when a calendar is
merged again: its file or an ancestor's changed, or the folder's files did. Between those it
is kept as what a build reads of a calendar it does not merge again (the display path, the
ids it extends, the file's own diagnostics) and one compressed pickle of everything else,
a tenth of the parse's memory; :func:`whole` rebuilds the parse from it in a fraction of
a millisecond. Items a merged calendar keeps (deadlines, commemorations) live on in it.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import sys
import zlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

from pydantic import BaseModel

from scheduler.core.loaded import LoadedFile
from scheduler.core.loader import LIST_SECTIONS
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


# The parts many calendars share (their items, once validated: see ``loader``; the key lists of their
# position tables) are pickled once and written into each blob as those bytes, and read back once into
# one object every calendar holding them shares: a folder of calendars made from one template pickles,
# reads and shares each of its items once, not once a calendar.
_SHARED_TYPES = frozenset(LIST_SECTIONS.values())
_SHARED_AT = 20_000  # entries a table keeps before starting again
_PICKLED: dict[int, tuple[object, bytes]] = {}  # id -> (the shared part, its pickle), kept alive here
_READ: dict[bytes, object] = {}  # digest of a shared part's pickle -> the part, read once


def _pickled(part: object) -> bytes:
    if len(_PICKLED) >= _SHARED_AT:
        _PICKLED.clear()
    data = pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL)
    _PICKLED[id(part)] = (part, data)
    return data


def _persistent_id(obj: object) -> bytes | None:
    hit = _PICKLED.get(id(obj))
    if hit is not None and hit[0] is obj:
        return hit[1]
    return _pickled(obj) if type(obj) in _SHARED_TYPES else None


def _persistent_load(data: bytes) -> object:
    key = hashlib.blake2b(data, digest_size=16).digest()
    found = _READ.get(key)
    if found is None:
        found = pickle.loads(data)
        if isinstance(found, BaseModel):
            share_equal_parts(found)
        if len(_READ) >= _SHARED_AT:
            _READ.clear()
        _READ[key] = found
    return found


def _dumps(rest: object) -> bytes:
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.persistent_id = _persistent_id  # type: ignore[method-assign]
    pickler.dump(rest)
    return out.getvalue()


def _loads(data: bytes) -> Any:
    unpickler = pickle.Unpickler(io.BytesIO(data))
    unpickler.persistent_load = _persistent_load  # type: ignore[assignment]
    return unpickler.load()


def compact(loaded: LoadedFile) -> Compact:
    positions, key_positions = pack(loaded.positions), pack(loaded.key_positions)
    for keys, _ in (positions, key_positions):  # one tuple for every file with these keys (see positions.pack)
        if id(keys) not in _PICKLED:
            _pickled(keys)
    rest = (loaded.model, positions, key_positions, loaded.index_map, loaded.salvaged_phases)
    blob = zlib.compress(_dumps(rest), 1)
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
    model, positions, key_positions, index_map, salvaged = _loads(zlib.decompress(blob))
    if model is not None:
        share_equal_parts(model, _SHARED_TYPES)
    return LoadedFile(path, display, model, unpack(positions), unpack(key_positions),
                      list(own) if diagnostics is None else diagnostics, index_map, salvaged)


_FIELDS_SETS: dict[frozenset[str], frozenset[str]] = {}


def share_equal_parts(model: BaseModel, shared: Collection[type] = ()) -> None:
    """Every model in ``model`` (itself included) given one shared, immutable set of the names of its fields
    set at validation (pydantic keeps a set per instance; calendars' items are frozen and never copied
    with updates): a third of a merged calendar's memory was these sets, all alike. And its text fields
    given the one copy of equal text every calendar shares (``sys.intern``, freed with its last user):
    calendars of one province repeat their issuer, who submits and to whom, the same themes and titles;
    the text fields were half of what a merged calendar keeps of its parse. ``shared``: types of models
    already shared whole (read once for every calendar that has them), not looked into again."""
    sets = _FIELDS_SETS
    todo: list[Any] = [model]
    while todo:
        value = todo.pop()
        if type(value) in shared and value is not model:
            continue
        names = frozenset(value.__pydantic_fields_set__)
        object.__setattr__(value, "__pydantic_fields_set__", sets.setdefault(names, names))
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
