"""Bilingual texts of calendar diagnostics, keyed by a stable code.

Vietnamese first (admins read it), English with `--lang en`. Each entry has a
message, optionally what was expected and a hint; `{placeholders}` are filled
from the context of the problem. The texts live in tables by topic
(messages_file, messages_schema, messages_rules, messages_recipients);
:func:`render` is the one place they are looked up.
"""

from __future__ import annotations

from typing import Any

from scheduler.core.message_text import Entry, Text
from scheduler.core.messages_file import FILE
from scheduler.core.messages_recipients import RECIPIENTS
from scheduler.core.messages_rules import RULES
from scheduler.core.messages_schema import SCHEMA

# code: (message, expected, hint); expected and hint may be None.
CATALOG: dict[str, Entry] = {**FILE, **SCHEMA, **RULES, **RECIPIENTS}
assert len(CATALOG) == len(FILE) + len(SCHEMA) + len(RULES) + len(RECIPIENTS), "a code in two tables"

EXPECTED_DATE = {
    "full": ({"vi": "ngày/tháng/năm, ví dụ 28/7/1929", "en": "day/month/year, e.g. 28/7/1929"}),
    "phase_start": {
        "vi": "ngày/tháng/năm, 'tháng 01/2024', 'ngày phát động', 'sau 30/10/2024' hoặc theo Tết ('mùng 1 Tết')",
        "en": "day/month/year, 'tháng 01/2024', 'ngày phát động', 'sau 30/10/2024' or tied to Tết ('mùng 1 Tết')",
    },
    "phase_end": {"vi": "ngày/tháng/năm, 'tháng 07/2024', 'hết năm', 'hết năm học', hoặc một mốc như 'hết học kỳ I'",
                  "en": "day/month/year, 'tháng 07/2024', 'hết năm', 'hết năm học', or a named end like 'hết học kỳ I'"},
    "yearly_or_full": {"vi": "ngày/tháng (25/6) hoặc ngày/tháng/năm (15/3/2023)",
                       "en": "day/month (25/6) or day/month/year (15/3/2023)"},
    "event": {"vi": "ngày/tháng/năm, hoặc theo Tết, âm lịch: 'mùng 6 Tết', 'trước Tết 10 ngày', "
                   "'mùng 10 tháng 3 âm lịch'",
              "en": "day/month/year, or tied to Tết or the lunar calendar: 'mùng 6 Tết', 'trước Tết 10 ngày', "
                    "'mùng 10 tháng 3 âm lịch'"},
    "deadline": {"vi": "ngày/tháng (25/6), ngày/tháng/năm (15/3/2023), hoặc theo Tết, âm lịch: 'trước Tết 10 ngày', "
                      "'mùng 10 Tết'",
                 "en": "day/month (25/6), day/month/year (15/3/2023), or tied to Tết or the lunar calendar: "
                       "'trước Tết 10 ngày', 'mùng 10 Tết'"},
    "activity": {"vi": "ngày/tháng/năm (01/3/2027) hoặc tháng (tháng 3/2027)",
                 "en": "day/month/year (01/3/2027) or a month (tháng 3/2027)"},
    "document": {"vi": "ngày/tháng/năm, 'tháng 01/2024' hoặc năm", "en": "day/month/year, 'tháng 01/2024' or a year"},
}


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


def render(code: str, context: dict[str, Any]) -> tuple[Text, Text | None, Text | None]:
    """Fill the texts of `code` for every language; unknown codes fall back to 'value'."""
    message, expected, hint = CATALOG.get(code, CATALOG["value"])
    ctx = _Blank(context)
    kind = context.get("kind")
    if kind in EXPECTED_DATE:
        ctx["expected_vi"] = EXPECTED_DATE[kind]["vi"]
        ctx["expected_en"] = EXPECTED_DATE[kind]["en"]

    def fill(t: Text | None) -> Text | None:
        return None if t is None else {lang: s.format_map(ctx) for lang, s in t.items()}

    if hint is not None and "{suggestion}" in hint["vi"] and not context.get("suggestion"):
        hint = None
    return fill(message), fill(expected), fill(hint)  # type: ignore[return-value]
