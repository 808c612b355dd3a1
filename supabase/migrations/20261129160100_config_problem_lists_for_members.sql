-- The client problem lists take json, not jsonb, and are for
-- members of an organization only. Replaces the public wrappers of
-- 20261127200200 (same names, same argument name p_document).
-- * json, because PostgreSQL converts an RPC's arguments before the function
--   runs, and converting 1 MiB to jsonb costs up to about 0.5 s and 230 MB
--   (`[{}, {}, ...]`, measured on PostgreSQL 15), whatever the function does
--   next. json input is only checked for syntax (about 6.5 MB for 1 MiB). The
--   wrappers count the commas and opening brackets that values need, each of
--   which the canonical text form keeps: more than 65,536 of them is over the
--   size limit, so larger documents are refused before any conversion, and the
--   conversion of the rest is bounded (about 21 MB at most). A document that is
--   not an object gets its one problem without any conversion.
-- * members only: only an organization's admins write configurations, so a
--   signed-in user of no organization (anonymous sign-ins included) has no use
--   for the lists; such a call gets 42501 before the document is looked at.
--   The reasoning: docs/integration-config.md, "Who may call the problem lists".
-- Grants are unchanged: authenticated and service_role.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- True when a json object holds more of the characters `,` `[` `{` than
-- p_max_bytes. Every value but the first of an array or object follows a
-- comma, and every container opens with a bracket, so these count the values
-- jsonb would build (its memory is up to about 650 bytes a value), and the
-- canonical text form keeps each of them (inside strings too): more of them is
-- over the size limit. Only input longer than the limit is counted, commas
-- first, with replace(), which is much cheaper than translate() or a regex.
-- Anything but an object is false: the wrappers answer it without converting.
create function private.config_json_is_too_large(p_document json, p_max_bytes integer)
returns boolean
language plpgsql
immutable
strict
parallel safe
security invoker
set search_path = pg_catalog, pg_temp
as $$
declare
    v_text text;
    v_count bigint;
begin
    if pg_catalog.json_typeof(p_document) <> 'object' then
        return false;
    end if;
    -- json keeps its input text: this is a copy, not a rendering.
    v_text := p_document::text;
    if pg_catalog.octet_length(v_text) <= p_max_bytes then
        return false;
    end if;
    v_count := pg_catalog.octet_length(v_text) - pg_catalog.octet_length(pg_catalog.replace(v_text, ',', ''));
    if v_count <= p_max_bytes then
        v_count := v_count + pg_catalog.octet_length(v_text) - pg_catalog.octet_length(
            pg_catalog.replace(pg_catalog.replace(v_text, '[', ''), '{', '')
        );
    end if;
    return v_count > p_max_bytes;
end;
$$;

comment on function private.config_json_is_too_large(json, integer) is
'True when a json object has more commas and opening brackets than p_max_bytes: its canonical text form is '
'larger, and converting it to jsonb would cost more than the problem lists allow.';

revoke all on function private.config_json_is_too_large(json, integer) from public, anon, authenticated, service_role;
grant execute on function private.config_json_is_too_large(json, integer) to authenticated, service_role;

-- The signature changes (jsonb to json), so drop and create. Nothing in the
-- database depends on the wrappers. API clients are unaffected: PostgREST calls
-- them by name with p_document, and json accepts every body jsonb did. SQL
-- callers passing a jsonb value add ::json (docs/integration-config.md).
-- squawk-ignore ban-drop-function
drop function public.field_mappings_problems(jsonb);
-- squawk-ignore ban-drop-function
drop function public.sync_schedule_problems(jsonb);

-- stable, no longer immutable: the answer depends on who asks.
create function public.field_mappings_problems(p_document json)
returns text[]
language plpgsql
stable
security invoker
set search_path = pg_catalog, pg_temp
as $$
declare
    c_max_bytes constant integer := 65536;
begin
    -- Every caller but a signed-in user who belongs to no organization:
    -- service_role and postgres pass, and anon has no EXECUTE. Checked before
    -- the document is looked at. private.user_org_ids() is the security
    -- definer membership helper of 20261127100200; it answers for the caller.
    if current_user = 'authenticated' and not exists (select 1 from private.user_org_ids()) then
        raise exception 'only members of an organization may check configuration documents'
        using errcode = '42501';
    end if;
    -- Anything but an object is explained without converting it (the same
    -- entry as private.field_mappings_problems), and an object with more
    -- structural characters than the text form may hold is too large: refuse
    -- both before converting (see the header).
    if pg_catalog.json_typeof(p_document) <> 'object' then
        return array[pg_catalog.format('$: expected an object, got %s', pg_catalog.json_typeof(p_document))];
    end if;
    if private.config_json_is_too_large(p_document, c_max_bytes) then
        return array[pg_catalog.format('$: document is more than %s bytes, the limit is %s', c_max_bytes, c_max_bytes)];
    end if;
    return private.field_mappings_problems(p_document::jsonb, 100);
end;
$$;

comment on function public.field_mappings_problems(json) is
'Lists what is wrong with a field_mappings document as "<json path>: <reason>" (at most 100 entries); '
'empty when the database would accept it. For members of an organization and service_role. Errors: '
'42501 for a signed-in user who belongs to no organization; 22P05 for \u0000, which jsonb cannot hold.';

revoke all on function public.field_mappings_problems(json) from public, anon, authenticated, service_role;
grant execute on function public.field_mappings_problems(json) to authenticated, service_role;

create function public.sync_schedule_problems(p_document json)
returns text[]
language plpgsql
stable
security invoker
set search_path = pg_catalog, pg_temp
as $$
declare
    c_max_bytes constant integer := 65536;
begin
    -- As in public.field_mappings_problems: members only, then the count of
    -- structural characters before converting to jsonb.
    if current_user = 'authenticated' and not exists (select 1 from private.user_org_ids()) then
        raise exception 'only members of an organization may check configuration documents'
        using errcode = '42501';
    end if;
    if pg_catalog.json_typeof(p_document) <> 'object' then
        return array[pg_catalog.format('$: expected an object, got %s', pg_catalog.json_typeof(p_document))];
    end if;
    if private.config_json_is_too_large(p_document, c_max_bytes) then
        return array[pg_catalog.format('$: document is more than %s bytes, the limit is %s', c_max_bytes, c_max_bytes)];
    end if;
    return private.sync_schedule_problems(p_document::jsonb, 100);
end;
$$;

comment on function public.sync_schedule_problems(json) is
'Lists what is wrong with a sync_schedule document as "<json path>: <reason>" (at most 100 entries); '
'empty when the database would accept it. For members of an organization and service_role. Errors: '
'42501 for a signed-in user who belongs to no organization; 22P05 for \u0000, which jsonb cannot hold.';

revoke all on function public.sync_schedule_problems(json) from public, anon, authenticated, service_role;
grant execute on function public.sync_schedule_problems(json) to authenticated, service_role;
