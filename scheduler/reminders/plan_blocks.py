"""A plan's blocks of rows, each made only when it is read: what a national deadline holds at once is bounded.

A deadline naming the country's 200,000 units plans 400,000 rows. Made all at once before the ledger
takes them, the rows, their units' names and addresses (decoded from the groups' blocks) and their party
keys held 90 MB at the moment planning needed the most. Here a block (the rows of one instant, deadline
and offset) is a recipe: its rows are made as they are read and go as soon as the ledger has taken them.
The units of many (``LAZY_FROM`` and more) are not even kept between blocks: each read of them decodes
their groups again, one at a time, when their rows are already in recipient order (units listed by id,
as the country's lists are); otherwise they are kept as a list, as a few units always are.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Generic, NamedTuple, Protocol, TypeVar

if TYPE_CHECKING:  # groups are passed in; reading files is the shell's business
    from scheduler.reminders.recipients import Group

LAZY_FROM = 20_000  # units of a deadline's groups from which they are decoded again on each read


class Party(NamedTuple):  # made once per unit of a national deadline: a tuple is made at half the cost
    key: str
    name: str
    emails: tuple[str, ...]


class UnitSource:
    """The parties of many units, in recipient order: each iteration decodes their groups one at a time.
    A unit's addresses come in key order (``unit_parties`` checked that the units do)."""

    __slots__ = ("group_ids", "groups")

    def __init__(self, group_ids: tuple[str, ...], groups: Mapping[str, Group]) -> None:
        self.group_ids, self.groups = group_ids, groups

    def __iter__(self) -> Iterator[Party]:
        for gid in self.group_ids:
            group = self.groups.get(gid)
            for unit in group.units if group else ():
                emails = unit.addresses
                if len(emails) > 1:  # as one stable sort of the rows by recipient key would give them
                    emails = tuple(sorted(emails, key=str.lower))
                yield Party(f"unit:{unit.id}", unit.name, emails)


class Without:
    """The parties of ``source`` but those keyed in ``keys`` (units given a later last day), read lazily too."""

    __slots__ = ("keys", "source")

    def __init__(self, source: Parties, keys: Iterable[str]) -> None:
        self.source, self.keys = source, frozenset(keys)

    def __iter__(self) -> Iterator[Party]:
        return (p for p in self.source if p.key not in self.keys)


Parties = list[Party] | UnitSource | Without


def _keyed(parties: Parties) -> bool:
    """Whether ``parties`` come in recipient key order (a :class:`UnitSource`, or some of its parties)."""
    return isinstance(parties, UnitSource) or (isinstance(parties, Without) and _keyed(parties.source))


def unit_parties(group_ids: tuple[str, ...], groups: Mapping[str, Group]) -> Parties:
    """The units of ``group_ids``, each once: a :class:`UnitSource` when they are many and in recipient order."""
    if _many_in_key_order([g.unit_ids for gid in group_ids if (g := groups.get(gid)) is not None]):
        return UnitSource(group_ids, groups)
    parties: list[Party] = []
    seen: set[str] = set()
    for gid in group_ids:
        group = groups.get(gid)
        for unit in group.units if group else ():
            if unit.id in seen:
                continue
            seen.add(unit.id)
            parties.append(Party(f"unit:{unit.id}", unit.name, unit.addresses))
    return parties


def _many_in_key_order(ids: list[tuple[str, ...]]) -> bool:
    """Whether there are ``LAZY_FROM`` units or more, each once, in the order of their rows' recipient keys
    ("unit:<id>|<address>"): ids strictly increasing as "<id>|" (none holding a "|"), only the ids decoded."""
    if sum(len(i) for i in ids) < LAZY_FROM:
        return False
    last = ""
    for uid in itertools.chain.from_iterable(ids):
        key = uid + "|"
        if key <= last or "|" in uid:
            return False
        last = key
    return True


class Moment(Protocol):
    """What a block's rows share that orders it (planning's Moment)."""

    @property
    def send_at(self) -> datetime: ...
    @property
    def occurrence_uid(self) -> str: ...


class Row(Protocol):
    @property
    def recipient_key(self) -> str: ...


M = TypeVar("M", bound=Moment)
R = TypeVar("R", bound=Row)


class Block(Generic[M, R]):
    """The rows of one instant, deadline and offset, made when read, in recipient key order.

    ``make`` makes a row (planning's PlannedReminder) of the moment, a party and one of its addresses;
    ``owing``: only the units' rows (an overdue notice); ``allowed``: the addresses not opted out."""

    __slots__ = ("allowed", "make", "moment", "owing", "parties")

    def __init__(self, moment: M, parties: Parties, make: Callable[[M, Party, str], R],
                 allowed: Callable[[str], bool] | None = None, *, owing: bool = False) -> None:
        self.moment, self.parties, self.make, self.allowed, self.owing = moment, parties, make, allowed, owing

    @property
    def send_at(self) -> datetime:
        return self.moment.send_at

    @property
    def occurrence_uid(self) -> str:
        return self.moment.occurrence_uid

    def __iter__(self) -> Iterator[R]:
        m, make, allowed, owing = self.moment, self.make, self.allowed, self.owing
        rows = (make(m, p, e) for p in self.parties if not owing or p.key.startswith("unit:")
                for e in p.emails if allowed is None or allowed(e))
        if _keyed(self.parties):
            return rows  # a source read lazily is in key order (unit_parties checked it)
        block = list(rows)
        # Sorting makes all the keys at once; a block planned in order is found so comparing its keys two at a time.
        if len(block) > 1 and any(a > b for a, b in itertools.pairwise(r.recipient_key for r in block)):
            block.sort(key=lambda r: r.recipient_key)
        return iter(block)
