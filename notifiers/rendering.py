"""Email templates: jinja2, compiled once, overridable file by file by admins.

Each kind of email has ``<kind>.txt.j2`` (which also sets ``subject``) and
``<kind>.html.j2``. A file with the same name in ``settings.templates_dir``
wins over the built-in one, so an admin can reword one email without copying
the others. HTML autoescapes: titles and names come from YAML files.
Undefined variables are errors, so a typo in an override fails the first
send loudly instead of mailing blanks to thousands of people.
"""

from __future__ import annotations

import re
from dataclasses import fields, replace
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from notifiers.content import Content, ReminderContent
from notifiers.email_message import RenderedEmail
from scheduler.core.dates import vn_date

BUILTIN_DIR = Path(__file__).parent / "templates"
KINDS = ("reminder", "overdue", "digest", "confirm_subscription", "admin_summary", "returned", "board_digest")


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


# Stand-ins for one person's fields in a reminder rendered once per deadline (YAML cannot hold NUL).
_MARK = {"n": "\x00n\x00", "s": "\x00s\x00", "u": "\x00u\x00"}
_MARKS = re.compile("\x00([nsu])\x00")


def _fill(stamp: RenderedEmail, content: ReminderContent) -> RenderedEmail:
    values = {"n": content.recipient_name, "s": content.submitted_url or "", "u": content.unsubscribe_url or ""}
    escaped = {k: str(markupsafe.escape(v)) for k, v in values.items()}
    html = None if stamp.html is None else _MARKS.sub(lambda m: escaped[m.group(1)], stamp.html)
    return RenderedEmail(subject=stamp.subject, text=_MARKS.sub(lambda m: values[m.group(1)], stamp.text), html=html)


class Templates:
    """The compiled templates; render() is the only thing callers need."""

    def __init__(self, override_dir: Path | None = None, *, stamp_reminders: bool = True) -> None:
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
        # Reminders are stamped from one render per deadline unless an admin overrides any template.
        self._stamped = stamp_reminders and not (override_dir and any(Path(override_dir).glob("*.j2")))
        self._stamps: dict[tuple[object, ...], RenderedEmail] = {}

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
        if type(content) is ReminderContent and self._stamped:
            return self._render_stamped(content)
        return self._render(content)

    def _render_stamped(self, content: ReminderContent) -> RenderedEmail:
        """A reminder rendered once per deadline (and shape), then each person's fields put in.

        A wave sends one deadline to 20,000 units: the templates run once per deadline with markers
        for the unit's name and links, and each email replaces the markers (HTML-escaped in HTML, as
        autoescape would). Only the built-in templates, which print these fields as they are; the
        first email of each shape is rendered in full as well and must come out the same, else every
        email is rendered in full from then on.
        """
        shape = (content.deadline, bool(content.recipient_name), bool(content.submitted_url),
                 bool(content.unsubscribe_url))
        stamp = self._stamps.get(shape)
        if stamp is None:
            probe = replace(content, recipient_name=_MARK["n"] if content.recipient_name else content.recipient_name,
                            submitted_url=_MARK["s"] if content.submitted_url else content.submitted_url,
                            unsubscribe_url=_MARK["u"] if content.unsubscribe_url else content.unsubscribe_url)
            stamp = self._render(probe)
            full = self._render(content)
            if _fill(stamp, content) != full or any(m in stamp.subject for m in _MARK.values()):
                self._stamped = False  # a template uses these fields in a way markers cannot stand for
                return full
            if len(self._stamps) >= 256:
                self._stamps.clear()
            self._stamps[shape] = stamp
        return _fill(stamp, content)

    @property
    def stamps_reminders(self) -> bool:
        """Whether reminders are rendered once per deadline (see ``_render_stamped``)."""
        return self._stamped

    def _render(self, content: Content) -> RenderedEmail:
        text_template, html_template = self._pair(content.template)
        variables: dict[str, Any] = {name: getattr(content, name) for name in _names(type(content))}
        module = text_template.make_module(variables)
        subject = str(getattr(module, "subject", "")).strip()
        if not subject:
            raise jinja2.TemplateError(f"{content.template}.txt.j2 phải đặt biến subject ({{% set subject %}})")
        html = html_template.render(variables, subject=subject)
        return RenderedEmail(subject=subject, text=str(module), html=html)
