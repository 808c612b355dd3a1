"""`org-integrations repair-configs` against a real database.

Invalid rows are planted the way they could exist before the schema checks:
with the checks dropped, then re-added NOT VALID (harness.config_rows.checks_not_valid).
A dry run changes nothing; a real run resets exactly the invalid documents,
keeps the old ones in the audit and notifies each organization's admins once;
a second run finds nothing; and on 100,000 rows nothing is lost.
"""

from __future__ import annotations

import io
import uuid
from typing import Any

import psycopg
import pytest
from psycopg.types.json import Jsonb

from harness.config_rows import checks_not_valid, expected_invalid, load_integrations
from org_integrations.cli.repair_configs import main, repair
from org_integrations.config_models import DEFAULT_FIELD_MAPPINGS, DEFAULT_SYNC_SCHEDULE, is_valid
from org_integrations.identity import Identity
from support.identity import act_as
from support.users import add_member, create_org, create_user

ORG_A = uuid.UUID("000000c1-0000-4000-8000-00000000000a")
ORG_B = uuid.UUID("000000c1-0000-4000-8000-00000000000b")
ORG_C = uuid.UUID("000000c1-0000-4000-8000-00000000000c")
ADMIN_A = uuid.UUID("000000c1-0000-4000-8000-0000000000a1")
COORDINATOR_A = uuid.UUID("000000c1-0000-4000-8000-0000000000a2")

VALID_FM = {"version": 1, "mappings": [{"source": "Account.Name", "target": "customer_name", "required": True}]}
VALID_SS = {"version": 1, "mode": "cron", "cron": "0 3 * * mon-fri", "timezone": "Europe/Paris", "enabled": True}
# (id, organization, status, field_mappings, sync_schedule); the last two digits of the id say which is invalid.
ROWS: list[tuple[uuid.UUID, uuid.UUID, str, Any, Any]] = [
    (uuid.UUID("000000c1-1000-4000-8000-0000000000a1"), ORG_A, "active", {"Account.Name": "name"}, VALID_SS),
    (uuid.UUID("000000c1-1000-4000-8000-0000000000a2"), ORG_A, "inactive", VALID_FM, {"frequency": "daily"}),
    (uuid.UUID("000000c1-1000-4000-8000-0000000000a3"), ORG_A, "error", {}, {}),
    (uuid.UUID("000000c1-1000-4000-8000-0000000000a4"), ORG_A, "active", VALID_FM, VALID_SS),
    (
        uuid.UUID("000000c1-1000-4000-8000-0000000000b1"),
        ORG_B,
        "inactive",
        VALID_FM,
        {**VALID_SS, "cron": "61 * * * *"},
    ),
    (uuid.UUID("000000c1-1000-4000-8000-0000000000b2"), ORG_B, "inactive", VALID_FM, VALID_SS),
    (uuid.UUID("000000c1-1000-4000-8000-0000000000c1"), ORG_C, "inactive", VALID_FM, VALID_SS),
]
INVALID = {row[0] for row in ROWS if not (is_valid("field_mappings", row[3]) and is_valid("sync_schedule", row[4]))}
SNAPSHOT_SQL = (
    "select i.id, i.status::text, i.field_mappings, i.sync_schedule, i.updated_at "
    "from public.organization_integrations as i order by i.id"
)


def plant(url: str) -> None:
    with psycopg.connect(url) as conn:
        for user_id, email in ((ADMIN_A, "admin-a@config.test"), (COORDINATOR_A, "coord-a@config.test")):
            create_user(conn, user_id, email)
        for org_id, name in ((ORG_A, "Config A"), (ORG_B, "Config B"), (ORG_C, "Config C")):
            create_org(conn, org_id, name)
        add_member(conn, ORG_A, ADMIN_A, "admin")
        add_member(conn, ORG_A, COORDINATOR_A, "coordinator")
        for integration_id, org, _, _, _ in ROWS:
            conn.execute(
                "insert into public.organization_integrations (id, organization_id, provider) values (%s, %s, 'crm')",
                [integration_id, org],
            )
        # An active integration needs its credential in Vault: store it the supported way.
        conn.execute("set role service_role")
        for integration_id, _, status, _, _ in ROWS:
            if status == "active":
                conn.execute("select public.store_credential(%s, 'config-test-secret')", [integration_id])
        conn.execute("reset role")
        for integration_id, _, status, _, _ in ROWS:
            conn.execute(
                "update public.organization_integrations set status = %s::public.integration_status where id = %s",
                [status, integration_id],
            )
        conn.commit()
        with checks_not_valid(conn):
            for integration_id, _, _, fm, ss in ROWS:
                conn.execute(
                    "update public.organization_integrations set field_mappings = %s, sync_schedule = %s where id = %s",
                    [Jsonb(fm), Jsonb(ss), integration_id],
                )
            conn.commit()


