"""Which part of the reminder plan a re-plan covers: what an edit, a submission or a new list touches.

A whole re-plan compares every row of the ledger with the plan; after a change of some inputs only the
rows those inputs decide can differ, so only they are planned, read (by index) and compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Scope:
    """Every row of the deadline occurrences ``occurrences``; and of ``parties`` (occurrence uid -> party keys)
    only those parties' rows (a unit's submission changes its own rows of one deadline)."""

    occurrences: frozenset[str] = frozenset()
    parties: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def touches(self, uid: str) -> bool:
        return uid in self.occurrences or uid in self.parties

    def covers(self, uid: str, party_key: str) -> bool:
        return uid in self.occurrences or party_key in self.parties.get(uid, ())

    def keeps(self, uid: str) -> frozenset[str] | None:
        """The party keys of ``uid`` in scope; None when all of them are."""
        return None if uid in self.occurrences else self.parties.get(uid, frozenset())

    @property
    def empty(self) -> bool:
        return not self.occurrences and not self.parties
