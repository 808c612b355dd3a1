-- Amends private.assert_valid_credential_secret (20261127300600): check the
-- length before the whitespace check. The regex scanned the whole value first,
-- so a 200 MB whitespace-only secret took about 2 s to be refused;
-- octet_length reads the size from the value's header without scanning it.
-- Same rules and SQLSTATE (22023), only the order changes. Also pins
-- search_path to pg_catalog, pg_temp (pg_temp last, so a temporary object
-- cannot shadow a type).
set local lock_timeout = '5s';
set local statement_timeout = '60s';

create or replace function private.assert_valid_credential_secret(p_secret text)
returns void
language plpgsql
immutable
security invoker
set search_path = pg_catalog, pg_temp
as $$
begin
    if p_secret is null then
        raise exception 'a credential must not be null, empty or only whitespace'
        using errcode = '22023';
    end if;
    -- Bounded first: everything after this point scans at most 65,536 bytes.
    if pg_catalog.octet_length(p_secret) > 65536 then
        raise exception 'a credential must not exceed 65536 bytes'
        using errcode = '22023';
    end if;
    if p_secret operator(pg_catalog.!~) '[^[:space:]]' then
        raise exception 'a credential must not be null, empty or only whitespace'
        using errcode = '22023';
    end if;
end;
$$;

comment on function private.assert_valid_credential_secret(text) is
'Raises 22023 for a null, over-65,536-byte or blank credential (length checked before content); never echoes it.';

revoke all on function private.assert_valid_credential_secret(text) from public, anon, authenticated, service_role;
