"""Breach runbook: `org-integrations emergency-revoke` end to end.

After a run, no credential of the affected organizations can be retrieved, the
other organizations are untouched and nothing else was deleted; a dry run
changes nothing; a second run changes nothing. The failing proof sabotages
private.revoke_credential so that it leaves the Vault secret behind: the tool's
own verification and this test's checks both catch it.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from gates_world import (
    ACTORS,
    INTEGRATIONS,
    ORG_A,
    ORG_B,
    ORG_C,
    UNRELATED_SECRET_NAME,
    World,
    build_world,
    table_rows,
)

from support.identity import act_as

ROOT = Path(__file__).resolve().parents[2]
TOOL = ["-m", "org_integrations.cli", "emergency-revoke"]


def run_tool(url: str, *args: str) -> tuple[int, str]:
    proc = subprocess.run([sys.executable, *TOOL, "--db-url", url, *args], capture_output=True, text=True, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def integrations_of(org: str) -> list[str]:
    return [i for i, spec in INTEGRATIONS.items() if spec[0] == org]


def assert_revoked(url: str, world: World, org: str) -> None:
    """No credential of ``org`` can be retrieved, found or is still linked; none of its integrations is active."""
    with psycopg.connect(url) as conn:
        for integration_id in integrations_of(org):
            secret_id = world.secret_ids.get(integration_id)
            with conn.transaction():
                act_as(conn, ACTORS["service_role"])
                assert (
                    conn.execute("select public.get_integration_vault_secret_id(%s)", [integration_id]).fetchone()[0]
                    is None
                )
                if secret_id is not None:
                    with pytest.raises(psycopg.errors.NoDataFound):
                        conn.execute("select public.retrieve_credential(%s)", [secret_id])
        leftover = conn.execute(
            "select s.name from vault.secrets as s where s.id = any(%s::uuid[]) "
            "or s.name = any(select 'integration_credential:' || i.id from public.organization_integrations as i "
            "where i.organization_id = %s)",
            [[world.secret_ids[i] for i in integrations_of(org) if i in world.secret_ids], org],
        ).fetchall()
        assert leftover == [], f"Vault secrets of {org} left: {leftover}"
        statuses = dict(
            conn.execute(
                "select id::text, status::text from public.organization_integrations where organization_id = %s",
                [org],
            ).fetchall()
        )
        # Those that had a credential are inactive; one without keeps its status, but none is active.
        assert {statuses[i] for i in integrations_of(org) if INTEGRATIONS[i][3]} <= {"inactive"}
        assert "active" not in statuses.values()


def assert_intact(url: str, world: World, org: str) -> None:
    """Every credential of ``org`` is still retrievable with its original plaintext."""
    with psycopg.connect(url) as conn, conn.transaction():
        act_as(conn, ACTORS["service_role"])
        for integration_id in integrations_of(org):
            if INTEGRATIONS[integration_id][3] == "linked":
                plaintext = conn.execute(
                    "select public.retrieve_credential(public.get_integration_vault_secret_id(%s))", [integration_id]
                ).fetchone()[0]
                assert plaintext == world.plaintexts[integration_id]


def snapshot(url: str) -> dict[str, list[str]]:
    with psycopg.connect(url) as conn:
        return table_rows(conn)


def rows_of(rows: list[str], *needles: str) -> list[str]:
    return [row for row in rows if any(needle in row for needle in needles)]


@pytest.fixture
def world_db(migrated_db: Callable[..., str]) -> tuple[str, World]:
    url = migrated_db()
    return url, build_world(url)


def test_dry_run_lists_and_changes_nothing(world_db: tuple[str, World]) -> None:
    url, _ = world_db
    before = snapshot(url)
    code, out = run_tool(url, "--organization", ORG_A, "--dry-run", "--incident", "INC-1")
    assert code == 0, out
    assert "DRY RUN" in out
    assert "would revoke 3 credential(s)" in out
    for integration_id in ("00000606-1000-4000-8000-0000000000a1", "00000606-1000-4000-8000-0000000000a4"):
        assert integration_id in out
    assert snapshot(url) == before


def test_revoke_one_organization(world_db: tuple[str, World]) -> None:
    url, world = world_db
    before = snapshot(url)
    code, out = run_tool(url, "--organization", ORG_A, "--incident", "INC-2")
    assert code == 0, out
    assert "[1/1] organization 00000606-0000-4000-8000-00000000000a 'Gate org A': revoked 3 credential(s)" in out
    assert "summary: 3 credential(s) revoked in 1 organization(s)" in out

    after = snapshot(url)  # before the checks below: retrieving a credential is audited
    assert_revoked(url, world, ORG_A)
    assert_intact(url, world, ORG_B)
    assert_intact(url, world, ORG_C)

    assert set(after) == set(before)
    a_secrets = [world.secret_ids[i] for i in integrations_of(ORG_A) if i in world.secret_ids]
    for table, rows in before.items():
        gone = sorted(set(rows) - set(after[table]))
        added = sorted(set(after[table]) - set(rows))
        if table == "vault.secrets":
            assert gone == sorted(rows_of(rows, *a_secrets)), "only A's secrets are deleted"
            assert len(gone) == 3
            assert added == []
            assert rows_of(after[table], UNRELATED_SECRET_NAME), "a Vault secret that is no credential stays"
        elif table == "public.organization_integrations":
            # A's linked rows change (status, reference, updated_at); none is deleted; B's and C's are identical.
            assert len(after[table]) == len(rows)
            assert rows_of(gone, ORG_B, ORG_C) == []
            assert {row.split(",")[0].lstrip("(") for row in gone} <= set(integrations_of(ORG_A))
        elif table == "public.credential_audit":
            assert gone == []
            assert len(added) == 4, "3 revoke rows and 1 emergency_revoke row"
            assert all(ORG_A in row for row in added)
        elif table == "public.organization_notifications":
            assert gone == []
            assert len(added) == 1
            assert ORG_A in added[0]
            assert "credentials_revoked" in added[0]
            assert "INC-2" in added[0]
        else:
            assert (gone, added) == ([], []), f"{table} changed"


def test_second_run_changes_nothing(world_db: tuple[str, World]) -> None:
    url, _ = world_db
    assert run_tool(url, "--organization", ORG_A, "--organization", ORG_B)[0] == 0
    after_first = snapshot(url)
    code, out = run_tool(url, "--organization", ORG_A, "--organization", ORG_B)
    assert code == 0, out
    assert out.count(": nothing to revoke\n") == 2
    assert "summary: 0 credential(s) revoked in 0 organization(s); 2 had nothing to revoke; 0 failed" in out
    assert snapshot(url) == after_first


def test_all_organizations(world_db: tuple[str, World]) -> None:
    url, world = world_db
    code, out = run_tool(url, "--all")
    assert code == 0, out
    for number, org in enumerate((ORG_A, ORG_B, ORG_C), start=1):
        assert f"[{number}/3] organization {org}" in out
        assert_revoked(url, world, org)
    with psycopg.connect(url) as conn:
        assert conn.execute(
            "select count(*) from vault.secrets where name = %s", [UNRELATED_SECRET_NAME]
        ).fetchone() == (1,)
        assert conn.execute(
            "select count(*) from public.organization_notifications where kind = 'credentials_revoked'"
        ).fetchone() == (3,)


@pytest.mark.parametrize(
    "args",
    [
        ["--organization", "00000606-0000-4000-8000-0000000000ff"],
        ["--organization", ORG_A, "--organization", "00000606-0000-4000-8000-0000000000ff"],
        ["--organization", "not-a-uuid"],
        ["--organization", ORG_A, "--all"],
        [],
        ["--all", "--incident", "   "],
        ["--all", "--incident", "x" * 201],
    ],
)
def test_bad_arguments_change_nothing(world_db: tuple[str, World], args: list[str]) -> None:
    url, _ = world_db
    before = snapshot(url)
    code, _ = run_tool(url, *args)
    assert code == 2
    assert snapshot(url) == before


def test_a_connection_that_cannot_be_service_role_is_refused(world_db: tuple[str, World]) -> None:
    url, _ = world_db
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("create role runbook_nobody login password 'x'")
        try:
            code, out = run_tool(url.replace("postgres:postgres@", "runbook_nobody:x@"), "--all")
        finally:
            conn.execute("drop role runbook_nobody")
    assert code == 2
    assert "cannot act as service_role" in out


def test_a_database_without_the_migration_is_refused(world_db: tuple[str, World]) -> None:
    url, _ = world_db
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("drop function public.emergency_revoke_credentials(uuid, text, boolean)")
    before = snapshot(url)
    code, out = run_tool(url, "--all")
    assert code == 2
    assert "apply migration 20261127600200 first" in out
    assert snapshot(url) == before


SABOTAGE = """
-- Deliberately bad: a revoke that unlinks and deactivates but leaves the Vault secret behind.
create or replace function private.revoke_credential(p_integration_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
    update public.organization_integrations as i
    set vault_secret_id = null, status = 'inactive'
    where i.id = p_integration_id;
end;
$$;
"""


def test_gate_fails_when_revoke_leaves_secrets_behind(migrated_db: Callable[..., str], tmp_path: Path) -> None:
    url = migrated_db({"29990101000000_sabotaged_revoke.sql": SABOTAGE}, project=tmp_path)
    world = build_world(url)
    code, out = run_tool(url, "--organization", ORG_A)
    assert code == 1, out
    assert "STILL PRESENT after the revoke (3)" in out
    assert "summary: 3 credential(s) revoked in 1 organization(s); 0 had nothing to revoke; 1 failed" in out
    with pytest.raises(AssertionError, match=r"Vault secrets of .* left"):
        assert_revoked(url, world, ORG_A)
