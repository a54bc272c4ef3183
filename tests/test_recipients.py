"""Recipient groups from calendars/recipients/*.yaml: located Vietnamese diagnostics, like calendars."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CliRun
from pydantic import ValidationError

from notifiers.endpoint_urls import HostPolicy
from scheduler.live.catalog import load_catalog
from scheduler.reminders.recipients import check_recipients, load_directory


def write(calendars: Path, name: str, text: str) -> Path:
    path = calendars / "recipients" / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_files_load(calendars_dir: Path) -> None:
    directory = load_directory(calendars_dir)
    assert directory.ok and set(directory.groups) == {"cd-cap-tren-kon-tum", "cd-cap-tren-ninh-thuan", "cdcs-long-bien"}
    units = directory.units_of(["cd-cap-tren-kon-tum"])
    assert all(e.endswith(".example.org") for u in units for e in u.emails)


def test_every_problem_located_with_suggestions(calendars_dir: Path) -> None:
    write(calendars_dir, "xau.yaml", """groups:
  - id: nhom-moi
    name: Nhóm mới
    units:
      - id: don-vi-a
        name: Đơn vị A
        emial: [a@example.org]
      - id: don-vi-b
        name: Đơn vị B
        emails: [không-phải-email, b@example.org, b@example.org]
""")
    diags = check_recipients(calendars_dir, load_catalog(calendars_dir))
    assert all(d.format() for d in diags)  # every diagnostic formats to a text
    by_code = {d.code: d for d in diags}
    unknown = by_code["extra_forbidden"]
    assert (unknown.file, unknown.line, unknown.column) == ("calendars/recipients/xau.yaml", 7, 9)
    assert unknown.hint and "emails" in unknown.hint["vi"]
    assert "email.invalid" not in by_code  # the file did not validate: no half checks


def test_wrong_types_are_said_in_vietnamese(calendars_dir: Path) -> None:
    write(calendars_dir, "xau.yaml", "groups:\n  - id: nhom-a\n    name: 5\n    units: khong-phai-danh-sach\n")
    diags = {d.path: d for d in load_directory(calendars_dir).diagnostics}
    assert diags["groups[0].name"].message["vi"] == "Giá trị sai: cần văn bản"
    assert diags["groups[0].units"].message["vi"] == "Giá trị sai: cần một danh sách"
    assert (diags["groups[0].units"].line, diags["groups[0].units"].column) == (4, 12)


def test_an_empty_file_has_no_groups_and_no_error(calendars_dir: Path) -> None:
    write(calendars_dir, "trong.yaml", "# chưa có nhóm nào\n\n")
    directory = load_directory(calendars_dir)
    assert directory.ok and "cd-cap-tren-kon-tum" in directory.groups


def test_invalid_and_duplicate_emails(calendars_dir: Path) -> None:
    write(calendars_dir, "xau.yaml", """groups:
  - id: nhom-moi
    name: Nhóm mới
    units:
      - id: don-vi-b
        name: Đơn vị B
        emails: [không-phải-email, b@example.org, B@example.org]
""")
    diags = load_directory(calendars_dir).diagnostics
    invalid = next(d for d in diags if d.code == "email.invalid")
    assert (invalid.line, invalid.column, invalid.value) == (7, 18, "không-phải-email")
    assert "Địa chỉ email không hợp lệ" in invalid.message["vi"]
    duplicate = next(d for d in diags if d.code == "email.duplicate")
    assert duplicate.path == "groups[0].units[0].emails[2]"
    assert load_directory(calendars_dir).groups == {}  # a broken folder sends to nobody


def test_duplicate_groups_and_units_across_files(calendars_dir: Path) -> None:
    write(calendars_dir, "trung.yaml", """groups:
  - id: cdcs-long-bien
    name: Trùng nhóm
  - id: nhom-khac
    name: Nhóm khác
    units:
      - id: vd-kon-tum-cd-vien-chuc
        name: Trùng đơn vị
        emails: [x@example.org]
