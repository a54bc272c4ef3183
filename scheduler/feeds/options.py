"""How this deployment writes feeds: :class:`RenderOptions` built from the settings.

The ICS writer (:mod:`notifiers.ics`) never sees the settings; the web app and
`lichthidua export` build its options here.
"""

from __future__ import annotations

from datetime import timedelta

from notifiers.ics import RenderOptions
from scheduler.settings import Settings


def render_options(settings: Settings, *, event_url: str | None = None) -> RenderOptions:
    """Refresh hint, alarms and the link of each event, as the settings say."""
    return RenderOptions(
        refresh_interval=timedelta(hours=settings.refresh_interval_hours),
        alarm_days=tuple(settings.alarm_days),
        alarm_hour=settings.alarm_hour,
        event_url=event_url,
    )
