-- Default privileges of Supabase projects created since 2026-10-30: new
-- objects in public are granted to nobody. We go one step further and also
-- withdraw PostgreSQL's built-in EXECUTE-to-PUBLIC on new functions, so a
-- migration that forgets to grant what it needs fails here rather than
-- working by accident.
alter default privileges for role postgres in schema public
revoke execute on functions from public;