""")
    diags = load_directory(calendars_dir).diagnostics
    codes = {d.code: d for d in diags}
    assert "calendars/recipients/long-bien.yaml" in codes["group.duplicate"].message["vi"]
    assert codes["unit.duplicate"].line == 7


def test_unknown_group_named_by_a_deadline(calendars_dir: Path) -> None:
    path = calendars_dir / "kon-tum-2024.yaml"
    text = path.read_text(encoding="utf-8").replace("groups: [cd-cap-tren-kon-tum]", "groups: [cd-cap-tren-kontum]", 1)
    path.write_text(text, encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "cd-cap-tren-kontum" in t)
    diags = check_recipients(calendars_dir, load_catalog(calendars_dir))
    (d,) = diags
    assert d.code == "group.unknown" and d.file == "calendars/kon-tum-2024.yaml"
    assert d.hint and "cd-cap-tren-kon-tum" in d.hint["vi"]
    assert (d.line, d.column, d.path) == (line, 14, "deadlines[0].groups[0]")


def test_tabs_and_yaml_traps_reused_from_the_calendar_loader(calendars_dir: Path) -> None:
    write(calendars_dir, "tab.yaml", "groups:\n\t- id: x\n")
    write(calendars_dir, "bool.yaml", "groups:\n  - id: nhom-bool\n    name: no\n")
    codes = {d.code for d in load_directory(calendars_dir).diagnostics}
    assert {"yaml.tab", "yaml.ambiguous_bool"} <= codes


def test_check_command_reports_recipients(calendars_dir: Path, cli: Callable[..., CliRun]) -> None:
    write(calendars_dir, "xau.yaml", "groups:\n  - id: Nhóm Xấu\n    name: x\n")
    result = cli("check")
    assert result.exit_code == 65
    assert "calendars/recipients/xau.yaml:2:9" in result.stderr and "nhom-xau" in result.stderr


def test_a_unit_can_have_a_webhook_beside_or_instead_of_emails(calendars_dir: Path) -> None:
    write(calendars_dir, "chat.yaml", """groups:
  - id: nhom-chat
    name: Nhóm dùng công cụ chat
    units:
      - id: chi-webhook
        name: Đơn vị chỉ dùng chat
        webhook: {url: "https://chat.example.org/hooks/a", secret_env: LICHTHIDUA_WEBHOOK_A}
      - id: ca-hai
        name: Đơn vị dùng cả hai
        emails: [hai@example.org]
        webhook:
          url: http://127.0.0.1:9000/hook
          secret_env: LICHTHIDUA_WEBHOOK_B
""")
    directory = load_directory(calendars_dir, policy=HostPolicy(("127.0.0.1",)))
    assert directory.ok, [d.format() for d in directory.diagnostics]
    only, both = directory.groups["nhom-chat"].units
    assert only.emails == () and only.addresses == ("webhook:chi-webhook",)
    assert both.addresses == ("hai@example.org", "webhook:ca-hai")
    assert directory.webhooks()["chi-webhook"].url == "https://chat.example.org/hooks/a"
    assert directory.webhooks()["ca-hai"].secret_env == "LICHTHIDUA_WEBHOOK_B"


def test_a_unit_nobody_can_reach_and_a_plain_http_webhook_are_errors(calendars_dir: Path) -> None:
    write(calendars_dir, "xau.yaml", """groups:
  - id: nhom-moi
    name: Nhóm mới
    units:
      - id: khong-kenh
        name: Đơn vị không có kênh nào
      - id: http-ngoai
        name: Đơn vị có webhook http
        webhook: {url: "http://chat.example.org/hook", secret_env: LICHTHIDUA_WEBHOOK_C}
