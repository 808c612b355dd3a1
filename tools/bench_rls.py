#!/usr/bin/env python3
"""Measure what row-level security costs, side by side with the same query without it.

Loads --rows integrations across --orgs organizations (default 100,000 in
1,000), with members, notifications and credential audit rows, and three
callers: an admin of one organization, a coordinator of --many organizations
and an admin of --many organizations (default 200). Then, for every table that
clients read and every query shape (list one organization, list everything
visible, fetch one row by id), it runs each query

  with RLS:    as `authenticated` with the caller's JWT claims, as PostgREST does;
  without RLS: as the table owner with the equivalent explicit filter, the
               caller's memberships looked up for the caller's id as a
               literal ("no RLS") or read from the same claims with
               auth.uid() ("JWT id"), or the caller's organizations written
               out ("known");

alternating the forms on one warm session, each a prepared statement as PostgREST
sends them, and prints the median server time (planning plus execution, from
EXPLAIN ANALYZE EXECUTE with timing off) and the ratios. All forms run on the
same data in the same run, and must return the same rows. The claims are a
Supabase Auth access token's (--claims minimal: three keys), and a last table
times reading the caller's id alone, the part of RLS no policy can avoid.

    python tools/bench_rls.py                           # throwaway cluster, 100k rows
    python tools/bench_rls.py --rows 1000000 --orgs 10000
    python tools/bench_rls.py --db-url postgresql://postgres:postgres@127.0.0.1:54322/postgres
    python tools/bench_rls.py --variant candidate.sql   # throwaway only: apply SQL first, e.g. a policy design

With --db-url the data is loaded and measured inside one transaction that is
rolled back, so nothing is kept; the database must already be migrated.
Exit status: 0, or 1 with --max-ratio when a ratio exceeds it.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from harness.cluster import HarnessError, install_platform, start_cluster  # noqa: E402
from harness.reset import apply_builtin  # noqa: E402

_PLANNING = re.compile(r"Planning Time: ([0-9.]+) ms")
_EXECUTION = re.compile(r"Execution Time: ([0-9.]+) ms")

ADMIN_ONE = "00000000-0000-4000-8000-00000000b001"
COORDINATOR_MANY = "00000000-0000-4000-8000-00000000b002"
ADMIN_MANY = "00000000-0000-4000-8000-00000000b003"

LOAD = """
create temporary table bench_orgs on commit drop as
select pg_catalog.gen_random_uuid() as id, g as n from pg_catalog.generate_series(1, %(orgs)s) as g;

insert into public.organizations (id, name) select o.id, 'bench org ' || o.n from bench_orgs as o;

insert into public.organization_integrations (organization_id, provider, display_name)
select o.id, (array['salesforce', 'hubspot', 'pipedrive', 'zendesk'])[1 + g %% 4], 'integration ' || g
from bench_orgs as o
cross join pg_catalog.generate_series(1, %(per_org)s) as g;

-- Three other members per organization: one admin, two coordinators.
insert into auth.users (id, aud, role, email, raw_app_meta_data, created_at, updated_at)
select pg_catalog.gen_random_uuid(), 'authenticated', 'authenticated', 'bench-' || o.n || '-' || k || '@bench.test',
    '{}', pg_catalog.now(), pg_catalog.now()
from bench_orgs as o cross join pg_catalog.generate_series(1, 3) as k;

insert into public.organization_members (organization_id, user_id, role)
select
    o.id,
    u.id,
    (case when u.email like '%%-1@bench.test' then 'admin' else 'coordinator' end)::public.organization_role
from auth.users as u
inner join bench_orgs as o on u.email like 'bench-' || o.n || '-%%@bench.test';

insert into auth.users (id, aud, role, email, raw_app_meta_data, created_at, updated_at)
select c.id::uuid, 'authenticated', 'authenticated', c.email, '{}', pg_catalog.now(), pg_catalog.now()
from (
    values
        (%(admin_one)s, 'admin-one@bench.test'),
        (%(coord_many)s, 'coord-many@bench.test'),
        (%(admin_many)s, 'admin-many@bench.test')
) as c (id, email);

