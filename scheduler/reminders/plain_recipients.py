"""Reading a recipients file fast: its mapping through the line reader or libyaml, its units without the model.

A country's lists hold 200,000 units. :func:`fast_mapping` reads a clean file
with :mod:`scheduler.core.block_yaml` (else libyaml, else nothing: the careful
reader takes over); :func:`plain_model` gives what the model would hold of a
file whose every field is plainly valid, without validating each unit through
pydantic (anything else is left to the model, which reports it). Both give the
same data as the careful ways, so :mod:`scheduler.reminders.recipients` reads the
same groups and diagnostics whichever way a file went.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from scheduler.core import block_yaml, fast_yaml
from scheduler.core.bounds import Limits
from scheduler.core.format_fields import ID_PATTERN
from scheduler.core.loaded import LoadedFile

_VALID_ID = re.compile(ID_PATTERN).match


# A list of units is long by nature: only the file's size is bounded (see load_directory).
UNBOUNDED_ITEMS = Limits(items=10**9)


def fast_mapping(raw: bytes, loaded: LoadedFile) -> dict[str, Any] | None:
    """The file's mapping through the line reader (:mod:`scheduler.core.block_yaml`) or libyaml
    (:mod:`scheduler.core.fast_yaml`; same data and positions), or None: then nothing was recorded.

    A province's list has 20,000 units, the country's 200,000; the careful reader takes over a second per
    thousand, libyaml 30 µs a unit, the line reader a sixth of that.
    """
    probe = LoadedFile(path=loaded.path, display=loaded.display)
    try:
        text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
        if "\t" in text:
            return None  # the careful reader says where
        try:
            data = block_yaml.plain(text, probe, UNBOUNDED_ITEMS)
        except fast_yaml.Unusual:
            data = fast_yaml.plain(text, probe, UNBOUNDED_ITEMS)
    except (UnicodeDecodeError, fast_yaml.Unusual):
        return None
    loaded.positions, loaded.key_positions = probe.positions, probe.key_positions
    return data


_PLAIN_UNIT = frozenset(("id", "name", "emails", "parent"))
_PLAIN_GROUP = frozenset(("id", "name", "description", "parent", "units"))


@dataclass(slots=True)
class _PlainUnit:
    """A unit of :func:`plain_model`: the fields of UnitModel a plain unit has (no channel: getattr gives None)."""

    id: str
    name: str
    emails: list[str] | tuple[str, ...]  # a tuple when listed: kept as it is
    parent: str | None


@dataclass(slots=True)
class _PlainGroup:
    id: str
    name: str
    description: str | None
    parent: str | None
    units: list[_PlainUnit]
    line: int = 0  # of a listed file (:func:`listed`): the group's line; its unit ``i`` is on ``first + 3 * i``
    first: int = 0


@dataclass(slots=True)
class PlainFile:
    groups: list[Any]  # of _PlainGroup: read where the model's groups are, the same attributes
    listed: bool = False  # read by :func:`listed`: no positions recorded, lines in the groups


def plain_model(data: dict[str, Any]) -> PlainFile | None:
    """What the model would hold of a file whose every field is plainly valid (strings where strings go,
    ids well formed, units with emails only), without validating each of 200,000 units through the model
    (nor pydantic's model_construct, slower still); None for anything else: then the model's validation
    judges, and reports, the whole file."""
    valid_id = _VALID_ID
    groups = data.get("groups")
    if set(data) != {"groups"} or type(groups) is not list:
        return None
    out = []
    for g in groups:
        units = g.get("units", []) if type(g) is dict else None
        if (units is None or type(units) is not list or not _PLAIN_GROUP.issuperset(g)
                or not all(type(g.get(k, "")) is str for k in ("name", "description", "parent"))
                or type(g.get("id")) is not str or not valid_id(g["id"]) or "name" not in g
                or ("parent" in g and not valid_id(g["parent"]))):
            return None
        made = []
        for u in units:
            if type(u) is not dict or not _PLAIN_UNIT.issuperset(u):
                return None
            uid, name, emails, parent = u.get("id"), u.get("name"), u.get("emails", []), u.get("parent")
            if type(emails) is str:
                emails = [emails]
            if (type(uid) is not str or not valid_id(uid) or type(name) is not str or type(emails) is not list
                    or any(type(e) is not str for e in emails)
                    or (parent is not None and (type(parent) is not str or not valid_id(parent)))):
                return None
            made.append(_PlainUnit(uid, name, emails, parent))
        out.append(_PlainGroup(g["id"], g["name"], g.get("description"), g.get("parent"), made))
    return PlainFile(out)


# A generated list, as a province's or the country's are written: every group an id, a name and units, every
# unit an id, a name and a one-line list of addresses, nothing else. Read with one regular expression per
# unit: no line reader, no positions, no second check of an address the pattern has already checked.
_CONTROL = r"\x00-\x1f\x7f-\x9f\u2028\u2029"  # never in a name read this way
_NAME = (r"""(?:"([^"\\""" + _CONTROL + r"""]*)"|'([^'""" + _CONTROL + r"""]*)'"""
         r"""|([^\W\d_][^#:"'\\""" + _CONTROL + r"""]*))""")
