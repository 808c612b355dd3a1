-- Installs the identity-switching helpers every other test file uses, and the
-- project-schema scope the catalog gates share, in a `tests` schema. Runs
-- outside a transaction on purpose so the helpers stay for the files that
-- follow; idempotent, so it can run again on the same database. Proves that
-- each helper exists.

-- Keep the TAP stream free of "already exists, skipping" notices.
set client_min_messages = warning;

create extension if not exists pgtap with schema extensions;

create schema if not exists tests;

comment on schema tests is
'pgTAP helpers for switching identity. Test databases only.';

-- Creates a confirmed email user and returns its id (random unless given).
create or replace function tests.create_user(p_email text, p_id uuid default null)
returns uuid
language sql
security invoker
set search_path = ''
as $$
    insert into auth.users (
        instance_id,
        id,
        aud,
        role,
        email,
        encrypted_password,
        email_confirmed_at,
        raw_app_meta_data,
        raw_user_meta_data,
        created_at,
        updated_at
    )
    values (
        '00000000-0000-0000-0000-000000000000',
        coalesce(p_id, pg_catalog.gen_random_uuid()),
        'authenticated',
        'authenticated',
        p_email,
        '',
        pg_catalog.now(),
        '{"provider": "email", "providers": ["email"]}',
        '{}',
        pg_catalog.now(),
        pg_catalog.now()
    )
    returning id;
$$;

-- Acts as the given user until the end of the transaction, as PostgREST
-- would: role authenticated plus the JWT claims auth.uid() reads.
create or replace function tests.authenticate_as(p_user_id uuid)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
declare
    v_email text;
begin
    -- Back to the session user first, so auth.users is readable even when
    -- switching straight from one user to another.
    perform pg_catalog.set_config('role', 'none', true);

    select u.email
    into v_email
    from auth.users as u
    where u.id = p_user_id;

    if not found then
        raise exception 'tests.authenticate_as: no user %', p_user_id
        using errcode = 'no_data_found';
    end if;

    perform pg_catalog.set_config(
        'request.jwt.claims',
        pg_catalog.json_build_object(
            'sub', p_user_id,
            'role', 'authenticated',
            'aud', 'authenticated',
            'email', v_email
        )::text,
        true
    );
    perform pg_catalog.set_config('role', 'authenticated', true);
end;
$$;

-- Acts as an unauthenticated API client until the end of the transaction.
create or replace function tests.authenticate_as_anon()
returns void
language plpgsql
security invoker
set search_path = ''
as $$
begin
    perform pg_catalog.set_config('role', 'none', true);
    perform pg_catalog.set_config('request.jwt.claims', '{"role": "anon"}', true);
    perform pg_catalog.set_config('role', 'anon', true);
end;
$$;

-- Acts as the service_role key (bypasses RLS) until the end of the transaction.
create or replace function tests.authenticate_as_service_role()
returns void
language plpgsql
security invoker
set search_path = ''
as $$
begin
    perform pg_catalog.set_config('role', 'none', true);
    perform pg_catalog.set_config('request.jwt.claims', '{"role": "service_role"}', true);
    perform pg_catalog.set_config('role', 'service_role', true);
end;
$$;

-- Back to the session user (postgres) with no claims.
create or replace function tests.clear_authentication()
returns void
language plpgsql
security invoker
set search_path = ''
as $$
begin
    perform pg_catalog.set_config('role', 'none', true);
    perform pg_catalog.set_config('request.jwt.claims', '', true);
end;
$$;

-- The project's schemas, for the catalog gates (9x files): all but
-- PostgreSQL's own, the Supabase platform's (splinter's and the CLI's
-- exclusion lists, and whatever supabase_admin owns or an extension created;
-- migrations run as postgres) and `tests`, which holds test helpers and exists
-- only in test databases. A new schema is covered automatically.
-- A view rather than a function: the planner inlines it into the gates'
-- catalog queries as it did the SQL function before, and there is no function
-- whose search_path Supabase's advisor (function_search_path_mutable) could flag.
-- A view binds its operators when it is created, so they need no operator(...).
drop function if exists tests.project_schemas();
create or replace view tests.project_schemas as
select
    n.oid,
    n.nspname
from pg_catalog.pg_namespace as n
where
    n.nspname !~ '^pg_'
    and n.nspname not in (
        'information_schema', '_analytics', '_realtime', '_supavisor', 'auth', 'cron', 'extensions', 'graphql',
        'graphql_public', 'net', 'pgbouncer', 'pgmq', 'pgroonga', 'pgsodium', 'pgsodium_masks', 'pgtle',
        'realtime', 'repack', 'storage', 'supabase_functions', 'supabase_migrations', 'tests', 'tiger',
        'topology', 'vault'
    )
    and pg_catalog.pg_get_userbyid(n.nspowner) <> 'supabase_admin'
    and not exists (
        select 1
        from pg_catalog.pg_depend as d
        where
            d.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass
            and d.objid = n.oid
            and d.deptype = 'e'
    );

-- Read by the gates, as postgres; no API role needs it.
revoke all on table tests.project_schemas from public, anon, authenticated, service_role;

-- The switching helpers are called while acting as an API role, so those
-- roles need them. create_user still needs insert on auth.users, which only
-- postgres has.
revoke all on schema tests from public;
grant usage on schema tests to anon, authenticated, service_role;
revoke all on all functions in schema tests from public;
grant execute on all functions in schema tests to anon, authenticated, service_role;

select plan(7);

select has_schema('tests', 'TH-01: tests schema exists');
select has_function(
    'tests', 'create_user', array['text', 'uuid'], 'TH-02: tests.create_user(text, uuid) exists'
);
select has_function(
    'tests', 'authenticate_as', array['uuid'], 'TH-03: tests.authenticate_as(uuid) exists'
);
select has_function(
    'tests', 'authenticate_as_anon', array[]::name[], 'TH-04: tests.authenticate_as_anon() exists'
);
select has_function(
    'tests',
    'authenticate_as_service_role',
    array[]::name[],
    'TH-05: tests.authenticate_as_service_role() exists'
);
select has_function(
    'tests', 'clear_authentication', array[]::name[], 'TH-06: tests.clear_authentication() exists'
);
select has_view('tests', 'project_schemas', 'TH-07: the view tests.project_schemas exists, for the catalog gates');

select * from finish();
