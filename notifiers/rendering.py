"""Email templates: jinja2, compiled once, overridable file by file by admins.

Each kind of email has ``<kind>.txt.j2`` (which also sets ``subject``) and
``<kind>.html.j2``. A file with the same name in ``settings.templates_dir``
wins over the built-in one, so an admin can reword one email without copying
the others. HTML autoescapes: titles and names come from YAML files.
Undefined variables are errors, so a typo in an override fails the first
send loudly instead of mailing blanks to thousands of people.
"""

from __future__ import annotations

import functools
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import Any

import jinja2

from notifiers.content import Content
from scheduler.dates import vn_date
from notifiers.email_message import RenderedEmail

BUILTIN_DIR = Path(__file__).parent / "templates"
KINDS = ("reminder", "overdue", "digest", "confirm_subscription", "admin_summary")


def _autoescape(name: str | None) -> bool:
    return bool(name and name.endswith(".html.j2"))


def _vn_date(value: date) -> str:
    return vn_date(value)


_NAMES: dict[type, tuple[str, ...]] = {}


def _names(cls: type) -> tuple[str, ...]:
    """Fields and properties of a content class: what its templates may use (computed once per class)."""
    found = _NAMES.get(cls)
    if found is None:
        props = [name for name, value in vars(cls).items() if isinstance(value, property)]
        found = _NAMES[cls] = (*(f.name for f in fields(cls)), *props)
    return found


class Templates:
    """The compiled templates; render() is the only thing callers need."""

    def __init__(self, override_dir: Path | None = None) -> None:
        search = [str(override_dir)] if override_dir else []
        loader = jinja2.FileSystemLoader([*search, str(BUILTIN_DIR)], encoding="utf-8")
        self.env = jinja2.Environment(
            loader=loader,
            autoescape=_autoescape,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # compiled once per process; restart to pick up edits
        )
        self.env.filters["vn_date"] = _vn_date
        self._compiled: dict[str, tuple[jinja2.Template, jinja2.Template]] = {}

    def _pair(self, kind: str) -> tuple[jinja2.Template, jinja2.Template]:
        pair = self._compiled.get(kind)
        if pair is None:
            pair = self._compiled[kind] = (
                self.env.get_template(f"{kind}.txt.j2"),
                self.env.get_template(f"{kind}.html.j2"),
            )
        return pair

    def check(self) -> None:
        """Compile every template now: a broken override fails at start-up, not at 8:00."""
        for kind in KINDS:
            self._pair(kind)

    def render(self, content: Content) -> RenderedEmail:
        text_template, html_template = self._pair(content.template)
        variables: dict[str, Any] = {name: getattr(content, name) for name in _names(type(content))}
        module = text_template.make_module(variables)
        subject = str(getattr(module, "subject", "")).strip()
        if not subject:
            raise jinja2.TemplateError(f"{content.template}.txt.j2 phải đặt biến subject ({{% set subject %}})")
        html = html_template.render(variables, subject=subject)
        return RenderedEmail(subject=subject, text=str(module), html=html)
