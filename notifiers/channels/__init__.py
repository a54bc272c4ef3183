"""The channels that reach a unit at an endpoint of its own (webhook, chat), found by their modules.

A new channel is one module in this folder that defines ``KIND``, a
:class:`ChannelKind`: its name (also the field of a unit in a recipients file,
the prefix of the addresses the reminder store keeps, "<name>:<unit id>", and
the ledger's channel), the model of that field (checked by ``lichthidua
check``, its ``url`` by the same rules as every endpoint's) and how to make the
channel from the units that have the field. Nothing else changes: recipient
files accept the field, planning writes one reminder per unit that has it,
the sender streams those reminders to the channel. Email is not here: its
field (``emails``) is a list of addresses, each a reminder of its own
(``notifiers.email_channel``).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from notifiers.delivery import Channel
from notifiers.endpoint_health import HEALTH_FILE
from notifiers.endpoint_urls import EndpointModel, HostPolicy
from notifiers.endpoints import EndpointOptions

if TYPE_CHECKING:
    from scheduler.settings import Settings


@dataclass(frozen=True, slots=True)
class ChannelKind:
    name: str  # "webhook": the recipient field, the address prefix, the ledger's channel
    model: type[EndpointModel]  # what the field holds
    description: str  # Vietnamese, for the recipients file's schema and the docs
    # (endpoints by unit id, EndpointOptions, clock=...) → the channel: the channel's class
    make: Callable[..., Channel]


@cache
def kinds() -> dict[str, ChannelKind]:
    """Every channel module of this folder, by name, in name order."""
    found: dict[str, ChannelKind] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        kind = getattr(importlib.import_module(f"{__name__}.{info.name}"), "KIND", None)
        if isinstance(kind, ChannelKind):
            found[kind.name] = kind
    return found


def host_policy(settings: Settings) -> HostPolicy:
    """Which internal hosts endpoints may be on (``webhook_allowed_hosts``)."""
    return HostPolicy(tuple(settings.webhook_allowed_hosts))


def endpoint_options(settings: Settings, **overrides: Any) -> EndpointOptions:
    """Every HTTP channel's options from the settings; the breaker's state lives in the data folder."""
    values: dict[str, Any] = dict(
        policy=host_policy(settings), connect_timeout=settings.webhook_connect_timeout_seconds,
        timeout=settings.webhook_timeout_seconds, breaker_seconds=settings.webhook_breaker_seconds,
        health_file=Path(settings.data_dir) / HEALTH_FILE)
    values.update(overrides)
    return EndpointOptions(**values)


def make_channels(endpoints: Callable[[str], Mapping[str, Any]], options: EndpointOptions,
                  **kwargs: Any) -> dict[str, Channel]:
    """One channel per kind, each to the units that have its field (``endpoints(kind name)``)."""
    return {name: kind.make(endpoints(name), options, **kwargs) for name, kind in kinds().items()}
