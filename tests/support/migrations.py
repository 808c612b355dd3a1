"""Applying migrations and scripts to a test database, and dumping its schema."""

from __future__ import annotations

import itertools
import subprocess
from pathlib import Path

import psycopg

from harness import postgres
from harness.pgtap import run_files
from harness.reset import MIGRATION_NAME, apply_builtin
from harness.sqlsplit import split_statements
from support.paths import ROOT, SQL_TESTS

_projects = itertools.count()


def version_of(path: Path) -> str:
    match = MIGRATION_NAME.match(path.name)
    assert match is not None, path
    return match.group(1)


def migrate(url: str, upto: str | None = None, project: Path = ROOT) -> list[str]:
    """Apply every migration not yet recorded (and <= ``upto``), in order, as ``supabase migration up`` does.

    Each file runs in one transaction and is recorded in schema_migrations; the seed never runs.
    Returns the versions applied.
    """
    return [version_of(path) for path in apply_builtin(url, project, upto=upto, seed=False)]


def project_with(directory: Path, migrations: dict[str, str]) -> Path:
    """A new project tree under ``directory``: this repository's migrations (linked) plus ``migrations``."""
    project = directory / f"project-{next(_projects)}"
    folder = project / "supabase" / "migrations"
    folder.mkdir(parents=True)
    for path in sorted((ROOT / "supabase" / "migrations").glob("*.sql")):
        (folder / path.name).symlink_to(path)
    for name, text in migrations.items():
        (folder / name).write_text(text)
    return project


def apply_extra(url: str, directory: Path, migrations: dict[str, str]) -> list[str]:
    """Apply ``migrations`` (file name -> SQL) after the real ones, each as one more migration; return their names.

    The database must already hold every real migration, or those are applied first.
    """
    return [path.name for path in apply_builtin(url, project_with(directory, migrations), seed=False)]


def run_script(url: str, path: Path) -> None:
    """Run a SQL script statement by statement, as ``psql -f`` would (it manages its own transaction)."""
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in split_statements(path.read_text()):
            conn.execute(statement.text)  # type: ignore[arg-type]  # trusted project SQL


def install_test_helpers(url: str) -> None:
    """Run the supabase/tests/00_* setup files, which commit the ``tests`` schema, as before every suite run."""
    setup = run_files(url, sorted(SQL_TESTS.glob("00*.sql")), [], jobs=1)
    assert all(r.passed for r in setup), [r.problems for r in setup]


def schema_dump(url: str) -> str:
    """``pg_dump --schema-only`` as the URL's user, without the random ``\\restrict`` key lines of recent versions."""
    with psycopg.connect(url) as conn:
        major = conn.info.server_version // 10000
    pg_dump = postgres.client_tool("pg_dump", major)  # new enough for the server, 15 or 17
    out = subprocess.run(
        [str(pg_dump), "--schema-only", "--no-owner", "--dbname", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return "\n".join(line for line in out.splitlines() if not line.startswith(("\\restrict", "\\unrestrict")))
