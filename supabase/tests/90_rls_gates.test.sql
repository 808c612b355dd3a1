-- Catalog gate over every table and policy in the project's schemas, so a new
-- table or policy is checked without a new test: RLS is on, policies name
-- their command and roles, wrap auth.*() and current_setting() in a select,
-- do not overlap, are never trivially true and never read user_metadata,
-- and avoid the two patterns that make RLS cost per row instead of per
-- statement.
-- Mirrors splinter's rls_disabled_in_public, auth_rls_initplan,
-- multiple_permissive_policies, rls_policy_always_true and
-- rls_references_user_metadata, each a little stricter (see the checks).

begin;

select plan(10);

-- Deparsed policies qualify a function only when its schema is not on the
-- search path; with auth off the path every auth.*() call reads "auth.".
set local search_path = extensions;

-- The project's schemas, defined once for every gate in
-- 00_test_helpers.test.sql (the view tests.project_schemas).
create temporary view gate_schemas as
select
    s.oid,
    s.nspname
from tests.project_schemas as s;

-- Every table (plain or partitioned) in them that no extension owns.
create temporary view gate_tables as
select
    c.oid,
    s.nspname,
    c.relname,
    c.relrowsecurity
from pg_catalog.pg_class as c
inner join pg_temp.gate_schemas as s on c.relnamespace = s.oid
where
    c.relkind in ('r', 'p')
    and not exists (
        select 1
        from pg_catalog.pg_depend as d
        where
            d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
            and d.objid = c.oid
            and d.deptype = 'e'
    );

-- Every policy on those tables, with its expressions deparsed (as in
-- pg_catalog.pg_policies) under the search path set above.
create temporary view gate_policies as
select
    t.nspname,
    t.relname,
    p.polname,
    p.polcmd,
    p.polpermissive,
    p.polroles,
    pg_catalog.pg_get_expr(p.polqual, p.polrelid) as qual,
    pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) as with_check
from pg_catalog.pg_policy as p
inner join pg_temp.gate_tables as t on p.polrelid = t.oid;

select cmp_ok(
    (select pg_catalog.count(*) from pg_temp.gate_tables)::integer,
    '>',
    0,
    'GATE-RLS-00: the gates see the project''s tables (a broken schema filter would pass everything)'
);

-- rls_disabled_in_public and policy_exists_rls_disabled, for every project
-- schema rather than only the exposed ones.
select is_empty(
    $$
    select t.nspname::text, t.relname::text
    from pg_temp.gate_tables as t
    where not t.relrowsecurity
    order by 1, 2
    $$,
    pg_catalog.format(
        'GATE-RLS-01: RLS is enabled on every table in the project schemas (%s tables)',
        (select pg_catalog.count(*) from pg_temp.gate_tables)
    )
);

select is_empty(
    $$
    select p.nspname::text, p.relname::text, p.polname::text
    from pg_temp.gate_policies as p
    where p.polcmd = '*'
    order by 1, 2, 3
    $$,
    pg_catalog.format(
        'GATE-RLS-02: no policy is "for all"; one policy per command (%s policies)',
        (select pg_catalog.count(*) from pg_temp.gate_policies)
    )
);

-- polroles {0} is PUBLIC: the policy was created without a `to` clause.
select is_empty(
    $$
    select p.nspname::text, p.relname::text, p.polname::text
    from pg_temp.gate_policies as p
    where p.polroles operator(pg_catalog.@>) array[0]::oid[]
    order by 1, 2, 3
    $$,
    pg_catalog.format(
        'GATE-RLS-03: every policy names its roles with `to` (%s policies)',
        (select pg_catalog.count(*) from pg_temp.gate_policies)
    )
);

-- auth_rls_initplan. A call is wrapped when it opens the select list of a
-- subquery, `(select auth.uid())`, deparsed `( SELECT auth.uid() AS uid)`:
-- PostgreSQL then runs it once per statement as an InitPlan. splinter only
-- asks for one wrapped call per expression; here every call must be wrapped,
-- so `(select auth.uid()) = a or auth.uid() = b` fails too.
select is_empty(
    $$
    select p.nspname::text, p.relname::text, p.polname::text, e.clause, e.expr
    from pg_temp.gate_policies as p
    cross join lateral (
        values ('using', p.qual), ('with check', p.with_check)
    ) as e (clause, expr)
    where
        pg_catalog.regexp_count(e.expr, '\m(auth\.(uid|jwt|role|email)|current_setting)\(')
        > pg_catalog.regexp_count(e.expr, 'SELECT\s+\(*\s*(auth\.(uid|jwt|role|email)|current_setting)\(')
    order by 1, 2, 3, 4
    $$,
    pg_catalog.format(
        'GATE-RLS-04: no policy calls auth.uid(), auth.jwt(), auth.role(), auth.email() or current_setting() '
        || 'unwrapped (%s policies)',
        (select pg_catalog.count(*) from pg_temp.gate_policies)
    )
);

