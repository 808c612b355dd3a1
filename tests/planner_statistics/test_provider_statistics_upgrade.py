"""Issue 10, part 4: upgrading a database that already has provider statistics drops them.

`set statistics 0` alone keeps what ANALYZE gathered before; 20261129130400 also re-declares the
column's type, which drops them without rewriting the table or losing a constraint.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import psycopg

from harness.reset import apply_builtin

ROOT = Path(__file__).resolve().parents[2]
BEFORE = "20261129130300"
ORG = "000000f1-0000-4000-8000-00000000000a"


def test_upgrade_drops_gathered_provider_statistics(platform_db: Callable[[], str]) -> None:
    url = platform_db()
    apply_builtin(url, ROOT, upto=BEFORE, seed=False)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("insert into public.organizations (id, name) values (%s, 'Stats org')", [ORG])
        conn.execute(
            "insert into public.organization_integrations (organization_id, provider) "
            "select %s, 'provider-' || (g %% 7) from generate_series(1, 2000) as g",
            [ORG],
        )
        conn.execute("analyze public.organization_integrations")
        before = conn.execute(
            "select count(*) from pg_stats where tablename = 'organization_integrations' and attname = 'provider'"
        ).fetchone()
        filenode = conn.execute("select pg_relation_filenode('public.organization_integrations')").fetchone()

    apply_builtin(url, ROOT, seed=False)

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("analyze public.organization_integrations")
        after = conn.execute(
            "select count(*) from pg_stats where tablename = 'organization_integrations' and attname = 'provider'"
        ).fetchone()
        kept = conn.execute(
            "select count(*) from pg_stats "
            "where tablename = 'organization_integrations' and attname = 'organization_id'"
        ).fetchone()
        rows = conn.execute("select count(*) from public.organization_integrations").fetchone()
        invalid = conn.execute(
            "select count(*) from pg_constraint where conrelid = 'public.organization_integrations'::regclass "
            "and not convalidated"
        ).fetchone()
        filenode_after = conn.execute("select pg_relation_filenode('public.organization_integrations')").fetchone()

    assert before == (1,), "the upgrade starts with gathered provider statistics"
    assert after == (0,)
    assert kept == (1,)
    assert rows == (2000,)
    assert invalid == (0,)
    assert filenode_after == filenode, "the table was not rewritten"
