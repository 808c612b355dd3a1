"""Rollback round trip: up -> down -> up.

After down the column, constraint, triggers and functions are gone, the
group's versions are forgotten, and no Vault secret was deleted. After up
again the schema dump is identical and every reference is back.
"""

from __future__ import annotations

import subprocess

import psycopg
import pytest
from vault_db import GROUP_FIRST, ROLLBACK, group_versions, migrate_up, version_before

from harness.reset import cli_binary
from support.migrations import migrate, run_script, schema_dump
from support.paths import ROOT

ORG_A = "0000b2b2-0000-4000-8000-00000000000a"
ORG_B = "0000b2b2-0000-4000-8000-00000000000b"
# (id, organization, status once set up, credential stored?)
INTEGRATIONS = [
    ("0000b2b2-1000-4000-8000-0000000000a1", ORG_A, "active", True),
    ("0000b2b2-1000-4000-8000-0000000000a2", ORG_A, "inactive", True),
    ("0000b2b2-1000-4000-8000-0000000000a3", ORG_A, "inactive", False),
    ("0000b2b2-1000-4000-8000-0000000000b1", ORG_B, "active", True),
    ("0000b2b2-1000-4000-8000-0000000000b2", ORG_B, "error", True),
]
GROUP_OBJECTS = """
select
    (select count(*) from pg_attribute
     where attrelid = 'public.organization_integrations'::regclass
       and attname = 'vault_secret_id' and not attisdropped),
    (select count(*) from pg_constraint where conname = 'chk_active_integration_has_vault_ref'),
    (select count(*) from pg_trigger
     where tgrelid = 'public.organization_integrations'::regclass and not tgisinternal
       and tgname in ('organization_integrations_check_vault_secret_id',
                      'organization_integrations_delete_credential')),
    (select count(*) from pg_proc
     where pronamespace in ('public'::regnamespace, 'private'::regnamespace)
       and proname in ('store_credential', 'rotate_credential', 'retrieve_credential', 'revoke_credential',
                       'get_integration_vault_secret_id', 'list_dangling_credential_references',
                       'check_vault_secret_reference', 'credential_secret_name',
                       'delete_credential_with_integration'))
"""