insert into public.organization_members (organization_id, user_id, role)
select o.id, %(admin_one)s::uuid, 'admin'::public.organization_role from bench_orgs as o where o.n = %(orgs)s / 2
union all
select o.id, %(coord_many)s::uuid, 'coordinator'::public.organization_role from bench_orgs as o where o.n <= %(many)s
union all
select o.id, %(admin_many)s::uuid, 'admin'::public.organization_role
from bench_orgs as o where o.n > %(orgs)s - %(many)s;

insert into public.organization_notifications (organization_id, kind, repair_run_id, details)
select o.id, 'integration_config_repaired', pg_catalog.gen_random_uuid(), '{}'::jsonb
from bench_orgs as o cross join pg_catalog.generate_series(1, 3);

insert into public.credential_audit (organization_id, action_name, actor_role)
select o.id, 'store', 'service_role'
from bench_orgs as o cross join pg_catalog.generate_series(1, %(audit_per_org)s);
"""

TABLES = (
    "organizations",
    "organization_members",
    "organization_integrations",
    "organization_notifications",
    "credential_audit",
)


@dataclass(frozen=True)
class Caller:
    label: str
    user_id: str
    roles: tuple[str, ...]
    claims: str  # request.jwt.claims as PostgREST sets it


@dataclass(frozen=True)
class Shape:
    """One query a client sends, and what it may see."""

    table: str
    label: str
    caller: Caller
    select: str  # the client's query; RLS adds the organization filter
    baseline: str  # the same query with the filter written out; {orgs} is the caller's organizations


@dataclass
class Result:
    shape: Shape
    rls_ms: float
    plain_ms: float  # no RLS, the caller's memberships looked up in the same query
    known_ms: float  # no RLS, the caller's organizations already known (a literal array)
    jwt_ms: float  # no RLS, memberships looked up for the caller's id read from the JWT claims (auth.uid())
    permissive_ms: float  # RLS with only the permissive policies: what the restrictive ones add

    @property
    def restrictive_ratio(self) -> float:
        return self.rls_ms / self.permissive_ms

    @property
    def ratio(self) -> float:
        return self.rls_ms / self.plain_ms

    @property
    def known_ratio(self) -> float:
        return self.rls_ms / self.known_ms

    @property
    def jwt_ratio(self) -> float:
        return self.rls_ms / self.jwt_ms


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db-url", help="a migrated database (e.g. Supabase); everything is rolled back")
    parser.add_argument("--rows", type=int, default=100_000, help="integrations to load (default 100,000)")
    parser.add_argument("--orgs", type=int, default=1_000, help="organizations (default 1,000)")
    parser.add_argument("--many", type=int, default=200, help="memberships of the many-organization callers")
    parser.add_argument("--runs", type=int, default=31, help="timed runs per query and mode (default 31)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed runs first (default 5)")
    parser.add_argument("--tables", nargs="*", choices=TABLES, default=list(TABLES), help="tables to measure")
    parser.add_argument(
        "--variant", type=Path, action="append", default=[], help="SQL to apply first (throwaway cluster only)"
    )
    parser.add_argument(
        "--lockdown",
        action="store_true",
        help="measure during a lockdown of an organization none of the callers belongs to (same rows visible)",
    )
    parser.add_argument(
        "--claims",
        choices=("supabase", "minimal"),
        default="supabase",
        help="JWT claims: a Supabase Auth access token's (default) or only sub, role and aud",
    )
    parser.add_argument("--max-ratio", type=float, help="exit 1 when any ratio is above this")
    parser.add_argument("--keep", action="store_true", help="leave the throwaway cluster running, to explain plans")
    args = parser.parse_args(argv)
    if args.orgs < 2 or args.many >= args.orgs or args.rows < args.orgs:
        parser.error("need --orgs >= 2, --many < --orgs and --rows >= --orgs")
    if args.variant and args.db_url:
        parser.error("--variant changes policies: only on the throwaway cluster")
    return args


def shapes(admin_one: Caller, coord_many: Caller, admin_many: Caller) -> list[Shape]:
    """Every query shape per client-read table; the point lookups' ids are bound later."""
    out: list[Shape] = []
    integration_cols = "i.id, i.provider, i.display_name, i.status"
    readers = (admin_one, coord_many)
    for caller in readers:
        out.append(
            Shape(
                "organization_integrations",
                "lists everything visible",
                caller,
                f"select {integration_cols} from public.organization_integrations as i",
                f"select {integration_cols} from public.organization_integrations as i "
                "where i.organization_id = any({orgs})",
            )
        )
        out.append(
            Shape(
                "organization_integrations",
                "fetches one by id",
                caller,
                f"select {integration_cols} from public.organization_integrations as i where i.id = {{id}}",
                f"select {integration_cols} from public.organization_integrations as i "
                "where i.id = {id} and i.organization_id = any({orgs})",
            )
        )
    out.insert(
        0,
        Shape(
            "organization_integrations",
            "lists own organization",
            admin_one,
            f"select {integration_cols} from public.organization_integrations as i where i.organization_id = {{org}}",
            f"select {integration_cols} from public.organization_integrations as i "
            "where i.organization_id = {org} and i.organization_id = any({orgs})",
        ),
    )
    for caller in readers:
        out.append(
            Shape(
                "organizations",
                "lists everything visible",
                caller,
                "select o.id, o.name from public.organizations as o",
                "select o.id, o.name from public.organizations as o where o.id = any({orgs})",
            )
        )
        out.append(
            Shape(
                "organizations",
                "fetches one by id",
                caller,
                "select o.id, o.name from public.organizations as o where o.id = {org}",
                "select o.id, o.name from public.organizations as o where o.id = {org} and o.id = any({orgs})",
            )
        )
        out.append(
            Shape(
                "organization_members",
                "lists everything visible",
                caller,
                "select m.organization_id, m.user_id, m.role from public.organization_members as m",
                "select m.organization_id, m.user_id, m.role from public.organization_members as m "
                "where m.organization_id = any({orgs})",
            )
        )
        out.append(
            Shape(
                "organization_members",
                "lists one organization",
                caller,
                "select m.user_id, m.role from public.organization_members as m where m.organization_id = {org}",
                "select m.user_id, m.role from public.organization_members as m "
                "where m.organization_id = {org} and m.organization_id = any({orgs})",
            )
        )
    for table, cols in (
        ("organization_notifications", "n.id, n.kind, n.created_at"),
        ("credential_audit", "n.id, n.action_name, n.occurred_at"),
    ):
        for caller in (admin_one, admin_many):
            out.append(
                Shape(
                    table,
                    "lists everything visible",
                    caller,
                    f"select {cols} from public.{table} as n",
                    f"select {cols} from public.{table} as n where n.organization_id = any({{orgs}})",
                )
            )
            out.append(
                Shape(
                    table,
                    "fetches one by id",
                    caller,
                    f"select {cols} from public.{table} as n where n.id = {{id}}",
                    f"select {cols} from public.{table} as n where n.id = {{id}} and n.organization_id = any({{orgs}})",
                )
            )
    return out


