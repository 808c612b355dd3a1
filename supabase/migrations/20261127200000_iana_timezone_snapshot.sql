-- Issue 4: sync_schedule.timezone must be an IANA zone name known to the
-- server. pg_timezone_names reads every zone file on each call (about 25 ms)
-- and changes when tzdata is upgraded, so a CHECK constraint cannot call it:
-- too slow per row, and not immutable. This migration copies the server's
-- zone names into the body of an immutable function instead. Its result then
-- depends only on its argument, pg_dump restores it verbatim, and a lookup is
-- a binary search in a jsonb object. To pick up zones from a newer tzdata, add
-- a migration that repeats this block and re-export the Python list
-- (docs/integration-config.md, "Time zones").
set local lock_timeout = '5s';
set local statement_timeout = '60s';

do $snapshot$
declare
    v_names jsonb;
begin
    select pg_catalog.jsonb_object_agg(tz.name, true)
    into v_names
    from pg_catalog.pg_timezone_names as tz
    where
        -- posix/ and right/ repeat every zone (right/ counts leap seconds, which
        -- civil time does not); localtime, posixrules and Factory are tzdata
        -- plumbing, not zones.
        tz.name !~ '^(posix|right)/'
        and tz.name not in ('localtime', 'posixrules', 'Factory');

    -- A server without zone data would otherwise produce a function returning
    -- null, which a CHECK constraint treats as a pass.
    if v_names is null or (select pg_catalog.count(*) from pg_catalog.jsonb_object_keys(v_names)) < 300 then
        raise exception 'pg_timezone_names has too few zones to build the time zone snapshot'
        using errcode = '55000';
    end if;

    execute pg_catalog.format(
        $ddl$
        create or replace function private.is_iana_timezone(p_name text)
        returns boolean
        language sql
        immutable
        strict
        parallel safe
        security invoker
        set search_path = ''
        as $body$
            select %L::jsonb operator(pg_catalog.?) p_name
        $body$
        $ddl$,
        v_names
    );
end;
$snapshot$;

comment on function private.is_iana_timezone(text) is
'True if the name was in pg_timezone_names (minus posix/, right/, localtime, posixrules, Factory) when the '
'migration that built this function ran. Immutable: the names are a literal in the body. Case-sensitive.';

-- Called by the sync_schedule validator, which runs inside a CHECK constraint
-- for every role that writes organization_integrations.
revoke all on function private.is_iana_timezone(text) from public, anon, authenticated, service_role;
grant execute on function private.is_iana_timezone(text) to authenticated, service_role;
