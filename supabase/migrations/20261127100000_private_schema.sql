-- Private schema for helpers that RLS policies call (role checks, triggers).
-- The Data API does not expose it, so nothing here is reachable over HTTP;
-- only the roles whose policies call these helpers may use the schema.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

create schema private;

comment on schema private is
'Helpers for RLS policies and triggers. Not exposed by the Data API; grant execute per function.';

-- PostgreSQL grants nothing on a new schema to public, but say it explicitly.
revoke all on schema private from public;
grant usage on schema private to authenticated, service_role;