def load(conn: psycopg.Connection, args: argparse.Namespace) -> None:
    per_org = args.rows // args.orgs
    params = {
        "orgs": args.orgs,
        "per_org": per_org,
        "many": args.many,
        "audit_per_org": max(1, per_org // 10),
        "admin_one": ADMIN_ONE,
        "coord_many": COORDINATOR_MANY,
        "admin_many": ADMIN_MANY,
    }
    for statement in LOAD.split(";\n\n"):
        conn.execute(statement, params)  # our own constant
    # Statistics for every table the load wrote, directly or through triggers (autovacuum's job in a live
    # database): the client tables, auth.users, and whatever the migrations keep beside them in private.
    # The throwaway cluster is also vacuumed after the load (run()).
    for table in owned_tables(conn):
        conn.execute(f"analyze {table}")  # names from the catalog, already quoted by regclass
    conn.execute("analyze auth.users")


def owned_tables(conn: psycopg.Connection) -> list[str]:
    """The tables in public, private and auth that the connected role owns (and so may analyze and vacuum)."""
    rows = conn.execute(
        "select c.oid::pg_catalog.regclass::text from pg_catalog.pg_class as c "
        "where c.relkind = 'r' and c.relnamespace = any(array['public', 'private', 'auth']::pg_catalog.regnamespace[]) "
        "and c.relowner = (select r.oid from pg_catalog.pg_roles as r where r.rolname = current_user)"
    ).fetchall()
    return [str(r[0]) for r in rows]


def vacuum_until_visible(conn: psycopg.Connection, tries: int = 40) -> None:
    """VACUUM until every page of the owned tables is all-visible, as autovacuum leaves a quiet database.

    One VACUUM right after the load is not enough: an autovacuum worker that
    started on the new rows holds the xmin horizon back, VACUUM then leaves the
    visibility maps unset, and every "index-only" scan visits the heap.
    """
    conn.autocommit = True
    try:
        for _ in range(tries):
            conn.execute("vacuum")
            behind = conn.execute(
                "select pg_catalog.count(*) from pg_catalog.pg_class as c "
                "where c.oid = any(%s::pg_catalog.regclass[]) and c.relallvisible < c.relpages",
                (owned_tables(conn),),
            ).fetchone()
            if behind is not None and behind[0] == 0:
                return
            time.sleep(0.5)
        print("warning: some visibility maps are still unset after VACUUM; index-only scans will visit the heap")
    finally:
        conn.autocommit = False


# A role that carries authenticated's privileges and permissive policies but none of the restrictive
# ones (the lockdown policies), so that one run measures what they add. Not a member of authenticated:
# policies `to authenticated` would then apply to it too. Created in the run's own data (rolled back
# with --db-url; the throwaway cluster is discarded).
PERMISSIVE_ROLE = "bench_permissive_only"
PERMISSIVE_ONLY = """
do $bench$
declare
    r record;
begin
    perform pg_catalog.set_config('search_path', '', true);
    create role bench_permissive_only nologin noinherit;
    execute pg_catalog.format('grant bench_permissive_only to %I', current_user);  -- to switch to it
    grant usage on schema public, private, auth, extensions to bench_permissive_only;
    for r in
        select c.oid::pg_catalog.regclass as rel, a.privilege_type
        from pg_catalog.pg_class as c
        cross join lateral pg_catalog.aclexplode(c.relacl) as a
        where
            c.relnamespace in ('public'::pg_catalog.regnamespace, 'private'::pg_catalog.regnamespace)
            and a.grantee = 'authenticated'::pg_catalog.regrole
    loop
        execute pg_catalog.format('grant %s on %s to bench_permissive_only', r.privilege_type, r.rel);
    end loop;
    for r in
        select c.oid::pg_catalog.regclass as rel, t.attname, a.privilege_type
        from pg_catalog.pg_class as c
        inner join pg_catalog.pg_attribute as t on t.attrelid = c.oid
        cross join lateral pg_catalog.aclexplode(t.attacl) as a
        where
            c.relnamespace in ('public'::pg_catalog.regnamespace, 'private'::pg_catalog.regnamespace)
            and a.grantee = 'authenticated'::pg_catalog.regrole
    loop
        execute pg_catalog.format(
            'grant %s (%I) on %s to bench_permissive_only', r.privilege_type, r.attname, r.rel
        );
    end loop;
    for r in
        select p.oid::pg_catalog.regprocedure as fn
        from pg_catalog.pg_proc as p
        cross join lateral pg_catalog.aclexplode(p.proacl) as a
        where
            p.pronamespace in ('public'::pg_catalog.regnamespace, 'private'::pg_catalog.regnamespace)
            and a.grantee = 'authenticated'::pg_catalog.regrole
    loop
        execute pg_catalog.format('grant execute on function %s to bench_permissive_only', r.fn);
    end loop;
    for r in
        select p.polname, p.polrelid::pg_catalog.regclass as rel, p.polcmd,
            pg_catalog.pg_get_expr(p.polqual, p.polrelid) as qual,
            pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) as with_check
        from pg_catalog.pg_policy as p
        where p.polpermissive and 'authenticated'::pg_catalog.regrole = any(p.polroles)
    loop
        execute pg_catalog.format(
            'create policy %I on %s as permissive for %s to bench_permissive_only%s%s',
            'bench_' || r.polname,
            r.rel,
            case r.polcmd when 'r' then 'select' when 'a' then 'insert' when 'w' then 'update'
                when 'd' then 'delete' else 'all' end,
            case when r.qual is not null then ' using (' || r.qual || ')' else '' end,
            case when r.with_check is not null then ' with check (' || r.with_check || ')' else '' end
        );
    end loop;
end;
$bench$
"""


def lock_bystander(conn: psycopg.Connection) -> None:
    """Lock down an organization no caller belongs to: the policies then filter on a real list, same rows."""
    conn.execute(
        "select public.set_organization_lockdown(o.id, 'bench_rls --lockdown', null) "
        "from public.organizations as o "
        "where not exists (select 1 from public.organization_members as m "
        "where m.organization_id = o.id and m.user_id = any(%s::uuid[])) "
        "order by o.id limit 1",
        ([ADMIN_ONE, COORDINATOR_MANY, ADMIN_MANY],),
    )


def caller_orgs(conn: psycopg.Connection, caller: Caller) -> list[str]:
    rows = conn.execute(
        "select m.organization_id::text from public.organization_members as m "
        "where m.user_id = %s and m.role::text = any(%s) order by 1",
        (caller.user_id, list(caller.roles)),
    ).fetchall()
    return [r[0] for r in rows]


def pick_id(conn: psycopg.Connection, table: str, orgs: list[str]) -> str:
    """A row the caller may see, from the middle of its organizations."""
    row = conn.execute(
        f"select n.id::text from public.{table} as n where n.organization_id = %s order by n.id limit 1",
        (orgs[len(orgs) // 2],),
    ).fetchone()
    if row is None:
        raise RuntimeError(f"no {table} row to fetch")
    return str(row[0])


def server_ms(conn: psycopg.Connection, query: str) -> float:
    plan = "\n".join(str(r[0]) for r in conn.execute(f"explain (analyze, timing off, summary on) {query}"))
    planning, execution = _PLANNING.search(plan), _EXECUTION.search(plan)
    if planning is None or execution is None:
        raise RuntimeError(f"no timing in plan:\n{plan}")
    return float(planning.group(1)) + float(execution.group(1))


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def claims_of(user_id: str, shape: str) -> str:
    """The JWT claims PostgREST sets for a caller: --claims supabase (default) or minimal."""
    if shape == "minimal":
        return json.dumps({"sub": user_id, "role": "authenticated", "aud": "authenticated"})
    # The claims of a Supabase Auth access token for an email sign-in: every policy that reads the
    # caller's id parses this document, so its size is part of what RLS costs.
    email = f"user-{user_id[-4:]}@example-company.test"
    return json.dumps(
        {
            "aud": "authenticated",
            "exp": 1_796_000_000,
            "iat": 1_795_996_400,
            "iss": "https://abcdefghijklmnopqrst.supabase.co/auth/v1",
            "sub": user_id,
            "email": email,
            "phone": "",
            "app_metadata": {"provider": "email", "providers": ["email"]},
            "user_metadata": {
                "email": email,
                "email_verified": True,
                "phone_verified": False,
                "sub": user_id,
            },
            "role": "authenticated",
            "aal": "aal1",
            "amr": [{"method": "password", "timestamp": 1_795_996_400}],
            "session_id": "5b0c7f1e-2d43-4f6a-9a0e-3c1d2b4a5e6f",
            "is_anonymous": False,
        }
    )


@contextmanager
def acting_as(conn: psycopg.Connection, caller: Caller | None, role: str | None) -> Iterator[None]:
    """One request: as PostgREST sets it up (claims and role, transaction-local), or as the owner.

    With a caller the claims are the caller's; with a role the request runs as
    it, else as the owner.

    A transaction of its own, or a savepoint inside the --db-url run's outer
    transaction; always rolled back, which also undoes the role and claims.
    """
    with conn.transaction(force_rollback=True):
        if caller is not None:
            conn.execute("select pg_catalog.set_config('request.jwt.claims', %s, true)", (caller.claims,))
        if role is not None:
            conn.execute("select pg_catalog.set_config('role', %s, true)", (role,))
        yield


def alternate(
    conn: psycopg.Connection,
    queries: dict[str, str],
    whom: dict[str, tuple[Caller | None, str | None]],
    args: argparse.Namespace,
) -> dict[str, float]:
    """Prepare each query under its name, run them in turn on one warm session, each as whom[name] says,
    and return each one's median server time. The statements stay prepared for the caller to reuse.

    Prepared, as PostgREST prepares every statement it sends: planning is paid once per session (the
    plan cache keeps the RLS plan per role), then each request executes the cached plan.
    """
    for name, query in queries.items():
        conn.execute(f"prepare {name} as {query}")  # our own SQL
    times: dict[str, list[float]] = {name: [] for name in queries}
    names = list(queries)
    for run in range(args.warmup + args.runs):
        # Each run starts with the next form, so that no form always follows the same one.
        for name in names[run % len(names) :] + names[: run % len(names)]:
            with acting_as(conn, *whom[name]):
                elapsed = server_ms(conn, f"execute {name}")
            if run >= args.warmup:
                times[name].append(elapsed)
    return {name: statistics.median(values) for name, values in times.items()}


def measure(conn: psycopg.Connection, shape: Shape, args: argparse.Namespace) -> Result:
    """Alternate the forms on one warm session, as PostgREST's pool serves any role on any connection."""
    roles_orgs = caller_orgs(conn, shape.caller)
    fills = {
        "orgs": literal("{" + ",".join(roles_orgs) + "}") + "::uuid[]",
        "org": literal(roles_orgs[len(roles_orgs) // 2]) + "::uuid",
        "id": literal(pick_id(conn, shape.table, roles_orgs)) + "::uuid" if "{id}" in shape.select else "",
    }

    # The filter an application without RLS would write: look the caller's memberships up, for the
    # caller's id as the application knows it (a literal), or as the database learns it (the JWT claims).
    def lookup(user_id: str) -> str:
        return (
            "array(select m.organization_id from public.organization_members as m "
            f"where m.user_id = {user_id} "
            f"and m.role = any({literal('{' + ','.join(shape.caller.roles) + '}')}::public.organization_role[]))"
        )

    queries = {
        "bench_rls": shape.select.format(**fills),
        "bench_permissive": shape.select.format(**fills),
        "bench_plain": shape.baseline.format(**{**fills, "orgs": lookup(literal(shape.caller.user_id) + "::uuid")}),
        "bench_jwt": shape.baseline.format(**{**fills, "orgs": lookup("(select auth.uid())")}),
        "bench_known": shape.baseline.format(**fills),
    }
    whom = {name: as_whom(name, shape.caller) for name in queries}
    medians = alternate(conn, queries, whom, args)
    # Same rows every way, or the comparison means nothing.
    seen = {}
    for name in queries:
        with acting_as(conn, *whom[name]):
            seen[name] = sorted(map(str, conn.execute(f"execute {name}").fetchall()))
        conn.execute(f"deallocate {name}")
    if any(rows != seen["bench_rls"] for rows in seen.values()):
        counts = {name: len(rows) for name, rows in seen.items()}
        raise RuntimeError(f"{shape.table} {shape.label}: different rows: {counts}")
    return Result(
        shape,
        rls_ms=medians["bench_rls"],
        plain_ms=medians["bench_plain"],
        known_ms=medians["bench_known"],
        jwt_ms=medians["bench_jwt"],
        permissive_ms=medians["bench_permissive"],
    )


# Ways to read the caller's id, each in the InitPlan a policy would run. auth.uid() is Supabase's and the
# one the policies use; the others are the candidates measured against it (docs/schema.md, "Designs measured").
_CLAIMS = "pg_catalog.current_setting('request.jwt.claims', true)"
IDENTITY_FORMS = {
    "literal (no RLS)": "select (select {literal}::uuid)",
    "auth.uid()": "select (select auth.uid())",
    "claims as json": "select (select (" + _CLAIMS + "::json ->> 'sub')::uuid)",
    "claims as jsonb": "select (select (" + _CLAIMS + "::jsonb ->> 'sub')::uuid)",
}


def measure_identity(conn: psycopg.Connection, caller: Caller, args: argparse.Namespace) -> dict[str, float]:
    """Median server time of each way to read the caller's id, alternated on one session like measure()."""
    names = {f"bench_identity_{n}": form for n, form in enumerate(IDENTITY_FORMS)}
    queries = {name: IDENTITY_FORMS[form].format(literal=literal(caller.user_id)) for name, form in names.items()}
    medians = alternate(conn, queries, dict.fromkeys(queries, (caller, None)), args)
    for name in queries:
        conn.execute(f"deallocate {name}")
    return {form: medians[name] for name, form in names.items()}


def as_whom(name: str, caller: Caller) -> tuple[Caller | None, str | None]:
    """Who runs each prepared statement: the caller (as authenticated or the permissive-only role) or the
    owner, with the caller's claims where the statement reads them."""
    if name == "bench_rls":
        return caller, "authenticated"
    if name == "bench_permissive":
        return caller, PERMISSIVE_ROLE
    if name == "bench_jwt":
        return caller, None
    return None, None


def report(results: list[Result], args: argparse.Namespace, rows: int, server: str) -> float:
    print(
        f"{rows:,} integrations in {args.orgs:,} organizations; callers with 1 and {args.many} memberships; "
        f"median of {args.runs} runs of prepared statements (planning + execution) on {server}; "
        f"{args.claims} JWT claims\n"
    )
    print("no RLS: as the owner, filtering on the caller's memberships, the caller's id a literal;")
    print("JWT id: the same, the caller's id read from the JWT claims with (select auth.uid()), as RLS must;")
    print("known: as the owner, with the caller's organizations written out (the application already knows them);")
    state = "one organization locked down" if args.lockdown else "no lockdown active"
    print(f"restr.: what the restrictive policies (the lockdown) add, RLS / RLS without them ({state})\n")
    header = (
        f"{'table':<28}{'caller':<22}{'query':<26}{'RLS ms':>8}{'no RLS ms':>11}{'ratio':>8}"
        f"{'JWT id ms':>11}{'ratio':>8}{'known ms':>10}{'ratio':>8}{'restr.':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.shape.table:<28}{r.shape.caller.label:<22}{r.shape.label:<26}"
            f"{r.rls_ms:>8.3f}{r.plain_ms:>11.3f}{r.ratio:>7.2f}x{r.jwt_ms:>11.3f}{r.jwt_ratio:>7.2f}x"
            f"{r.known_ms:>10.3f}{r.known_ratio:>7.2f}x{r.restrictive_ratio:>7.2f}x"
        )
    worst = max(results, key=lambda r: r.ratio)
    print(f"\nworst ratio: {worst.ratio:.2f}x ({worst.shape.table}, {worst.shape.caller.label}, {worst.shape.label})")
    identity = statistics.median(r.jwt_ms - r.plain_ms for r in results)
    worst_jwt = max(results, key=lambda r: r.jwt_ratio)
    print(
        f"reading the caller's id from the claims: {identity * 1000:.1f} us a statement (median of JWT id - no RLS)\n"
        f"worst ratio against JWT id: {worst_jwt.jwt_ratio:.2f}x "
        f"({worst_jwt.shape.table}, {worst_jwt.shape.caller.label}, {worst_jwt.shape.label})"
    )
    ratios = sorted(r.restrictive_ratio for r in results)
    heaviest = max(results, key=lambda r: r.restrictive_ratio)
    print(
        f"restrictive policies add: median {statistics.median(ratios):.2f}x, at most {heaviest.restrictive_ratio:.2f}x "
        f"({heaviest.shape.table}, {heaviest.shape.caller.label}, {heaviest.shape.label})"
    )
    return worst.ratio


def run(args: argparse.Namespace) -> int:
    admin_one = Caller("admin of 1", ADMIN_ONE, ("admin",), claims_of(ADMIN_ONE, args.claims))
    coord_many = Caller(
        f"coordinator of {args.many}",
        COORDINATOR_MANY,
        ("admin", "coordinator"),
        claims_of(COORDINATOR_MANY, args.claims),
    )
    # With --many 1 there are two admins of one organization each; the second is told apart by name.
    admin_many_label = f"admin of {args.many}" if args.many > 1 else "other admin of 1"
    admin_many = Caller(admin_many_label, ADMIN_MANY, ("admin",), claims_of(ADMIN_MANY, args.claims))
    chosen = [s for s in shapes(admin_one, coord_many, admin_many) if s.table in args.tables]
    cluster = None
    try:
        if args.db_url:
            url = args.db_url
        else:
            cluster = start_cluster()
            install_platform(cluster, "legacy")
            url = cluster.url()
            apply_builtin(url, ROOT, seed=False)
        with psycopg.connect(url) as conn:
            started = time.perf_counter()
            load(conn, args)
            for variant in args.variant:
                conn.execute(variant.read_text())  # the operator's own SQL
            conn.execute(PERMISSIVE_ONLY)  # after any variant, so that it copies the policies measured
            if args.lockdown:
                lock_bystander(conn)
            if not args.db_url:
                conn.commit()  # a throwaway: each request then runs in a transaction of its own
                # As autovacuum leaves a live database: visibility maps set, so index-only scans stay
                # index-only. (--db-url measures inside one transaction, where VACUUM cannot run.)
                vacuum_until_visible(conn)
            rows = conn.execute("select pg_catalog.count(*) from public.organization_integrations").fetchone()
            version = conn.execute("select pg_catalog.current_setting('server_version')").fetchone()
            server = f"PostgreSQL {str(version[0]).split()[0]}" if version else "?"
            print(f"loaded in {time.perf_counter() - started:.1f}s")
            results = [measure(conn, shape, args) for shape in chosen]
            identity = measure_identity(conn, admin_one, args)
            conn.rollback()  # with --db-url, the whole load
        worst = report(results, args, int(rows[0]) if rows else 0, server)
        print(f"\nthe caller's id alone, median ms ({args.claims} JWT claims):")
        for form, ms in identity.items():
            print(f"  {form:<20}{ms:>8.3f}")
    finally:
        if cluster is not None and args.keep:
            cluster.detach()
            print(f"cluster kept running: {cluster.url()}\nstop it with: {cluster.stop_hint}")
        elif cluster is not None:
            cluster.stop()
    if args.max_ratio is not None and worst > args.max_ratio:
        print(f"FAIL: {worst:.2f}x is above --max-ratio {args.max_ratio}")
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except HarnessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
