"""Rows of organization_integrations for the repair tool's test and benchmark.

``checks_not_valid`` recreates the state before the schema checks (20261127200800),
where invalid documents could be stored; ``load_integrations`` bulk-loads rows, a
given share of them invalid; ``expected_invalid`` says how many. Shared by
tests/config_integrity and tools/bench_repair.py, so that neither imports the other.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import psycopg

SCHEMA_CHECKS = ("organization_integrations_field_mappings_check", "organization_integrations_sync_schedule_check")
ORGANIZATIONS = 200

# One valid and six kinds of invalid documents. {g} is the row number.
_LOAD_SQL = """
insert into public.organization_integrations (organization_id, provider, display_name, status, field_mappings,
    sync_schedule)
select
    ('{prefix}' || pg_catalog.lpad(pg_catalog.to_hex(1 + g % {organizations}), 12, '0'))::uuid,
    (array['salesforce', 'hubspot', 'pipedrive', 'google_sheets', 'zendesk'])[1 + g % 5],
    'Integration ' || g,
    (case when g % 7 = 0 then 'error' else 'inactive' end)::public.integration_status,
    case
        when g % 100 < {invalid_percent} and (g / 100) % 6 = 0 then '{{"Account.Name": "customer_name"}}'::jsonb
        when g % 100 < {invalid_percent} and (g / 100) % 6 = 2 then
            '{{"version": 1, "mappings": [{{"source": "a", "target": "email", "required": true}},
              {{"source": "b", "target": "email", "required": false}}]}}'::jsonb
        when g % 100 < {invalid_percent} and (g / 100) % 6 = 4 then '{{}}'::jsonb
        else pg_catalog.jsonb_build_object(
            'version', 1,
            'mappings', (
                select pg_catalog.jsonb_agg(
                    pg_catalog.jsonb_build_object(
                        'source', 'Record.Field' || j || '.' || g, 'target', 'col_' || j, 'required', j % 2 = 0
                    ) || case when j % 3 = 0 then '{{"transform": "trim"}}'::jsonb else '{{}}'::jsonb end
                )
                from pg_catalog.generate_series(1, 1 + g % 8) as j
            )
        )
    end,
    case
        when g % 100 < {invalid_percent} and (g / 100) % 6 = 1 then '{{"frequency": "daily", "at": "02:00"}}'::jsonb
        when g % 100 < {invalid_percent} and (g / 100) % 6 = 3 then
            '{{"version": 1, "mode": "cron", "cron": "61 * * * *", "timezone": "UTC", "enabled": true}}'::jsonb
        when g % 100 < {invalid_percent} and (g / 100) % 6 = 4 then '{{}}'::jsonb
        when g % 100 < {invalid_percent} and (g / 100) % 6 = 5 then
            '{{"version": 1, "mode": "manual", "timezone": "Mars/Olympus", "enabled": true}}'::jsonb
        when g % 3 = 0 then pg_catalog.jsonb_build_object(
            'version', 1, 'mode', 'manual', 'timezone', 'UTC', 'enabled', g % 2 = 0
        )
        when g % 3 = 1 then pg_catalog.jsonb_build_object(
            'version', 1, 'mode', 'interval', 'interval_minutes', 5 + g % 1000,
            'timezone', (array['Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'UTC'])[1 + g % 4], 'enabled', true
        )
        else pg_catalog.jsonb_build_object(
            'version', 1, 'mode', 'cron',
            'cron', (array['*/15 * * * *', '0 3 * * *', '*/15 8-18 * * mon-fri', '30 6 1 jan-jun *'])[1 + g % 4],
            'timezone', (array['Europe/Berlin', 'America/Chicago', 'Australia/Sydney', 'UTC'])[1 + g % 4],
            'enabled', true
        )
    end
from pg_catalog.generate_series({first}, {last}) as g
"""


@contextlib.contextmanager
def checks_not_valid(conn: psycopg.Connection) -> Iterator[None]:
    """Drop the two schema checks, and re-add them NOT VALID on exit: the state before 20261127200800.

    Rows written inside the block are not checked, like rows written before
    the checks existed. Needs the table owner (postgres). Commits.
    """
    definitions = conn.execute(
        "select c.conname, pg_catalog.pg_get_constraintdef(c.oid) from pg_catalog.pg_constraint as c "
        "where c.conrelid = 'public.organization_integrations'::regclass and c.conname = any(%s)",
        [list(SCHEMA_CHECKS)],
    ).fetchall()
    for name, _ in definitions:
        conn.execute(f"alter table public.organization_integrations drop constraint {name}")
    conn.commit()
    try:
        yield
    finally:
        conn.rollback()
        for name, definition in definitions:
            conn.execute(f"alter table public.organization_integrations add constraint {name} {definition} not valid")
        conn.commit()


def load_integrations(
    conn: psycopg.Connection,
    rows: int,
    invalid_percent: int = 10,
    organizations: int = ORGANIZATIONS,
    prefix: str = "00000000-0000-4000-8000-",
) -> None:
    """Create the organizations and `rows` integrations, invalid_percent of them invalid. Commits.

    Call inside checks_not_valid() when invalid_percent > 0. Organization ids are
    prefix + 12 hex digits (1..organizations).
    """
    conn.execute(
        "insert into public.organizations (id, name) "
        "select (%s || pg_catalog.lpad(pg_catalog.to_hex(g), 12, '0'))::uuid, 'Benchmark org ' || g "
        "from pg_catalog.generate_series(1, %s) as g on conflict (id) do nothing",
        [prefix, organizations],
    )
    step = 50_000
    for first in range(1, rows + 1, step):
        conn.execute(
            _LOAD_SQL.format(
                prefix=prefix.replace("'", ""),
                organizations=int(organizations),
                invalid_percent=int(invalid_percent),
                first=first,
                last=min(rows, first + step - 1),
            )
        )
    conn.commit()


def expected_invalid(rows: int, invalid_percent: int) -> int:
    return sum(1 for g in range(1, rows + 1) if g % 100 < invalid_percent)
