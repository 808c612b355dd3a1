"""Upgrading a database that holds integrations written before the schema checks.

Rows with documents of no schema (the base migration's '{}' default, or the
legacy shapes seed.sql used) are repaired by 20261127200800 before it validates
the checks: reset to the defaults, the old documents in the audit, one
notification per organization; valid rows are untouched; nothing is deleted.
"""

from __future__ import annotations

import psycopg
from psycopg.types.json import Jsonb

from org_integrations.config_models import DEFAULT_FIELD_MAPPINGS, DEFAULT_SYNC_SCHEDULE
from support.migrations import migrate

BEFORE_CHECKS = "20261127200300"  # the defaults; the checks come next
ORG_A = "000000d1-0000-4000-8000-00000000000a"
ORG_B = "000000d1-0000-4000-8000-00000000000b"
VALID_FM = {"version": 1, "mappings": [{"source": "Contact.Email", "target": "email", "required": True}]}
VALID_SS = {"version": 1, "mode": "interval", "interval_minutes": 60, "timezone": "America/Chicago", "enabled": True}
# id, organization, status, field_mappings, sync_schedule
LEGACY = [
    (
        "000000d1-1000-4000-8000-0000000000a1",
        ORG_A,
        "active",
        {"Account.Name": "customer_name"},
        {"frequency": "daily", "at": "02:00", "timezone": "Europe/Berlin"},
    ),
    ("000000d1-1000-4000-8000-0000000000a2", ORG_A, "inactive", {}, {"frequency": "hourly"}),
    ("000000d1-1000-4000-8000-0000000000a3", ORG_A, "inactive", VALID_FM, VALID_SS),
    ("000000d1-1000-4000-8000-0000000000b1", ORG_B, "error", {}, {}),
]


def test_upgrade_repairs_legacy_rows_then_validates(platform_db):
    url = platform_db()
    applied = migrate(url, upto=BEFORE_CHECKS)
    assert applied[-1] == BEFORE_CHECKS
    with psycopg.connect(url) as conn:
        conn.execute(
            "insert into public.organizations (id, name) values (%s, 'Legacy A'), (%s, 'Legacy B')", [ORG_A, ORG_B]
        )
        for integration_id, org, status, fm, ss in LEGACY:
            conn.execute(
                "insert into public.organization_integrations "
                "(id, organization_id, provider, status, field_mappings, sync_schedule) "
                "values (%s, %s, 'crm', %s::public.integration_status, %s, %s)",
                [integration_id, org, status, Jsonb(fm), Jsonb(ss)],
            )
        conn.commit()

    migrate(url)

    with psycopg.connect(url) as conn:
        rows = {
            str(r[0]): r[1:]
            for r in conn.execute(
                "select id, status::text, field_mappings, sync_schedule from public.organization_integrations"
            )
        }
        audit = {
            str(r[0]): r[1:]
            for r in conn.execute(
                "select integration_id, status_before::text, field_mappings_before, sync_schedule_before "
                "from private.integration_config_repairs"
            )
        }
        notices = conn.execute(
            "select organization_id::text, (details ->> 'integration_count')::integer "
            "from public.organization_notifications order by 1"
        ).fetchall()
        validated = conn.execute(
            "select pg_catalog.bool_and(c.convalidated) from pg_catalog.pg_constraint as c "
            "where c.conrelid = 'public.organization_integrations'::regclass "
            "and c.conname in ('organization_integrations_field_mappings_check', "
            "'organization_integrations_sync_schedule_check')"
        ).fetchone()

    assert len(rows) == len(LEGACY), "a row was deleted"
    for integration_id, _, status, fm, ss in LEGACY:
        if fm == VALID_FM:
            assert rows[integration_id] == (status, fm, ss)
            assert integration_id not in audit
        else:
            assert rows[integration_id] == (
                "inactive" if status == "active" else status,
                DEFAULT_FIELD_MAPPINGS,
                DEFAULT_SYNC_SCHEDULE,
            )
            assert audit[integration_id] == (status, fm, ss)
    assert notices == [(ORG_A, 2), (ORG_B, 1)]
    assert validated == (True,)
