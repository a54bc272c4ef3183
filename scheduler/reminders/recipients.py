"""Who must meet a deadline: recipient groups from ``calendars/recipients/*.yaml``.

A *group* ("cd-cap-tren-kon-tum") is what a deadline names in ``groups: [...]``;
its *units* (a công đoàn cấp trên, a CĐCS) are what submits, each with a
name and one or more email addresses. Submissions ("Đã nộp") are recorded
per unit, so every address of a unit stops getting reminders at once.

The files are read with the calendar loader's machinery (UTF-8 and tab
checks, YAML 1.1 traps, positions of every key), so an admin gets the same
file:line:column diagnostics, in Vietnamese, with suggestions for typos.
Loading never raises for bad content: bad files give diagnostics and no groups.
A clean file is read with libyaml (:mod:`scheduler.core.fast_yaml`, same data and
positions); anything unusual is read the careful way, so diagnostics are the same.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BeforeValidator, Field, ValidationError, create_model

from notifiers.channels import kinds
from notifiers.email_message import check_address
from notifiers.endpoint_urls import HostPolicy
from scheduler.core.bounds import DEFAULT_LIMITS, Limits
from scheduler.core.collector import paused
from scheduler.core.format_fields import Id
from scheduler.core.loaded import LoadedFile, display_path
from scheduler.core.loader import load_file, read_bounded, report_error, yaml_mapping
from scheduler.core.model import Strict
from scheduler.errors import Diagnostic, PermanentDeliveryError, Severity
from scheduler.live.catalog import CALENDAR_SUFFIXES, Catalog
from scheduler.reminders.plain_recipients import PlainFile, fast_mapping, listed, plain_model
from scheduler.reminders.recipient_groups import Group, Unit

__all__ = ["Directory", "Group", "Unit", "check_recipients", "files_digest", "load_directory"]

RECIPIENTS_DIR = "recipients"


# code: (vi, en) message, (vi, en) hint. Placeholders come from the context.
def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class UnitBase(Strict):
    """Một đơn vị phải nộp (ví dụ một công đoàn cấp trên trực tiếp cơ sở): có email, webhook, hoặc kênh khác."""

    id: Id
    name: str = Field(description="Tên đơn vị, ví dụ 'Công đoàn Viên chức tỉnh'")
    emails: Annotated[list[str], BeforeValidator(_one_or_many)] = Field(
        default_factory=list, description="Một hoặc nhiều địa chỉ email nhận nhắc hạn"
    )
    parent: Id | None = Field(default=None, description="Mã đơn vị cấp trên trực tiếp (nếu khác 'parent' của nhóm)")


# One optional field per channel of notifiers/channels/ (webhook, chat, ...): a new channel module adds its field.
if TYPE_CHECKING:
    UnitModel = UnitBase
else:
    UnitModel = create_model(
        "UnitModel", __base__=UnitBase, __doc__=UnitBase.__doc__, __module__=__name__,
        **{k.name: (k.model | None, Field(default=None, description=k.description)) for k in kinds().values()},
    )


class GroupModel(Strict):
    """Một nhóm người nhận; hạn chót ghi mã nhóm trong 'groups: [...]'."""

    id: Id
    name: str = Field(description="Tên nhóm, ví dụ 'Công đoàn cấp trên trực tiếp cơ sở tỉnh Kon Tum'")
    description: str | None = None
    parent: Id | None = Field(default=None, description="Mã đơn vị cấp trên trực tiếp của mọi đơn vị trong nhóm, "
                              "ví dụ LĐLĐ huyện của các công đoàn cơ sở: bảng theo dõi nộp báo cáo tổng hợp theo cấp")
    units: list[UnitModel] = Field(default_factory=list)


class RecipientsFile(Strict):
    """Một tệp người nhận: danh sách nhóm."""

    groups: list[GroupModel] = Field(default_factory=list)


@dataclass
class Directory:
    """Every recipient group of a deployment, and what was wrong with the files."""

    groups: dict[str, Group] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)

    def endpoints(self, channel: str) -> dict[str, Any]:
        """The field of ``channel`` of every unit that has one, by unit id (what that channel needs)."""
        return {u.id: e for g in self.groups.values() if g.has_endpoints for u in g.units
                if (e := u.endpoint(channel)) is not None}

    def webhooks(self) -> dict[str, Any]:
        return self.endpoints("webhook")

    def units_of(self, group_ids: Iterable[str]) -> list[Unit]:
        """Units of the named groups, each once, in order; unknown groups are skipped (check reports them)."""
        seen: dict[str, Unit] = {}
        for gid in group_ids:
            group = self.groups.get(gid)
            for unit in group.units if group else ():
                seen.setdefault(unit.id, unit)
        return list(seen.values())

    def unit(self, unit_id: str) -> Unit | None:
        """The unit ``unit_id`` of whichever group has it, or None."""
        for group in self.groups.values():
            if (found := group.unit(unit_id)) is not None:
                return found
        return None


def parse_recipients(raw: bytes, loaded: LoadedFile, policy: HostPolicy = HostPolicy(), *, lines: bool = False
                     ) -> RecipientsFile | PlainFile | None:
    """One file's bytes → its model (None when broken); diagnostics go to ``loaded``.

    Every endpoint's URL is checked with ``policy`` (which internal hosts the deployment allows). With
    ``lines``, a generated list may come back read by :func:`listed`: nothing to diagnose, no positions
    recorded, its groups' lines in the groups (the caller reads it again without ``lines`` to diagnose)."""
    if lines and (fast := listed(raw)) is not None:
        return fast
    data = fast_mapping(raw, loaded)
    if data is None:
        data = yaml_mapping(raw, loaded, what="recipients.not_mapping")
    if data is None:
        return None
    if not data:  # an empty file: no groups, not an error
        return RecipientsFile()
    trapped = any(d.severity is Severity.ERROR for d in loaded.diagnostics)
    model: RecipientsFile | PlainFile | None = plain_model(data)
    if model is None:
        try:
            model = RecipientsFile.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                report_error(error, loaded, RecipientsFile)
            return None
    for gi, group in enumerate(model.groups):
        for ui, unit in enumerate(group.units):
            fields = [(name, value) for name in kinds() if (value := getattr(unit, name, None)) is not None]
            if not unit.emails and not fields:
                loaded.diagnose("unit.no_channel", ("groups", gi, "units", ui), value=unit.id)
            for name, value in fields:
                if (problem := policy.url_problem(value.url)) is not None:
                    loaded.diagnose("endpoint.url", ("groups", gi, "units", ui, name, "url"), value=value.url,
                                    detail=problem, channel=name)
            seen: set[str] = set()
            for ei, address in enumerate(unit.emails):
                path = ("groups", gi, "units", ui, "emails", ei)
                try:
                    check_address(address)
                except PermanentDeliveryError:
                    loaded.diagnose("email.invalid", path, value=address)
                if address.lower() in seen:
                    loaded.diagnose("email.duplicate", path, value=address)
                seen.add(address.lower())
    return None if trapped else model


