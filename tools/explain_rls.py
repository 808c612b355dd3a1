#!/usr/bin/env python3
"""Check that the RLS select policy on organization_integrations uses the organization_id index.

Inside one transaction that is always rolled back: seed many organizations with
integrations (100k rows by default), make a new user admin of one of them, act as
that user the way PostgREST does (role authenticated plus JWT claims), and print
`explain (analyze, buffers)` of a plain select on organization_integrations.
For comparison it also times the same select with the policy rewritten as
`organization_id in (select ...)`, and without RLS (as the table owner, with an
explicit where clause).

The comparison alters a policy inside the transaction, which takes an access
exclusive lock on the table until the rollback: every reader and writer of the
table waits. So by default the tool starts its own throwaway PostgreSQL 15
cluster with the platform layer and every migration, and removes it afterwards.
It runs on a database given with --db-url only with --allow-policy-change,
which says that this database may be locked (a local Supabase stack, say).

    python tools/explain_rls.py                      # throwaway cluster
    python tools/explain_rls.py --allow-policy-change \
        --db-url postgresql://postgres:postgres@127.0.0.1:54322/postgres
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from dataclasses import dataclass
from uuid import UUID

import psycopg
from psycopg import sql

from harness.cluster import HarnessError, install_platform, start_cluster
from harness.reset import apply_builtin
from run_pgtap import ROOT

INDEX_NAME = "organization_integrations_organization_id_idx"
POLICY_NAME = "organization_integrations_select_policy"

# The select the client sends; RLS adds the organization filter.
CLIENT_QUERY = "select i.id, i.provider, i.display_name, i.status from public.organization_integrations as i"

# The same predicate as the migration's policy, but written as `in (select ...)`.
IN_SELECT_POLICY = """
alter policy organization_integrations_select_policy
on public.organization_integrations
using (
    organization_id in (
        select private.user_org_ids_with_role(array['admin', 'coordinator']::public.organization_role[])
    )
)
"""

_EXECUTION_TIME = re.compile(r"Execution Time: ([0-9.]+) ms")
_ROWS = re.compile(r"actual time=[0-9.]+\.\.[0-9.]+ rows=([0-9]+)")


@dataclass(frozen=True)
class Measurement:
    """One query shape: its first plan and the execution times of every run."""

    label: str
    plan: str
    times_ms: list[float]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def rows(self) -> int:
        match = _ROWS.search(self.plan)
        return int(match.group(1)) if match else -1


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--db-url",
        help="an existing database, connected to as postgres (default: a throwaway cluster); "
        "needs --allow-policy-change",
    )
    parser.add_argument(
        "--allow-policy-change",
        action="store_true",
        help="allow altering a policy of --db-url inside a rolled-back transaction (locks the table meanwhile)",
    )
    parser.add_argument("--orgs", type=int, default=1000, help="organizations to seed (default 1000)")
    parser.add_argument("--per-org", type=int, default=100, help="integrations per organization (default 100)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query shape (default 5)")
    args = parser.parse_args(argv)
    if args.orgs < 2 or args.per_org < 1 or args.runs < 1:
        parser.error("need --orgs >= 2, --per-org >= 1 and --runs >= 1")
    if args.db_url and not args.allow_policy_change:
        parser.error(
            "refusing to alter a policy on --db-url: it locks public.organization_integrations until the rollback. "
            "Leave out --db-url to use a throwaway cluster, or add --allow-policy-change"
        )
    return args


def seed(conn: psycopg.Connection, orgs: int, per_org: int) -> tuple[UUID, UUID]:
    """Seed organizations and integrations; return (user id, organization the user administers)."""
    providers = ["salesforce", "hubspot", "pipedrive", "zendesk"]
    conn.execute(
        """
        create temporary table explain_rls_orgs on commit drop as
        select pg_catalog.gen_random_uuid() as id, g as n
        from pg_catalog.generate_series(1, %s) as g
        """,
        (orgs,),
    )
    conn.execute(
        """
        insert into public.organizations (id, name)
        select o.id, 'explain_rls org ' || o.n from explain_rls_orgs as o
        """
    )
    conn.execute(
        """
        insert into public.organization_integrations (organization_id, provider, display_name)
        select o.id, (%s::text[])[1 + g %% 4], 'integration ' || g
        from explain_rls_orgs as o
        cross join pg_catalog.generate_series(1, %s) as g
        """,
        (providers, per_org),
    )
    row = conn.execute(
        """
        insert into auth.users (id, aud, role, email, raw_app_meta_data, created_at, updated_at)
        values (
            pg_catalog.gen_random_uuid(), 'authenticated', 'authenticated',
            'explain-rls-' || pg_catalog.gen_random_uuid() || '@test.local',
            '{"provider": "email"}', pg_catalog.now(), pg_catalog.now()
        )
        returning id
        """
    ).fetchone()
    org = conn.execute("select o.id from explain_rls_orgs as o where o.n = %s", (orgs // 2,)).fetchone()
    if row is None or org is None:
        raise RuntimeError("seeding returned no rows")
    user_id, org_id = row[0], org[0]
    conn.execute(
        "insert into public.organization_members (organization_id, user_id, role) values (%s, %s, 'admin')",
        (org_id, user_id),
    )
    for table in ("organizations", "organization_members", "organization_integrations"):
        conn.execute(sql.SQL("analyze public.{}").format(sql.Identifier(table)))
    return user_id, org_id


def act_as(conn: psycopg.Connection, user_id: UUID) -> None:
    """Become the user as PostgREST would, until the end of the transaction."""
    claims = json.dumps({"sub": str(user_id), "role": "authenticated", "aud": "authenticated"})
    conn.execute("select pg_catalog.set_config('request.jwt.claims', %s, true)", (claims,))
    conn.execute("select pg_catalog.set_config('role', 'authenticated', true)")


def act_as_owner(conn: psycopg.Connection) -> None:
    """Back to the session user (the table owner) with no claims."""
    conn.execute("select pg_catalog.set_config('role', 'none', true)")
    conn.execute("select pg_catalog.set_config('request.jwt.claims', '', true)")


def measure(conn: psycopg.Connection, label: str, query: sql.Composable, runs: int) -> Measurement:
    explain = sql.SQL("explain (analyze, buffers, format text) ") + query
    plan = ""
    times: list[float] = []
    for _ in range(runs):
        text = "\n".join(str(r[0]) for r in conn.execute(explain).fetchall())
        match = _EXECUTION_TIME.search(text)
        if match is None:
            raise RuntimeError(f"no execution time in plan:\n{text}")
        times.append(float(match.group(1)))
        plan = plan or text
    return Measurement(label=label, plan=plan, times_ms=times)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.db_url:
        return explain(args, args.db_url)
    try:
        with start_cluster() as cluster:
            install_platform(cluster)
            apply_builtin(cluster.url(), ROOT, seed=False)
            return explain(args, cluster.url())
    except HarnessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def explain(args: argparse.Namespace, db_url: str) -> int:
    with psycopg.connect(db_url) as conn:
        try:
            user_id, org_id = seed(conn, args.orgs, args.per_org)
            total = conn.execute("select pg_catalog.count(*) from public.organization_integrations").fetchone()
            rows = total[0] if total else "?"
            print(f"seeded {args.orgs} organizations x {args.per_org} integrations; table has {rows} rows")
            print(f"acting as admin {user_id} of organization {org_id}\n")

            act_as(conn, user_id)
            policy = measure(conn, "RLS, = any(array(select ...)) [migration]", sql.SQL(CLIENT_QUERY), args.runs)

            act_as_owner(conn)
            no_rls = measure(
                conn,
                "no RLS, table owner with where organization_id = <org>",
                sql.SQL(CLIENT_QUERY + " where i.organization_id = {}").format(sql.Literal(org_id)),
                args.runs,
            )

            conn.execute(IN_SELECT_POLICY)
            act_as(conn, user_id)
            in_select = measure(conn, "RLS, in (select ...) [comparison]", sql.SQL(CLIENT_QUERY), args.runs)
        finally:
            conn.rollback()

    for m in (policy, in_select, no_rls):
        print(f"--- plan: {m.label} ---")
        print(m.plan, end="\n\n")
    print(f"--- execution time, median of {args.runs} runs ---")
    for m in (policy, in_select, no_rls):
        runs = ", ".join(f"{t:.3f}" for t in m.times_ms)
        print(f"{m.label:<58} {m.median_ms:9.3f} ms  rows={m.rows}  runs=[{runs}]")
    print(f"in (select ...) / any(array(...)): {in_select.median_ms / policy.median_ms:.1f}x")

    index_used = INDEX_NAME in policy.plan
    print(f"policy plan uses {INDEX_NAME}: {'yes' if index_used else 'NO'}")
    print("transaction rolled back; nothing was kept")
    return 0 if index_used else 1


if __name__ == "__main__":
    sys.exit(main())
