"""The order of a plan's rows: by instant, deadline occurrence, recipient key and offset.

The ledger takes them in this order (a wave's rows are claimed by instant, then as inserted). A national
deadline plans 400,000 rows; one sort of them all would hold a key (a tuple and a new recipient key) for
each at once, 70 MB more at the moment planning needs the most memory. :func:`ordered` gives the same
order from the blocks planning makes, each holding rows of one instant, deadline and offset, and reads
each block only when its rows come (see :mod:`scheduler.reminders.plan_blocks`).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Iterator
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


class Block(Protocol[R]):  # type: ignore[misc]
    """Rows of one instant, deadline and offset, read in recipient key order (planning's plan_blocks.Block)."""

    @property
    def send_at(self) -> datetime: ...
    @property
    def occurrence_uid(self) -> str: ...
    def __iter__(self) -> Iterator[R]: ...


def ordered(blocks: Iterable[Block[R]]) -> Iterator[R]:
    """The rows of ``blocks`` (each of one instant, deadline and offset, read in recipient key order) as ``sorted``
    by (send_at, occurrence uid, recipient key, offset) would give them, equal rows in the blocks' order: the
    blocks of one instant and deadline are merged. A block is read only when its rows come, so only the
    rows not yet taken by the reader of a block are held at once, never the whole plan."""
    full = sorted(blocks, key=lambda b: (b.send_at, b.occurrence_uid))
    for _, same in itertools.groupby(full, key=lambda b: (b.send_at, b.occurrence_uid)):
        runs = list(same)
        if len(runs) == 1:
            yield from runs[0]
        else:
            yield from heapq.merge(*runs, key=lambda r: (r.recipient_key, r.offset_days))