def recipient_files(root: Path) -> list[Path]:
    folder = root / RECIPIENTS_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in CALENDAR_SUFFIXES and p.is_file()
                  and not p.name.startswith("."))


# The last directory read, by the signatures of its files: a service reloads calendars often,
# and re-reading 20,000 unchanged units on every calendar edit would cost seconds each time.
_last: tuple[tuple[object, ...], Directory] | None = None


def _files_and_key(root: Path, limits: Limits, policy: HostPolicy = HostPolicy()
                   ) -> tuple[list[Path], tuple[object, ...]]:
    """The recipient files, and what identifies their state (names, signatures, the size bound, allowed hosts)."""
    from scheduler.live.catalog import file_signature

    files = recipient_files(root)
    return files, (limits.recipients_file_bytes, policy.allowed, str(Path.cwd()), str(root.resolve()),
                   *((str(p), file_signature(p)) for p in files))


_last_digest: tuple[tuple[object, ...], str] | None = None


def files_digest(root: Path, limits: Limits = DEFAULT_LIMITS, policy: HostPolicy = HostPolicy()) -> str:
    """The recipient files' names and bytes (and their size bound), hashed, without parsing them.

    Equal digests load the same groups: the reminder planner compares it with what the ledger was
    planned from before it reads 20,000 units. Hashed once per change of the files, like the directory.
    """
    import hashlib

    global _last_digest
    files, key = _files_and_key(root, limits, policy)
    if _last_digest is not None and _last_digest[0] == key:
        return _last_digest[1]
    # The allowed hosts decide which files are valid, so what is planned from them.
    h = hashlib.sha256(f"{limits.recipients_file_bytes}\x1f{sorted(policy.allowed)}".encode())
    for path in files:
        h.update(f"\x1e{path.name}\x1f".encode())
        try:
            with path.open("rb") as f:
                while chunk := f.read(1 << 20):
                    h.update(chunk)
        except OSError as exc:  # read again (and reported) by load_directory
            h.update(f"\x1dunreadable:{exc.errno}".encode())
    _last_digest = (key, h.hexdigest())
    return _last_digest[1]


