"""One exception hierarchy, one mapping to exit codes and HTTP statuses: the tree
drawn in scheduler/errors.py's docstring is what the classes say."""

from __future__ import annotations

import re

import scheduler.errors as errors


def _tree() -> dict[str, tuple[int, int | None]]:
    rows = {}
    for line in (errors.__doc__ or "").splitlines():
        m = re.match(r"^[\s│├└─]*([A-Z]\w+)\s+exit (\d+)(?:.*?HTTP (\d{3}))?", line)
        if m:
            rows[m[1]] = (int(m[2]), int(m[3]) if m[3] else None)
    return rows


def test_the_drawn_tree_is_the_mapping() -> None:
    tree = _tree()
    classes = {name: cls for name, cls in vars(errors).items()
               if isinstance(cls, type) and issubclass(cls, errors.LichThiDuaError)}
    assert set(tree) == set(classes)
    for name, (exit_code, http_status) in tree.items():
        cls = classes[name]
        assert cls.exit_code == exit_code, name
        if http_status is not None:
            assert cls.http_status == http_status, name


def test_a_broken_calendar_is_503_and_a_missing_one_404() -> None:
    assert errors.CalendarError("x").http_status == 503
    assert errors.CalendarNotFound("x").http_status == 404
    assert errors.BadRequest("x").http_status == 400 and errors.BadRequest("x").exit_code == 64
