"""Database helpers for the integration-configuration tests (fixtures are in conftest.py)."""

from __future__ import annotations

from pathlib import Path

import psycopg

from harness.reset import MIGRATION_NAME, _apply, migration_files
from harness.sqlsplit import split_statements

ROOT = Path(__file__).resolve().parents[2]


def migrate(url: str, upto: str | None = None) -> list[str]:
    """Apply every migration not yet recorded (and <= upto), in order, each in one transaction; return versions."""
    applied = []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "create schema if not exists supabase_migrations; "
            "create table if not exists supabase_migrations.schema_migrations "
            "(version text primary key, statements text[], name text)"
        )
        done = {row[0] for row in conn.execute("select version from supabase_migrations.schema_migrations")}
        for path in migration_files(ROOT):
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
            applied.append(version)
    return applied