""")
    diags = {d.code: d for d in load_directory(calendars_dir).diagnostics}
    assert (diags["unit.no_channel"].line, diags["unit.no_channel"].path) == (5, "groups[0].units[0]")
    assert "không có email và không có webhook" in diags["unit.no_channel"].message["vi"]
    assert diags["endpoint.url"].line == 9 and "cần địa chỉ https://" in diags["endpoint.url"].message["vi"]
    assert "Địa chỉ webhook không dùng được" in diags["endpoint.url"].message["vi"]


def test_a_large_clean_list_is_read_by_the_fast_reader_with_the_same_positions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """20,000 units in 5 files (each under the 512 KiB bound): libyaml reads them, positions as the careful reader's."""
    from scheduler.core.loaded import LoadedFile
    from scheduler.reminders import plain_recipients, recipients

    folder = tmp_path / "recipients"
    folder.mkdir()
    texts = []
    for f in range(5):
        lines = ["groups:", f"  - id: nhom-{f}", f"    name: Nhóm {f}", "    units:"]
        for i in range(f * 4_000, (f + 1) * 4_000):
            lines += [f"      - id: don-vi-{i:05d}", f"        name: 'CĐCS số {i}'",
                      f"        emails: [cd{i:05d}@vi-du.example.org]"]
        texts.append("\n".join(lines) + "\n")
        (folder / f"nhom-{f}.yaml").write_text(texts[-1], encoding="utf-8")

    def careful(*_: object) -> None:
        raise AssertionError("the careful reader should not be needed")

    monkeypatch.setattr(recipients, "yaml_mapping", careful)
    directory = recipients.load_directory(tmp_path)
    assert directory.ok, directory.diagnostics
    assert sum(len(g.units) for g in directory.groups.values()) == 20_000
    assert directory.groups["nhom-4"].units[-1].source.endswith("nhom-4.yaml:12002")
    monkeypatch.undo()

    raw = ("\n".join(texts[0].splitlines()[:40]) + "\n").encode()
    fast, slow = LoadedFile(path=tmp_path / "a.yaml", display="a"), LoadedFile(path=tmp_path / "a.yaml", display="a")
    assert plain_recipients.fast_mapping(raw, fast) == recipients.yaml_mapping(raw, slow)
    assert (fast.positions, fast.key_positions) == (slow.positions, slow.key_positions)


@pytest.mark.parametrize("odd", ["emails: no", "emails: [a@b.example.org, a@b.example.org]\n        x: &a 1",
                                 "name: 08:30", "name: Một\n        name: Hai"])
def test_anything_unusual_goes_to_the_careful_reader(tmp_path: Path, odd: str) -> None:
    from scheduler.core.loaded import LoadedFile
    from scheduler.reminders import plain_recipients, recipients

    text = f"groups:\n  - id: g\n    name: G\n    units:\n      - id: u\n        {odd}\n"
    data = plain_recipients.fast_mapping(text.encode(), LoadedFile(path=tmp_path / "a.yaml", display="a"))
    if data is not None:  # read fast, then refused by the model: the careful reader reads it again
        with pytest.raises(ValidationError):
            recipients.RecipientsFile.model_validate(data)


PLAIN_CASES = {
    "parents.yaml": "groups:\n  - id: huyen\n    name: LĐLĐ huyện\n    parent: ldld-tinh\n    description: Mô tả\n"
                    "    units:\n      - id: ldld-tinh\n        name: LĐLĐ tỉnh\n        emails: tinh@vi-du.vn\n"
                    "      - id: cdcs-1\n        name: CĐCS 1\n        emails: [a@vi-du.vn, A@vi-du.vn]\n"
                    "        parent: khong-co\n      - id: cdcs-2\n        name: CĐCS 2\n        emails: [khong-hop-le]\n"
                    "      - id: cdcs-3\n        name: CĐCS 3\n",
    "dup.yaml": "groups:\n  - id: khac\n    name: Khác\n    units:\n      - id: cdcs-1\n        name: Trùng\n"
                "        emails: [b@vi-du.vn]\n      - id: cdcs-4\n        name: CĐCS 4\n        emails: [c@vi-du.vn]\n"
                "        parent: cdcs-4\n",
    "bad-id.yaml": "groups:\n  - id: Sai_Ma\n    name: Sai\n    units: []\n",
    "extra.yaml": "groups:\n  - id: them\n    name: Thêm\n    units:\n      - id: u\n        name: U\n"
                  "        emails: [d@vi-du.vn]\n        fax: 1\n",
}


@pytest.mark.parametrize("names", [["parents.yaml", "dup.yaml"], ["parents.yaml"], ["bad-id.yaml"], ["extra.yaml"]])
def test_plain_files_give_what_the_model_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, names: list[str]) -> None:
    """A file read without the model (plainly valid fields) gives the same groups, units and diagnostics."""
    from scheduler.reminders import plain_recipients, recipients

    folder = tmp_path / "recipients"
    folder.mkdir()
    for name in names:
        (folder / name).write_text(PLAIN_CASES[name], encoding="utf-8")
    plain = recipients.check_recipient_files(sorted(folder.iterdir()))
    fast = recipients._read_directory(sorted(folder.iterdir()), recipients.DEFAULT_LIMITS, recipients.HostPolicy())
    monkeypatch.setattr(plain_recipients, "plain_model", lambda data: None)
    monkeypatch.setattr(recipients, "plain_model", lambda data: None)
    modelled = recipients._read_directory(sorted(folder.iterdir()), recipients.DEFAULT_LIMITS, recipients.HostPolicy())
    assert (fast.groups, fast.diagnostics) == (modelled.groups, modelled.diagnostics)
    assert plain == recipients.check_recipient_files(sorted(folder.iterdir()))
    assert fast.diagnostics or fast.groups


