"""The two services behind `lichthidua import` and `lichthidua lint-plan` (imperative shell).

Reads the file (`reading`), loads the national calendar and the folder's
plans with the project's own catalog (for mapping mentions and finding the
parent plan), then calls the pure core: `extract`, `draft`, `lint`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scheduler.core.dates import FullDate
from scheduler.document_limits import DEFAULT_DOCUMENT_LIMITS, DocumentLimits
from scheduler.live.catalog import load_catalog
from scheduler.plans.draft import Draft, render
from scheduler.plans.extract import extract
from scheduler.plans.findings import CommemorationRef, Findings, NamedRef, ParentRef, Reference
from scheduler.plans.lint import LintFinding, lint
from scheduler.plans.plan_text import PlanText
from scheduler.plans.reading import read_plan

NATIONAL_ID = "viet-nam"


def reference_from(calendars: Path) -> Reference:
    """The national calendar's entries and the folder's plans (by document number)."""
    catalog = load_catalog(calendars)
    national = catalog.calendars.get(NATIONAL_ID)
    commemorations: list[CommemorationRef] = []
    observances: list[NamedRef] = []
    lunar: list[NamedRef] = []
    if national is not None:
        for s in national.commemorations:
            c = s.item
            if isinstance(c.date, FullDate):
                commemorations.append(CommemorationRef(c.id, c.name, c.date.value))
        observances = [NamedRef(s.item.id, s.item.name) for s in national.observances]
        lunar = [NamedRef(s.item.id, s.item.name) for s in national.lunar_dates]
    parents = tuple(
        ParentRef(cal.id, cal.document.number, cal.document.place)
        for cal in catalog.calendars.values()
        if cal.document is not None and cal.document.number and cal.document.number.split("/")[0]
    )
    return Reference(NATIONAL_ID, tuple(commemorations), tuple(observances), tuple(lunar), parents)


@dataclass(frozen=True)
class Imported:
    plan: PlanText
    findings: Findings
    draft: Draft


def import_plan(path: Path, calendars: Path, limits: DocumentLimits = DEFAULT_DOCUMENT_LIMITS,
                draft_id: str | None = None) -> Imported:
    """`draft_id`: the id the admin chose (the -o file name); else the one the plan suggests."""
    plan = read_plan(path, limits)
    findings = extract(plan.pages, plan.paged, reference_from(calendars))
    return Imported(plan, findings, render(findings, path.name, plan.how, draft_id=draft_id))


def lint_plan(
    path: Path, calendars: Path, limits: DocumentLimits = DEFAULT_DOCUMENT_LIMITS
) -> tuple[PlanText, list[LintFinding]]:
    plan = read_plan(path, limits)
    findings = extract(plan.pages, plan.paged, reference_from(calendars))
    return plan, lint(findings, plan.pages, plan.paged)


# The same, with reading and extraction in a child process bounded in memory and time (scheduler.plans.bounded):
# what `lichthidua import` / `lint-plan` run, and what a service reading an uploaded file should run.

def import_plan_bounded(path: Path, calendars: Path, limits: DocumentLimits,
                        draft_id: str | None = None) -> Imported:
    from scheduler.plans.bounded import run_bounded

    return run_bounded(import_plan, (path, calendars, limits, draft_id), path, limits)


def lint_plan_bounded(path: Path, calendars: Path, limits: DocumentLimits) -> tuple[PlanText, list[LintFinding]]:
    from scheduler.plans.bounded import run_bounded

    return run_bounded(lint_plan, (path, calendars, limits), path, limits)


def read_document_bounded(path: Path, limits: DocumentLimits) -> PlanText:
    """A received file's text, read in the bounded child: for uploads (an attached report, a plan sent to a page)."""
    from scheduler.plans.bounded import run_bounded

    return run_bounded(read_plan, (path, limits), path, limits)
