"""Position tables as a parse cache keeps them: where each key and value of a calendar file stands.

They are most of a parsed file's memory and are read only when a calendar is merged again (for
the lines its items cite) or diagnosed. Kept packed: the key paths, the same in most files, once
for all files; the numbers in an array.
"""

from __future__ import annotations

from array import array
from itertools import chain

from scheduler.core.loaded import KeyPath

Positions = dict[KeyPath, tuple[int, int]]
Packed = tuple[tuple[KeyPath, ...], array]  # the keys (shared among files), then line, column, line, ...
_INTERNED: dict[object, object] = {}  # key paths and whole key lists, one object each for every file


def pack(table: Positions) -> Packed:
    """A position table as a cache keeps it: the key paths shared with every other file that has
    them, the numbers in an array; a small part of the dict's memory."""
    keys = tuple(_INTERNED.setdefault(k, k) for k in table)
    return _INTERNED.setdefault(keys, keys), array("I", chain.from_iterable(table.values()))  # type: ignore[return-value]


def unpack(packed: Packed) -> Positions:
    keys, numbers = packed
    pairs = iter(numbers)
    return dict(zip(keys, zip(pairs, pairs, strict=False), strict=True))
