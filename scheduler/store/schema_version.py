"""Whether a database is already at the latest schema, found without loading Alembic.

Every start asks; on all but the first the answer is yes, and then Alembic (with the template
and highlighting libraries it brings, some 10 MB of a service's memory) need not be imported at
all. The revisions are read from the migration files' ``revision`` and ``down_revision`` lines;
anything unusual there (a branch, a file not in that form) answers no, and Alembic decides.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

VERSIONS = Path(__file__).parent / "migrations" / "versions"
_LINE = re.compile(r'^(revision|down_revision)\s*(?::[^=]*)?=\s*(?:"([^"]*)"|\'([^\']*)\'|None)\s*$', re.MULTILINE)


def head_revision() -> str | None:
    """The one revision no other revision follows; None when the files do not say it plainly."""
    revisions: set[str] = set()
    follows: set[str] = set()
    for path in VERSIONS.glob("*.py"):
        if path.name == "__init__.py":
            continue
        found = {m.group(1): m.group(2) or m.group(3) for m in _LINE.finditer(path.read_text(encoding="utf-8"))}
        if not found.get("revision") or "down_revision" not in found:
            return None
        revisions.add(found["revision"])  # type: ignore[arg-type]
        if found["down_revision"]:
            follows.add(found["down_revision"])  # type: ignore[arg-type]
    heads = revisions - follows
    return heads.pop() if len(heads) == 1 else None


def at_head(engine: Engine) -> bool:
    """The database's stamped revision is the latest one (one query; no Alembic)."""
    head = head_revision()
    if head is None:
        return False
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return False
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return rows == [head]