def load_directory(root: Path, limits: Limits = DEFAULT_LIMITS, policy: HostPolicy = HostPolicy()) -> Directory:
    """Every group under ``root/recipients``; never raises for bad content.

    A file larger than ``limits.recipients_file_bytes`` is refused before it is read.

    Read once per change of the files: an unchanged folder gives back the
    groups read last time (a copy of the directory; groups and units are frozen).
    """
    global _last
    files, key = _files_and_key(root, limits, policy)
    if _last is not None and _last[0] == key:
        return Directory(dict(_last[1].groups), list(_last[1].diagnostics))
    directory = _read_directory(files, limits, policy)
    _last = (key, directory)
    return Directory(dict(directory.groups), list(directory.diagnostics))


def _read_directory(files: list[Path], limits: Limits, policy: HostPolicy) -> Directory:
    """The files' groups and diagnostics. The cyclic garbage collector is paused meanwhile: reading 200,000
    units makes millions of objects, none of them garbage in cycles, and each of its passes over them
    costs more the more are made (a third of the time at 200,000 units)."""
    with paused():
        return _read_files(files, limits, policy)


def _read_files(files: list[Path], limits: Limits, policy: HostPolicy) -> Directory:
    directory = Directory()
    group_at: dict[str, str] = {}
    unit_at: dict[str, tuple[str, int]] = {}
    parents: list[tuple[LoadedFile, tuple[str | int, ...], str, str]] = []  # checked once every unit is known
    bound = _recipients_bound(limits)
    for path in files:
        loaded = LoadedFile(path=path, display=display_path(path))
        display = loaded.display
        raw = read_bounded(path, loaded, bound)
        if raw is None:
            directory.diagnostics += loaded.diagnostics
            continue
        model = parse_recipients(raw, loaded, policy, lines=True)
        if isinstance(model, PlainFile) and model.listed and _clashes(model, group_at, unit_at):
            model = parse_recipients(raw, loaded, policy)  # with positions, to say where
        lined = isinstance(model, PlainFile) and model.listed
        if model is not None:
            for gi, g in enumerate(model.groups):
                where = f"{loaded.display}:{g.line if lined else loaded.where(('groups', gi))[0]}"
                if g.id in group_at:
                    loaded.diagnose("group.duplicate", ("groups", gi, "id"), value=g.id, other=group_at[g.id])
                    continue
                group_at[g.id] = where
                ids: list[str] = []
                names: list[str] = []
                emails_of: list[tuple[str, ...]] = []
                parents_of: list[str | None] = []
                lines: list[int] = []
                endpoints_of: dict[int, tuple[tuple[str, Any], ...]] = {}
                for ui, u in enumerate(g.units):
                    if lined:
                        line = g.first + 3 * ui
                    else:
                        at_unit = ("groups", gi, "units", ui)
                        line = (loaded.positions.get(at_unit) or loaded.where(at_unit))[0]
                    if u.id in unit_at:
                        loaded.diagnose("unit.duplicate", ("groups", gi, "units", ui, "id"), value=u.id,
                                        other="{}:{}".format(*unit_at[u.id]))
                        continue
                    unit_at[u.id] = (display, line)
                    endpoints = () if lined else tuple((name, value) for name in kinds()
                                                       if (value := getattr(u, name, None)) is not None)
                    parent = u.parent or g.parent
                    if parent is not None:
                        at: tuple[str | int, ...] = (("groups", gi, "units", ui, "parent") if u.parent
                                                     else ("groups", gi, "parent"))
                        parents.append((loaded, at, u.id, parent))
                    if endpoints:
                        endpoints_of[len(ids)] = endpoints
                    ids.append(u.id)
                    names.append(u.name)
                    emails_of.append(u.emails if lined else tuple(e.strip() for e in u.emails))
                    parents_of.append(parent)
                    lines.append(line)
                directory.groups[g.id] = Group.of_columns(
                    g.id, g.name, where, ids=ids, names=names, emails=emails_of, file=display, parents=parents_of,
                    lines=lines, endpoints=endpoints_of)
        directory.diagnostics += loaded.diagnostics
    directory.diagnostics += _check_parents(directory, parents)
    if not directory.ok:
        # Like calendars: never send to a half-read list; the last good one stays in use by the service.
        directory.groups = {}
    return directory


def _clashes(model: PlainFile, group_at: dict[str, str], unit_at: dict[str, tuple[str, int]]) -> bool:
    """A group or unit of a listed file that is already known (in it or before it): a diagnostic to place."""
    gids = [g.id for g in model.groups]
    uids = [u.id for g in model.groups for u in g.units]
    return (len(set(gids)) < len(gids) or len(set(uids)) < len(uids) or not group_at.keys().isdisjoint(gids)
            or not unit_at.keys().isdisjoint(uids))


