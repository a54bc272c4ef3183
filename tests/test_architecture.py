"""The import graph: the pure core never reaches the shells or their libraries.

Parsing, expanding and rendering are pure functions; the web app, the CLI, the
database and the mailers are thin shells around them. Every `import` of the
core is read with `ast` (also those inside functions, not those under
`if TYPE_CHECKING:`), first-party modules are followed transitively, and
nothing on the path may be a shell module or an I/O framework. Third-party
modules are not followed: a library's own imports are its business.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

from tests.conftest import REPO

FIRST_PARTY = ("scheduler", "notifiers")
CORE = (
    "scheduler.core.model",
    "scheduler.core.format_fields",
    "scheduler.core.dates",
    "scheduler.core.loader",
    "scheduler.core.loaded",
    "scheduler.core.yaml_syntax",
    "scheduler.core.checks",
    "scheduler.live.catalog",
    "scheduler.live.edits",
    "scheduler.live.positions",
    "scheduler.core.lineage",
    "scheduler.core.campaign",
    "scheduler.core.next_year",
    "scheduler.core.next_span",
    "scheduler.core.text_rewrite",
    "scheduler.core.draft_yaml",
    "scheduler.core.expand",
    "scheduler.core.window",
    "scheduler.core.item_events",
    "scheduler.core.deadlines",
    "scheduler.core.tet_items",
    "scheduler.feeds.export",
    "scheduler.core.events",
    "scheduler.core.lunar",
    "scheduler.core.days_off",
    "scheduler.core.messages",
    "scheduler.core.messages_file",
    "scheduler.core.messages_schema",
    "scheduler.core.messages_rules",
    "scheduler.core.messages_recipients",
    "scheduler.errors",
    "scheduler.reminders.planning",
    "scheduler.feeds.query",
    "notifiers.revisions",
    "notifiers.ics",
)
FORBIDDEN = (
    "scheduler.web",
    "scheduler.cli",
    "scheduler.store.database",
    "sqlmodel",
    "sqlalchemy",
    "fastapi",
    "starlette",
    "aiosmtplib",
    "smtplib",
    "apscheduler",
    "uvicorn",
    "httpx",
    "psycopg",
    "typer",
    "rich",
)


def module_file(name: str) -> Path | None:
    base = REPO.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """All nodes except the bodies of `if TYPE_CHECKING:`, which never run."""
    out: list[ast.AST] = []
    todo = [tree]
    while todo:
        node = todo.pop()
        out.append(node)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            todo.extend(node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))
    return out


@cache
def imports_of(name: str, *, type_only_too: bool = False) -> frozenset[str]:
    """Every module `name` imports, absolute, including `from pkg import module` targets
    (with `type_only_too`, also those under `if TYPE_CHECKING:`)."""
    path = module_file(name)
    assert path is not None, name
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree) if type_only_too else _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.add(target)
            # "from scheduler import lunar" imports the module scheduler.core.lunar.
            for alias in node.names:
                if module_file(f"{target}.{alias.name}") is not None:
                    found.add(f"{target}.{alias.name}")
    return frozenset(found)


def reachable(start: str) -> dict[str, tuple[str, ...]]:
    """Every module reachable from `start` through first-party modules -> the import chain to it."""
    chains: dict[str, tuple[str, ...]] = {start: (start,)}
    todo = [start]
    while todo:
        current = todo.pop()
        for imported in sorted(imports_of(current)):
            if imported in chains:
                continue
            chains[imported] = chains[current] + (imported,)
            if imported.split(".")[0] in FIRST_PARTY and module_file(imported) is not None:
                todo.append(imported)
    return chains


def _forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


@pytest.mark.parametrize("module", CORE)
def test_core_module_exists(module: str) -> None:
    assert module_file(module) is not None


@pytest.mark.parametrize("module", CORE)
def test_core_imports_no_shell(module: str) -> None:
    bad = {name: " → ".join(chain) for name, chain in reachable(module).items() if _forbidden(name)}
    assert bad == {}


def test_the_graph_is_followed() -> None:
    """The walker itself: relative imports, lazy imports inside functions and `from pkg import mod`."""
    graph = reachable("scheduler.core.loader")
    assert "scheduler.core.checks" in graph
    assert "scheduler.core.campaign" in graph  # through scheduler.core.checks
    assert "ruamel.yaml" in graph
    assert "scheduler.core.lunar" in reachable("scheduler.core.expand")  # "from scheduler import lunar"
    assert any(_forbidden(n) for n in reachable("scheduler.cli.calendars"))  # the shell does reach typer
    assert "scheduler.settings" not in reachable("notifiers.ics")  # only under `if TYPE_CHECKING:`


def test_the_core_reads_no_settings() -> None:
    """Settings are passed in; a core module importing them could read files at import time."""
    for module in CORE:
        assert "scheduler.settings" not in reachable(module), module


PLAN_CORE = (
    "scheduler.plans.notation",
    "scheduler.plans.findings",
    "scheduler.plans.text",
    "scheduler.plans.mentions",
    "scheduler.plans.wording",
    "scheduler.plans.extract",
    "scheduler.plans.context",
    "scheduler.plans.noise",
    "scheduler.plans.header",
    "scheduler.plans.yearspan",
    "scheduler.plans.periods",
    "scheduler.plans.phases",
    "scheduler.plans.not_phases",
    "scheduler.plans.dated",
    "scheduler.plans.events",
    "scheduler.plans.not_event_days",
    "scheduler.plans.anniversaries",
    "scheduler.plans.lunar_dates",
    "scheduler.plans.draft",
    "scheduler.plans.lint",
    "scheduler.plans.legacy_encodings",
)
PLAN_SHELL = ("scheduler.plans.reading", "scheduler.plans.pdf_ocr", "scheduler.plans.service", "docx", "pypdf",
              "subprocess", "shutil", "tempfile")


@pytest.mark.parametrize("module", PLAN_CORE)
def test_plan_core_reads_no_files(module: str) -> None:
    """Extraction, drafting and linting are pure: reading files and running OCR stay in `reading`."""
    chains = reachable(module)
    bad = {n: " → ".join(c) for n, c in chains.items()
           if _forbidden(n) or any(n == s or n.startswith(s + ".") for s in PLAN_SHELL)}
    assert bad == {}


def _all_modules() -> list[str]:
    names = []
    for package in FIRST_PARTY:
        for path in sorted((REPO / package).rglob("*.py")):
            parts = path.relative_to(REPO).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def import_cycles(*, type_only_too: bool = False) -> list[list[str]]:
    """Strongly connected groups of first-party modules (imports inside functions count)."""
    modules = _all_modules()
    known = set(modules)
    graph = {m: sorted(i for i in imports_of(m, type_only_too=type_only_too) if i in known and i != m)
             for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for m in modules:
        if m not in index:
            visit(m)
    return cycles


def test_no_import_cycles() -> None:
    """Each concept sits at one place in the layers: no module imports one that imports it back."""
    assert import_cycles() == []


def test_no_type_only_import_cycles() -> None:
    """Not even for annotations: a circle under `if TYPE_CHECKING:` (checks ⇄ loader once) is still two
    modules that need each other; the type they share belongs in a module below both."""
    assert import_cycles(type_only_too=True) == []


def test_no_module_borrows_another_modules_private_names() -> None:
    """`from scheduler.core.loader import _plain` or `from typer._click import ...` couples two modules
    through a name neither promised."""
    borrowed = []
    for name in _all_modules():
        path = module_file(name)
        assert path is not None
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                borrowed += [f"{name}: from {node.module} import {a.name}" for a in node.names
                             if a.name.startswith("_") and not a.name.startswith("__")]
                if any(part.startswith("_") and not part.startswith("__") for part in node.module.split(".")):
                    borrowed.append(f"{name}: from {node.module} import ...")  # e.g. typer._click
    assert borrowed == []


# The web package holds HTTP only: the live calendar set and the feed ledger live outside it, and
# only the HTTP layer itself and `lichthidua serve` reach into it.
WEB = "scheduler.web"
WEB_USERS = ("scheduler.web", "scheduler.cli.serve")
OUTSIDE_WEB = ("scheduler.live", "scheduler.feeds", "notifiers.revisions")
HTTP_LIBRARIES = ("fastapi", "starlette", "uvicorn", "jinja2", "scheduler.web")


def _within(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def test_only_the_http_layer_and_serve_import_the_web_package() -> None:
    users = sorted(m for m in _all_modules() if not _within(m, WEB_USERS)
                   and any(_within(i, (WEB,)) for i in imports_of(m)))
    assert users == []


@pytest.mark.parametrize("module", [m for m in _all_modules() if _within(m, OUTSIDE_WEB)])
def test_the_live_set_and_the_feed_ledger_speak_no_http(module: str) -> None:
    bad = {n: " → ".join(c) for n, c in reachable(module).items() if _within(n, HTTP_LIBRARIES)}
    assert bad == {}


def test_the_live_set_and_the_feed_ledger_are_found() -> None:
    """The check above has something to check: the modules that left scheduler/web."""
    moved = [m for m in _all_modules() if _within(m, OUTSIDE_WEB)]
    assert {"scheduler.live.repository", "notifiers.revisions", "scheduler.feeds.revision_store",
            "scheduler.feeds.query"} <= set(moved)
    assert not any(module_file(f"scheduler.web.{n}") for n in ("repository", "revisions", "revision_store", "feeds"))


def test_the_reminder_service_is_handed_its_engine_transport_and_signer() -> None:
    """`open_service` wires; `ReminderService` builds no engine, schema, secret key or transport itself."""
    path = module_file("scheduler.reminders.service")
    assert path is not None
    tree = ast.parse(path.read_text(encoding="utf-8"))
    (service,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "ReminderService"]
    called = {ast.unparse(n.func).rpartition(".")[2] for n in ast.walk(service) if isinstance(n, ast.Call)}
    assert called & {"engine_from_settings", "create_tables", "load_or_create_secret", "transport_from_settings"} == set()


MAX_MODULE_LINES = 450
MIGRATIONS = Path("scheduler/store/migrations/versions")


def test_no_module_is_over_450_lines() -> None:
    """A module over 450 lines holds more than one concept: split it by concern (issue 20). Alembic's
    migrations are records of the schema's history, not modules anyone reads whole: they are left out."""
    long = {}
    for package in FIRST_PARTY:
        for path in sorted((REPO / package).rglob("*.py")):
            relative = path.relative_to(REPO)
            if relative.is_relative_to(MIGRATIONS):
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_MODULE_LINES:
                long[str(relative)] = lines
    assert long == {}


