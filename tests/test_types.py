"""Types are checked: mypy on scheduler/ and notifiers/ with the project's config
(pyproject.toml [tool.mypy]) reports no error, and nothing is ignored wholesale."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_finds_no_error(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache")],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout


def test_no_blanket_ignores() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert set(config["packages"]) == {"scheduler", "notifiers"}
    assert "ignore-without-code" in config["enable_error_code"]
    for override in config.get("overrides", []):
        assert not override.get("ignore_errors"), override
        # Only third-party modules without type information may go unchecked.
        assert all(not m.startswith(("scheduler", "notifiers")) for m in override["module"]), override
    for path in [*ROOT.glob("scheduler/**/*.py"), *ROOT.glob("notifiers/**/*.py")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"#\s*type:\s*ignore(?!\[)", text), path  # every ignore names its error code
        assert "# mypy: ignore-errors" not in text, path
