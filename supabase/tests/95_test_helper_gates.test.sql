-- The `tests` schema stays in the database after a run (as after
-- `supabase test db`), so Supabase's advisor sees it: the 9x gates leave it
-- out of the project's scope, and this file holds it to the same rules.
-- Mirrors splinter's function_search_path_mutable for the helpers.

begin;

select plan(4);

select cmp_ok(
    (
        select pg_catalog.count(*)::integer
        from pg_catalog.pg_proc as p
        where p.pronamespace = 'tests'::pg_catalog.regnamespace
    ),
    '>',
    0,
    'GATE-TH-00: the gate sees the test helpers (a broken filter would pass everything)'
);
select is_empty(
    $$
    select p.oid::pg_catalog.regprocedure::text
    from pg_catalog.pg_proc as p
    where
        p.pronamespace = 'tests'::pg_catalog.regnamespace
        and p.prokind <> 'a'
        and not exists (
            select 1
            from pg_catalog.unnest(p.proconfig) as c (setting)
            where c.setting like 'search\_path=%'
        )
    order by 1
    $$,
    'GATE-TH-01: every function in tests sets search_path (function_search_path_mutable)'
);
select is_empty(
    $$
    select p.oid::pg_catalog.regprocedure::text
    from pg_catalog.pg_proc as p
    where p.pronamespace = 'tests'::pg_catalog.regnamespace and p.prosecdef
    order by 1
    $$,
    'GATE-TH-02: no test helper is security definer: they act with the caller''s rights'
);
select hasnt_function(
    'tests',
    'project_schemas',
    'GATE-TH-03: the gates'' scope is the view tests.project_schemas, not a function to pin'
);

select * from finish();
rollback;
