"""A passage read as `lichthidua import` reads it, against the repository's national calendar (shared by the
tests of wording classes)."""

from __future__ import annotations

from datetime import date
from functools import cache

from scheduler.plans.extract import extract
from scheduler.plans.findings import Findings, Reference
from scheduler.plans.service import reference_from
from tests.conftest import CALENDARS


@cache
def reference() -> Reference:
    return reference_from(CALENDARS)


def read(text: str) -> Findings:
    return extract([text], False, reference())


def days(f: Findings) -> set[date]:
    """The days of the events found."""
    return {ev.day for ev in f.events if ev.day}
