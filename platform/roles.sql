-- Platform layer, part 1: the cluster-wide roles of a Supabase image, with
-- their attributes, memberships and per-role settings as read from a fresh
-- Supabase Postgres 15 database (platform/reference/supabase-pg15-catalog.json).
-- Run once per cluster by the bootstrap superuser (supabase_admin), before
-- bootstrap.sql. tests/platform_fidelity compares the result with the reference.

do $guard$
begin
    if not (select r.rolsuper from pg_catalog.pg_roles as r where r.rolname = current_user) then
        raise exception 'platform layer must be installed by a superuser'
            using errcode = '42501';
    end if;
    if exists (select 1 from pg_catalog.pg_roles as r where r.rolname = 'authenticator') then
        raise exception 'platform roles already exist in this cluster'
            using errcode = '42710';
    end if;
end
$guard$;

-- postgres is deliberately NOT a superuser, exactly as on hosted Supabase, so
-- a migration that needs superuser fails here too.
create role postgres login createdb createrole replication bypassrls password 'postgres';
create role anon nologin;
create role authenticated nologin;
create role service_role nologin bypassrls;
create role authenticator login noinherit password 'postgres';
create role supabase_auth_admin login noinherit createrole;
create role supabase_storage_admin login noinherit createrole;
create role dashboard_user nologin createrole createdb replication;
create role pgbouncer login;
create role supabase_read_only_user login bypassrls;
create role supabase_replication_admin login replication;
create role supabase_realtime_admin nologin noinherit;

grant anon, authenticated, service_role to authenticator;
-- postgres may switch to the API roles, which is how tests impersonate them.
grant anon, authenticated, service_role to postgres with admin option;
grant pg_monitor, pg_read_all_data, pg_signal_backend to postgres;
grant pg_read_all_data to supabase_read_only_user;
grant authenticator to supabase_storage_admin;
grant anon, authenticated, service_role to supabase_realtime_admin;

-- Per-role settings. Supabase's own scripts store postgres's search_path with
-- a literal backslash ("\$user"), which names no schema; kept as it is there.
alter role postgres set search_path = "\$user", public, extensions;
-- PostgREST logs in as authenticator; the API roles' timeouts apply when a
-- connection logs in as them.
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
alter role authenticator set statement_timeout = '8s';
alter role authenticator set lock_timeout = '8s';
alter role supabase_admin set search_path = "\$user", public, auth, extensions;
alter role supabase_admin set log_statement = 'none';
alter role supabase_auth_admin set search_path = auth;
alter role supabase_auth_admin set idle_in_transaction_session_timeout = 60000;
alter role supabase_auth_admin set log_statement = 'none';
alter role supabase_storage_admin set search_path = storage;
alter role supabase_storage_admin set log_statement = 'none';
alter role supabase_realtime_admin set search_path = public, extensions, realtime;
