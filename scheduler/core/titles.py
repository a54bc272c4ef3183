"""Title templates (`title: "Kỷ niệm {ordinal} năm {name}"`): checked, then filled.

A template may use only the placeholders its section offers, by name, with no
format spec or conversion: `{name.__class__}`, `{0}`, `{year:>99999}` or a
lone brace would raise, leak or cost memory in `str.format`. `check` reports
each problem (`problems`); `render` never raises, so a template that somehow
got past the check is shown as written rather than failing the calendar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Placeholders each section's `title` offers (see the field descriptions in scheduler.core.model).
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "commemorations": ("ordinal", "name", "base", "date", "year"),
    "observances": ("name", "year"),
    "lunar_dates": ("name", "can_chi", "year", "lunar"),
    "phases": ("name", "year", "span"),
}

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Problem:
    code: str  # title.placeholder, title.positional, title.format_spec, title.braces
    offset: int  # 0-based, in the template
    field: str  # what is between the braces (or the brace itself)


def problems(template: str, allowed: tuple[str, ...]) -> list[Problem]:
    """Every problem of `template`, in order; [] if `str.format` with `allowed` names is safe."""
    found: list[Problem] = []
    i, n = 0, len(template)
    while i < n:
        c = template[i]
        if c == "}":
            if template.startswith("}}", i):
                i += 2
                continue
            found.append(Problem("title.braces", i, "}"))
            i += 1
            continue
        if c != "{":
            i += 1
            continue
        if template.startswith("{{", i):
            i += 2
            continue
        close = template.find("}", i + 1)
        inner_open = template.find("{", i + 1)
        if close == -1 or (inner_open != -1 and inner_open < close):
            found.append(Problem("title.braces", i, "{"))
            i += 1
            continue
        body = template[i + 1 : close]
        if body == "" or body.isdigit():
            found.append(Problem("title.positional", i, body))
        elif not _NAME.fullmatch(body):
            name = re.split(r"[.\[!:]", body, maxsplit=1)[0]
            code = "title.format_spec" if name in allowed else "title.placeholder"
            found.append(Problem(code, i, body))
        elif body not in allowed:
            found.append(Problem("title.placeholder", i, body))
        i = close + 1
    return found


def render(template: str, **values: object) -> str:
    """`template` filled with `values`; as written if it is not a safe template for them."""
    if problems(template, tuple(values)):
        return template
    return template.format(**values)
