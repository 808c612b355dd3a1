"""Reset a database the way ``supabase db reset`` does.

Two ways to get there:

* ``apply_builtin`` for a fresh embedded cluster: every migration in filename
  order, each file in one transaction (statement by statement outside one when
  the file manages its own transactions or uses CONCURRENTLY), each recorded in
  ``supabase_migrations.schema_migrations(version, name, statements)`` with the
  CLI's statement split, then the seed files from ``config.toml``, recorded in
  ``supabase_migrations.seed_files``. It is fast and reports failures with file,
  line, SQLSTATE and message.
* ``reset_with_cli`` runs the real ``supabase db reset --db-url`` from
  ``node_modules``.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

import psycopg

from harness.cluster import HarnessError
from harness.sqlsplit import Statement, line_of, split_statements

MIGRATION_NAME = re.compile(r"^([0-9]+)_(.*)\.sql$")
# Files whose statements must run outside a single wrapping transaction.
_NON_TRANSACTIONAL = re.compile(r"^\s*(begin|commit|rollback|start\s+transaction|end)\b|\bconcurrently\b", re.I)

_BOOKKEEPING = """
create schema if not exists supabase_migrations;
create table if not exists supabase_migrations.schema_migrations (version text not null primary key);
alter table supabase_migrations.schema_migrations add column if not exists statements text[];
alter table supabase_migrations.schema_migrations add column if not exists name text;
create table if not exists supabase_migrations.seed_files (path text not null primary key, hash text not null);
"""


@dataclass
class SqlFailure(Exception):
    """A statement in a file failed."""

    path: Path
    line: int
    sqlstate: str
    message: str
    kind: str = "migration"

    def __str__(self) -> str:
        return f"{self.kind} failed: {self.path}:{self.line}: {self.sqlstate} {self.message}"


def migration_files(project: Path) -> list[Path]:
    folder = project / "supabase" / "migrations"
    return sorted(p for p in folder.glob("*.sql") if MIGRATION_NAME.match(p.name))


def seed_files(project: Path) -> list[Path]:
    """Seed files named by ``[db.seed] sql_paths`` in config.toml, as the CLI reads them."""
    config_path = project / "supabase" / "config.toml"
    config = tomllib.loads(config_path.read_text()) if config_path.exists() else {}
    seed = config.get("db", {}).get("seed", {})
    if not seed.get("enabled", True):
        return []
    found: list[Path] = []
    for pattern in seed.get("sql_paths", ["./seed.sql"]):
        matches = sorted((project / "supabase").glob(pattern.removeprefix("./")))
        found.extend(m for m in matches if m.is_file() and m not in found)
    return found


def _run_file(conn: psycopg.Connection, path: Path, statements: list[Statement], kind: str) -> None:
    """Run statements in order; on error raise SqlFailure with the file line."""
    for statement in statements:
        try:
            conn.execute(statement.text)  # trusted project SQL
        except psycopg.Error as exc:
            diag = exc.diag
            position = int(diag.statement_position) if diag.statement_position else None
            raise SqlFailure(
                path=path,
                line=line_of(statement, position),
                sqlstate=diag.sqlstate or "?????",
                message=(diag.message_primary or str(exc)) + (f" ({diag.context.strip()})" if diag.context else ""),
                kind=kind,
            ) from exc


def _apply(conn: psycopg.Connection, path: Path, kind: str, record: tuple[str, list[object]]) -> None:
    statements = split_statements(path.read_text())
    own_transactions = any(_NON_TRANSACTIONAL.search(s.text) for s in statements)
    query, params = record
    if own_transactions:
        _run_file(conn, path, statements, kind)
        conn.execute(query, params)
    else:
        with conn.transaction():
            _run_file(conn, path, statements, kind)
            conn.execute(query, params)


def apply_builtin(url: str, project: Path, upto: str | None = None, seed: bool = True) -> list[Path]:
    """Apply pending migrations in filename order, then the seed files.

    Pending means not yet recorded in ``schema_migrations`` (and, with ``upto``,
    a version <= ``upto``), as ``supabase migration up`` does; on a fresh
    database that is every migration, as ``supabase db reset`` does. The seed
    runs only for a full run (``upto`` is None) and when ``seed`` is true.
    """
    applied: list[Path] = []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(_BOOKKEEPING)
        done = {row[0] for row in conn.execute("select version from supabase_migrations.schema_migrations")}
        for path in migration_files(project):
            match = MIGRATION_NAME.match(path.name)
            assert match is not None
            version, name = match.groups()
            if version in done or (upto is not None and version > upto):
                continue
            statements = [s.text for s in split_statements(path.read_text())]
            record = (
                "insert into supabase_migrations.schema_migrations (version, name, statements) values (%s, %s, %s)",
                [version, name, statements],
            )
            _apply(conn, path, "migration", record)
            applied.append(path)
        if upto is None and seed:
            for path in seed_files(project):
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                rel = path.relative_to(project).as_posix()
                record = ("insert into supabase_migrations.seed_files (path, hash) values (%s, %s)", [rel, digest])
                _apply(conn, path, "seed", record)
    return applied


def cli_binary(project: Path) -> Path:
    binary = project / "node_modules" / ".bin" / "supabase"
    if not binary.exists():
        raise HarnessError(
            "the Supabase CLI was asked for but is not installed in node_modules. Install the pinned version:\n"
            f"  (cd {project} && npm ci)"
        )
    return binary


def reset_with_cli(url: str, project: Path) -> None:
    """Run the real ``supabase db reset --db-url`` (it needs TLS or sslmode=disable)."""
    binary = cli_binary(project)
    if "sslmode=" not in url:
        url += ("&" if "?" in url else "?") + "sslmode=disable"
    proc = subprocess.run(
        [str(binary), "db", "reset", "--yes", "--db-url", url],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise HarnessError(f"supabase db reset failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")


def install_pgtap(url: str) -> None:
    """``db reset`` drops pgtap, so (re)create it in ``extensions`` afterwards."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("create extension if not exists pgtap with schema extensions")
