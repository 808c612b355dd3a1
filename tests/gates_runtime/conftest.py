"""Fixtures for the runtime gates (canary, fuzzing, breach runbook): migrated databases on the session cluster."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from harness.reset import apply_builtin

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def migrated_db(migrated_db: Callable[[], str]) -> Callable[..., str]:
    """Factory: the shared migrated_db(), plus optional extra migrations; returns a postgres URL.

    ``extra`` maps file names to SQL applied after the real migrations, each as one more migration: the
    deliberately bad variants the failing proofs need.
    """

    def make(extra: dict[str, str] | None = None, project: Path | None = None) -> str:
        url = migrated_db()
        if extra:
            assert project is not None, "extra migrations need a scratch project directory"
            folder = project / "supabase" / "migrations"
            folder.mkdir(parents=True, exist_ok=True)
            for name, sql in extra.items():
                (folder / name).write_text(sql)
            apply_builtin(url, project, seed=False)
        return url

    return make
