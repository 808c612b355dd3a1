"""Upgrade: the vault_secret_id migrations applied to a database that already holds integrations.

Rows that are 'active' without a credential move to 'inactive', counted per
organization in the audit trail; nothing is deleted and nothing else changes.
"""

from __future__ import annotations

import psycopg
from vault_db import GROUP_FIRST, group_versions, migrate_up, version_before

from org_integrations.identity import Identity
from support.identity import act_as
from support.migrations import migrate
from support.users import add_member, create_org, create_user

ORG_A = "0000a1a1-0000-4000-8000-00000000000a"
ORG_B = "0000a1a1-0000-4000-8000-00000000000b"
ORG_C = "0000a1a1-0000-4000-8000-00000000000c"
ADMIN_A = "0000a1a1-0000-4000-8000-0000000000a1"
ADMIN_B = "0000a1a1-0000-4000-8000-0000000000b1"

# (id, organization, provider, display name, status)
INTEGRATIONS = [
    ("0000a1a1-1000-4000-8000-0000000000a1", ORG_A, "salesforce", "Salesforce (sales)", "active"),
    ("0000a1a1-1000-4000-8000-0000000000a2", ORG_A, "hubspot", "HubSpot marketing", "active"),
    ("0000a1a1-1000-4000-8000-0000000000a3", ORG_A, "google_sheets", "Weekly export", "inactive"),
    ("0000a1a1-1000-4000-8000-0000000000a4", ORG_A, "pipedrive", None, "error"),
    ("0000a1a1-1000-4000-8000-0000000000b1", ORG_B, "salesforce", "Salesforce", "active"),
    ("0000a1a1-1000-4000-8000-0000000000b2", ORG_B, "hubspot", None, "inactive"),
    ("0000a1a1-1000-4000-8000-0000000000c1", ORG_C, "zendesk", "Support desk", "inactive"),
]
ACTIVE = {row[0] for row in INTEGRATIONS if row[4] == "active"}
# Every column the earlier migrations define, so the comparison covers them all.
COLUMNS = (
    "id::text, organization_id::text, provider, display_name, status::text, field_mappings, sync_schedule, "
    "created_at, updated_at, created_by::text"
)


def insert_realistic_rows(conn: psycopg.Connection) -> None:
    for user_id, email in ((ADMIN_A, "admin@a.example"), (ADMIN_B, "admin@b.example")):
        create_user(conn, user_id, email)
    for org_id, name in ((ORG_A, "Acme Logistics"), (ORG_B, "Globex Freight"), (ORG_C, "Initech")):
        create_org(conn, org_id, name)
    add_member(conn, ORG_A, ADMIN_A, "admin")
    add_member(conn, ORG_B, ADMIN_B, "admin")
    for integration_id, org_id, provider, display_name, status in INTEGRATIONS:
        # Backdated, so that a change of updated_at by the upgrade would show.
        conn.execute(
            "insert into public.organization_integrations "
            "(id, organization_id, provider, display_name, status, created_by, created_at, updated_at) "
            "values (%s, %s, %s, %s, %s, %s, now() - interval '30 days', now() - interval '2 days')",
            [integration_id, org_id, provider, display_name, status, {ORG_A: ADMIN_A, ORG_B: ADMIN_B}.get(org_id)],
        )


def snapshot(conn: psycopg.Connection) -> dict[str, tuple[object, ...]]:
    rows = conn.execute(f"select {COLUMNS} from public.organization_integrations").fetchall()
    return {row[0]: row for row in rows}


def test_upgrade_deactivates_active_rows_without_credential_and_loses_nothing(platform_db) -> None:
    url = platform_db()
    migrate(url, upto=version_before(GROUP_FIRST))
    with psycopg.connect(url, autocommit=True) as conn:
        insert_realistic_rows(conn)
        before = snapshot(conn)
        audit_before = conn.execute("select count(*) from public.credential_audit").fetchone()

    applied = migrate_up(url)
    assert set(group_versions()) <= set(applied)

    with psycopg.connect(url) as conn:
        after = snapshot(conn)
        # No row lost, none added.
        assert after.keys() == before.keys()
        for integration_id, row in before.items():
            new = after[integration_id]
            if integration_id in ACTIVE:
                assert new[4] == "inactive", integration_id
                assert new[8] > row[8], "deactivating stamps updated_at"
                # Everything else unchanged.
                assert new[:4] + new[5:8] + new[9:] == row[:4] + row[5:8] + row[9:]
            else:
                assert new == row, integration_id

        references = conn.execute(
            "select count(*) from public.organization_integrations where vault_secret_id is not null"
        ).fetchone()
        assert references == (0,)

        # The count, per organization, is in the audit trail; nothing else was audited.
        assert audit_before == (0,)
        audit = conn.execute(
            "select organization_id::text, integration_id, vault_secret_id, action_name, actor_role, "
            "details ->> 'migration', (details ->> 'count')::int, details -> 'integration_ids' "
            "from public.credential_audit order by organization_id"
        ).fetchall()
        assert audit == [
            (
                ORG_A,
                None,
                None,
                "deactivate_missing_credential",
                "postgres",
                "20261127300500",
                2,
                sorted(i for i in ACTIVE if i.startswith("0000a1a1-1000-4000-8000-0000000000a")),
            ),
            (
                ORG_B,
                None,
                None,
                "deactivate_missing_credential",
                "postgres",
                "20261127300500",
                1,
                ["0000a1a1-1000-4000-8000-0000000000b1"],
            ),
        ]

        # The outcome the issue specifies: a nullable uuid column and a validated constraint.
        column = conn.execute(
            "select format_type(a.atttypid, a.atttypmod), a.attnotnull from pg_attribute as a "
            "where a.attrelid = 'public.organization_integrations'::regclass and a.attname = 'vault_secret_id'"
        ).fetchone()
        assert column == ("uuid", False)
        constraint = conn.execute(
            "select convalidated from pg_constraint "
            "where conrelid = 'public.organization_integrations'::regclass "
            "and conname = 'chk_active_integration_has_vault_ref'"
        ).fetchone()
        assert constraint == (True,)


def test_upgraded_integration_can_be_reactivated_once_a_credential_is_stored(platform_db) -> None:
    url = platform_db()
    migrate(url, upto=version_before(GROUP_FIRST))
    with psycopg.connect(url, autocommit=True) as conn:
        insert_realistic_rows(conn)
    migrate_up(url)
    integration_id = INTEGRATIONS[0][0]
    with psycopg.connect(url) as conn:
        # As the organization's admin, the way PostgREST would call it.
        act_as(conn, Identity.user(ADMIN_A))
        stored = conn.execute("select public.store_credential(%s, %s)", [integration_id, "sk_test_51Hx"]).fetchone()
        assert stored is not None
        assert stored[0] is not None
        updated = conn.execute(
            "update public.organization_integrations set status = 'active' where id = %s returning status::text",
            [integration_id],
        ).fetchone()
        assert updated == ("active",)
