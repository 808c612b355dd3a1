#!/usr/bin/env python3
"""Pre-deploy step for databases that have not applied 20261127300400 yet: close its window first.

20261127300400 adds chk_active_integration_has_vault_ref NOT VALID. From its
commit until 20261127300500 has re-linked kept secrets and deactivated the
rest, every UPDATE of an integration that is still 'active' without a
vault_secret_id fails with 23514, whatever column it changes. On a database
still at 20261127200800 (or with the credential group rolled back) that is
every active integration, for as long as 300500 takes.

This step does 300500's work before 300400 arrives, in short transactions:

  1. applies the pending migrations up to 20261127300300 with the real CLI
     (`supabase migration up`; the column, the guard and the integrity trigger);
  2. organization batch by organization batch, re-links secrets kept in Vault
     under the integration's name and moves integrations still 'active'
     without a reference to 'inactive', audited in public.credential_audit as
     300500 does ('relink', 'deactivate_missing_credential'; details say
     "predeploy": true).

Then deploy as usual (`supabase migration up --db-url ...` or `supabase db
push`): 300400 finds no active row without a reference, and 300500 finds
nothing to change and only validates. See docs/credentials.md.

    python tools/predeploy_credentials.py --db-url postgresql://postgres:...@host:5432/postgres

Exit 0 when done or nothing to do; 1 on a failure (nothing half-applied: each
migration and each batch is its own transaction, and the step can be re-run).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from harness.cli_migrate import MigrateResult, migrate_up  # noqa: E402
from harness.cluster import HarnessError  # noqa: E402

CHECK_ADDED = "20261127300400"  # adds chk_active_integration_has_vault_ref NOT VALID
PREPARED = "20261127300300"  # the column, the guard and the integrity trigger exist
VALIDATED = "20261127300500"  # whose re-link and deactivation this step runs ahead of

# One organization batch, one transaction: 300500's two statements, restricted
# to the batch. The integrity trigger checks every re-linked id.
_RELINK = """
with relinked as (
    update public.organization_integrations as i
    set vault_secret_id = s.id
    from vault.secrets as s
    where
        i.organization_id = any(%(orgs)s::uuid[])
        and i.vault_secret_id is null
        and s.name = private.credential_secret_name(i.id)
    returning i.id, i.organization_id, i.vault_secret_id
)

insert into public.credential_audit (
    organization_id, integration_id, vault_secret_id, action_name, actor_role, details
)
select
    r.organization_id,
    r.id,
    r.vault_secret_id,
    'relink',
    current_user,
    pg_catalog.jsonb_build_object('migration', %(version)s::text, 'predeploy', true)
from relinked as r
"""

_DEACTIVATE = """
with deactivated as (
    update public.organization_integrations as i
    set status = 'inactive'
    where
        i.organization_id = any(%(orgs)s::uuid[])
        and i.status = 'active'
        and i.vault_secret_id is null
    returning i.id, i.organization_id
)

insert into public.credential_audit (organization_id, action_name, actor_role, details)
select
    d.organization_id,
    'deactivate_missing_credential',
    current_user,
    pg_catalog.jsonb_build_object(
        'migration', %(version)s::text,
        'predeploy', true,
        'count', pg_catalog.count(*),
        'integration_ids', pg_catalog.jsonb_agg(d.id order by d.id)
    )
