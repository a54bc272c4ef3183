"""A unit's own side of the deadline board: its page and feed, its own "Đã nộp", its attached files.

Each unit reaches its page through a signed link (a unit link, or the "Đã nộp"
link of any of its reminders) and its personal feed through another, revocable
one; on the page it says it has submitted, with an optional file
(:mod:`scheduler.reminders.unit_files`). Staff download those files from the
board, within their scope only. This sits beside
:class:`~scheduler.reminders.board_service.BoardService` and uses its calendars,
hierarchy, scope checks and tables.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from scheduler.errors import BadRequest, Forbidden
from scheduler.reminders import board as B
from scheduler.reminders import unit_files
from scheduler.reminders.actions import facts_from, party
from scheduler.reminders.board_service import BoardService, Staff
from scheduler.reminders.links import SUBMITTED

UNIT = "unit"  # the purpose of a unit page link
UNIT_FEED = "unit-feed"  # the purpose of a unit's personal feed link


class UnitPages:
    """The unit-facing part of the board, over one :class:`BoardService`."""

    def __init__(self, board: BoardService) -> None:
        self.board = board

    def unit_link(self, unit_id: str) -> str:
        token = self.board.reminders.links.signer.sign(UNIT, {"u": unit_id})
        return f"{self.board.reminders.links.base}/don-vi?token={token}"

    def feed_link(self, unit_id: str) -> str:
        version = self.board.store.feed_version(party(unit_id))
        token = self.board.reminders.links.signer.sign(UNIT_FEED, {"u": unit_id, "v": version})
        return f"{self.board.reminders.links.base}/don-vi/lich/{token}.ics"

    def unit_from(self, token: str) -> B.Body:
        """The unit a page link stands for: a unit link, or the "Đã nộp" link of any of its reminders."""
        signer = self.board.reminders.links.signer
        try:
            unit_id = str(signer.verify(UNIT, token).get("u", ""))
        except BadRequest:
            unit_id = str(signer.verify(SUBMITTED, token).get("p", "")).removeprefix("unit:")
        body = self.board.hierarchy().bodies.get(unit_id)
        if body is None:
            raise BadRequest("Liên kết này không (còn) ứng với đơn vị nào trong danh sách người nhận.")
        return body

    def deadline_of_link(self, token: str) -> str | None:
        """The deadline a reminder's "Đã nộp" link was for (None for a unit page link)."""
        try:
            return str(self.board.reminders.links.signer.verify(SUBMITTED, token).get("o", "")) or None
        except BadRequest:
            return None

    def unit_from_feed(self, token: str) -> B.Body:
        payload = self.board.reminders.links.signer.verify(UNIT_FEED, token)
        unit_id = str(payload.get("u", ""))
        if payload.get("v") != self.board.store.feed_version(party(unit_id)):
            raise Forbidden("Liên kết lịch này đã được đơn vị thay bằng liên kết mới.")
        body = self.board.hierarchy().bodies.get(unit_id)
        if body is None:
            raise BadRequest("Liên kết này không (còn) ứng với đơn vị nào trong danh sách người nhận.")
        return body

    def unit_entries(self, body: B.Body, now: datetime) -> list[B.Entry]:
        """Every deadline that concerns the unit, across campaigns, with its status (earliest last day first)."""
        board = self.board
        deadlines = [d for c in board.campaigns() for d in board.deadlines(c.id, now) if body.group in d.groups]
        uids = [d.uid for d in deadlines]
        key = party(body.id)
        subs = {u: {p: at for p, at in parties.items() if p == key}
                for u, parties in board.reminders.store.submissions(uids).items()}
        facts = facts_from(subs, board.store.actions(uids, party_keys=[key], include_nudges=False))
        level = board.hierarchy().level(body.id)
        return sorted((B.entry(d, body, level, facts, now) for d in deadlines),
                      key=lambda e: (e.last_day, e.deadline.uid))

    def unit_submit(self, body: B.Body, uid: str, now: datetime, *, filename: str = "", data: bytes = b"") -> bool:
        """The unit's own "Đã nộp" from its page, with an optional file; True if newly recorded."""
        if not any(e.deadline.uid == uid for e in self.unit_entries(body, now)):
            raise BadRequest("Hạn chót này không thuộc các hạn của đơn vị.")
        key = party(body.id)
        stored = None
        if data:
            settings = self.board.reminders.settings
            if len(data) > settings.submission_file_max_bytes:
                raise unit_files.FileRefused(f"Tệp quá lớn: tối đa {settings.submission_file_max_bytes // 1024:,} KB."
                                             .replace(",", "."))
            if len(self.board.store.files([uid], [key])) >= settings.submission_files_max:
                raise unit_files.FileRefused(f"Đơn vị đã đính kèm đủ {settings.submission_files_max} tệp cho hạn này.")
            stored = unit_files.store(data, settings.data_dir)
        new = self.board.reminders.store.record_submission(uid, key, now)
        if stored is not None:
            self.board.store.add_file(uid, key, unit_files.display_name(filename, stored.kind), stored.kind,
                                      stored.size, stored.sha256, stored.stored_as, now)
        self.board.reminders.changed()
        return new

    def file_for(self, staff: Staff, file_id: int) -> tuple[Path, str, str]:
        """(path, shown name, kind) of an attached file, for staff whose scope covers its unit."""
        row = self.board.store.file(file_id)
        if row is None:
            raise Forbidden(f"Không có tệp số {file_id} trong phạm vi của tài khoản {staff.username}.")
        try:
            self.board.check_scope(staff, row.party_key.removeprefix("unit:"))
        except Forbidden:
            raise Forbidden(f"Không có tệp số {file_id} trong phạm vi của tài khoản {staff.username}.") from None
        return self.board.reminders.settings.data_dir / row.stored_as, row.filename, row.kind
