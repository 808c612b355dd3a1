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

-- Named worlds. A test names its users, organizations and integrations
-- ('admin a', 'Org A', 'IA1') and gets the same id for a name every time, so
-- it never writes a uuid literal: tests.user_id('admin a') works in setup, in
-- assertions and inside the SQL a throws_ok runs as an API role. Each kind has
-- its own namespace; the ids are an md5 of kind, session and name, shaped like
-- version 4. The session (backend pid) keeps them apart between test files that
-- run at the same time: two files inserting the same user or organization id
-- would wait on each other's unique keys, and could deadlock. Emails of named
-- users carry it too, for the same reason.
create or replace function tests.named_id(p_kind text, p_name text)
returns uuid
language sql
stable
security invoker
set search_path = pg_catalog, pg_temp
as $$
    select pg_catalog.overlay(
        pg_catalog.overlay(
            pg_catalog.md5('tests.' || p_kind || ':' || pg_catalog.pg_backend_pid() || ':' || p_name), '4', 13
        ),
        '8',
        17
    )::uuid;
$$;

create or replace function tests.user_id(p_name text)
returns uuid
language sql
stable
security invoker
set search_path = pg_catalog, pg_temp
as $$
    select tests.named_id('user', p_name);
$$;

create or replace function tests.org_id(p_name text)
returns uuid
language sql
stable
security invoker
set search_path = pg_catalog, pg_temp
as $$
    select tests.named_id('org', p_name);
$$;

create or replace function tests.integration_id(p_name text)
returns uuid
language sql
stable
security invoker
set search_path = pg_catalog, pg_temp
as $$
    select tests.named_id('integration', p_name);
$$;

-- World building is test setup: it runs as the session user (postgres, which
-- bypasses RLS), never as an API role, or a test would quietly depend on
-- what that role may insert. The helpers are security invoker, so they refuse
-- (55000) after tests.authenticate_as*() until tests.clear_authentication().
create or replace function tests.require_setup_role(p_helper text)
returns void
language plpgsql
stable
security invoker
set search_path = pg_catalog, pg_temp
as $$
begin
    if current_user in ('anon', 'authenticated', 'service_role') then
        raise exception '%: world setup runs as postgres, not as %', p_helper, current_user
        using
            errcode = 'object_not_in_prerequisite_state',
            hint = 'Call tests.clear_authentication() first.';
    end if;
end;
$$;

-- Creates the confirmed user named p_name (email <name>@test.local) and
-- returns tests.user_id(p_name). Members need not be created first:
-- tests.add_member creates them; this is for users in no organization.
create or replace function tests.create_named_user(p_name text)
returns uuid
language plpgsql
security invoker
set search_path = pg_catalog, pg_temp
as $$
begin
    perform tests.require_setup_role('tests.create_named_user');
    return tests.create_user(
        pg_catalog.regexp_replace(pg_catalog.lower(p_name), '[^a-z0-9]+', '-', 'g')
        || '-' || pg_catalog.pg_backend_pid() || '@test.local',
        tests.user_id(p_name)
    );
end;
$$;

-- Adds the named user, created if need be, to the named organization with
-- the given role.
create or replace function tests.add_member(org_name text, user_name text, member_role text)
returns void
language plpgsql
security invoker
set search_path = pg_catalog, pg_temp
as $$
begin
    perform tests.require_setup_role('tests.add_member');
    if not exists (select 1 from auth.users as u where u.id = tests.user_id(user_name)) then
        perform tests.create_named_user(user_name);
    end if;
    insert into public.organization_members (organization_id, user_id, role)
    values (tests.org_id(org_name), tests.user_id(user_name), member_role::public.organization_role);
end;
$$;

-- Creates the integration named integration_name (also its display_name) in
-- the named organization, inactive with the default documents, and returns
-- tests.integration_id(integration_name).
create or replace function tests.create_integration(org_name text, integration_name text, provider text)
returns uuid
language plpgsql
security invoker
set search_path = pg_catalog, pg_temp
as $$
begin
    perform tests.require_setup_role('tests.create_integration');
    insert into public.organization_integrations (id, organization_id, provider, display_name)
    values (
        tests.integration_id(integration_name),
        tests.org_id(org_name),
        create_integration.provider,
        integration_name
    );
    return tests.integration_id(integration_name);
