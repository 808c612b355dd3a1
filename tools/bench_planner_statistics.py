#!/usr/bin/env python3
"""Measure what planner statistics leak across organizations, and what removing them costs.

Equality operators are leakproof, so the planner estimates a signed-in user's filter from statistics
gathered over every organization's rows. `EXPLAIN` and PostgREST's `Prefer: count=planned` hand
that estimate to the caller. This script seeds one skewed dataset (a few big organizations, many
small ones, one rare provider), clones it into one database per option, and side by side in one run:

1. prints the estimates an admin of one small organization gets for other organizations' data (the
   leak): `provider = <common>` against `provider = <rare>`, and `organization_id = <big org>`
   against `<small org>` on organization_members;
2. times the queries the application runs, round robin across the options, and prints medians and
   ratios to the default.

Options: `default` (statistics as PostgreSQL gathers them), `provider-0` (`set statistics 0` on
organization_integrations.provider), `prov+mem-0` (also organization_members.organization_id) and
`all-0` (also organization_integrations.organization_id). Each starts from PostgreSQL's default
targets (the migrations already set provider to 0), so `default` measures leaving things alone.
`set statistics 0` stops ANALYZE from gathering the column but keeps what it gathered before, so
the script deletes those rows from pg_statistic as the superuser; a migration on Supabase could
not (postgres is no superuser), see docs/decisions/planner-statistics.md.

Usage: python tools/bench_planner_statistics.py [--runs 15]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from harness.cluster import Cluster, install_platform, start_cluster
from harness.reset import apply_builtin

ROOT = Path(__file__).resolve().parents[1]
OPTIONS = {
    "default": [],
    "provider-0": [("organization_integrations", "provider")],
    "prov+mem-0": [
        ("organization_integrations", "provider"),
        ("organization_members", "organization_id"),
    ],
    "all-0": [
        ("organization_integrations", "provider"),
        ("organization_integrations", "organization_id"),
        ("organization_members", "organization_id"),
    ],
}
BIG_ORGS = 10  # organizations 1..10: 2,000 integrations and 500 members each
SMALL_INTEGRATIONS = 30
SMALL_MEMBERS = 5
ORGS = 1000
PROVIDERS = ["salesforce"] * 10 + ["hubspot"] * 6 + ["pipedrive", "zendesk", "netsuite", "sap"]
PROVIDER_ARRAY = "array[" + ", ".join(f"'{p}'" for p in PROVIDERS) + "]"

SEED = f"""
create temporary table seed_orgs as
select
    ('00000000-0000-4000-8000-' || pg_catalog.lpad(g::text, 12, '0'))::uuid as id,
    g as n,
    case when g <= {BIG_ORGS} then 2000 else {SMALL_INTEGRATIONS} end as integrations,
    case when g <= {BIG_ORGS} then 500 else {SMALL_MEMBERS} end as members
from pg_catalog.generate_series(1, {ORGS}) as g;

insert into public.organizations (id, name) select o.id, 'bench org ' || o.n from seed_orgs as o;

insert into public.organization_integrations (organization_id, provider, display_name)
select o.id, ({PROVIDER_ARRAY})[1 + (o.n * 7 + g) % {len(PROVIDERS)}], 'integration ' || g
from seed_orgs as o
cross join lateral pg_catalog.generate_series(1, o.integrations) as g;

-- One provider that only three integrations, in three organizations, use.
insert into public.organization_integrations (organization_id, provider)
select o.id, 'rare-erp' from seed_orgs as o where o.n in (500, 600, 700);

insert into auth.users (id, aud, role, email, created_at, updated_at)
select
    ('00000000-0000-4000-9000-' || pg_catalog.lpad((o.n * 1000 + g)::text, 12, '0'))::uuid,
    'authenticated', 'authenticated', 'bench-' || o.n || '-' || g || '@test.local', pg_catalog.now(), pg_catalog.now()
from seed_orgs as o
cross join lateral pg_catalog.generate_series(1, o.members) as g;

insert into public.organization_members (organization_id, user_id, role)
select
    o.id,
    ('00000000-0000-4000-9000-' || pg_catalog.lpad((o.n * 1000 + g)::text, 12, '0'))::uuid,
    case when g = 1 then 'admin' else 'coordinator' end::public.organization_role
