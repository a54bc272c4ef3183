"""The order of a plan's rows: by instant, deadline occurrence, recipient key and offset.

The ledger takes them in this order (a wave's rows are claimed by instant, then as inserted). A national
deadline plans 400,000 rows; one sort of them all would hold a key (a tuple and a new recipient key) for
each at once, 70 MB more at the moment planning needs the most memory. :func:`in_order` gives the same
order from the blocks planning makes, each holding rows of one instant, deadline and offset.
"""

from __future__ import annotations

import heapq
import itertools
from datetime import datetime
from typing import Protocol, TypeVar


class Row(Protocol):
    """What ordering needs of a planned row (planning's PlannedReminder)."""

    @property
    def send_at(self) -> datetime: ...
    @property
    def occurrence_uid(self) -> str: ...
    @property
    def recipient_key(self) -> str: ...
    @property
    def offset_days(self) -> int: ...


R = TypeVar("R", bound=Row)


def in_order(blocks: list[list[R]]) -> list[R]:
    """The rows of ``blocks`` (each of one instant, deadline and offset) as ``sorted`` by (send_at, occurrence
    uid, recipient key, offset) would give them, equal rows in the blocks' order: each block is sorted by
    recipient, then the blocks of one instant and deadline are merged."""
    for block in blocks:
        # Sorting makes all the keys at once (200,000 new strings for a national block); a block planned in
        # order (units listed by id) is found so comparing its keys two at a time.
        if len(block) > 1 and any(a > b for a, b in itertools.pairwise(r.recipient_key for r in block)):
            block.sort(key=lambda r: r.recipient_key)
    full = [b for b in blocks if b]
    full.sort(key=lambda b: (b[0].send_at, b[0].occurrence_uid))
    out: list[R] = []
    for _, same in itertools.groupby(full, key=lambda b: (b[0].send_at, b[0].occurrence_uid)):
        runs = list(same)
        out += runs[0] if len(runs) == 1 else heapq.merge(*runs, key=lambda r: (r.recipient_key, r.offset_days))
    return out
