"""The pre-deploy step for the 300400 window, and the upgrade bench's gate when nothing is pending.

A database at 20261127200800 with active integrations, some with a secret
kept in Vault under their name: after tools/predeploy_credentials.py no
integration is active without a reference, each change is audited as 300500
audits it, and 300500 then finds nothing left to change.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

import bench_upgrade
from harness.reset import apply_builtin
from predeploy_credentials import CHECK_ADDED, PREPARED, predeploy

ROOT = Path(__file__).resolve().parents[2]
BEFORE_GROUP = "20261127200800"
ORG_A = "0000b2b2-0000-4000-8000-00000000000a"
ORG_B = "0000b2b2-0000-4000-8000-00000000000b"
# (id, organization, status, has a kept secret)
ROWS = [
    ("0000b2b2-1000-4000-8000-0000000000a1", ORG_A, "active", True),
    ("0000b2b2-1000-4000-8000-0000000000a2", ORG_A, "active", False),
    ("0000b2b2-1000-4000-8000-0000000000a3", ORG_A, "inactive", True),
    ("0000b2b2-1000-4000-8000-0000000000a4", ORG_A, "error", False),
    ("0000b2b2-1000-4000-8000-0000000000b1", ORG_B, "active", False),
    ("0000b2b2-1000-4000-8000-0000000000b2", ORG_B, "active", True),
]


@pytest.fixture
def at_200800(platform_db) -> str:
    if not (ROOT / "node_modules" / ".bin" / "supabase").exists():
        pytest.fail("the Supabase CLI is not installed: run `npm ci` (tools/dev.sh does)")
    url = platform_db()
    apply_builtin(url, ROOT, upto=BEFORE_GROUP, seed=False)
    with psycopg.connect(url, autocommit=True) as conn:
        for org in (ORG_A, ORG_B):
            conn.execute("insert into public.organizations (id, name) values (%s, 'Org')", [org])
        for integration_id, org, status, kept in ROWS:
            conn.execute(
                "insert into public.organization_integrations (id, organization_id, provider, status) "
                "values (%s, %s, 'salesforce', %s)",
                [integration_id, org, status],
            )
            if kept:
                # As the rollback script leaves it: the secret stays in Vault under the integration's name.
                conn.execute(
                    "select vault.create_secret('sk_test_kept', 'integration_credential:' || %s::text)",
                    [integration_id],
                )
    return url


def state(url: str) -> dict[str, tuple[str, bool]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "select id::text, status::text, vault_secret_id is not null from public.organization_integrations"
        ).fetchall()
    return {row[0]: (row[1], row[2]) for row in rows}


def test_predeploy_relinks_and_deactivates_before_300400(at_200800: str) -> None:
    result = predeploy(at_200800, ROOT, batch_organizations=1)

    assert result.migrate is not None
    assert result.migrate.ok
    assert [w.version for w in result.migrate.windows] == [
        "20261127300000",
        "20261127300100",
        "20261127300200",
        PREPARED,
    ], "applied with the CLI up to 300300 and no further"
    assert (result.relinked, result.deactivated, result.batches) == (3, 2, 2)
    assert state(at_200800) == {
        ROWS[0][0]: ("active", True),
        ROWS[1][0]: ("inactive", False),
        ROWS[2][0]: ("inactive", True),
        ROWS[3][0]: ("error", False),
        ROWS[4][0]: ("inactive", False),
        ROWS[5][0]: ("active", True),
    }
    with psycopg.connect(at_200800) as conn:
        audit = conn.execute(
            "select organization_id::text, action_name, details ->> 'migration', details ->> 'predeploy', "
            "(details ->> 'count')::int from public.credential_audit order by organization_id, action_name, "
            "integration_id"
        ).fetchall()
        applied = {r[0] for r in conn.execute("select version from supabase_migrations.schema_migrations")}
    assert audit == [
        (ORG_A, "deactivate_missing_credential", "20261127300500", "true", 1),
        (ORG_A, "relink", "20261127300500", "true", None),
        (ORG_A, "relink", "20261127300500", "true", None),
        (ORG_B, "deactivate_missing_credential", "20261127300500", "true", 1),
        (ORG_B, "relink", "20261127300500", "true", None),
    ]
    assert CHECK_ADDED not in applied

    # The deploy proper: 300400 finds no legacy active row, 300500 nothing to change.
    before = state(at_200800)
    apply_builtin(at_200800, ROOT, seed=False)
    assert state(at_200800) == before
    with psycopg.connect(at_200800) as conn:
        migration_audit = conn.execute(
            "select pg_catalog.count(*) from public.credential_audit where details ->> 'predeploy' is null"
        ).fetchone()
        validated = conn.execute(
            "select convalidated from pg_catalog.pg_constraint where conname = 'chk_active_integration_has_vault_ref'"
        ).fetchone()
    assert migration_audit == (0,)
    assert validated == (True,)


def test_predeploy_is_a_no_op_once_300400_is_applied(migrated_db) -> None:
    url = migrated_db()
    result = predeploy(url, ROOT)
    assert result.migrate is None
    assert result.batches == 0
    assert result.notes == [f"{CHECK_ADDED} is already applied: nothing to do"]


def test_gate_passes_when_nothing_is_newer(capsys: pytest.CaptureFixture[str]) -> None:
    newest = bench_upgrade.local_versions(ROOT)[-1][0]
    assert bench_upgrade.main(["--gate", "--from", newest]) == 0
    assert "nothing to deploy" in capsys.readouterr().out


def test_gate_rejects_an_unknown_from_version() -> None:
    assert bench_upgrade.main(["--gate", "--from", "19990101000000"]) == 2
