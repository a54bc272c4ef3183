"""Subscribe links: one click for an official, whatever calendar they use.

``webcal://`` opens the system's calendar app (Outlook desktop, Apple
Calendar); Google Calendar and Outlook.com take the feed's URL in their own
"add by URL" pages. All of them need the public address of the feed, so links
are built from ``settings.base_url``, never from the request's Host header.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlencode

GOOGLE_ADD = "https://calendar.google.com/calendar/render?cid="
OUTLOOK_COM_ADD = "https://outlook.live.com/calendar/0/addfromweb?"
OUTLOOK_365_ADD = "https://outlook.office.com/calendar/0/addfromweb?"


@dataclass(frozen=True, slots=True)
class SubscribeLinks:
    feed: str  # https:// (or http://) URL: plain download, and what Outlook.com is given
    webcal: str
    google: str
    outlook_com: str  # personal Microsoft accounts
    outlook_365: str  # work accounts (Microsoft 365)


def feed_url(base_url: str, calendar_id: str, params: Mapping[str, str] | None = None) -> str:
    url = f"{base_url.rstrip('/')}/feeds/{quote(calendar_id, safe='')}.ics"
    if params:
        url += "?" + urlencode(params)
    return url


def subscribe_links(
    base_url: str, calendar_id: str, name: str, params: Mapping[str, str] | None = None
) -> SubscribeLinks:
    url = feed_url(base_url, calendar_id, params)
    scheme, _, rest = url.partition("://")
    webcal = f"webcal://{rest}" if scheme in ("http", "https") else url
    outlook_query = urlencode({"url": url, "name": name})
    return SubscribeLinks(
        feed=url,
        webcal=webcal,
        # Google takes webcal:// in cid and fetches the feed over https itself.
        google=GOOGLE_ADD + quote(webcal, safe=""),
        outlook_com=OUTLOOK_COM_ADD + outlook_query,
        outlook_365=OUTLOOK_365_ADD + outlook_query,
    )
