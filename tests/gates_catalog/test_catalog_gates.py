"""Each catalog gate fails on a deliberately bad migration, and only that gate.

For every case a temporary project holds this repository's migrations plus one
bad migration. The built-in applier applies it (only it is pending) to a clone
of the fully migrated database, the harness runs the gate file, and the test
asserts exactly which assertion IDs fail. On this repository alone, every gate
passes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from gate_helpers import TESTS, failing_ids, run_gate_file

from harness import postgres
from support.databases import new_tables_granted_to_anon
from support.migrations import apply_extra, install_test_helpers

BAD_MIGRATION = "29991231000000_deliberately_bad.sql"
GATE_FILES = (
    "90_rls_gates.test.sql",
    "91_function_gates.test.sql",
    "92_exposure_gates.test.sql",
    "93_index_gates.test.sql",
    "94_maintenance_gates.test.sql",
    "96_lockdown_gates.test.sql",
)
# The server the session's cluster runs (PGTAP_POSTGRES, else supabase/config.toml).
MAJOR = postgres.selected_major()

# A table that passes every gate on its own: primary key, RLS, no grants.
PROBE_TABLE = """
create table public.gate_probe (
    id uuid primary key default gen_random_uuid(),
    owner_id uuid,
    org_id uuid
);
alter table public.gate_probe enable row level security;
revoke all on table public.gate_probe from public, anon, authenticated;
"""


def case(name: str, prefix: str, sql: str, expected: set[str], names: str = "gate_probe") -> object:
    """One bad migration for the gate file starting with ``prefix``: the IDs expected to fail, and a
    name every failing assertion's diagnostics must mention (the offending object)."""
    return pytest.param(prefix, sql, expected, names, id=name)


