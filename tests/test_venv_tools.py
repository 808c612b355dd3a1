"""The dev tools come from the virtualenv, never from whatever PATH happens to hold.

On a new machine (CI) sqlfluff, squawk and ruff exist only in ``.venv/bin``;
a test or script that found a global copy would pass here and fail there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.venv_tools import VENV_BIN, venv_tool

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", ["sqlfluff", "squawk", "ruff"])
def test_dev_tool_is_installed_in_the_virtualenv(name: str) -> None:
    found = venv_tool(name)
    assert found is not None, f"{name} is missing from {VENV_BIN}: pip install -e '.[dev]'"
    assert Path(found).parent == VENV_BIN


def test_no_script_or_test_looks_dev_tools_up_on_path() -> None:
    offenders = []
    for path in [*ROOT.glob("tools/**/*.py"), *ROOT.glob("tests/**/*.py")]:
        text = path.read_text()
        for name in ("sqlfluff", "squawk", "ruff"):
            if f'which("{name}")' in text or f"which('{name}')" in text:
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert not offenders, "use harness.venv_tools.venv_tool instead of PATH: " + ", ".join(offenders)