_GROUP = re.compile(r"  - id: ([a-z][a-z0-9-]*)\n    name: " + _NAME + r"\n    units:\n")
# A dot-atom address whose domain has a dot: what check_address passes as it is (and YAML reads as a string).
_ADDRESS = r"[A-Za-z][A-Za-z0-9_+-]*(?:\.[A-Za-z0-9_+-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
_UNIT = re.compile(r"      - id: ([a-z][a-z0-9-]*)\n        name: " + _NAME
                   + r"\n        emails: \[(" + _ADDRESS + r"(?:, " + _ADDRESS + r")*)\]\n")
_UNITS = re.compile(r"(?:" + _UNIT.pattern + r")+")
_WORDS = frozenset(("y", "n", "yes", "no", "on", "off", "true", "false", "null"))  # what YAML 1.1 reads otherwise


def _plain_name(m: re.Match[str], at: int) -> str | None:
    """The name of a match's groups ``at``..``at + 2`` (double-quoted, single-quoted, plain) as YAML reads it."""
    quoted = m.group(at)
    if quoted is not None:
        return quoted
    quoted = m.group(at + 1)
    if quoted is not None:
        return quoted
    text = m.group(at + 2)
    if not text[0].isalpha() or text[-1] == " " or text.lower() in _WORDS:
        return None
    return text


def listed(raw: bytes) -> PlainFile | None:
    """A generated list's groups without the line reader (see above), lines in the groups; None for anything
    else (a comment, another field, an address the pattern does not take...): then the usual readers judge."""
    text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
    if not text.startswith("groups:\n") or "\r" in text or "\ufffd" in text:
        return None
    if not text.endswith("\n"):
        text += "\n"
    pos, line, groups, size = len("groups:\n"), 2, [], len(text)
    while pos < size:
        head = _GROUP.match(text, pos)
        block = _UNITS.match(text, head.end()) if head else None
        if head is None or block is None or head.group(1) in _WORDS:
            return None
        gname = _plain_name(head, 2)
        if gname is None:
            return None
        units = []
        for m in _UNIT.finditer(text, block.start(), block.end()):
            uid, double, single, name, listed_emails = m.groups()
            if double is not None or single is not None:
                name = double if double is not None else single
            elif not name[0].isalpha() or name[-1] == " " or name.lower() in _WORDS:
                return None  # what YAML reads otherwise, or what the line reader trims
            emails = tuple(listed_emails.split(", "))
            if uid in _WORDS or (len(emails) > 1 and len({e.lower() for e in emails}) < len(emails)):
                return None
            units.append(_PlainUnit(uid, name, emails, None))
        groups.append(_PlainGroup(head.group(1), gname, None, None, units, line, line + 3))
        line += 3 + 3 * len(units)
        pos = block.end()
    return PlainFile(groups, listed=True)
