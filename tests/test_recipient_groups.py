"""A recipient group keeps its units packed: what it gives back is what it was given, found by id, digested."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from scheduler.reminders.plan_blocks import Block, Party
from scheduler.reminders.recipient_groups import Group, Unit
from scheduler.reminders.recipients import load_directory
from scheduler.reminders.row_order import ordered


def _units() -> tuple[Unit, ...]:
    hook = SimpleNamespace(url="https://hooks.example.org/a")
    return (Unit("don-vi-a", "Công đoàn cơ sở Trường Tiểu học Hòa Bình", ("a@example.org", "a2@example.org"),
                 "calendars/recipients/a.yaml", (), "nhom", "ldld-huyen", 5),
            Unit("don-vi-b", "Đơn vị \"B\"\u00a0có dấu", (), "calendars/recipients/a.yaml", (("webhook", hook),),
                 "nhom", None, 8))


def test_units_come_back_as_given_and_are_found_by_id() -> None:
    units = _units()
    group = Group("nhom", "Nhóm thử", units, "calendars/recipients/a.yaml:2")
    assert group.units == units
    assert group.unit("don-vi-b") == units[1] and group.unit("khong-co") is None
    assert group.unit_ids == ("don-vi-a", "don-vi-b") and group.has_endpoints
    assert units[1].addresses == ("webhook:don-vi-b",)
    again = Group("nhom", "Nhóm thử", group.units, "calendars/recipients/a.yaml:2")
    assert again == group and hash(again) == hash(group) and again.digest == group.digest


def test_digest_follows_what_planning_reads() -> None:
    units = _units()
    group = Group("nhom", "Nhóm thử", units, "a.yaml:2")
    # A unit's line or the group's place in the file plan nothing different.
    shifted = Group("nhom", "Nhóm thử", tuple(Unit(u.id, u.name, u.emails, u.file, u.endpoints, u.group, u.parent,
                                                   u.line + 3) for u in units), "a.yaml:5")
    assert shifted.digest == group.digest and shifted != group
    renamed = Group("nhom", "Nhóm thử", (Unit("don-vi-a", "Tên khác", units[0].emails, units[0].file),
                                         units[1]), "a.yaml:2")
    assert renamed.digest != group.digest


def test_loaded_groups_hold_their_units(tmp_path: Path) -> None:
    folder = tmp_path / "recipients"
    folder.mkdir()
    (folder / "a.yaml").write_text("""groups:
  - id: nhom-a
    name: Nhóm A
    parent: ldld-tinh
    units:
      - id: ldld-tinh
        name: Liên đoàn Lao động tỉnh
        emails: [tinh@example.org]
      - id: cdcs-1
        name: CĐCS số 1
        emails: [cdcs1@example.org, "CDCS1-b@example.org"]
""", encoding="utf-8")
    directory = load_directory(tmp_path)
    assert directory.ok, directory.diagnostics
    first, second = directory.groups["nhom-a"].units
    assert (second.id, second.name, second.emails, second.parent, second.group) == (
        "cdcs-1", "CĐCS số 1", ("cdcs1@example.org", "CDCS1-b@example.org"), "ldld-tinh", "nhom-a")
    assert second.source.endswith("a.yaml:9") and first.source.endswith("a.yaml:6")
    assert directory.unit("cdcs-1") == second and directory.unit("khong-co") is None


def test_rows_in_order_as_one_sort_gives_them() -> None:
    rng = random.Random(7)
    start = datetime(2026, 3, 2, 1, tzinfo=UTC)
    blocks, made = [], 0
    for _ in range(60):  # blocks of one instant, deadline and offset, some sharing an instant and a deadline
        send_at, uid, offset = start + timedelta(days=rng.randrange(3)), f"d{rng.randrange(3)}", rng.randrange(-2, 3)
        rows = []
        for _ in range(rng.randrange(0, 6)):
            rows.append(SimpleNamespace(send_at=send_at, occurrence_uid=uid, offset_days=offset, n=made,
                                        recipient_key=f"unit:u{rng.randrange(8)}|u@example.org"))
            made += 1
        # As planning makes them: a block's rows made from its parties when it is read, in any order given.
        parties = [Party(str(i), "", ("u@example.org",)) for i in range(len(rows))]
        blocks.append((rows, Block(SimpleNamespace(send_at=send_at, occurrence_uid=uid), parties,
                                   lambda m, p, e, rows=rows: rows[int(p.key)])))
    expected = sorted((r for rows, _ in blocks for r in rows),
                      key=lambda r: (r.send_at, r.occurrence_uid, r.recipient_key, r.offset_days))
    assert [r.n for r in ordered(b for _, b in blocks)] == [r.n for r in expected]
