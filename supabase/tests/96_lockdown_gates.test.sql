-- Catalog gate for the lockdown (20261207100200-100400), so that a new table
-- or function is checked without a new test: every table the API roles can
-- reach carries the restrictive lockdown policy for every command, and every
-- function they can call reaches the lockdown check.

begin;

select plan(3);

-- Objects print as schema.name(argtypes), whatever the caller's search path,
-- and deparsed policies qualify every function and table.
set local search_path = extensions;

-- The project's schemas, defined once for every gate in
-- 00_test_helpers.test.sql (the view tests.project_schemas).
create temporary view gate_schemas as
select
    s.oid,
    s.nspname
from tests.project_schemas as s;

-- Every table in them that anon or authenticated holds any privilege on,
-- directly, through PUBLIC or on a column, but private.memberships: the
-- select policies' own membership lookup, which must keep showing a
-- locked-down organization's admins their membership so that they can read
-- its notifications (20261207110000). It shows callers only their own rows.
create temporary view gate_reachable_tables as
select
    c.oid,
    c.oid::pg_catalog.regclass::text as relation
from pg_catalog.pg_class as c
inner join pg_temp.gate_schemas as s on c.relnamespace = s.oid
cross join (values ('anon'), ('authenticated')) as r (rolname)
where
    c.relkind in ('r', 'p')
    and c.oid::pg_catalog.regclass::text <> 'private.memberships'
    and (
        pg_catalog.has_table_privilege(r.rolname, c.oid, 'select, insert, update, delete, truncate, references, trigger')
        or pg_catalog.has_any_column_privilege(r.rolname, c.oid, 'select, insert, update, references')
    )
group by c.oid;

select cmp_ok(
    (select pg_catalog.count(*) from pg_temp.gate_reachable_tables)::integer,
    '>',
    0,
    'GATE-LCK-00: the gates see tables the API roles can reach (a broken filter would pass everything)'
);

-- A lockdown policy: restrictive, for exactly one command, applying to anon
-- and authenticated, and in every expression the command uses (USING for
-- select and delete, WITH CHECK for insert, both for update) exactly the
-- lockdown's expression over the table's organization column (id on
-- organizations, organization_id elsewhere), as deparsed here. Anything
-- added to it, `or true` say, fails. That it excludes the right rows is the
-- matrix's to prove (39_lockdown_matrix).
select is_empty(
    $$
    with expected as (
        select
            t.oid,
            t.relation,
            c.polcmd,
            c.cmd,
            coalesce(
                x.expression,
                pg_catalog.format(
                    '((cardinality(private.locked_organization_ids()) = 0) OR (%s <> ALL '
                    || '(private.locked_organization_ids())))',
                    case when t.relation = 'public.organizations' then 'id' else 'organization_id' end
                )
            ) as expression
        from pg_temp.gate_reachable_tables as t
        cross join (values ('r', 'select'), ('a', 'insert'), ('w', 'update'), ('d', 'delete')) as c (polcmd, cmd)
        left join (
            -- Allowlist: (relation, command, expression), each with its reason.
            -- An organization's admins still read its notifications during a
            -- lockdown, so they learn what happened (20261207100330).
            values (
                'public.organization_notifications',
                'r',
                '((cardinality(private.locked_organization_ids()) = 0) OR (organization_id <> ALL '
                || '(private.locked_organization_ids())) OR (organization_id = ANY (ARRAY( SELECT '
                || 'private.user_org_ids_with_role(ARRAY[''admin''::public.organization_role]) AS '
                || 'user_org_ids_with_role))))'
            )
        ) as x (relation, polcmd, expression) on t.relation = x.relation and c.polcmd = x.polcmd
    )

    select e.relation, e.cmd
    from expected as e
    where not exists (
        select 1
        from pg_catalog.pg_policy as p
        where
            p.polrelid = e.oid
            and not p.polpermissive
            and p.polcmd = e.polcmd::"char"
            and (
                p.polroles operator(pg_catalog.@>) array[0]::oid[]
                or p.polroles operator(pg_catalog.@>) array['anon'::regrole, 'authenticated'::regrole]::oid[]
            )
            and (e.polcmd = 'a' or pg_catalog.pg_get_expr(p.polqual, p.polrelid) = e.expression)
            and (e.polcmd not in ('a', 'w') or pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) = e.expression)
    )
    order by 1, 2
    $$,
    pg_catalog.format(
        'GATE-LCK-01: every table anon or authenticated can reach has the restrictive lockdown policy for every '
        || 'command (%s tables)',
        (select pg_catalog.count(*) from pg_temp.gate_reachable_tables)
    )
);

-- Every function anon or authenticated can execute that is security definer
-- (it bypasses RLS, so the restrictive policies do not protect what it reads)
-- or in an exposed schema (the API) must reach
-- private.organization_is_locked_down: call it, or call a project function
-- that does, as named in their bodies. A static check: the matrix proves the
-- calls take effect.
select is_empty(
    $$
    with recursive functions as (
        select
            p.oid,
            p.oid::pg_catalog.regprocedure::text as signature,
            p.prosrc,
            p.prosecdef,
            s.nspname,
            p.proname
        from pg_catalog.pg_proc as p
        inner join pg_temp.gate_schemas as s on p.pronamespace = s.oid
    ),

    -- Every schema-qualified call in a body, read once per function.
    calls as (
        select distinct
            caller.oid as caller,
            callee.oid as callee
        from functions as caller
        cross join lateral pg_catalog.regexp_matches(
            pg_catalog.lower(caller.prosrc), '([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)\s*\(', 'g'
        ) as m (name)
        inner join functions as callee on callee.nspname = m.name[1] and callee.proname = m.name[2]
    ),

    reach as (
        select
            f.oid as start,
            f.oid as node
        from functions as f
        union
        select
            r.start,
            c.callee
        from reach as r
        inner join calls as c on r.node = c.caller
    )

    select f.signature
    from functions as f
    where
        (pg_catalog.has_function_privilege('anon', f.oid, 'execute')
        or pg_catalog.has_function_privilege('authenticated', f.oid, 'execute'))
        and (f.prosecdef or f.nspname in ('public', 'graphql_public'))
        and not exists (
            select 1
            from reach as r
            inner join functions as checked on r.node = checked.oid
            where
                r.start = f.oid
                and checked.signature = 'private.organization_is_locked_down(uuid)'
        )
        and f.signature not in (
            -- Allowlist, each with its reason. The policies' membership
            -- helpers: definer to avoid RLS recursion, and they answer only
            -- the caller's own memberships; the rows they lead to are behind
            -- the restrictive policies (20261207100300-100340).
            'private.has_org_role(uuid,public.organization_role)',
            'private.user_org_ids()',
            'private.user_org_ids_with_role(public.organization_role[])'
        )
    order by 1
    $$,
    'GATE-LCK-02: every function anon or authenticated can call that is security definer or exposed checks the '
    || 'lockdown (private.organization_is_locked_down)'
);

select * from finish();
rollback;
