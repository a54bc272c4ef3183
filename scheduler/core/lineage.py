"""A calendar over its parents: `extends` resolved, cycles reported, items merged.

Pure: from the parsed files of a folder (by id) to resolved calendars, every
problem a located diagnostic in the file that has it (an unknown, broken or
circular parent, a reference the merged calendar cannot satisfy). The live
catalog (scheduler.live.catalog) reads the files and calls this.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

from scheduler.core.campaign import Calendar, ResolvedPhase, Sourced, resolve_phase
from scheduler.core.checks import check_references
from scheduler.core.dates import FullDate, vn_date
from scheduler.core.derived_span import dated_by_phases, derived_span
from scheduler.core.loaded import LoadedFile
from scheduler.core.model import ITEM_SECTIONS, CalendarFile, Phase
from scheduler.errors import Severity


def report_cycles(by_id: Mapping[str, LoadedFile], only: Iterable[str] | None = None) -> None:
    """Every member of an extends cycle says so, with the whole cycle (``only``: of these members)."""
    def parents(cid: str) -> list[str]:
        model = by_id[cid].model
        return [p for p in model.extends if p in by_id] if model else []

    for cid in by_id if only is None else only:
        loaded = by_id[cid]
        for index, first in enumerate(parents(cid)):
            # Depth-first search for a path first -> ... -> cid.
            stack: list[tuple[str, list[str]]] = [(first, [cid, first])]
            seen: set[str] = set()
            while stack:
                node, trail = stack.pop()
                if node == cid:
                    loaded.diagnose("extends.cycle", ("extends", index), value=first, cycle=" → ".join(trail))
                    break
                if node in seen:
                    continue
                seen.add(node)
                stack.extend((p, trail + [p]) for p in parents(node))


def resolve(
    cid: str,
    by_id: Mapping[str, LoadedFile],
    done: dict[str, Calendar | None],
    stack: tuple[str, ...],
) -> Calendar | None:
    if cid in done:
        return done[cid]
    loaded = by_id[cid]
    model = loaded.model
    if model is None:
        done[cid] = None
        return None
    parents: list[Calendar] = []
    failed = False
    for index, parent_id in enumerate(model.extends):
        path = ("extends", index)
        if parent_id not in by_id:
            close = difflib.get_close_matches(parent_id, list(by_id), n=1, cutoff=0.5)
            loaded.diagnose("extends.unknown", path, value=parent_id, known=", ".join(sorted(by_id)),
                            suggestion=close[0] if close else None)
            failed = True
            continue
        if parent_id in stack + (cid,):
            failed = True  # reported by report_cycles
            continue
        parent = resolve(parent_id, by_id, done, stack + (cid,))
        if any(d.code == "extends.cycle" for d in loaded.diagnostics):
            failed = True
            continue
        if parent is None or not by_id[parent_id].ok:
            loaded.diagnose("extends.broken", path, value=parent_id, other=by_id[parent_id].display)
            failed = True
            continue
        parents.append(parent)
    if failed:
        done[cid] = None
        return None
    calendar = merge(model, loaded, parents)
    done[cid] = calendar
    return calendar


def merge(model: CalendarFile, loaded: LoadedFile, parents: list[Calendar]) -> Calendar | None:
    """Parents first, then this file: an item with the same id replaces the inherited one."""
    omit = set(model.omit)
    sections: dict[str, dict[str, Sourced]] = {s: {} for s in ITEM_SECTIONS}
    lineage: list[str] = []
    for parent in parents:
        lineage += [parent.id, *[a for a in parent.lineage if a not in lineage]]
        for section in ITEM_SECTIONS:
            for sourced in getattr(parent, section):
                sections[section][sourced.item.id] = sourced
    _same_as_inherited(model, loaded, sections["commemorations"])
    for section in ITEM_SECTIONS:
        for index, item in enumerate(getattr(model, section)):
            line = loaded.where((section, index))[0]
            sections[section][item.id] = Sourced(item, model.id, f"{loaded.display}:{line}", model.issuer)
        for item_id in omit:
            sections[section].pop(item_id, None)

    derived = derived_span(model) if model.campaign_span is None else None
    inherited = next((p.span for p in parents if p.span), None)
    span = model.campaign_span or (derived if dated_by_phases(model) else None) or inherited or derived
    if span is not None and span.derived:
        loaded.diagnose("span.derived", ("id",), severity=Severity.INFO, value=span.words,
                        start=vn_date(span.start), end=vn_date(span.end))
    launch = model.launch_date.value if isinstance(model.launch_date, FullDate) else None
    phases: list[ResolvedPhase] = []
    undated_phases: list[Sourced[Phase]] = []
    if model.phases:
        for index, phase in enumerate(model.phases):
            line = loaded.where(("phases", index))[0]
            if phase.undated:
                undated_phases.append(Sourced(phase, model.id, f"{loaded.display}:{line}", model.issuer))
                continue
            resolved, _ = resolve_phase(phase, span=span, launch_date=launch, issuer=model.issuer,
                                        defined_in=model.id, source=f"{loaded.display}:{line}")
            if resolved is not None:
                phases.append(resolved)
    else:
        phases = [p for parent in parents for p in parent.phases]
        undated_phases = [p for parent in parents for p in parent.undated_phases]

    commemorations = {k: s.item for k, s in sections["commemorations"].items()}
    others = frozenset(sections["observances"]) | frozenset(sections["lunar_dates"])
    check_references(loaded, commemorations, phases, others, span)
    if not loaded.ok:
        return None

    celebrated: dict[str, list[str]] = {}
    for resolved_phase in phases:
        for cid in resolved_phase.celebrates:
            celebrated.setdefault(cid, []).append(resolved_phase.id)
    holidays_from: str | None
    if model.public_holidays is not None:
        public_holidays, holidays_from = model.public_holidays, model.id
    else:
        holder = next((p for p in parents if p.public_holidays), None)
        public_holidays, holidays_from = holder is not None, holder.public_holidays_from if holder else None
    return Calendar(
        id=model.id,
        title=model.title,
        path=loaded.path,
        source=loaded.display,
        issuer=model.issuer,
        span=span,
        timezone=model.timezone,
        extends=tuple(model.extends),
        lineage=tuple(lineage),
        document=model.document,
        launch_date=launch,
        theme=model.theme,
        description=model.description,
        public_holidays=public_holidays,
        public_holidays_from=holidays_from if public_holidays else None,
        draft=model.draft,
        level=model.level,
        remind_days=tuple(model.remind_days) if model.remind_days is not None
        else next((p.remind_days for p in parents if p.remind_days is not None), None),
        commemorations=tuple(sections["commemorations"].values()),
        observances=tuple(sections["observances"].values()),
        lunar_dates=tuple(sections["lunar_dates"].values()),
        deadlines=tuple(sections["deadlines"].values()),
        events=tuple(sections["events"].values()),
        activities=tuple(sections["activities"].values()),
        phases=tuple(phases),
        undated_phases=tuple(undated_phases),
        celebrated={k: tuple(v) for k, v in celebrated.items()},
    )


def _same_as_inherited(model: CalendarFile, loaded: LoadedFile, inherited: dict[str, Sourced]) -> None:
    """An own commemoration on the date of an inherited one with the same name, under another id: two
    events on one day. Warned, with the inherited id to use (an import without the national calendar
    at hand writes such copies)."""
    for index, item in enumerate(model.commemorations):
        if item.id in inherited or not isinstance(item.date, FullDate):
            continue
        for other in inherited.values():
            same = other.item
            if isinstance(same.date, FullDate) and same.date.value == item.date.value and _alike(same.name, item.name):
                loaded.diagnose("commemoration.inherited_twice", ("commemorations", index, "id"),
                                severity=Severity.WARNING, id=item.id, other=same.id, calendar=other.defined_in)
                break


def _alike(one: str, two: str) -> bool:
    a, b = (" ".join(re.sub(r"^ngày\s+", "", x.lower()).split()) for x in (one, two))
    return a == b or a in b or b in a
