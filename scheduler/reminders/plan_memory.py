"""What the last re-plan of this process was made from, and which part of the plan a change touches.

The ledger's stamp (:mod:`scheduler.reminders.records`) says the ledger was planned from given inputs.
When it is the stamp this process wrote, the inputs it remembers here are the ledger's: a new re-plan
compares its inputs with them and plans only what changed (:func:`changed_scope`): the deadlines of
an edited calendar (before and after the edit), of a deadline naming a group whose units changed, or
of a calendar whose subscribers changed; and of a unit's submission (or a later last day given to it)
only that unit's rows of that deadline. A change of the planning code, the policy or the opt-outs,
or a ledger another process planned, plans everything again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from scheduler.code_version import code_version
from scheduler.reminders.planning import Campaign, Policy, Subscriber
from scheduler.reminders.recipient_groups import Group
from scheduler.reminders.scope import Scope

# The code that turns the same inputs into a different plan: a new release plans again.
_PLAN_MODULES = ("reminders/planning", "reminders/plan_blocks", "reminders/fingerprint", "reminders/row_order",
                 "reminders/ledger", "reminders/reconcile", "reminders/scope",
                 "reminders/plan_memory", "reminders/tables", "core/days_off",
                 "core/days_off_data")


def plan_code_version() -> str:
    """Also changes when a days-off decision or a school-year framework is added: reminders moved off
    a day off, or following a phase that now ends on the framework's date, re-plan."""
    import holidays

    from scheduler.core import school_years
    from scheduler.core.days_off import data_digest

    return (code_version(_PLAN_MODULES, extra=holidays.__version__) + ":" + data_digest()[:16] + ":"
            + school_years.data_digest())


@dataclass(frozen=True, slots=True)
class PlanInputs:
    fingerprint: str  # the whole plan's (the ledger's stamp when this process planned it)
    settled: str  # code, policy and opt-outs: a change of any plans everything
    recipients: str  # the recipient files' digest
    groups: Mapping[str, bytes]  # what planning read of each group (its digest), not the groups themselves
    subscribers: Mapping[str, frozenset[str]]  # calendar id -> emails
    submitted: frozenset[tuple[str, str]]
    extended: Mapping[tuple[str, str], date]


def remember(fingerprint: str, *, code: str, policy: Policy, opted_out: frozenset[tuple[str, str]], recipients: str,
             groups: Mapping[str, Group], subscribers: Iterable[Subscriber], submitted: frozenset[tuple[str, str]],
             extended: Mapping[tuple[str, str], date]) -> PlanInputs:
    subs: dict[str, set[str]] = {}
    for s in subscribers:
        subs.setdefault(s.calendar_id, set()).add(s.email)
    return PlanInputs(
        fingerprint, "\x1f".join([code, repr(policy), *sorted(f"{e}\x1d{c}" for e, c in opted_out)]), recipients,
        {gid: g.digest for gid, g in groups.items()},
        {cid: frozenset(emails) for cid, emails in subs.items()}, submitted, dict(extended))


def changed_scope(last: PlanInputs, new: PlanInputs, moved: Mapping[str, tuple[frozenset[str], frozenset[str]]],
                  deadlines: Callable[[str], frozenset[str]], campaigns: Callable[[], Iterable[Campaign]]) -> Scope | None:
    """The part of the plan that differs between ``last`` and ``new`` inputs; None: all of it may.

    ``moved``: the campaigns whose share of the fingerprint changed in between, with their deadlines'
    UIDs before and after; ``deadlines``: a campaign's UIDs (the same before and after when it did not
    move); ``campaigns``: all of them, read only when the recipient files changed."""
    if last.settled != new.settled:
        return None
    uids: set[str] = set()
    for old, cur in moved.values():
        uids |= old | cur
    for cid in last.subscribers.keys() | new.subscribers.keys():
        if last.subscribers.get(cid) != new.subscribers.get(cid):
            old, cur = moved.get(cid) or (deadlines(cid), deadlines(cid))
            uids |= old | cur
    if last.recipients != new.recipients:
        groups = {gid for gid in last.groups.keys() | new.groups.keys() if last.groups.get(gid) != new.groups.get(gid)}
        uids.update(e.uid for c in campaigns() for e in c.events
                    if e.deadline is not None and not groups.isdisjoint(e.deadline.groups))
    moved_days = {k for k in last.extended.keys() | new.extended.keys() if last.extended.get(k) != new.extended.get(k)}
    parties: dict[str, set[str]] = {}
    for uid, party in (last.submitted ^ new.submitted) | moved_days:
        if uid not in uids:
            parties.setdefault(uid, set()).add(party)
    return Scope(frozenset(uids), {uid: frozenset(keys) for uid, keys in parties.items()})