def build_world(url: str) -> None:
    """Migrated database with integrations, credentials stored through the functions, some active."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("insert into public.organizations (id, name) values (%s, 'Acme'), (%s, 'Globex')", [ORG_A, ORG_B])
        for integration_id, org_id, status, stored in INTEGRATIONS:
            conn.execute(
                "insert into public.organization_integrations (id, organization_id, provider) values (%s, %s, 'crm')",
                [integration_id, org_id],
            )
            if stored:
                # A direct postgres session counts as privileged.
                conn.execute("select public.store_credential(%s, %s)", [integration_id, f"secret-{integration_id}"])
            conn.execute(
                "update public.organization_integrations set status = %s where id = %s", [status, integration_id]
            )


def state(conn: psycopg.Connection) -> dict[str, tuple[object, ...]]:
    rows = conn.execute(
        "select id::text, status::text, vault_secret_id::text from public.organization_integrations"
    ).fetchall()
    return {row[0]: row[1:] for row in rows}


def secrets(conn: psycopg.Connection) -> set[tuple[str, str]]:
    return {
        (str(row[0]), row[1])
        for row in conn.execute("select id, name from vault.secrets where name like 'integration_credential:%'")
    }


@pytest.fixture
def migrated(platform_db) -> str:
    url = platform_db()
    # Every migration, without the seed: the round trip needs only its own rows.
    migrate(url, upto=max(group_versions()))
    build_world(url)
    return url


def test_round_trip_keeps_schema_and_references(migrated) -> None:
    url = migrated
    dump_before = schema_dump(url)
    with psycopg.connect(url) as conn:
        state_before = state(conn)
        secrets_before = secrets(conn)
        audit_before = conn.execute("select count(*) from public.credential_audit").fetchone()
    assert {v for _, v in state_before.values() if v is not None} == {s for s, _ in secrets_before}
    assert len(secrets_before) == 4

    # down
    run_script(url, ROLLBACK)
    with psycopg.connect(url) as conn:
        assert conn.execute(GROUP_OBJECTS).fetchone() == (0, 0, 0, 0)
        recorded = {row[0] for row in conn.execute("select version from supabase_migrations.schema_migrations")}
        assert recorded.isdisjoint(group_versions())
        assert version_before(GROUP_FIRST) in recorded
        # No Vault secret deleted, the audit trail kept, statuses untouched.
        assert secrets(conn) == secrets_before
        assert conn.execute("select count(*) from public.credential_audit").fetchone() == audit_before
        statuses = dict(conn.execute("select id::text, status::text from public.organization_integrations"))
        assert statuses == {k: v[0] for k, v in state_before.items()}
        # authenticated reads the whole table again, as before the group.
        assert conn.execute(
            "select has_table_privilege('authenticated', 'public.organization_integrations', 'select')"
        ).fetchone() == (True,)

    # up again
    assert migrate_up(url) == group_versions()
    assert schema_dump(url) == dump_before
    with psycopg.connect(url) as conn:
        assert state(conn) == state_before, "same vault_secret_id everywhere, and no row deactivated"
        assert secrets(conn) == secrets_before
        relinked = conn.execute("select count(*) from public.credential_audit where action_name = 'relink'").fetchone()
        assert relinked == (4,)


def test_rollback_leaves_the_schema_as_before_the_group(migrated, platform_db) -> None:
    run_script(migrated, ROLLBACK)
    rolled_back = schema_dump(migrated)  # first: under --db-url the reference reuses the one database
    reference = platform_db()
    migrate(reference, upto=version_before(GROUP_FIRST))
    assert rolled_back == schema_dump(reference)


def test_rollback_runs_twice_without_error(migrated) -> None:
    run_script(migrated, ROLLBACK)
    run_script(migrated, ROLLBACK)
    migrate_up(migrated)
    with psycopg.connect(migrated) as conn:
        assert conn.execute(GROUP_OBJECTS).fetchone() == (1, 1, 2, 15)


def test_store_after_round_trip_reuses_the_kept_secret(migrated) -> None:
    integration_id = INTEGRATIONS[2][0]  # no credential before the rollback
    run_script(migrated, ROLLBACK)
    with psycopg.connect(migrated, autocommit=True) as conn:
        # While rolled back, a secret under the integration's name is in Vault
        # (kept by an earlier round trip), but no column links it.
        kept = conn.execute(
            "select vault.create_secret('kept-value', %s)", [f"integration_credential:{integration_id}"]
        ).fetchone()
    migrate_up(migrated)
    with psycopg.connect(migrated) as conn:
        # Re-applying linked it; storing now replaces it in place instead of tripping on the unique name.
        linked = conn.execute(
            "select vault_secret_id from public.organization_integrations where id = %s", [integration_id]
        ).fetchone()
        assert linked == kept
        stored = conn.execute("select public.store_credential(%s, 'new-value')", [integration_id]).fetchone()
        assert stored == kept
        assert kept is not None
        value = conn.execute("select public.retrieve_credential(%s)", [kept[0]]).fetchone()
        assert value == ("new-value",)


def test_rollback_refuses_to_lose_a_dangling_reference(migrated) -> None:
    with psycopg.connect(migrated, autocommit=True) as conn:
        # Deleted outside the credential functions: the reference now dangles.
        conn.execute(
            "delete from vault.secrets where id = "
            "(select vault_secret_id from public.organization_integrations where id = %s)",
            [INTEGRATIONS[1][0]],
        )
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState):
        run_script(migrated, ROLLBACK)
    with psycopg.connect(migrated) as conn:
        assert conn.execute(GROUP_OBJECTS).fetchone() == (1, 1, 2, 15)


def test_supabase_migration_up_reapplies_the_group_after_rollback(migrated) -> None:
    """The real CLI sees the forgotten versions as pending and applies them again."""
    with psycopg.connect(migrated) as conn:
        state_before = state(conn)
    run_script(migrated, ROLLBACK)
    proc = subprocess.run(
        [str(cli_binary(ROOT)), "migration", "up", "--db-url", f"{migrated}?sslmode=disable"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with psycopg.connect(migrated) as conn:
        recorded = {row[0] for row in conn.execute("select version from supabase_migrations.schema_migrations")}
        assert set(group_versions()) <= recorded
        assert conn.execute(GROUP_OBJECTS).fetchone() == (1, 1, 2, 15)
        assert state(conn) == state_before
