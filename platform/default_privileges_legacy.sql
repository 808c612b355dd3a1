-- Default privileges of Supabase projects and local images created before
-- 2026-10-30 (as in platform/reference/supabase-pg15-catalog.json): every new
-- table, sequence and function that postgres or supabase_admin creates in
-- public is granted to anon, authenticated, service_role and postgres. Under
-- this mode a table that forgets to revoke hands anon TRUNCATE, which ignores RLS.
alter default privileges for role postgres in schema public
grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
grant all on sequences to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public
grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public
grant all on sequences to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public
grant all on functions to postgres, anon, authenticated, service_role;