end;
$$;

-- Creates the organization named org_name with its members (named users,
-- created if need be) and its integrations ({"name": "provider"}), and
-- returns tests.org_id(org_name):
--   select tests.create_org(
--       'Org A', admins => array['admin a'], coordinators => array['coordinator a'],
--       integrations => '{"IA1": "salesforce"}'
--   );
create or replace function tests.create_org(
    org_name text,
    admins text[] default '{}',
    coordinators text[] default '{}',
    integrations jsonb default '{}'
)
returns uuid
language plpgsql
security invoker
set search_path = pg_catalog, pg_temp
as $$
declare
    v_name text;
    v_provider text;
begin
    perform tests.require_setup_role('tests.create_org');
    insert into public.organizations (id, name)
    values (tests.org_id(org_name), org_name);
    foreach v_name in array create_org.admins loop
        perform tests.add_member(org_name, v_name, 'admin');
    end loop;
    foreach v_name in array create_org.coordinators loop
        perform tests.add_member(org_name, v_name, 'coordinator');
    end loop;
    for v_name, v_provider in
        select i.key, i.value from pg_catalog.jsonb_each_text(create_org.integrations) as i
    loop
        perform tests.create_integration(org_name, v_name, v_provider);
    end loop;
    return tests.org_id(org_name);
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

-- The switching helpers and the named ids are called while acting as an API
-- role, so those roles need them. The helpers that build a world still need
-- postgres's privileges and refuse to run as an API role.
revoke all on schema tests from public;
grant usage on schema tests to anon, authenticated, service_role;
revoke all on all functions in schema tests from public;
grant execute on all functions in schema tests to anon, authenticated, service_role;

select plan(16);

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

select has_function(
    'tests', 'user_id', array['text'], 'TH-08: tests.user_id(text) exists, a stable id per user name'
);
select has_function(
    'tests', 'org_id', array['text'], 'TH-09: tests.org_id(text) exists, a stable id per organization name'
);
select has_function(
    'tests', 'integration_id', array['text'], 'TH-10: tests.integration_id(text) exists, a stable id per integration name'
);
select has_function(
    'tests', 'create_named_user', array['text'], 'TH-11: tests.create_named_user(text) exists'
);
select has_function(
    'tests', 'create_org', array['text', 'text[]', 'text[]', 'jsonb'],
    'TH-12: tests.create_org(text, text[], text[], jsonb) exists'
);
select has_function(
    'tests', 'add_member', array['text', 'text', 'text'], 'TH-13: tests.add_member(text, text, text) exists'
);
select has_function(
    'tests', 'create_integration', array['text', 'text', 'text'], 'TH-14: tests.create_integration(text, text, text) exists'
);
-- Acts as anon and builds a world in one statement: the guard refuses, and
-- throws_ok's subtransaction takes the role back.
select throws_ok(
    $$select tests.authenticate_as_anon(), tests.create_org('TH org')$$,
    '55000',
    null,
    'TH-15: world-building helpers refuse to run as an API role'
);
-- Denial tests run SQL that names ids through these helpers as anon and the
-- other API roles: were the helpers not executable, a 42501 from the helper
-- itself would pass those tests.
select is_empty(
    $$
    select r.rolname::text, f.proname::text
    from pg_catalog.pg_roles as r
    cross join pg_catalog.pg_proc as f
    where
        r.rolname in ('anon', 'authenticated', 'service_role')
        and f.pronamespace = 'tests'::regnamespace
        and f.proname in ('user_id', 'org_id', 'integration_id')
        and not pg_catalog.has_function_privilege(r.oid, f.oid, 'execute')
    $$,
    'TH-16: anon, authenticated and service_role can execute tests.user_id, org_id and integration_id'
);

select * from finish();
