"""The plan's fingerprint: what :func:`~scheduler.reminders.planning.plan` at a moment depends on, hashed.

Equal fingerprints give the same rows, so a ledger stamped with the fingerprint of the inputs at hand
needs no planning (scheduler.reminders.service). Each campaign contributes a share
(:func:`campaign_fingerprint`); the shares are combined by a sum of their hashes
(:func:`combine_shares`), so a caller that keeps the sum replaces one campaign's share after an edit
without reading the others' (scheduler.reminders.campaign_set).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime

from scheduler.core.events import Event
from scheduler.reminders.planning import LOOKBACK, Campaign, Policy, Subscriber, zone_of


def events_digest(events: Sequence[Event]) -> str:
    """The deadlines of a campaign as planning sees them (every field), hashed."""
    return hashlib.sha256(repr(tuple(events)).encode()).hexdigest()


def _put(*parts: object) -> bytes:
    return ("\x1f".join(map(str, parts)) + "\x1e").encode()


def campaign_fingerprint(c: Campaign, now: datetime, digest: str) -> bytes:
    """One campaign's share of :func:`plan_fingerprint`: its fields, local day, deadlines' digest and
    which side of ``now`` (and of ``now - LOOKBACK``) each deadline falls."""
    return (_put("campaign", c.calendar_id, c.title, c.timezone, c.remind_days,
                 now.astimezone(zone_of(c.timezone)).date(), digest)
            + _put("open", *(f"{e.uid}:{e.deadline.due_at > now:d}{e.deadline.due_at > now - LOOKBACK:d}"
                             for e in c.events if e.deadline is not None)))


SHARES = 1 << 256  # campaigns' shares are summed modulo this


def share_value(part: bytes) -> int:
    """A campaign's share (:func:`campaign_fingerprint`) as the number :func:`combine_shares` adds up."""
    return int.from_bytes(hashlib.sha256(part).digest(), "big")


def combine_shares(parts: Iterable[bytes]) -> int:
    """The campaigns' shares combined: the sum of their hashes. Whatever the order, and a share that
    changes is replaced in the sum by subtracting the old one and adding the new (what a caller
    remembering the shares does, see scheduler.reminders.campaign_set): equal to this."""
    return sum(map(share_value, parts)) % SHARES


def plan_fingerprint(
    campaigns: Iterable[Campaign],
    recipients: str,
    subscriptions: Iterable[Subscriber],
    policy: Policy,
    now: datetime,
    *,
    submitted: frozenset[tuple[str, str]] = frozenset(),
    opted_out: frozenset[tuple[str, str]] = frozenset(),
    code: str = "",
    digest: Callable[[Campaign], str] = lambda c: events_digest(c.events),
    shares: int | None = None,
    extended: Mapping[tuple[str, str], date] | None = None,
) -> str:
    """What :func:`plan` at ``now`` depends on, hashed: equal fingerprints give the same rows.

    ``recipients`` identifies the recipient files (their bytes), ``code`` the planning code;
    ``digest`` hashes a campaign's deadlines (a caller may remember it per unchanged calendar);
    ``shares``: the campaigns' shares already combined (:func:`combine_shares`; a caller may keep
    the sum up to date, see scheduler.reminders.campaign_set), then ``campaigns`` is not read.
    Each campaign's local day is part of it, and for each deadline which side of ``now`` (and of
    ``now - LOOKBACK``) it falls: the only ways ``now`` enters the plan.
    """
    if shares is None:
        shares = combine_shares(campaign_fingerprint(c, now, digest(c)) for c in campaigns)
    h = hashlib.sha256()
    h.update(_put("code", code))
    h.update(_put("policy", repr(policy)))
    h.update(_put("recipients", recipients))
    h.update(_put("campaigns", f"{shares:064x}"))
    h.update(_put("subscriptions", *sorted(f"{s.email}\x1d{s.calendar_id}" for s in subscriptions)))
    h.update(_put("submitted", *sorted(f"{u}\x1d{p}" for u, p in submitted)))
    h.update(_put("opted_out", *sorted(f"{e}\x1d{sc}" for e, sc in opted_out)))
    h.update(_put("extended", *sorted(f"{u}\x1d{p}\x1d{d.isoformat()}" for (u, p), d in (extended or {}).items())))
    return h.hexdigest()