def snapshot(url: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(SNAPSHOT_SQL).fetchall()


def count(url: str, query: str, params: list[Any] | None = None) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(query, params or []).fetchone()  # type: ignore[arg-type]
        return int(row[0]) if row else 0


def run_tool(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def planted(migrated_db) -> str:
    url = migrated_db()
    plant(url)
    return url


def test_dry_run_reports_and_changes_nothing(planted: str):
    before = snapshot(planted)
    code, out, _ = run_tool("--db-url", planted, "--dry-run", "--quiet")
    assert code == 0
    assert snapshot(planted) == before
    assert count(planted, "select count(*) from private.integration_config_repairs") == 0
    assert count(planted, "select count(*) from public.organization_notifications") == 0
    assert "dry run, nothing was changed" in out
    assert "4 integration(s) in 2 organization(s) would be reset." in out
    # Counts per organization: integrations, mappings reset, schedules reset, deactivated.
    assert f"{ORG_A!s:<38} {'Config A':<24} {3:>12} {2:>9} {2:>9} {1:>11}" in out
    assert f"{ORG_B!s:<38} {'Config B':<24} {1:>12} {0:>9} {1:>9} {0:>11}" in out
    assert str(ORG_C) not in out
    assert "sync_schedule $.cron: minute field: 61 is out of range 0-59" in out
    assert 'field_mappings $."…": unknown key' in out
    assert "Run again without --dry-run to repair." in out


def test_repair_resets_keeps_old_values_and_notifies(planted: str):
    before = {row[0]: row for row in snapshot(planted)}
    code, out, _ = run_tool("--db-url", planted, "--quiet")
    assert code == 0
    assert "4 integration(s) in 2 organization(s) were reset." in out
    after = {row[0]: row for row in snapshot(planted)}

    for integration_id, _, status, fm, ss in ROWS:
        _, new_status, new_fm, new_ss, updated_at = after[integration_id]
        fm_ok, ss_ok = is_valid("field_mappings", fm), is_valid("sync_schedule", ss)
        if fm_ok and ss_ok:
            assert after[integration_id] == before[integration_id], "a valid row was touched"
            continue
        assert new_fm == (fm if fm_ok else DEFAULT_FIELD_MAPPINGS)
        assert new_ss == (ss if ss_ok else DEFAULT_SYNC_SCHEDULE)
        assert new_status == ("inactive" if status == "active" else status)
        assert updated_at > before[integration_id][4]

    with psycopg.connect(planted) as conn:
        audit = {
            row[0]: row[1:]
            for row in conn.execute(
                "select integration_id, organization_id, status_before::text, status_after::text, "
                "field_mappings_before, sync_schedule_before, field_mappings_problems, sync_schedule_problems "
                "from private.integration_config_repairs"
            )
        }
        notices = conn.execute(
            "select organization_id, kind, details from public.organization_notifications order by organization_id"
        ).fetchall()
    assert set(audit) == INVALID
    for integration_id, org, status, fm, ss in ROWS:
        if integration_id in INVALID:
            audited_org, status_before, _, fm_before, ss_before, fm_problems, ss_problems = audit[integration_id]
            assert (audited_org, status_before, fm_before, ss_before) == (org, status, fm, ss)
            assert bool(fm_problems) != is_valid("field_mappings", fm)
            assert bool(ss_problems) != is_valid("sync_schedule", ss)
    assert [(org, kind, details["integration_count"]) for org, kind, details in notices] == [
        (ORG_A, "integration_config_repaired", 3),
        (ORG_B, "integration_config_repaired", 1),
    ]


def test_admins_read_their_notification_under_rls(planted: str):
    assert run_tool("--db-url", planted, "--quiet")[0] == 0
    with psycopg.connect(planted) as conn:
        seen = {}
        for user_id in (ADMIN_A, COORDINATOR_A):
            act_as(conn, Identity.user(user_id))
            seen[user_id] = [
                row[0] for row in conn.execute("select organization_id from public.organization_notifications")
            ]
            conn.rollback()
    assert seen[ADMIN_A] == [ORG_A]
    assert seen[COORDINATOR_A] == []


def test_second_run_finds_nothing(planted: str):
    assert run_tool("--db-url", planted, "--quiet")[0] == 0
    before = snapshot(planted)
    code, out, _ = run_tool("--db-url", planted, "--quiet")
    assert code == 0
    assert "Nothing to repair" in out
    assert snapshot(planted) == before
    assert count(planted, "select count(*) from private.integration_config_repairs") == len(INVALID)
    assert count(planted, "select count(*) from public.organization_notifications") == 2


def test_batches_show_progress_and_share_one_notification_per_organization(planted: str):
    code, out, err = run_tool("--db-url", planted, "--batch-size", "2")
    assert code == 0
    assert "in 4 batch(es)" in out
    progress = err.strip().splitlines()
    assert progress[0].startswith("batch 1/4: checked about 2/7 integrations")
    assert progress[-1].startswith("batch 4/4: checked about 7/7 integrations (100%), 4 invalid")
    assert count(planted, "select count(*) from public.organization_notifications") == 2
    assert (
        count(
            planted,
            "select (details ->> 'integration_count')::integer from public.organization_notifications "
            "where organization_id = %s",
            [ORG_A],
        )
        == 3
    )


def test_service_role_may_run_it_and_authenticated_may_not(planted: str):
    code, _, err = run_tool("--db-url", planted, "--role", "authenticated", "--quiet")
    assert code == 1
    assert err.startswith("error: 42501")
    code, out, _ = run_tool("--db-url", planted, "--role", "service_role", "--quiet")
    assert code == 0
    assert "were reset" in out


def test_nothing_is_lost_on_100000_rows(migrated_db):
    rows, invalid_percent = 100_000, 10
    url = migrated_db()
    with psycopg.connect(url) as conn:
        with checks_not_valid(conn):
            load_integrations(conn, rows, invalid_percent)
        conn.execute(
            "create table public.config_test_before as "
            "select i.id, i.organization_id, i.status, i.field_mappings, i.sync_schedule, "
            "private.field_mappings_is_valid(i.field_mappings) and private.sync_schedule_is_valid(i.sync_schedule) "
            "as valid from public.organization_integrations as i"
        )
        conn.commit()

    report = repair(url, dry_run=False)
    expected = expected_invalid(rows, invalid_percent)
    assert report.total_rows == rows
    assert report.affected == expected

    with psycopg.connect(url) as conn:
        lost = conn.execute(
            """
            select pg_catalog.count(*) filter (where a.integration_id is null),
                   pg_catalog.count(*) filter (
                       where a.field_mappings_before is distinct from b.field_mappings
                       or a.sync_schedule_before is distinct from b.sync_schedule
                       or a.status_before is distinct from b.status
                       or a.organization_id is distinct from b.organization_id
                   )
            from public.config_test_before as b
            left join private.integration_config_repairs as a on a.integration_id = b.id
            where not b.valid
            """
        ).fetchone()
        assert lost == (0, 0), "an invalid row's old documents are missing from the audit"
        (changed_valid,) = conn.execute(
            """
            select pg_catalog.count(*)
            from public.config_test_before as b
            inner join public.organization_integrations as i on b.id = i.id
            where b.valid and (i.field_mappings, i.sync_schedule, i.status)
                is distinct from (b.field_mappings, b.sync_schedule, b.status)
            """
        ).fetchone() or (None,)
        assert changed_valid == 0
        (total, audited) = conn.execute(
            "select (select pg_catalog.count(*) from public.organization_integrations), "
            "(select pg_catalog.count(*) from private.integration_config_repairs)"
        ).fetchone() or (None, None)
        assert (total, audited) == (rows, expected)
        # Every row passes now, so the checks validate.
        for name in ("organization_integrations_field_mappings_check", "organization_integrations_sync_schedule_check"):
            conn.execute(f"alter table public.organization_integrations validate constraint {name}")  # type: ignore[arg-type]
        conn.commit()

    assert repair(url, dry_run=False).affected == 0
