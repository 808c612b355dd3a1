"""Helpers for the Vault credential tests: migrate like ``supabase migration up``, run a script, dump a schema."""

from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg

from harness import postgres
from harness.reset import MIGRATION_NAME, apply_builtin, migration_files
from harness.sqlsplit import split_statements

ROOT = Path(__file__).resolve().parents[2]
# The vault_secret_id group: its first migration, and the rollback named after its last.
GROUP_FIRST = "20261127300100"
GROUP_LAST = "20261127300900"
ROLLBACK = ROOT / "supabase" / "rollbacks" / f"{GROUP_LAST}_list_dangling_credential_references.sql"


def version_of(path: Path) -> str:
    match = MIGRATION_NAME.match(path.name)
    assert match is not None, path
    return match.group(1)


def version_before(version: str) -> str:
    """The newest migration version older than ``version``."""
    return max(v for v in map(version_of, migration_files(ROOT)) if v < version)


def group_versions() -> list[str]:
    return [v for v in map(version_of, migration_files(ROOT)) if GROUP_FIRST <= v <= GROUP_LAST]


def migrate_up(url: str, upto: str = GROUP_LAST) -> list[str]:
    """Apply, in order, every migration not yet in schema_migrations (and <= upto), as ``migration up`` does.

    The round trip is tested where the group was the newest release: a rollback
    script undoes the newest group, so later migrations are not applied here.
    """
    return [version_of(path) for path in apply_builtin(url, ROOT, upto=upto, seed=False)]


def run_script(url: str, path: Path) -> None:
    """Run a SQL script statement by statement, as ``psql -f`` would (it manages its own transaction)."""
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in split_statements(path.read_text()):
            conn.execute(statement.text)  # type: ignore[arg-type]  # trusted project SQL


def schema_dump(url: str) -> str:
    """``pg_dump --schema-only`` as postgres, without the random ``\\restrict`` key lines of recent versions."""
    with psycopg.connect(url) as conn:
        major = conn.info.server_version // 10000
    pg_dump = postgres.client_tool("pg_dump", major)
    out = subprocess.run(
        [str(pg_dump), "--schema-only", "--no-owner", "--dbname", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return "\n".join(line for line in out.splitlines() if not line.startswith(("\\restrict", "\\unrestrict")))