-- multiple_permissive_policies: permissive policies are ORed, so every one of
-- them runs for every row. A `for all` policy counts for each command and a
-- PUBLIC policy for each role; roles that bypass RLS are not affected.
select is_empty(
    $$
    select
        p.nspname::text,
        p.relname::text,
        r.rolname::text,
        c.cmd,
        pg_catalog.array_agg(p.polname::text order by p.polname) as policies
    from pg_temp.gate_policies as p
    inner join pg_catalog.pg_roles as r
        on
            p.polroles operator(pg_catalog.@>) array[r.oid]
            or p.polroles operator(pg_catalog.@>) array[0]::oid[]
    cross join lateral pg_catalog.unnest(
        case p.polcmd
            when 'r' then array['select']
            when 'a' then array['insert']
            when 'w' then array['update']
            when 'd' then array['delete']
            else array['select', 'insert', 'update', 'delete']
        end
    ) as c (cmd)
    where
        p.polpermissive
        and not r.rolbypassrls
        and r.rolname !~ '^pg_'
    group by p.nspname, p.relname, r.rolname, c.cmd
    having pg_catalog.count(*) > 1
    order by 1, 2, 3, 4
    $$,
    pg_catalog.format(
        'GATE-RLS-05: no table has two permissive policies for the same role and command (%s policies)',
        (select pg_catalog.count(*) from pg_temp.gate_policies)
    )
);

-- rls_policy_always_true, for every command and role (splinter skips select
-- and roles other than anon and authenticated). WITH CHECK falls back to
-- USING when absent. A policy without USING admits no row, so null is not true.
select is_empty(
    $$
    select p.nspname::text, p.relname::text, p.polname::text, e.clause, e.expr
    from pg_temp.gate_policies as p
    cross join lateral (
        values
        ('using', case when p.polcmd <> 'a' then p.qual end),
        ('with check', case when p.polcmd in ('a', 'w', '*') then coalesce(p.with_check, p.qual) end)
    ) as e (clause, expr)
    where
        p.polpermissive
        and pg_catalog.regexp_replace(pg_catalog.lower(e.expr), '[\s()]', '', 'g')
        in ('true', '1=1', 'notfalse')
    order by 1, 2, 3, 4
    $$,
    pg_catalog.format(
        'GATE-RLS-06: no permissive policy is always true (%s policies)',
        (select pg_catalog.count(*) from pg_temp.gate_policies)
    )
);

-- rls_references_user_metadata: users edit their own user_metadata, so a
-- policy must never trust it, whether through the JWT or auth.users.
select is_empty(
    $$
    select p.nspname::text, p.relname::text, p.polname::text
    from pg_temp.gate_policies as p
    where
        p.qual ~* 'user_?meta_?data'
        or p.with_check ~* 'user_?meta_?data'
    order by 1, 2, 3
    $$,
    pg_catalog.format(
        'GATE-RLS-07: no policy references user_metadata (%s policies)',
        (select pg_catalog.count(*) from pg_temp.gate_policies)
    )
);

-- A project function called in a policy outside a subquery's select list runs
-- once per row; wrapped, `(select private.f())` or `array(select ...)`, it
-- runs once per statement as an InitPlan. Same counting as GATE-RLS-04, for
-- every function in the project's schemas but the immutable ones without
-- arguments, which the planner folds into a constant once per plan
-- (private.locked_organization_ids, 20261207100200). Limit: a wrapped call
-- that passes one of the row's columns is still correlated and runs per row;
-- review those.
select is_empty(
    $$
    with project_calls as (
        select
            '\m(' || pg_catalog.string_agg(
                pg_catalog.quote_ident(s.nspname) || '\.' || pg_catalog.quote_ident(p.proname), '|'
            ) || ')\(' as call
        from pg_temp.gate_schemas as s
        inner join pg_catalog.pg_proc as p on p.pronamespace = s.oid
        where not (p.provolatile = 'i' and p.pronargs = 0)
    )

    select p.nspname::text, p.relname::text, p.polname::text, e.clause, e.expr
    from pg_temp.gate_policies as p
    cross join project_calls as c
    cross join lateral (
        values ('using', p.qual), ('with check', p.with_check)
    ) as e (clause, expr)
    where
        pg_catalog.regexp_count(e.expr, c.call)
        > pg_catalog.regexp_count(e.expr, 'SELECT\s+\(*\s*' || c.call)
    order by 1, 2, 3, 4
    $$,
    pg_catalog.format(
        'GATE-RLS-08: every project function a policy calls is wrapped in a subquery, once per statement '
        || '(%s policies)',
        (select pg_catalog.count(*) from pg_temp.gate_policies)
    )
);

-- `col in (select f())` and `col = any (select f())` keep the sublink as a
-- filter evaluated for every row (on 100k rows, over 100x the cost of the
-- same query without RLS); `col = any(array(select f()))` is one array per
-- statement and an index condition.
select is_empty(
    $$
    select p.nspname::text, p.relname::text, p.polname::text, e.clause, e.expr
    from pg_temp.gate_policies as p
    cross join lateral (
        values ('using', p.qual), ('with check', p.with_check)
    ) as e (clause, expr)
    where e.expr ~ '(\mIN|= ANY)\s*\(\s*SELECT\M'
    order by 1, 2, 3, 4
    $$,
    pg_catalog.format(
        'GATE-RLS-09: no policy filters with `in (select ...)` or `= any (select ...)`; use '
        || '`= any(array(select ...))` (%s policies)',
        (select pg_catalog.count(*) from pg_temp.gate_policies)
    )
);

select * from finish();
rollback;
