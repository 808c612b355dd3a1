-- Catalog gate over what the Data API could expose, so a new object is
-- checked without a new test: no view runs with its owner's rights, anon
-- holds nothing in an exposed schema beyond the allowlist, and no column
-- outside Vault is named like a credential. Mirrors splinter's
-- security_definer_view and sensitive_columns_exposed, stricter (see the checks).

begin;

select plan(4);

-- Objects print as schema.name, whatever the caller's search path.
set local search_path = extensions;

-- The project's schemas, defined once for every gate in
-- 00_test_helpers.test.sql (the view tests.project_schemas).
create temporary view gate_schemas as
select
    s.oid,
    s.nspname
from tests.project_schemas as s;

-- The schemas the Data API exposes (PostgREST's db_schemas on Supabase);
-- private is deliberately not one of them.
create temporary view gate_exposed_schemas as
select
    n.oid,
    n.nspname
from pg_catalog.pg_namespace as n
where n.nspname in ('public', 'graphql_public');

-- Every relation and composite type in the project's schemas that no
-- extension owns.
create temporary view gate_relations as
select
    c.oid,
    c.oid::pg_catalog.regclass::text as relation,
    c.relkind,
    c.reloptions
from pg_catalog.pg_class as c
inner join pg_temp.gate_schemas as s on c.relnamespace = s.oid
where
    c.relkind in ('r', 'p', 'v', 'm', 'f', 'c')
    and not exists (
        select 1
        from pg_catalog.pg_depend as d
        where
            d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
            and d.objid = c.oid
            and d.deptype = 'e'
    );

select cmp_ok(
    (select pg_catalog.count(*) from pg_temp.gate_relations)::integer,
    '>',
    0,
    'GATE-EXP-00: the gates see the project''s relations (a broken schema filter would pass everything)'
);

-- security_definer_view: without security_invoker a view reads its tables as
-- its owner, which bypasses their RLS. splinter only looks at views anon or
-- authenticated can select; here every view in every project schema.
select is_empty(
    $$
    select r.relation, r.reloptions::text
    from pg_temp.gate_relations as r
    where
        r.relkind = 'v'
        and not coalesce(
            pg_catalog.lower(r.reloptions::text)::text[]
            operator(pg_catalog.&&) array[
                'security_invoker=1', 'security_invoker=true', 'security_invoker=yes', 'security_invoker=on'
            ],
            false
        )
    order by 1
    $$,
    pg_catalog.format(
        'GATE-EXP-01: every view sets security_invoker = true; none runs as its owner (%s views)',
        (
            select pg_catalog.count(*)
            from pg_temp.gate_relations as r
            where r.relkind = 'v'
        )
    )
);

-- Anything anon may touch in an exposed schema: a privilege on a relation or
-- any of its columns, on a sequence, EXECUTE on a function, or CREATE on the
-- schema itself. Extension objects count too: an extension in an exposed
-- schema is exposed. Grants through PUBLIC count, as anon inherits them.
select is_empty(
    $$
    with anon_privileges as (
        select 'relation' as kind, c.oid::pg_catalog.regclass::text as object_name
        from pg_catalog.pg_class as c
        inner join pg_temp.gate_exposed_schemas as s on c.relnamespace = s.oid
        where
            c.relkind in ('r', 'p', 'v', 'm', 'f')
            and (
                pg_catalog.has_table_privilege(
                    'anon', c.oid, 'select, insert, update, delete, truncate, references, trigger'
                )
                -- Column grants, e.g. grant select (col) on ... to anon.
                or pg_catalog.has_any_column_privilege('anon', c.oid, 'select, insert, update, references')
            )
        union all
        select 'sequence', c.oid::pg_catalog.regclass::text
        from pg_catalog.pg_class as c
        inner join pg_temp.gate_exposed_schemas as s on c.relnamespace = s.oid
        where
            -- case: the function raises on a relation that is not a sequence,
            -- and the planner may call it before testing relkind.
            case when c.relkind = 'S' then pg_catalog.has_sequence_privilege('anon', c.oid, 'usage, select, update') end
        union all
        select 'function', p.oid::pg_catalog.regprocedure::text
        from pg_catalog.pg_proc as p
        inner join pg_temp.gate_exposed_schemas as s on p.pronamespace = s.oid
        where pg_catalog.has_function_privilege('anon', p.oid, 'execute')
        union all
        select 'schema', s.nspname::text
        from pg_temp.gate_exposed_schemas as s
        where pg_catalog.has_schema_privilege('anon', s.oid, 'create')
    )

    select a.kind, a.object_name
    from anon_privileges as a
    where (a.kind, a.object_name) not in (
        -- Allowlist: (kind, object) pairs anon may use, each with its reason.
        -- Supabase's GraphQL endpoint (real Supabase only; absent here).
        ('function', 'graphql_public.graphql(text,text,jsonb,jsonb)')
    )
    order by 1, 2
    $$,
    pg_catalog.format(
        'GATE-EXP-02: anon holds no privilege in an exposed schema beyond the allowlist (%s objects)',
        (
            select pg_catalog.count(*)
            from pg_catalog.pg_class as c
            inner join pg_temp.gate_exposed_schemas as s on c.relnamespace = s.oid
            where c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
        ) + (
            select pg_catalog.count(*)
            from pg_catalog.pg_proc as p
            inner join pg_temp.gate_exposed_schemas as s on p.pronamespace = s.oid
        )
    )
);

-- sensitive_columns_exposed, stricter: splinter flags exact names in exposed
-- tables without RLS; here any column whose name contains a credential word,
-- in any project schema, with or without RLS. Credentials belong in Vault.
-- Supabase's own schemas are out of scope (auth.users keeps GoTrue's password
-- hashes and tokens). The pattern extends the one in
-- 20261127300200_guard_no_credential_columns.
select is_empty(
    $$
    select r.relation, a.attname::text
    from pg_temp.gate_relations as r
    inner join pg_catalog.pg_attribute as a on r.oid = a.attrelid
    where
        a.attnum > 0
        and not a.attisdropped
        and a.attname operator(pg_catalog.~*) (
            'passw|passphrase|pwd|secret|token|credential|api_?key|private_?key|access_?key|signing_?key'
            || '|auth_?key|session_?(id|key)|ssh_?key|pgp_?key|gpg_?key|license_?key|activation_?key|certificate'
            || '|client_?id|bearer|oauth|auth_?code|recovery_?code|backup_?code|verification_?code|two_?factor'
            || '|(^|_)(jwt|otp|2fa)(_|$)'
        )
        and (r.relation, a.attname::text) not in (
            -- Allowlist: (relation, column) pairs, each with its reason.
            -- Ids of Vault secrets (uuid), the only way this project refers to
            -- a credential; the credential itself stays in vault.secrets.
            ('public.organization_integrations', 'vault_secret_id'),
            ('public.credential_audit', 'vault_secret_id')
        )
    order by 1, 2
    $$,
    pg_catalog.format(
        'GATE-EXP-03: no column outside Vault is named like a credential (%s columns)',
        (
            select pg_catalog.count(*)
            from pg_temp.gate_relations as r
            inner join pg_catalog.pg_attribute as a on r.oid = a.attrelid
            where a.attnum > 0 and not a.attisdropped
        )
    )
);

select * from finish();
rollback;