from deactivated as d
group by d.organization_id
returning (details ->> 'count')::int
"""

_NEXT_ORGS = """
select o.id from public.organizations as o
where o.id > %(after)s::uuid
order by o.id
limit %(limit)s
"""


@dataclass
class PredeployResult:
    migrate: MigrateResult | None = None
    relinked: int = 0
    deactivated: int = 0
    batches: int = 0
    fix_started: float = 0.0
    fix_finished: float = 0.0
    longest_batch: float = 0.0
    notes: list[str] = field(default_factory=list)


def applied_versions(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        exists = conn.execute("select pg_catalog.to_regclass('supabase_migrations.schema_migrations')").fetchone()
        if exists is None or exists[0] is None:
            return set()
        return {row[0] for row in conn.execute("select version from supabase_migrations.schema_migrations")}


def _batch(conn: psycopg.Connection, orgs: list[object], tries: int = 5) -> tuple[int, int]:
    """Re-link and deactivate in one short transaction; retry on lock timeout or deadlock."""
    for attempt in range(1, tries + 1):
        try:
            with conn.transaction():
                # Row locks of client transactions are short: wait for them, but never for long.
                conn.execute("select pg_catalog.set_config('lock_timeout', '2s', true)")
                conn.execute("select pg_catalog.set_config('statement_timeout', '60s', true)")
                relinked = conn.execute(_RELINK, {"orgs": orgs, "version": VALIDATED}).rowcount  # type: ignore[arg-type]
                counts = conn.execute(_DEACTIVATE, {"orgs": orgs, "version": VALIDATED}).fetchall()  # type: ignore[arg-type]
                return relinked, sum(row[0] for row in counts)
        except (psycopg.errors.LockNotAvailable, psycopg.errors.DeadlockDetected):
            if attempt == tries:
                raise
            time.sleep(0.1 * attempt)
    raise AssertionError("unreachable")


def fix_rows(url: str, batch_organizations: int = 100, result: PredeployResult | None = None) -> PredeployResult:
    """Step 2 only: re-link and deactivate, organization batch by organization batch."""
    result = result or PredeployResult()
    result.fix_started = time.monotonic()
    after: object = "00000000-0000-0000-0000-000000000000"
    with psycopg.connect(url, autocommit=True) as conn:
        # vault_secret_id is new and has no statistics: without them the planner reads
        # every null of organization_integrations_vault_secret_id_key in every batch.
        # ANALYZE takes SHARE UPDATE EXCLUSIVE, which does not block reads or writes.
        conn.execute("analyze public.organization_integrations")
        while True:
            orgs = [row[0] for row in conn.execute(_NEXT_ORGS, {"after": after, "limit": batch_organizations})]
            if not orgs:
                break
            started = time.monotonic()
            relinked, deactivated = _batch(conn, orgs)
            result.longest_batch = max(result.longest_batch, time.monotonic() - started)
            result.relinked += relinked
            result.deactivated += deactivated
            result.batches += 1
            after = orgs[-1]
    result.fix_finished = time.monotonic()
    return result


def predeploy(
    url: str,
    project: Path = ROOT,
    batch_organizations: int = 100,
    on_line: Callable[[float, str], None] | None = None,
) -> PredeployResult:
    """Both steps. Raises HarnessError when the database is not in a state this step is for."""
    result = PredeployResult()
    applied = applied_versions(url)
    if CHECK_ADDED in applied:
        result.notes.append(f"{CHECK_ADDED} is already applied: nothing to do")
        return result
    if not applied:
        raise HarnessError("no supabase_migrations.schema_migrations: is this the project's database?")
    if PREPARED not in applied:
        result.migrate = migrate_up(url, project, upto=PREPARED, on_line=on_line)
        if not result.migrate.ok:
            raise HarnessError(
                f"supabase migration up (to {PREPARED}) failed (exit {result.migrate.returncode}):\n"
                + "\n".join(result.migrate.output)
            )
    return fix_rows(url, batch_organizations, result)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db-url", required=True, help="the database to prepare (connect as postgres)")
    parser.add_argument(
        "--project", type=Path, default=ROOT, help="project root holding supabase/ (default: this repo)"
    )
    parser.add_argument(
        "--batch-organizations", type=int, default=100, help="organizations per transaction (default 100)"
    )
    args = parser.parse_args(argv)
    try:
        result = predeploy(args.db_url, args.project, args.batch_organizations, on_line=lambda _t, s: print(s))
    except (HarnessError, psycopg.Error) as exc:
        print(f"predeploy_credentials: {exc}", file=sys.stderr)
        return 1
    for note in result.notes:
        print(f"predeploy_credentials: {note}")
    if result.batches:
        print(
            f"predeploy_credentials: re-linked {result.relinked}, deactivated {result.deactivated} "
            f"in {result.batches} batches ({result.fix_finished - result.fix_started:.1f} s, longest batch "
            f"{result.longest_batch * 1000:.0f} ms). Now deploy: supabase migration up --db-url ..."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
