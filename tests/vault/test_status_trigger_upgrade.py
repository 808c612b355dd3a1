"""Upgrading to 20261129100100: rows already active with a secret gone from Vault become inactive, are counted per
organization in credential_audit, and are never deleted; healthy active rows stay active."""

from __future__ import annotations

import psycopg

from harness.reset import apply_builtin
from support.paths import ROOT

BEFORE = "20261129100000"  # the migration before the status trigger
ORG = "0000d5d5-0000-4000-8000-00000000000a"
HEALTHY = "0000d5d5-1000-4000-8000-0000000000a1"
DANGLING = "0000d5d5-1000-4000-8000-0000000000a2"


def test_upgrade_deactivates_active_rows_whose_secret_is_gone(platform_db) -> None:
    url = platform_db()
    apply_builtin(url, ROOT, upto=BEFORE, seed=False)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("insert into public.organizations (id, name) values (%s, 'Upgrade')", [ORG])
        for integration in (HEALTHY, DANGLING):
            conn.execute(
                "insert into public.organization_integrations (id, organization_id, provider) values (%s, %s, 'crm')",
                [integration, ORG],
            )
            conn.execute("select public.store_credential(%s, 'value')", [integration])
            conn.execute("update public.organization_integrations set status = 'active' where id = %s", [integration])
        # Deleted outside the credential functions while active: allowed before the new trigger.
        conn.execute("delete from vault.secrets where name = %s", [f"integration_credential:{DANGLING}"])

    apply_builtin(url, ROOT, seed=False)

    with psycopg.connect(url) as conn:
        statuses = dict(conn.execute("select id::text, status::text from public.organization_integrations"))
        assert statuses == {HEALTHY: "active", DANGLING: "inactive"}
        audit = conn.execute(
            "select organization_id::text, details from public.credential_audit "
            "where action_name = 'deactivate_missing_credential'"
        ).fetchall()
        assert audit == [(ORG, {"migration": "20261129100100", "count": 1, "integration_ids": [DANGLING]})]
