"""The core's narrow option objects, built from the settings: the one place that knows both.

The calendar core, the reminder planner and the ICS writer never see
:class:`~scheduler.settings.Settings`: each takes a small frozen value of just
what it uses (:class:`Limits`, :class:`Policy`, :class:`RenderOptions`). The
shells (web app, CLI, reminder service) build those values here.
"""

from __future__ import annotations

from datetime import timedelta

from notifiers.ics import RenderOptions
from scheduler.core.bounds import Limits
from scheduler.reminders.planning import Policy
from scheduler.settings import Settings


def limits(settings: Settings) -> Limits:
    """What one calendar or recipients file may cost."""
    return Limits(settings.max_file_bytes, settings.max_depth, settings.max_items, settings.max_extends,
                  settings.max_recipients_file_bytes)


def policy(settings: Settings) -> Policy:
    """When reminders are due and who gets the digest."""
    return Policy(
        days=tuple(int(d) for d in settings.remind_days),
        hour=settings.remind_hour,
        digest=settings.remind_digest,
        admin_emails=tuple(settings.admin_emails),
    )


def render_options(settings: Settings, *, event_url: str | None = None) -> RenderOptions:
    """How feeds are written: refresh hint, alarms, the link of each event."""
    return RenderOptions(
        refresh_interval=timedelta(hours=settings.refresh_interval_hours),
        alarm_days=tuple(settings.alarm_days),
        alarm_hour=settings.alarm_hour,
        event_url=event_url,
    )
