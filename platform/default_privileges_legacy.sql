-- Default privileges of Supabase projects and local images created before
-- 2026-10-30: every new table, sequence and function that postgres creates in
-- public is granted to anon, authenticated and service_role. Under this mode a
-- table that forgets to revoke hands anon TRUNCATE, which ignores RLS.
alter default privileges for role postgres in schema public
grant all on tables to anon, authenticated, service_role;
alter default privileges for role postgres in schema public
grant all on sequences to anon, authenticated, service_role;
alter default privileges for role postgres in schema public
grant all on functions to anon, authenticated, service_role;
