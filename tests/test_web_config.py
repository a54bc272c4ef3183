"""config/lichthidua.toml documents every setting, with the schema's defaults; serve's base URL."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from scheduler.cli.serve import public_base_url
from scheduler.settings import Settings, load_settings

EXAMPLE = Path(__file__).resolve().parents[1] / "config" / "lichthidua.toml"
LINE = re.compile(r"^# (?P<name>[a-z_]+) = (?P<value>.+?)(?:\s+# mặc định: không đặt)?$")


def example_values() -> dict[str, str]:
    found = {}
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        m = LINE.match(line)
        if m:
            found[m["name"]] = m["value"]
    return found


def test_every_setting_is_in_the_example_config() -> None:
    missing = set(Settings.model_fields) - set(example_values())
    assert not missing, f"thêm vào config/lichthidua.toml (có chú thích): {sorted(missing)}"
    assert set(example_values()) <= set(Settings.model_fields)


def test_example_values_are_the_defaults() -> None:
    defaults = Settings()
    uncommented = []
    for name, raw in example_values().items():
        uncommented.append(f"{name} = {raw}")
        if Settings.model_fields[name].default is None:
            continue
        value = tomllib.loads(f"v = {raw}")["v"]
        assert getattr(Settings(**{name: value}), name) == getattr(defaults, name), name
    # Uncommenting everything but the settings without a default changes nothing.
    kept = [line for line in uncommented if not line.startswith("templates_dir")]
    assert Settings(**tomllib.loads("\n".join(kept))) == defaults


def test_example_file_as_shipped_is_all_comments(tmp_path: Path) -> None:
    assert tomllib.loads(EXAMPLE.read_text(encoding="utf-8")) == {}
    assert load_settings(environ={}, config_file=EXAMPLE) == Settings()


def test_every_setting_has_a_vietnamese_description() -> None:
    for name, field in Settings.model_fields.items():
        vietnamese_letters = "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
        assert field.description and any(ch in field.description for ch in vietnamese_letters), name


def test_public_base_url_follows_the_port_unless_configured() -> None:
    assert public_base_url(Settings()) == "http://127.0.0.1:8000"
    assert public_base_url(Settings(port=9000)) == "http://127.0.0.1:9000"
    assert public_base_url(Settings(host="0.0.0.0", port=9000)) == "http://127.0.0.1:9000"
    assert public_base_url(Settings(port=9000, base_url="https://lich.ldld.vn")) == "https://lich.ldld.vn"
