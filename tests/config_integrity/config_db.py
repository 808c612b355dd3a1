"""Database helpers for the integration-configuration tests (fixtures are in conftest.py)."""

from __future__ import annotations

from pathlib import Path

from harness.reset import apply_builtin

ROOT = Path(__file__).resolve().parents[2]


def migrate(url: str, upto: str | None = None) -> list[str]:
    """Apply every migration not yet recorded (and <= upto), in order, each in one transaction; return versions."""
    return [path.name.split("_", 1)[0] for path in apply_builtin(url, ROOT, upto=upto, seed=False)]