def test_a_province_sized_recipients_file_has_its_own_bound(calendars_dir: Path) -> None:
    """A list of 5,000 units (~0.9 MB) is over the calendars' 512 KiB but within the recipients' own bound."""
    from scheduler.core.bounds import Limits
    from scheduler.reminders.recipients import load_directory

    units = "".join(f"      - id: cdcs-{i:05d}\n        name: Công đoàn cơ sở Trường Tiểu học số {i}\n"
                    f"        emails: [cdcs{i}@congdoan-tinh.vn]\n" for i in range(5000))
    big = calendars_dir / "recipients" / "tinh.yaml"
    big.write_text(f"groups:\n  - id: ca-tinh\n    name: Cả tỉnh\n    units:\n{units}", encoding="utf-8")
    assert big.stat().st_size > 512 * 1024
    directory = load_directory(calendars_dir)
    assert directory.ok, [d.format() for d in directory.diagnostics]
    assert len(directory.groups["ca-tinh"].units) == 5000
    small = load_directory(calendars_dir, Limits(recipients_file_bytes=512 * 1024))
    assert not small.ok and "ca-tinh" not in small.groups


LISTED = {
    "a.yaml": "groups:\n  - id: ga\n    name: Nhóm A\n    units:\n      - id: u1\n        name: Đơn vị 1\n"
              "        emails: [u1@vi-du.vn, U1b@vi-du.vn]\n      - id: u2\n        name: \"Đơn vị: hai\"\n"
              "        emails: [u2@vi-du.vn]\n  - id: gb\n    name: 'Nhóm B'\n    units:\n      - id: u3\n"
              "        name: Ba\n        emails: [u3@vi-du.vn]\n",
    "dup.yaml": "groups:\n  - id: gc\n    name: C\n    units:\n      - id: u1\n        name: Lại 1\n"
                "        emails: [x@vi-du.vn]\n",
    "twice.yaml": "groups:\n  - id: gd\n    name: D\n    units:\n      - id: u9\n        name: Chín\n"
                  "        emails: [a@vi-du.vn, A@vi-du.vn]\n",
    "word.yaml": "groups:\n  - id: ge\n    name: E\n    units:\n      - id: u8\n        name: yes\n"
                 "        emails: [b@vi-du.vn]\n",
    "bad.yaml": "groups:\n  - id: gf\n    name: F\n    units:\n      - id: u7\n        name: Bảy\n"
                "        emails: [khong-hop-le]\n",
}


@pytest.mark.parametrize("names", [["a.yaml"], ["a.yaml", "dup.yaml"], ["twice.yaml"], ["word.yaml"], ["bad.yaml"]])
def test_listed_files_give_what_the_line_reader_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      names: list[str]) -> None:
    """A generated list read by the pattern gives the same groups, units, sources and diagnostics as the
    line reader; anything it does not take (a repeated unit, an address twice, a word, a bad address) is
    left to the usual readers."""
    from scheduler.reminders import plain_recipients, recipients

    folder = tmp_path / "recipients"
    folder.mkdir()
    for name in names:
        (folder / name).write_text(LISTED[name], encoding="utf-8")
    files = sorted(folder.iterdir())
    fast = recipients._read_directory(files, recipients.DEFAULT_LIMITS, recipients.HostPolicy())
    monkeypatch.setattr(recipients, "listed", lambda raw: None)
    slow = recipients._read_directory(files, recipients.DEFAULT_LIMITS, recipients.HostPolicy())
    assert (fast.groups, fast.diagnostics) == (slow.groups, slow.diagnostics)
    assert plain_recipients.listed(LISTED["a.yaml"].encode()) is not None
    assert fast.groups or fast.diagnostics