def _check_parents(directory: Directory, parents: list[tuple[LoadedFile, tuple[str | int, ...], str, str]]
                   ) -> list[Diagnostic]:
    """Warnings for a "parent:" naming no unit, or going round in a circle; such a unit is placed at the top
    of the hierarchy (the board), and reminders are not affected."""
    if not parents:
        return []
    units = {u.id: u for g in directory.groups.values() for u in g.units}
    out: list[Diagnostic] = []
    for loaded, at, uid, parent in parents:
        if parent not in units:
            close = difflib.get_close_matches(parent, list(units), n=1, cutoff=0.8)
            out.append(loaded.diagnose("unit.parent_unknown", at, value=parent, unit=uid,
                                       suggestion=f" Có phải là '{close[0]}'?" if close else "",
                                       severity=Severity.WARNING))
            continue
        seen = {uid}
        current: str | None = parent
        while current is not None and current in units:
            if current in seen:
                out.append(loaded.diagnose("unit.parent_cycle", at, value=parent, unit=uid, severity=Severity.WARNING))
                break
            seen.add(current)
            current = units[current].parent
    return out


def unknown_groups(directory: Directory, catalog: Catalog) -> list[Diagnostic]:
    """Deadlines naming a group no recipients file defines, located in the calendar file."""
    diagnostics: list[Diagnostic] = []
    known = sorted(directory.groups)
    for cid, calendar in sorted(catalog.calendars.items()):
        names = {s.item.id for s in calendar.deadlines if s.defined_in == cid
                 and any(g not in directory.groups for g in s.item.groups)}
        if not names:
            continue
        loaded = load_file(calendar.path, catalog.display.get(cid))
        if loaded.model is None:
            continue
        for di, deadline in enumerate(loaded.model.deadlines):
            for gi, gid in enumerate(deadline.groups):
                if gid in directory.groups:
                    continue
                close = difflib.get_close_matches(gid, known, n=1, cutoff=0.6)
                code = "group.unknown" if close else "group.unknown_nosuggest"
                loaded.diagnose(code, ("deadlines", di, "groups", gi), value=gid,
                                suggestion=close[0] if close else None, known=", ".join(known) or "(chưa có)")
        diagnostics += [d for d in loaded.diagnostics if d.code.startswith("group.")]
    return diagnostics


def _recipients_bound(limits: Limits) -> Limits:
    """The bounds a recipients file is read with: its own size bound, the calendars' depth."""
    return Limits(file_bytes=limits.recipients_file_bytes, depth=limits.depth, items=limits.items,
                  extends=limits.extends, recipients_file_bytes=limits.recipients_file_bytes)


def check_recipients(root: Path, catalog: Catalog, limits: Limits = DEFAULT_LIMITS,
                     policy: HostPolicy = HostPolicy()) -> list[Diagnostic]:
    """What `lichthidua check` adds for recipients: file problems, then unknown groups."""
    directory = load_directory(root, limits, policy)
    full = directory if directory.ok else _lenient(root, limits)
    return directory.diagnostics + unknown_groups(full, catalog)


def _lenient(root: Path, limits: Limits) -> Directory:
    """Groups of the files that did load, so one broken file does not make every group 'unknown'."""
    directory = Directory()
    for path in recipient_files(root):
        loaded = LoadedFile(path=path, display=display_path(path))
        raw = read_bounded(path, loaded, _recipients_bound(limits))
        if raw is None:
            continue
        model = parse_recipients(raw, loaded)
        for g in model.groups if model else ():
            directory.groups.setdefault(g.id, Group(g.id, g.name, (), ""))
    return directory



def check_recipient_files(files: list[Path], limits: Limits = DEFAULT_LIMITS,
                          policy: HostPolicy = HostPolicy()) -> list[Diagnostic]:
    """`lichthidua check FILE` of a recipients file: its own problems (groups are checked against
    calendars only when the whole folder is checked)."""
    return _read_directory(files, limits, policy).diagnostics


def looks_like_recipients(path: Path) -> bool:
    """A recipients file: under a `recipients/` folder, or a mapping of `groups:` with no calendar `id:`."""
    if RECIPIENTS_DIR in path.parts[:-1]:
        return True
    try:
        head = path.read_bytes()[:65536].decode("utf-8", "replace")
    except OSError:
        return False
    return re.search(r"^groups\s*:", head, flags=re.M) is not None and re.search(r"^id\s*:", head, flags=re.M) is None