CASES = [
    # 90: RLS and policies
    case("table_without_rls", "90", "create table public.gate_probe (id uuid primary key);", {"GATE-RLS-01"}),
    case("private_table_without_rls", "90", "create table private.gate_probe (id uuid primary key);", {"GATE-RLS-01"}),
    case(
        # A schema no gate has heard of is covered as soon as it exists.
        "table_without_rls_in_a_new_schema",
        "90",
        "create schema reporting; create table reporting.gate_probe (id uuid primary key);",
        {"GATE-RLS-01"},
    ),
    case(
        "for_all_policy",
        "90",
        PROBE_TABLE + "create policy p on public.gate_probe for all to authenticated "
        "using (owner_id = (select auth.uid())) with check (owner_id = (select auth.uid()));",
        {"GATE-RLS-02"},
    ),
    case(
        "policy_without_to",
        "90",
        PROBE_TABLE + "create policy p on public.gate_probe for select using (owner_id = (select auth.uid()));",
        {"GATE-RLS-03"},
    ),
    case(
        "bare_auth_uid",
        "90",
        PROBE_TABLE + "create policy p on public.gate_probe for select to authenticated using (owner_id = auth.uid());",
        {"GATE-RLS-04"},
    ),
    case(
        "bare_auth_jwt_in_with_check",
        "90",
        PROBE_TABLE + "create policy p on public.gate_probe for insert to authenticated "
        "with check (org_id::text = auth.jwt() ->> 'org_id');",
        {"GATE-RLS-04"},
    ),
    case(
        "bare_current_setting",
        "90",
        PROBE_TABLE + "create policy p on public.gate_probe for select to authenticated "
        "using (owner_id::text = current_setting('request.jwt.claim.sub', true));",
        {"GATE-RLS-04"},
    ),
    case(
        # splinter's lint passes this: one call is wrapped, the other is not.
        "one_wrapped_one_bare",
        "90",
        PROBE_TABLE + "create policy p on public.gate_probe for delete to authenticated "
        "using (owner_id = (select auth.uid()) or org_id = auth.uid());",
        {"GATE-RLS-04"},
    ),
    case(
        "two_permissive_policies_same_role_and_command",
        "90",
        PROBE_TABLE
        + "create policy p1 on public.gate_probe for select to authenticated using (owner_id = (select auth.uid()));"
        "create policy p2 on public.gate_probe for select to authenticated, anon using (org_id is null);",
        {"GATE-RLS-05"},
    ),
    case(
        "always_true_update",
        "90",
        PROBE_TABLE + "create policy p on public.gate_probe for update to authenticated using (true);",
        {"GATE-RLS-06"},
    ),
    case(
        "always_true_insert",
        "90",
        PROBE_TABLE + "create policy p on public.gate_probe for insert to authenticated with check (true);",
        {"GATE-RLS-06"},
    ),
    case(
        "always_true_select",
        "90",
        PROBE_TABLE + "create policy p on public.gate_probe for select to authenticated using (1 = 1);",
        {"GATE-RLS-06"},
    ),
    case(
        "user_metadata_from_jwt",
        "90",
        PROBE_TABLE + "create policy p on public.gate_probe for select to authenticated "
        "using (org_id::text = (select auth.jwt() -> 'user_metadata' ->> 'org_id'));",
        {"GATE-RLS-07"},
    ),
    case(
        "raw_user_meta_data_from_auth_users",
        "90",
        PROBE_TABLE + "create policy p on public.gate_probe for select to authenticated using (exists ("
        "select 1 from auth.users as u where u.id = (select auth.uid()) "
        "and u.raw_user_meta_data ->> 'org_id' = org_id::text));",
        {"GATE-RLS-07"},
    ),
    case(
        # A per-row call to a role helper: evaluated for every row the scan reads.
        "unwrapped_project_function",
        "90",
        PROBE_TABLE + "create policy p on public.gate_probe for select to authenticated "
        "using (private.has_org_role(org_id, 'admin'));",
        {"GATE-RLS-08"},
    ),
    case(
        # Only an immutable call without arguments is folded into the plan; a stable one runs per row.
        "unwrapped_stable_function_without_arguments",
        "90",
        PROBE_TABLE + "create function private.gate_probe_ids() returns uuid[] language sql stable "
        "set search_path = pg_catalog, pg_temp as $$ select '{}'::uuid[] $$;"
        "create policy p on public.gate_probe for select to authenticated "
        "using (org_id <> all(private.gate_probe_ids()));",
        {"GATE-RLS-08"},
    ),
    case(
        "in_select_over_a_set_returning_helper",
        "90",
        PROBE_TABLE + "create policy p on public.gate_probe for select to authenticated "
        "using (org_id in (select private.user_org_ids()));",
        {"GATE-RLS-09"},
    ),
    case(
        "any_select_over_a_set_returning_helper",
        "90",
        PROBE_TABLE + "create policy p on public.gate_probe for select to authenticated "
        "using (org_id = any (select private.user_org_ids()));",
        {"GATE-RLS-09"},
    ),
    # 91: functions
    case(
        "definer_with_search_path_public",
        "91",
        "create function private.gate_probe() returns integer language sql security definer "
        "set search_path = public as $$ select 1 $$;"
        "revoke all on function private.gate_probe() from public;",
        {"GATE-FN-01"},
    ),
    case(
        "definer_with_pg_temp_first",
        "91",
        "create function private.gate_probe() returns integer language sql security definer "
        "set search_path = pg_temp, pg_catalog as $$ select 1 $$;"
        "revoke all on function private.gate_probe() from public;",
        {"GATE-FN-01"},
    ),
    case(
        "definer_without_search_path",
        "91",
        "create function private.gate_probe() returns integer language sql security definer as $$ select 1 $$;"
        "revoke all on function private.gate_probe() from public;",
        {"GATE-FN-01", "GATE-FN-02"},
    ),
    case(
        # An empty search_path still resolves types in pg_temp first.
        "definer_with_empty_search_path",
        "91",
        "create function private.gate_probe() returns integer language sql security definer "
        "set search_path = '' as $$ select 1 $$;"
        "revoke all on function private.gate_probe() from public;",
        {"GATE-FN-01"},
    ),
    case(
        "definer_with_pg_temp_first",
        "91",
        "create function private.gate_probe() returns integer language sql security definer "
        "set search_path = pg_temp, pg_catalog as $$ select 1 $$;"
        "revoke all on function private.gate_probe() from public;",
        {"GATE-FN-01"},
    ),
    case(
        "invoker_without_search_path",
        "91",
        "create function private.gate_probe() returns integer language sql as $$ select 1 $$;"
        "revoke all on function private.gate_probe() from public;",
        {"GATE-FN-02"},
    ),
    case(
        "anon_executable_definer_in_public",
        "91",
        "create function public.gate_probe() returns integer language sql security definer "
        "set search_path = pg_catalog, pg_temp as $$ select 1 $$;"
        "revoke all on function public.gate_probe() from public, anon, authenticated;"
        "grant execute on function public.gate_probe() to anon;",
        {"GATE-FN-03", "GATE-FN-05"},
    ),
    case(
        "authenticated_executable_definer_in_public",
        "91",
        "create function public.gate_probe() returns integer language sql security definer "
        "set search_path = pg_catalog, pg_temp as $$ select 1 $$;"
        "revoke all on function public.gate_probe() from public, anon, authenticated;"
        "grant execute on function public.gate_probe() to authenticated;",
        {"GATE-FN-04", "GATE-FN-06"},
    ),
    case(
        # Legacy default privileges grant EXECUTE on new functions in public to anon and authenticated.
        "definer_in_public_without_revoke",
        "91",
        "create function public.gate_probe() returns integer language sql security definer "
        "set search_path = pg_catalog, pg_temp as $$ select 1 $$;",
        {"GATE-FN-03", "GATE-FN-04", "GATE-FN-05", "GATE-FN-06"},
    ),
    case(
        # PostgreSQL grants EXECUTE to PUBLIC on every new function, in any schema.
        "invoker_in_private_without_revoke",
        "91",
        "create function private.gate_probe() returns integer language sql set search_path = '' as $$ select 1 $$;",
        {"GATE-FN-05", "GATE-FN-06"},
    ),
    case(
        "authenticated_invoker_not_allowlisted",
        "91",
        "create function public.gate_probe() returns integer language sql set search_path = '' as $$ select 1 $$;"
        "revoke all on function public.gate_probe() from public, anon, authenticated;"
        "grant execute on function public.gate_probe() to authenticated;",
        {"GATE-FN-06"},
    ),
    case(
        "allowlisted_function_no_longer_executable",
        "91",
        "revoke execute on function public.store_credential(uuid, text) from authenticated;",
        {"GATE-FN-06"},
        names="public.store_credential(uuid,text)",
    ),
    # 92: exposure
    case(
        "security_definer_view_in_public",
        "92",
        "create view public.gate_probe as select o.id from public.organizations as o;"
        "revoke all on table public.gate_probe from public, anon, authenticated;",
        {"GATE-EXP-01"},
    ),
    case(
        "view_in_private_without_security_invoker",
        "92",
        "create view private.gate_probe with (security_invoker = false) as select 1 as one;",
        {"GATE-EXP-01"},
    ),
    case("anon_table_grant", "92", PROBE_TABLE + "grant select on table public.gate_probe to anon;", {"GATE-EXP-02"}),
    case(
        "anon_column_grant",
        "92",
        PROBE_TABLE + "grant select (id) on table public.gate_probe to anon;",
        {"GATE-EXP-02"},
    ),
    case(
        # Legacy default privileges grant ALL, TRUNCATE included, to anon.
        "table_in_public_without_revoke",
        "92",
        "create table public.gate_probe (id uuid primary key); "
        "alter table public.gate_probe enable row level security;",
        {"GATE-EXP-02"},
    ),
    case(
        "anon_sequence_grant",
        "92",
        "create sequence public.gate_probe;"
        "revoke all on sequence public.gate_probe from public, anon, authenticated;"
        "grant usage on sequence public.gate_probe to anon;",
        {"GATE-EXP-02"},
    ),
    case(
        "anon_function_grant",
        "92",
        "create function public.gate_probe() returns integer language sql set search_path = '' as $$ select 1 $$;"
        "revoke all on function public.gate_probe() from public, anon, authenticated;"
        "grant execute on function public.gate_probe() to anon;",
        {"GATE-EXP-02"},
    ),
    case("anon_create_on_public", "92", "grant create on schema public to anon;", {"GATE-EXP-02"}, names="schema"),
    case(
        "credential_column_in_public",
        "92",
        "alter table public.organization_integrations add column api_key text;",
        {"GATE-EXP-03"},
        names="api_key",
    ),
    case(
        "credential_column_in_private",
        "92",
        "create table private.gate_probe (id uuid primary key, refresh_token text);"
        "alter table private.gate_probe enable row level security;",
        {"GATE-EXP-03"},
    ),
    case(
        "credential_column_named_jwt",
        "92",
        "alter table public.organization_notifications add column jwt text;",
        {"GATE-EXP-03"},
        names="jwt",
    ),
    # 93: indexes and keys
    case(
        "unindexed_foreign_key",
        "93",
        "create table public.gate_probe (id uuid primary key, org_id uuid references public.organizations (id));",
        {"GATE-IDX-01"},
    ),
    case(
        "foreign_key_with_only_a_partial_index",
        "93",
        "create table public.gate_probe (id uuid primary key, org_id uuid references public.organizations (id));"
        "create index gate_probe_org_id_idx on public.gate_probe (org_id) where org_id is not null;",
        {"GATE-IDX-01"},
    ),
    case(
        "foreign_key_not_leading_its_index",
        "93",
        "create table public.gate_probe (id uuid primary key, org_id uuid references public.organizations (id));"
        "create index gate_probe_id_org_id_idx on public.gate_probe (id, org_id);",
        {"GATE-IDX-01"},
    ),
    case(
        "duplicate_index",
        "93",
        "create index gate_probe_idx on public.organization_integrations (organization_id);",
        {"GATE-IDX-02"},
    ),
    case(
        "plain_index_duplicating_the_primary_key",
        "93",
        "create index gate_probe_idx on public.organizations (id);",
        {"GATE-IDX-02"},
    ),
    case(
        "table_without_primary_key",
        "93",
        "create table public.gate_probe (id uuid not null unique);",
        {"GATE-IDX-03"},
    ),
    # Controls: the fixes the gates ask for pass.
    case(
        "wrapped_calls_one_policy_per_command",
        "90",
        PROBE_TABLE + "create policy p1 on public.gate_probe for select to authenticated "
        "using (owner_id = (select auth.uid()) and (select current_setting('request.jwt.claims', true)) is not null);"
        "create policy p2 on public.gate_probe for update to authenticated "
        "using (owner_id = (select auth.uid())) with check (owner_id = (select auth.uid()));",
        set(),
    ),
    case(
        "security_invoker_view",
        "92",
        "create view public.gate_probe with (security_invoker = true) as select o.id from public.organizations as o;"
        "revoke all on table public.gate_probe from public, anon, authenticated;",
        set(),
    ),
    case(
        "foreign_key_index_in_any_order",
        "93",
        "create table public.gate_probe (id uuid primary key, a uuid, b uuid, unique (a, b));"
        "create table public.gate_probe_child (id uuid primary key, a uuid, b uuid,"
        " foreign key (a, b) references public.gate_probe (a, b));"
        "create index gate_probe_child_b_a_idx on public.gate_probe_child (b, a);",
        set(),
    ),
    # 94: privileges and maintenance
    case(
        "authenticated_truncate",
        "94",
        PROBE_TABLE + "grant truncate on table public.gate_probe to authenticated;",
        {"GATE-MNT-01"},
    ),
    case("public_trigger", "94", PROBE_TABLE + "grant trigger on table public.gate_probe to public;", {"GATE-MNT-01"}),
    *(
        # MAINTAIN exists from 17 on: VACUUM, ANALYZE, REINDEX, CLUSTER and LOCK TABLE for the grantee.
        [case("anon_maintain", "94", PROBE_TABLE + "grant maintain on public.gate_probe to anon;", {"GATE-MNT-01"})]
        if MAJOR >= 17
        else []
    ),
    case(
        # The index is built while the function is qualified, then the function starts relying on the
        # caller's search_path. 17 runs REINDEX with search_path = 'pg_catalog, pg_temp'; the gate runs
        # with its own narrow path on 15 too, so the unqualified call fails on both.
        "index_function_relying_on_search_path",
        "94",
        PROBE_TABLE
        + """
create function public.gate_probe_fold(p text) returns text language sql immutable as $$ select pg_catalog.lower(p) $$;
create function public.gate_probe_key(p text) returns text language sql immutable
as $$ select public.gate_probe_fold(p) $$;
alter table public.gate_probe add column label text;
create index gate_probe_label_idx on public.gate_probe (public.gate_probe_key(label));
create or replace function public.gate_probe_key(p text) returns text language sql immutable
as $$ select gate_probe_fold(p) $$;
""",
        {"GATE-MNT-02"},
    ),
]


