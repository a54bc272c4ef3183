"""The state one reading of a plan shares between its passes (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cached_property

from scheduler.plans.findings import Findings, Phase, Reference, Where
from scheduler.plans.mentions import Matcher
from scheduler.plans.noise import page_date
from scheduler.plans.not_phases import under_review
from scheduler.plans.text import blocks, mask_references, slug

STOP_PHRASES = ("Nơi nhận", "TM.", "Ban Chấp hành", "Ban chấp hành", "Ban Thường vụ", "Sau mỗi đợt", "Trong quá trình")


class Context:
    """Paragraphs of the plan, the same with document references masked, and what was found so far."""

    def __init__(self, pages: Iterable[str], paged: bool, reference: Reference) -> None:
        pages = list(pages)
        # A web page's date line ("Cập nhật: 22-01-2025 | 08:40"): the year of its yearless days, when nothing else is.
        self.page_date = page_date(pages[0]) if pages else None
        self.blocks = blocks(pages, paged)
        self.masked = [mask_references(b.text) for b in self.blocks]
        self.ref = reference
        self.f = Findings()
        self.matcher = Matcher(list(reference.commemorations))
        self.header_issuer: str | None = None
        self.title_where: Where | None = None
        self._ids: set[str] = set()
        self._next: dict[str, int] = {}  # the next number to try for each id base
        self.phase_regions: list[tuple[Phase, list[int]]] = []  # each phase and the paragraphs it covers
        # Days a report was given on ("Ngày 09/02/2026, … cho biết …"): no event, but they state the year it speaks of.
        self.said_days: list[tuple[date, Where]] = []
        # An event's day written without its year, in the one year its sentence names: dated only if nothing else is.
        self.sentence_days: list[tuple[date, Where]] = []

    @cached_property
    def reviewed(self) -> list[bool]:
        """Per paragraph (of the masked text): under a review heading, whose dates are the past period's."""
        return under_review(self.masked)

    def new_id(self, title: str) -> str:
        """A draft id for a deadline or event from its title, unique in the plan."""
        base = "-".join(slug(title).split("-")[:5]) or "han-chot"
        out, k = base, self._next.get(base, 2)
        while out in self._ids:
            out, k = f"{base}-{k}", k + 1
        self._next[base] = k
        self._ids.add(out)
        return out