# The floors of the house, lowest first: a module imports only from its own floor or below.
# (notifiers is one package; the rest are scheduler's sub-packages and top-level modules.)
LAYERS: tuple[tuple[str, ...], ...] = (
    # the exception tree, which code made a result, writing a file whole, what reading one document may cost
    ("scheduler.errors", "scheduler.code_version", "scheduler.files", "scheduler.document_limits"),
    ("scheduler.core",),  # the calendar core: pure
    ("scheduler.passwords", "scheduler.settings"),  # the deployment's settings
    ("scheduler.store",),  # the database, its schema, locks, the secret key
    ("notifiers",),  # ICS writer and channels
    ("scheduler.feeds",),  # feed ledger and queries
    ("scheduler.live",),  # the live set of calendars
    ("scheduler.reminders",),  # planning, ledger, sending
    ("scheduler.plans",),  # reading plans into drafts
    ("scheduler.web",),  # the HTTP shell
    ("scheduler.cli",),  # the command line
)


def layer_of(module: str) -> int | None:
    for floor, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return floor
    return None


def test_every_module_has_a_floor() -> None:
    """A new module lands in a package that is a floor (or the package itself is added here)."""
    assert [m for m in _all_modules() if layer_of(m) is None and m not in FIRST_PARTY] == []


def test_imports_go_down_the_floors() -> None:
    """The layer order, also for imports inside functions and under `if TYPE_CHECKING:`."""
    upward = []
    for module in _all_modules():
        floor = layer_of(module)
        if floor is None:
            continue
        for imported in imports_of(module, type_only_too=True):
            target = layer_of(imported)
            if target is not None and target > floor:
                upward.append(f"{module} ({floor}) → {imported} ({target})")
    assert upward == []

