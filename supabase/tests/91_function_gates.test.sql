-- Catalog gate over every function in the project's schemas, so a new
-- function is checked without a new test: search_path is pinned
-- (pg_catalog, pg_temp for security definer), no definer function in an exposed schema is callable by
-- anon or authenticated, and what anon and authenticated may execute is
-- exactly the allowlists below. Mirrors splinter's
-- function_search_path_mutable and anon_/authenticated_security_definer_function_executable.

begin;

select plan(7);

-- Functions print as schema.name(argtypes), types qualified the same way.
set local search_path = extensions;

-- The project's schemas, defined once for every gate in
-- 00_test_helpers.test.sql (the view tests.project_schemas).
create temporary view gate_schemas as
select
    s.oid,
    s.nspname
from tests.project_schemas as s;

-- Every function, procedure and aggregate in them that no extension owns.
create temporary view gate_functions as
select
    p.oid,
    p.oid::pg_catalog.regprocedure::text as signature,
    s.nspname,
    p.prokind,
    p.prosecdef,
    p.proconfig,
    -- Exposed through the Data API (PostgREST's db_schemas on Supabase).
    s.nspname in ('public', 'graphql_public') as exposed
from pg_catalog.pg_proc as p
inner join pg_temp.gate_schemas as s on p.pronamespace = s.oid
where not exists (
    select 1
    from pg_catalog.pg_depend as d
    where
        d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
        and d.objid = p.oid
        and d.deptype = 'e'
);

select cmp_ok(
    (select pg_catalog.count(*) from pg_temp.gate_functions)::integer,
    '>',
    0,
    'GATE-FN-00: the gates see the project''s functions (a broken schema filter would pass everything)'
);

-- A definer function runs with its owner's rights; a search_path the caller
-- can influence lets the caller substitute any unqualified object. Exactly
-- `pg_catalog, pg_temp`: an empty search_path still resolves
-- relation and type names in pg_temp first, so a caller's temporary table
-- named text or uuid would shadow the type; naming pg_temp last prevents it.
select is_empty(
    $$
    select f.signature, f.proconfig::text
    from pg_temp.gate_functions as f
    where
        f.prosecdef
        and (
            f.proconfig is null
            or not f.proconfig operator(pg_catalog.@>) array['search_path=pg_catalog, pg_temp']
        )
    order by 1
    $$,
    pg_catalog.format(
        'GATE-FN-01: every security definer function pins search_path to pg_catalog, pg_temp (%s definer functions)',
        (
            select pg_catalog.count(*)
            from pg_temp.gate_functions as f
            where f.prosecdef
        )
    )
);

-- function_search_path_mutable: every function, invoker ones too, sets a
-- search_path. Aggregates cannot carry settings.
select is_empty(
    $$
    select f.signature
    from pg_temp.gate_functions as f
    where
        f.prokind <> 'a'
        and not exists (
            select 1
            from pg_catalog.unnest(f.proconfig) as c (setting)
            where c.setting like 'search\_path=%'
        )
    order by 1
    $$,
    pg_catalog.format(
        'GATE-FN-02: every function sets search_path (%s functions)',
        (
            select pg_catalog.count(*)
            from pg_temp.gate_functions as f
            where f.prokind <> 'a'
        )
    )
);

-- anon_security_definer_function_executable: /rest/v1/rpc/<name> for anyone
-- holding the public anon key.
select is_empty(
    $$
    select f.signature
    from pg_temp.gate_functions as f
    where
        f.exposed
        and f.prosecdef
        and pg_catalog.has_function_privilege('anon', f.oid, 'execute')
    order by 1
    $$,
    pg_catalog.format(
        'GATE-FN-03: anon cannot execute any security definer function in an exposed schema (%s exposed functions)',
        (
            select pg_catalog.count(*)
            from pg_temp.gate_functions as f
            where f.exposed
        )
    )
);

-- authenticated_security_definer_function_executable: the same for any
-- signed-in user. Definer helpers live in private and are wrapped by
-- security invoker functions in public.
select is_empty(
    $$
    select f.signature
    from pg_temp.gate_functions as f
    where
        f.exposed
        and f.prosecdef
        and pg_catalog.has_function_privilege('authenticated', f.oid, 'execute')
    order by 1
    $$,
    pg_catalog.format(
        'GATE-FN-04: authenticated cannot execute any security definer function in an exposed schema '
        || '(%s exposed functions)',
        (
            select pg_catalog.count(*)
            from pg_temp.gate_functions as f
            where f.exposed
        )
    )
);

-- Allowlist: what anon may execute. Only what planning a query under the
-- lockdown policies needs: anon has no business with this project's data.
-- A new entry needs a reason here.
select set_eq(
    $$
    select f.signature
    from pg_temp.gate_functions as f
    where pg_catalog.has_function_privilege('anon', f.oid, 'execute')
    $$,
    array[
        -- The active lockdowns as a constant, which the restrictive policies
        -- fold into every plan (20261207100200).
        'private.locked_organization_ids()'
    ]::text[],
    pg_catalog.format(
        'GATE-FN-05: anon can execute exactly the allowlisted functions (%s functions checked)',
        (select pg_catalog.count(*) from pg_temp.gate_functions)
    )
);

-- Allowlist: what authenticated may execute, and why.
select set_eq(
    $$
    select f.signature
    from pg_temp.gate_functions as f
    where pg_catalog.has_function_privilege('authenticated', f.oid, 'execute')
    $$,
    array[
        -- The credential RPCs for organization admins: security invoker
        -- wrappers in public, each authorizing the caller in its private
        -- definer counterpart (20261127300700).
        'public.store_credential(uuid,text)',
        'private.store_credential(uuid,text)',
        'public.rotate_credential(uuid,text)',
        'private.rotate_credential(uuid,text)',
        'public.revoke_credential(uuid)',
        'private.revoke_credential(uuid)',
        'public.get_integration_vault_secret_id(uuid)',
        'private.get_integration_vault_secret_id(uuid)',
        -- Non-decrypting "has a live credential" check before activating
        -- (20261129100300); same authorization as the RPCs above.
        'public.credential_status(uuid)',
        'private.credential_status(uuid)',
        -- Config problem lists for clients (20261127200200): invoker; json,
        -- members and service_role only (20261129160100).
        'public.field_mappings_problems(json)',
        'public.sync_schedule_problems(json)',
        -- RLS role checks the policies call as the querying user; definer
        -- to avoid recursion on organization_members, and they answer only
        -- for (select auth.uid()) (20261127100200).
        'private.has_org_role(uuid,public.organization_role)',
        'private.user_org_ids()',
        'private.user_org_ids_with_role(public.organization_role[])',
        -- Validators behind the organization_integrations CHECK constraints,
        -- which check EXECUTE as the writing role (20261127200000-200200).
        'private.is_iana_timezone(text)',
        'private.cron_expression_is_valid(text)',
        'private.cron_expression_problems(text)',
        'private.jsonpath_member(text)',
        'private.field_mappings_is_valid(jsonb)',
        'private.field_mappings_problems(jsonb,integer)',
        'private.sync_schedule_is_valid(jsonb)',
        'private.sync_schedule_problems(jsonb,integer)',
        -- The bounded size checks of both problem lists (20261129160000/160100).
        'private.config_document_size_problem(jsonb,integer)',
        'private.config_json_is_too_large(json,integer)',
        -- The problem lists' membership check, which asks whether the
        -- caller's organizations are locked down (20261207100400): invoker,
        -- reading only what the caller may read.
        'private.assert_may_check_config_documents()',
        'private.organization_is_locked_down(uuid)',
        -- The active lockdowns as a constant, which the restrictive policies
        -- fold into every plan (20261207100200).
        'private.locked_organization_ids()'
    ]::text[],
    pg_catalog.format(
        'GATE-FN-06: authenticated can execute exactly the allowlisted functions (%s functions checked)',
        (select pg_catalog.count(*) from pg_temp.gate_functions)
    )
);

select * from finish();
rollback;
