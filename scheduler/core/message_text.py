"""The shape of one diagnostic text, shared by the tables of texts (scheduler.core.messages_*)."""

from __future__ import annotations

Text = dict[str, str]  # language ("vi", "en") -> text with {placeholders}

# (message, expected, hint); expected and hint may be None.
Entry = tuple[Text, Text | None, Text | None]
