-- Trigger function that stamps updated_at on every update. Tables in later
-- migrations attach it with a before update trigger. Triggers fire without an
-- execute check, so no API role needs execute on it.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

create function private.set_updated_at()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
    new.updated_at := pg_catalog.now();
    return new;
end;
$$;

comment on function private.set_updated_at() is
'Before update trigger: sets new.updated_at to now(). Not callable by API roles.';

revoke all on function private.set_updated_at() from public, anon, authenticated, service_role;