CASES += [
    # 96: the lockdown
    case(
        "lockdown_policy_dropped",
        "96",
        "drop policy organization_members_lockdown_delete_policy on public.organization_members;",
        {"GATE-LCK-01"},
        names="public.organization_members",
    ),
    case(
        "lockdown_policy_that_reads_nothing",
        "96",
        "drop policy organization_integrations_lockdown_update_policy on public.organization_integrations;"
        "create policy organization_integrations_lockdown_update_policy on public.organization_integrations "
        "as restrictive for update to anon, authenticated using (true) with check (true);",
        {"GATE-LCK-01"},
        names="public.organization_integrations",
    ),
    case(
        # The lockdown's expression with a way around it: only the exact expression passes.
        "lockdown_policy_with_an_escape",
        "96",
        "alter policy organization_members_lockdown_select_policy on public.organization_members "
        "using (pg_catalog.cardinality(private.locked_organization_ids()) = 0 "
        "or organization_id <> all(private.locked_organization_ids()) or true);",
        {"GATE-LCK-01"},
        names="public.organization_members",
    ),
    case(
        "lockdown_policy_for_authenticated_only",
        "96",
        "alter policy organizations_lockdown_select_policy on public.organizations to authenticated;",
        {"GATE-LCK-01"},
        names="public.organizations",
    ),
    case(
        "lockdown_policy_made_permissive",
        "96",
        "drop policy credential_audit_lockdown_select_policy on public.credential_audit;"
        "create policy credential_audit_lockdown_select_policy on public.credential_audit "
        "as permissive for select to anon, authenticated using (organization_id <> all("
        "private.locked_organization_ids()));",
        {"GATE-LCK-01"},
        names="public.credential_audit",
    ),
    case(
        "new_table_without_lockdown_policies",
        "96",
        PROBE_TABLE + "grant select on table public.gate_probe to authenticated;"
        "create policy p on public.gate_probe for select to authenticated "
        "using (org_id = any(array(select private.user_org_ids())));",
        {"GATE-LCK-01"},
    ),
    case(
        "new_client_function_without_lockdown_check",
        "96",
        "create function public.gate_probe() returns bigint language sql stable set search_path = pg_catalog, pg_temp "
        "as $$ select pg_catalog.count(*) from public.organization_integrations $$;"
        "revoke all on function public.gate_probe() from public, anon, authenticated;"
        "grant execute on function public.gate_probe() to authenticated;",
        {"GATE-LCK-02"},
    ),
    case(
        # The credential functions' one authorization point forgets the lockdown: every RPC behind it fails.
        "credential_check_without_lockdown",
        "96",
        """create or replace function private.credential_caller_may_manage(p_organization_id uuid)
returns boolean language sql stable set search_path = pg_catalog, pg_temp as $$
    select private.credential_caller_is_privileged() or (
        private.credential_request_role() = 'authenticated' and p_organization_id is not null
        and private.has_org_role(p_organization_id, 'admin'));
$$;""",
        {"GATE-LCK-02"},
        names="private.store_credential(uuid,text)",
    ),
]