from seed_orgs as o
cross join lateral pg_catalog.generate_series(1, o.members) as g;
"""


def org_id(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def user_id(org: int, member: int) -> str:
    return f"00000000-0000-4000-9000-{org * 1000 + member:012d}"


CALLER_ORG = 400  # a small organization; its admin is the caller
CALLER = user_id(CALLER_ORG, 1)
LISTING_ORGS = [org_id(n) for n in range(1, 201)]  # a 200-organization listing, big ones included
SMALL_LISTING_ORGS = [org_id(n) for n in range(501, 701)]  # 200 small organizations: 6,000 of the rows

# label, acting as (None: the table owner, as service_role's RLS-free baseline), sql, parameters
QUERIES: list[tuple[str, str | None, str, list[object]]] = [
    (
        "admin lists own integrations (RLS)",
        CALLER,
        "select i.id, i.provider, i.display_name, i.status from public.organization_integrations as i",
        [],
    ),
    (
        "admin filters own integrations by provider (RLS)",
        CALLER,
        "select i.id from public.organization_integrations as i where i.provider = 'salesforce'",
        [],
    ),
    (
        "admin lists own members (RLS)",
        CALLER,
        "select m.user_id, m.role from public.organization_members as m",
        [],
    ),
    (
        "200-organization listing, no RLS (service_role baseline)",
        None,
        "select i.id, i.provider, o.name from public.organization_integrations as i "
        "inner join public.organizations as o on i.organization_id = o.id "
        "where i.organization_id = any(%s::uuid[])",
        [LISTING_ORGS],
    ),
    (
        "200 small organizations' integrations, no RLS",
        None,
        "select i.id, i.provider, o.name from public.organization_integrations as i "
        "inner join public.organizations as o on i.organization_id = o.id "
        "where i.organization_id = any(%s::uuid[])",
        [SMALL_LISTING_ORGS],
    ),
    (
        "members of 200 small organizations, no RLS",
        None,
        "select m.organization_id, m.user_id, m.role from public.organization_members as m "
        "where m.organization_id = any(%s::uuid[])",
        [SMALL_LISTING_ORGS],
    ),
    (
        "one big organization's integrations, no RLS",
        None,
        "select i.id, i.provider from public.organization_integrations as i where i.organization_id = %s",
        [org_id(1)],
    ),
]

# label, sql: what the caller can learn about other organizations from the estimate
PROBES = [
    (
        "integrations with provider = 'salesforce' (common)",
        "select i.id from public.organization_integrations as i where i.provider = 'salesforce'",
    ),
    (
        "integrations with provider = 'rare-erp' (3 rows)",
        "select i.id from public.organization_integrations as i where i.provider = 'rare-erp'",
    ),
    (
        "members of a big organization (500)",
        f"select m.user_id from public.organization_members as m where m.organization_id = '{org_id(1)}'",
    ),
    (
        "members of a small organization (5)",
        f"select m.user_id from public.organization_members as m where m.organization_id = '{org_id(900)}'",
    ),
]


@dataclass
class Option:
    name: str
    conn: psycopg.Connection
    estimates: dict[str, float]
    times: dict[str, list[float]]


def act_as(conn: psycopg.Connection, user: str | None) -> None:
    if user is None:
        return
    claims = json.dumps({"sub": user, "role": "authenticated", "aud": "authenticated"})
    conn.execute("select pg_catalog.set_config('request.jwt.claims', %s, true)", [claims])
    conn.execute("select pg_catalog.set_config('role', 'authenticated', true)")


def estimate(conn: psycopg.Connection, sql: str) -> float:
    with conn.transaction(force_rollback=True):
        act_as(conn, CALLER)
        row = conn.execute(f"explain (format json) {sql}").fetchone()  # type: ignore[arg-type]  # our constants
    assert row is not None
    return float(row[0][0]["Plan"]["Plan Rows"])


def shape(node: dict[str, object]) -> str:
    """A plan tree as node types, e.g. Hash Join(Seq Scan, Hash(Index Scan))."""
    children = node.get("Plans") or []
    name = str(node["Node Type"])
    if children:
        name += "(" + ", ".join(shape(child) for child in children) + ")"  # type: ignore[union-attr]
    return name


def plan_of(conn: psycopg.Connection, user: str | None, sql: str, params: list[object]) -> str:
    with conn.transaction(force_rollback=True):
        act_as(conn, user)
        row = conn.execute(f"explain (format json) {sql}", params).fetchone()  # type: ignore[arg-type]  # ours
    assert row is not None
    return shape(row[0][0]["Plan"])


def run_query(conn: psycopg.Connection, user: str | None, sql: str, params: list[object]) -> tuple[float, int]:
    with conn.transaction(force_rollback=True):
        act_as(conn, user)
        started = time.perf_counter()
        rows = conn.execute(sql, params).fetchall()  # type: ignore[arg-type]  # our constants
        elapsed = time.perf_counter() - started
    return elapsed * 1000, len(rows)


def prepare(cluster: Cluster) -> None:
    url = cluster.url()
    apply_builtin(url, ROOT, seed=False)
    with psycopg.connect(url) as conn:
        conn.execute(SEED)  # type: ignore[arg-type]  # our constant
    with psycopg.connect(cluster.url(user="supabase_admin", password="", dbname="template1"), autocommit=True) as conn:
        for name, columns in OPTIONS.items():
            conn.execute(f"create database {db(name)} template postgres owner postgres")  # type: ignore[arg-type]
            with psycopg.connect(
                cluster.url(user="supabase_admin", password="", dbname=db(name)), autocommit=True
            ) as c:
                # Every option starts from PostgreSQL's default target, whatever the migrations set
                # (20261129130400 sets provider to 0), then applies its own.
                for table, column in OPTIONS["all-0"]:
                    target = 0 if (table, column) in columns else -1
                    c.execute(f"alter table public.{table} alter column {column} set statistics {target}")  # type: ignore[arg-type]
                c.execute("analyze public.organizations, public.organization_members, public.organization_integrations")
                for table, column in columns:
                    # ANALYZE skips the column from now on but keeps what it gathered before.
                    c.execute(
                        "delete from pg_catalog.pg_statistic where starelid = %s::regclass and staattnum = ("
                        "select attnum from pg_catalog.pg_attribute where attrelid = %s::regclass and attname = %s)",
                        [f"public.{table}", f"public.{table}", column],
                    )


def db(name: str) -> str:
    return "bench_" + "".join(c if c.isalnum() else "_" for c in name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="timed runs per query and option (default 15)")
    args = parser.parse_args()

    with start_cluster() as cluster:
        install_platform(cluster, "legacy")
        prepare(cluster)
        options = [
            Option(name, psycopg.connect(cluster.url(dbname=db(name))), {}, {q[0]: [] for q in QUERIES})
            for name in OPTIONS
        ]
        counts = (
            options[0]
            .conn.execute(
                "select (select count(*) from public.organizations), "
                "(select count(*) from public.organization_members), "
                "(select count(*) from public.organization_integrations)"
            )
            .fetchone()
        )
        print(f"seeded: {counts[0]:,} organizations, {counts[1]:,} memberships, {counts[2]:,} integrations")  # type: ignore[index]
        print(
            f"caller: admin of organization {CALLER_ORG} ({SMALL_INTEGRATIONS} integrations, {SMALL_MEMBERS} members)\n"
        )

        for option in options:
            option.estimates = {label: estimate(option.conn, sql) for label, sql in PROBES}
        print(
            "what the caller's EXPLAIN / Prefer: count=planned shows (planned rows; every true answer to the "
            "caller is at most its own organization's rows):"
        )
        print(f"{'probe':<52}" + "".join(f"{o.name:>12}" for o in options))
        for label, _ in PROBES:
            print(f"{label:<52}" + "".join(f"{o.estimates[label]:>12,.0f}" for o in options))

        rows: dict[str, int] = {}
        for _ in range(2):  # warm-up
            for option in options:
                for _label, user, sql, params in QUERIES:
                    run_query(option.conn, user, sql, params)
        for _ in range(args.runs):
            for label, user, sql, params in QUERIES:
                for option in options:
                    elapsed, count = run_query(option.conn, user, sql, params)
                    option.times[label].append(elapsed)
                    rows[label] = count

        print(f"\nquery time, median of {args.runs} runs in ms (ratio to default); options interleaved")
        print(f"{'query':<58}{'rows':>7}" + "".join(f"{o.name:>20}" for o in options))
        base = options[0]
        for label, *_ in QUERIES:
            cells = []
            for option in options:
                median = statistics.median(option.times[label])
                ratio = median / statistics.median(base.times[label])
                cells.append(f"{median:>11.2f} ({ratio:4.2f}x)")
            print(f"{label:<58}{rows[label]:>7}" + "".join(f"{c:>20}" for c in cells))
        print("\nplans:")
        for label, user, sql, params in QUERIES:
            print(f"  {label}")
            for option in options:
                print(f"    {option.name:<12} {plan_of(option.conn, user, sql, params)}")
        for option in options:
            option.conn.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
