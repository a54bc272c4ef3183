"""How a recipient group holds its units: one compressed block of columns, a :class:`Unit` only when asked.

A country's lists hold 200,000 units. As objects (a unit, its tuple of addresses, its strings) they take
about 450 bytes each, 90 MB for the country, kept for as long as the service runs although only
planning, a preview, a page or a wave reads them, now and then. A :class:`Group` keeps its units'
fields as columns (ids, names, addresses, parents, lines, files), marshalled and compressed together:
a few bytes a unit. :attr:`Group.units` decodes them into :class:`Unit` values on each call (4,000 units
in a few milliseconds); :meth:`Group.unit` finds one by its id; :attr:`Group.digest` identifies what
planning reads of them (ids, names, addresses), which is all the re-plan memory keeps of a group.
"""

from __future__ import annotations

import hashlib
import marshal
import zlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Unit:
    id: str
    name: str
    emails: tuple[str, ...]
    file: str  # "calendars/recipients/kon-tum.yaml", one string for all its units (or a whole "file:line")
    endpoints: tuple[tuple[str, Any], ...] = ()  # (channel, its field's value): ("webhook", WebhookModel(...))
    group: str = ""  # the id of its group
    parent: str | None = None  # the unit above it (the body it reports to), from "parent:" of the unit or group
    line: int = 0  # in ``file``: kept apart, 200,000 "file:line" strings would take 20 MB

    @property
    def source(self) -> str:
        """Where it is defined: "calendars/recipients/kon-tum.yaml:12"."""
        return f"{self.file}:{self.line}" if self.line else self.file

    @property
    def addresses(self) -> tuple[str, ...]:
        """Where its reminders go, as the reminder store keeps them: emails, then "<channel>:<unit id>"."""
        if not self.endpoints:
            return self.emails
        return self.emails + tuple(f"{channel}:{self.id}" for channel, _ in self.endpoints)

    def endpoint(self, channel: str) -> Any:
        """The unit's field of a channel (``WebhookModel``...), or None."""
        return next((value for name, value in self.endpoints if name == channel), None)


# The columns of a group's block, in this order; endpoints (channel models, few) are kept apart, by position.
_Columns = tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, ...], ...], tuple[str, ...],
                 tuple[str | None, ...], tuple[int, ...], tuple[str, ...]]


class Group:
    """A recipient group: its id, name, where it is defined, and its units packed (see the module's text).

    ``Group(id, name, units, source)`` packs the given units; the loader packs its columns directly
    (:meth:`of_columns`), never making the units."""

    __slots__ = ("_block", "_endpoints", "_ids", "digest", "id", "name", "source")

    def __init__(self, id: str, name: str, units: Iterable[Unit] = (), source: str = "") -> None:
        units = tuple(units)
        self._pack(id, name, source, (
            tuple(u.id for u in units), tuple(u.name for u in units), tuple(u.emails for u in units),
            tuple(u.file for u in units), tuple(u.parent for u in units), tuple(u.line for u in units),
            tuple(u.group for u in units)), {i: u.endpoints for i, u in enumerate(units) if u.endpoints})

    @classmethod
    def of_columns(cls, id: str, name: str, source: str, *, ids: Sequence[str], names: Sequence[str],
                   emails: Sequence[tuple[str, ...]], file: str, parents: Sequence[str | None],
                   lines: Sequence[int], endpoints: dict[int, tuple[tuple[str, Any], ...]]) -> Group:
        """A group of the loader: its units' fields as columns, all in ``file``, all of group ``id``."""
        group = cls.__new__(cls)
        n = len(ids)
        group._pack(id, name, source, (tuple(ids), tuple(names), tuple(emails), (file,) * n, tuple(parents),
                                       tuple(lines), (id,) * n), endpoints)
        return group

    def _pack(self, id: str, name: str, source: str, columns: _Columns,
              endpoints: dict[int, tuple[tuple[str, Any], ...]]) -> None:
        self.id, self.name, self.source = id, name, source
        self._endpoints = endpoints
        # The ids apart: finding a unit decodes only them. marshal keeps one copy of a string shared by the
        # units (their file, their group id).
        self._ids = zlib.compress(marshal.dumps(columns[0]), 1)
        self._block = zlib.compress(marshal.dumps(columns[1:]), 1)
        # What planning reads of the units (ids, names, addresses): equal digests plan the same rows.
        channels = tuple((i, tuple(c for c, _ in e)) for i, e in sorted(endpoints.items()))
        self.digest = hashlib.blake2b(repr((columns[0], columns[1], columns[2], channels)).encode(),
                                      digest_size=16).digest()

    def _columns(self) -> _Columns:
        columns: _Columns = (self.unit_ids, *marshal.loads(zlib.decompress(self._block)))  # type: ignore[assignment]
        return columns

    @property
    def units(self) -> tuple[Unit, ...]:
        """Its units, decoded (a new tuple on each call: keep it only as long as it is needed)."""
        ids, names, emails, files, parents, lines, groups = self._columns()
        ends = self._endpoints
        return tuple(Unit(ids[i], names[i], emails[i], files[i], ends.get(i, ()), groups[i], parents[i], lines[i])
                     for i in range(len(ids)))

    def unit(self, unit_id: str) -> Unit | None:
        """Its unit ``unit_id``, or None."""
        found = self.units_among((unit_id,))
        return found[0] if found else None

    def units_among(self, unit_ids: Collection[str]) -> tuple[Unit, ...]:
        """Its units whose id is in ``unit_ids``, in order; the other units' fields are not decoded when none is."""
        at = [i for i, uid in enumerate(self.unit_ids) if uid in unit_ids]
        if not at:
            return ()
        ids, names, emails, files, parents, lines, groups = self._columns()
        ends = self._endpoints
        return tuple(Unit(ids[i], names[i], emails[i], files[i], ends.get(i, ()), groups[i], parents[i], lines[i])
                     for i in at)

    @property
    def unit_ids(self) -> tuple[str, ...]:
        ids: tuple[str, ...] = marshal.loads(zlib.decompress(self._ids))
        return ids

    @property
    def has_endpoints(self) -> bool:
        """Whether a unit of it has a channel other than email (a webhook, a chat...)."""
        return bool(self._endpoints)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Group):
            return NotImplemented
        return ((self.id, self.name, self.source, self.digest) == (other.id, other.name, other.source, other.digest)
                and self._columns() == other._columns() and self._endpoints == other._endpoints)

    def __hash__(self) -> int:
        return hash((self.id, self.name, self.source, self.digest))

    def __repr__(self) -> str:
        return f"Group({self.id!r}, {self.name!r}, <{len(self.unit_ids)} units>, {self.source!r})"