# Cases whose bad migration is bad only under legacy default privileges (PGTAP_DEFAULT_PRIVILEGES, or --db-url).
LEGACY_ONLY = {"table_in_public_without_revoke"}


def gate_file(prefix: str) -> str:
    [name] = [f for f in GATE_FILES if f.startswith(prefix)]
    return name


@pytest.mark.parametrize("name", GATE_FILES)
def test_every_gate_passes_on_this_repository(gates_db, name: str) -> None:
    result = run_gate_file(gates_db(), name)
    failures = [(a.description, a.diagnostics) for a in result.assertions if not a.passed]
    assert result.passed, (failures, result.problems)


@pytest.mark.parametrize(("prefix", "sql", "expected", "names"), CASES)
def test_bad_migration_fails_its_gate(
    gates_db, tmp_path: Path, request: pytest.FixtureRequest, prefix: str, sql: str, expected: set[str], names: str
) -> None:
    url = gates_db()
    case = request.node.callspec.id
    if case in LEGACY_ONLY and not new_tables_granted_to_anon(url):
        pytest.skip("only legacy default privileges grant anon anything on a new table")
    applied = apply_extra(url, tmp_path, {BAD_MIGRATION: f"-- deliberately bad: {case}\n{sql}\n"})
    assert applied == [BAD_MIGRATION]

    result = run_gate_file(url, gate_file(prefix))

    assert result.error is None, result.error
    assert len(result.assertions) == result.plan, result.problems
    assert failing_ids(result) == expected
    # Each failure names the offending object in its diagnostics.
    for assertion in result.assertions:
        if not assertion.passed:
            assert names in "\n".join(assertion.diagnostics), (assertion.description, assertion.diagnostics)


@pytest.mark.parametrize("name", GATE_FILES)
def test_a_project_without_objects_fails_the_coverage_guard(databases, platform_db, name: str) -> None:
    """The -00 assertion stops a gate from passing vacuously when its schema filter matches nothing."""
    url = platform_db()
    databases.install_pgtap(url)
    install_test_helpers(url)
    result = run_gate_file(url, name)
    assert result.error is None, result.error
    [guard] = [a.description.split(":", 1)[0] for a in result.assertions if a.description.split(":")[0].endswith("-00")]
    # Only the guard, and the allowlists of anon and authenticated, whose functions are all missing.
    assert guard in failing_ids(result)
    assert failing_ids(result) <= {guard, "GATE-FN-05", "GATE-FN-06"}


def test_every_gate_is_proven_to_fail() -> None:
    declared = {
        match
        for name in GATE_FILES
        for match in re.findall(r"'(GATE-[A-Z]+-\d\d):", (TESTS / name).read_text())
        if not match.endswith("-00")
    }
    proven = set().union(*(param.values[2] for param in CASES))
    assert declared == proven
