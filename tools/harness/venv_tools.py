"""Find the project's command-line tools where the README installs them: next to this Python.

`pip install -e '.[dev]'` puts sqlfluff, squawk and ruff in the virtualenv's
``bin``. A copy elsewhere on PATH may be another version, and on a new machine
it is not there at all, so a test that found it there would pass here and fail
in CI. These helpers never look at PATH.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

VENV_BIN = Path(sys.executable).parent


def venv_tool(name: str) -> str | None:
    """The path of ``name`` in this interpreter's bin directory, or None."""
    return shutil.which(name, path=str(VENV_BIN))
