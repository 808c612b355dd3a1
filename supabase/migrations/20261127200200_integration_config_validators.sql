-- Issue 4: versioned schemas for organization_integrations.field_mappings and
-- .sync_schedule, enforced in SQL (pg_jsonschema is not available on a plain
-- PostgreSQL). Per column, two functions:
--   private.<column>_is_valid(jsonb): the rule. The column's CHECK constraint
--     (20261127200400) calls it, so it is written for speed: the whole happy
--     path is a few boolean expressions, with no per-key statements.
--   private.<column>_problems(jsonb, limit): explains a rejected document as
--     "<json path>: <reason>" entries. It returns '{}' exactly when the rule
--     accepts, and never an empty list when it rejects.
-- The schemas are documented in docs/integration-config.md and mirrored by
-- src/org_integrations/config_models.py; the differential test keeps the rule
-- and the Python models in agreement.
--
-- The functions live in private, which the Data API does not expose; clients get
-- the problem lists through the invoker wrappers in public at the end. Every
-- role that writes the table needs EXECUTE on the rule and what it calls,
-- because a CHECK constraint checks EXECUTE as the writing role.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- JSON path step for an object member: .name when the key is a plain
-- identifier, ."key" (JSON-quoted) otherwise, so every reported path is also a
-- valid PostgreSQL jsonpath.
create function private.jsonpath_member(p_key text)
returns text
language sql
immutable
strict
parallel safe
security invoker
set search_path = ''
as $$
    select case
        when p_key ~ '^[A-Za-z_][A-Za-z0-9_]*$' then '.' || p_key
        else '.' || pg_catalog.to_jsonb(p_key)::text
    end;
$$;

comment on function private.jsonpath_member(text) is
'JSON path step for an object member (.key or ."quoted key"), for problem lists.';

revoke all on function private.jsonpath_member(text) from public, anon, authenticated, service_role;
grant execute on function private.jsonpath_member(text) to authenticated, service_role;

-- field_mappings ------------------------------------------------------------------

create function private.field_mappings_is_valid(p_document jsonb)
returns boolean
language plpgsql
immutable
parallel safe
security invoker
set search_path = ''
as $$
declare
    c_max_bytes constant integer := 65536;
    c_max_mappings constant integer := 500;
    c_top_keys constant text[] := array['version', 'mappings'];
    c_mapping_keys constant text[] := array['source', 'target', 'transform', 'required'];
    c_transforms constant text[] := array[
        'trim', 'lowercase', 'uppercase', 'to_integer', 'to_number', 'to_boolean', 'to_date', 'to_timestamp'
    ];
    v_mappings jsonb;
    v_mapping jsonb;
    v_targets text[] := '{}'::text[];
begin
    -- `is not true` turns the null of a missing key into a rejection.
    if (
        pg_catalog.jsonb_typeof(p_document) = 'object'
        and pg_catalog.octet_length(p_document::text) <= c_max_bytes
        and p_document operator(pg_catalog.-) c_top_keys = '{}'::jsonb
        -- jsonb compares numbers by value (1.0 = 1); the text form does not.
        and (p_document -> 'version')::text = '1'
        and pg_catalog.jsonb_typeof(p_document -> 'mappings') = 'array'
        and pg_catalog.jsonb_array_length(p_document -> 'mappings') <= c_max_mappings
    ) is not true then
        return false;
    end if;

    v_mappings := p_document -> 'mappings';
    for v_index in 0..pg_catalog.jsonb_array_length(v_mappings) - 1 loop
        v_mapping := v_mappings -> v_index;
        if (
            pg_catalog.jsonb_typeof(v_mapping) = 'object'
            and v_mapping operator(pg_catalog.-) c_mapping_keys = '{}'::jsonb
            and pg_catalog.jsonb_typeof(v_mapping -> 'source') = 'string'
            and pg_catalog.char_length(v_mapping ->> 'source') between 1 and 255
            and (v_mapping ->> 'source') !~ '[\x01-\x1f\x7f]'
            and pg_catalog.jsonb_typeof(v_mapping -> 'target') = 'string'
            -- [a-z0-9_]* plus a length test is much cheaper than [a-z0-9_]{0,62}
            and (v_mapping ->> 'target') ~ '^[a-z][a-z0-9_]*$'
            and pg_catalog.char_length(v_mapping ->> 'target') <= 63
            and not (v_mapping ->> 'target') = any(v_targets)
            and (
                not v_mapping operator(pg_catalog.?) 'transform'
                or (
                    pg_catalog.jsonb_typeof(v_mapping -> 'transform') = 'string'
                    and (v_mapping ->> 'transform') = any(c_transforms)
                )
            )
            and pg_catalog.jsonb_typeof(v_mapping -> 'required') = 'boolean'
        ) is not true then
            return false;
        end if;
        v_targets := v_targets || (v_mapping ->> 'target');
    end loop;
    return true;
end;
$$;

comment on function private.field_mappings_is_valid(jsonb) is
'True if the document is a valid field_mappings document (version 1). The rule behind '
'organization_integrations_field_mappings_check; schema in docs/integration-config.md.';

revoke all on function private.field_mappings_is_valid(jsonb) from public, anon, authenticated, service_role;
grant execute on function private.field_mappings_is_valid(jsonb) to authenticated, service_role;

create function private.field_mappings_problems(p_document jsonb, p_limit integer default 100)
returns text[]
language plpgsql
immutable
parallel safe
security invoker
set search_path = ''
as $$
declare
    c_max_bytes constant integer := 65536;
    c_max_mappings constant integer := 500;
    c_top_keys constant text[] := array['version', 'mappings'];
    c_mapping_keys constant text[] := array['source', 'target', 'transform', 'required'];
    c_transforms constant text[] := array[
        'trim', 'lowercase', 'uppercase', 'to_integer', 'to_number', 'to_boolean', 'to_date', 'to_timestamp'
    ];
    v_limit integer := greatest(coalesce(p_limit, 2147483647), 1);
    v_problems text[] := '{}'::text[];
    v_value jsonb;
    v_bytes integer;
    v_key text;
    v_mappings jsonb;
    v_mapping jsonb;
    v_count integer;
    v_path text;
    v_text text;
    v_targets text[] := '{}'::text[];
    v_target_indexes integer[] := '{}'::integer[];
    v_seen integer;
begin
    if private.field_mappings_is_valid(p_document) then
        return '{}'::text[];
    end if;
    if p_document is null then
        return array['$: document is missing (SQL null)'];
    end if;
    if pg_catalog.jsonb_typeof(p_document) <> 'object' then
        return array[pg_catalog.format('$: expected an object, got %s', pg_catalog.jsonb_typeof(p_document))];
    end if;
    -- Size of the canonical text form, before any per-element work.
    v_bytes := pg_catalog.octet_length(p_document::text);
    if v_bytes > c_max_bytes then
        return array[pg_catalog.format('$: document is %s bytes, the limit is %s', v_bytes, c_max_bytes)];
    end if;

    if p_document operator(pg_catalog.-) c_top_keys <> '{}'::jsonb then
        for v_key in
            select k.key
            from pg_catalog.jsonb_object_keys(p_document operator(pg_catalog.-) c_top_keys) as k (key)
            order by k.key
        loop
            v_problems := v_problems || ('$' || private.jsonpath_member(v_key) || ': unknown key');
        end loop;
    end if;

    v_value := p_document -> 'version';
    if v_value is null then
        v_problems := v_problems || '$.version: required key is missing'::text;
    elsif pg_catalog.jsonb_typeof(v_value) <> 'number' then
        v_problems := v_problems || pg_catalog.format(
            '$.version: expected the integer 1, got %s', pg_catalog.jsonb_typeof(v_value)
        );
    elsif v_value::text <> '1' then
        -- The rest of the document cannot be checked against an unknown version.
        v_problems := v_problems || pg_catalog.format('$.version: unsupported version %s, expected 1', v_value);
        return v_problems[1:v_limit];
    end if;
    if pg_catalog.cardinality(v_problems) >= v_limit then
        return v_problems[1:v_limit];
    end if;

    v_mappings := p_document -> 'mappings';
    if v_mappings is null then
        v_problems := v_problems || '$.mappings: required key is missing'::text;
    elsif pg_catalog.jsonb_typeof(v_mappings) <> 'array' then
        v_problems := v_problems || pg_catalog.format(
            '$.mappings: expected an array, got %s', pg_catalog.jsonb_typeof(v_mappings)
        );
    else
        v_count := pg_catalog.jsonb_array_length(v_mappings);
        if v_count > c_max_mappings then
            v_problems := v_problems || pg_catalog.format(
                '$.mappings: %s mappings, the limit is %s', v_count, c_max_mappings
            );
        end if;

        for v_index in 0..v_count - 1 loop
            if pg_catalog.cardinality(v_problems) >= v_limit then
                return v_problems[1:v_limit];
            end if;
            v_mapping := v_mappings -> v_index;
            v_path := '$.mappings[' || v_index || ']';

            if pg_catalog.jsonb_typeof(v_mapping) <> 'object' then
                v_problems := v_problems || pg_catalog.format(
                    '%s: expected an object, got %s', v_path, pg_catalog.jsonb_typeof(v_mapping)
                );
                continue;
            end if;

            if v_mapping operator(pg_catalog.-) c_mapping_keys <> '{}'::jsonb then
                for v_key in
                    select k.key
                    from pg_catalog.jsonb_object_keys(v_mapping operator(pg_catalog.-) c_mapping_keys) as k (key)
                    order by k.key
                loop
                    v_problems := v_problems || (v_path || private.jsonpath_member(v_key) || ': unknown key');
                end loop;
            end if;

            -- source: the provider's field, free text without control characters
            v_value := v_mapping -> 'source';
            if v_value is null then
                v_problems := v_problems || (v_path || '.source: required key is missing');
            elsif pg_catalog.jsonb_typeof(v_value) <> 'string' then
                v_problems := v_problems || pg_catalog.format(
                    '%s.source: expected a string, got %s', v_path, pg_catalog.jsonb_typeof(v_value)
                );
            else
                v_text := v_mapping ->> 'source';
                if pg_catalog.char_length(v_text) not between 1 and 255 then
                    v_problems := v_problems || pg_catalog.format(
                        '%s.source: must be 1 to 255 characters, got %s', v_path, pg_catalog.char_length(v_text)
                    );
                end if;
                if v_text ~ '[\x01-\x1f\x7f]' then
                    v_problems := v_problems || (v_path || '.source: must not contain control characters');
                end if;
            end if;

            -- target: our column, a lowercase identifier, unique in the list
            v_value := v_mapping -> 'target';
            if v_value is null then
                v_problems := v_problems || (v_path || '.target: required key is missing');
            elsif pg_catalog.jsonb_typeof(v_value) <> 'string' then
                v_problems := v_problems || pg_catalog.format(
                    '%s.target: expected a string, got %s', v_path, pg_catalog.jsonb_typeof(v_value)
                );
            else
                v_text := v_mapping ->> 'target';
                if v_text !~ '^[a-z][a-z0-9_]*$' or pg_catalog.char_length(v_text) > 63 then
                    v_problems := v_problems || (
                        v_path || '.target: must be a lowercase letter followed by up to 62 lowercase letters, '
                        || 'digits or underscores'
                    );
                end if;
                v_seen := pg_catalog.array_position(v_targets, v_text);
                if v_seen is not null then
                    v_problems := v_problems || pg_catalog.format(
                        '%s.target: duplicate target %s, first used at $.mappings[%s]',
                        v_path,
                        v_value,
                        v_target_indexes[v_seen]
                    );
                else
                    v_targets := v_targets || v_text;
                    v_target_indexes := v_target_indexes || v_index;
                end if;
            end if;

            -- transform: optional; when present, one of c_transforms (null is not allowed)
            v_value := v_mapping -> 'transform';
            if v_value is null then
                null;
            elsif pg_catalog.jsonb_typeof(v_value) <> 'string' then
                v_problems := v_problems || pg_catalog.format(
                    '%s.transform: expected a string, got %s', v_path, pg_catalog.jsonb_typeof(v_value)
                );
            elsif not (v_mapping ->> 'transform') = any(c_transforms) then
                v_problems := v_problems || pg_catalog.format(
                    '%s.transform: unknown transform %s, expected one of %s',
                    v_path,
                    v_value,
                    pg_catalog.array_to_string(c_transforms, ', ')
                );
            end if;

            -- required: whether a record without this source field is rejected
            v_value := v_mapping -> 'required';
            if v_value is null then
                v_problems := v_problems || (v_path || '.required: required key is missing');
            elsif pg_catalog.jsonb_typeof(v_value) <> 'boolean' then
                v_problems := v_problems || pg_catalog.format(
                    '%s.required: expected a boolean, got %s', v_path, pg_catalog.jsonb_typeof(v_value)
                );
            end if;
        end loop;
    end if;

    -- The rule above decides; this function only explains. Never return an
    -- empty list for a document the rule rejects.
    if pg_catalog.cardinality(v_problems) = 0 then
        v_problems := array['$: does not match the schema'];
    end if;
    return v_problems[1:v_limit];
end;
$$;

comment on function private.field_mappings_problems(jsonb, integer) is
'What is wrong with a field_mappings document, as "<json path>: <reason>" entries; empty when valid. '
'Stops after p_limit entries (null: no limit). Schema: docs/integration-config.md.';

revoke all on function private.field_mappings_problems(jsonb, integer)
from public, anon, authenticated, service_role;
grant execute on function private.field_mappings_problems(jsonb, integer) to authenticated, service_role;

-- sync_schedule -------------------------------------------------------------------

create function private.sync_schedule_is_valid(p_document jsonb)
returns boolean
language plpgsql
immutable
parallel safe
security invoker
set search_path = ''
as $$
declare
    c_max_bytes constant integer := 65536;
    c_keys constant text[] := array['version', 'mode', 'interval_minutes', 'cron', 'timezone', 'enabled'];
    v_mode text := p_document ->> 'mode';
    v_interval text := (p_document -> 'interval_minutes')::text;
begin
    -- `is not true` turns the null of a missing key into a rejection.
    return (
        pg_catalog.jsonb_typeof(p_document) = 'object'
        and pg_catalog.octet_length(p_document::text) <= c_max_bytes
        and p_document operator(pg_catalog.-) c_keys = '{}'::jsonb
        and (p_document -> 'version')::text = '1'
        and pg_catalog.jsonb_typeof(p_document -> 'mode') = 'string'
        and v_mode in ('manual', 'interval', 'cron')
        -- interval_minutes exactly in interval mode, cron exactly in cron mode
        and (p_document operator(pg_catalog.?) 'interval_minutes') = (v_mode = 'interval')
        and (p_document operator(pg_catalog.?) 'cron') = (v_mode = 'cron')
        and (
            v_mode <> 'interval'
            or (
                pg_catalog.jsonb_typeof(p_document -> 'interval_minutes') = 'number'
                -- an integer written without fraction or sign; case guards the cast
                and case
                    when v_interval ~ '^[0-9]{1,5}$' then v_interval::integer between 5 and 10080
                    else false
                end
            )
        )
        and (
            v_mode <> 'cron'
            or (
                pg_catalog.jsonb_typeof(p_document -> 'cron') = 'string'
                and private.cron_expression_is_valid(p_document ->> 'cron')
            )
        )
        and pg_catalog.jsonb_typeof(p_document -> 'timezone') = 'string'
        and private.is_iana_timezone(p_document ->> 'timezone')
        and pg_catalog.jsonb_typeof(p_document -> 'enabled') = 'boolean'
    ) is true;
end;
$$;

comment on function private.sync_schedule_is_valid(jsonb) is
'True if the document is a valid sync_schedule document (version 1). The rule behind '
'organization_integrations_sync_schedule_check; schema in docs/integration-config.md.';

revoke all on function private.sync_schedule_is_valid(jsonb) from public, anon, authenticated, service_role;
grant execute on function private.sync_schedule_is_valid(jsonb) to authenticated, service_role;

create function private.sync_schedule_problems(p_document jsonb, p_limit integer default 100)
returns text[]
language plpgsql
immutable
parallel safe
security invoker
set search_path = ''
as $$
declare
    c_max_bytes constant integer := 65536;
    c_keys constant text[] := array['version', 'mode', 'interval_minutes', 'cron', 'timezone', 'enabled'];
    c_modes constant text[] := array['manual', 'interval', 'cron'];
    c_min_interval constant integer := 5;
    c_max_interval constant integer := 10080;
    v_limit integer := greatest(coalesce(p_limit, 2147483647), 1);
    v_problems text[] := '{}'::text[];
    v_value jsonb;
    v_bytes integer;
    v_key text;
    v_mode text;
    v_reason text;
begin
    if private.sync_schedule_is_valid(p_document) then
        return '{}'::text[];
    end if;
    if p_document is null then
        return array['$: document is missing (SQL null)'];
    end if;
    if pg_catalog.jsonb_typeof(p_document) <> 'object' then
        return array[pg_catalog.format('$: expected an object, got %s', pg_catalog.jsonb_typeof(p_document))];
    end if;
    v_bytes := pg_catalog.octet_length(p_document::text);
    if v_bytes > c_max_bytes then
        return array[pg_catalog.format('$: document is %s bytes, the limit is %s', v_bytes, c_max_bytes)];
    end if;

    if p_document operator(pg_catalog.-) c_keys <> '{}'::jsonb then
        for v_key in
            select k.key
            from pg_catalog.jsonb_object_keys(p_document operator(pg_catalog.-) c_keys) as k (key)
            order by k.key
        loop
            v_problems := v_problems || ('$' || private.jsonpath_member(v_key) || ': unknown key');
        end loop;
    end if;

    v_value := p_document -> 'version';
    if v_value is null then
        v_problems := v_problems || '$.version: required key is missing'::text;
    elsif pg_catalog.jsonb_typeof(v_value) <> 'number' then
        v_problems := v_problems || pg_catalog.format(
            '$.version: expected the integer 1, got %s', pg_catalog.jsonb_typeof(v_value)
        );
    elsif v_value::text <> '1' then
        v_problems := v_problems || pg_catalog.format('$.version: unsupported version %s, expected 1', v_value);
        return v_problems[1:v_limit];
    end if;

    -- mode decides which of interval_minutes and cron must (and may) be present.
    v_value := p_document -> 'mode';
    if v_value is null then
        v_problems := v_problems || '$.mode: required key is missing'::text;
    elsif pg_catalog.jsonb_typeof(v_value) <> 'string' then
        v_problems := v_problems || pg_catalog.format(
            '$.mode: expected a string, got %s', pg_catalog.jsonb_typeof(v_value)
        );
    elsif not (p_document ->> 'mode') = any(c_modes) then
        v_problems := v_problems || pg_catalog.format(
            '$.mode: unknown mode %s, expected one of manual, interval, cron', v_value
        );
    else
        v_mode := p_document ->> 'mode';
    end if;

    v_value := p_document -> 'interval_minutes';
    if v_value is null then
        if v_mode = 'interval' then
            v_problems := v_problems || '$.interval_minutes: required when mode is "interval"'::text;
        end if;
    elsif v_mode is not null and v_mode <> 'interval' then
        v_problems := v_problems || '$.interval_minutes: only allowed when mode is "interval"'::text;
    elsif pg_catalog.jsonb_typeof(v_value) <> 'number' or v_value::text !~ '^-?[0-9]+$' then
        v_problems := v_problems || pg_catalog.format(
            '$.interval_minutes: expected an integer, got %s',
            case when pg_catalog.jsonb_typeof(v_value) = 'number' then v_value::text
                else pg_catalog.jsonb_typeof(v_value) end
        );
    elsif v_value::text::numeric not between c_min_interval and c_max_interval then
        v_problems := v_problems || pg_catalog.format(
            '$.interval_minutes: %s is out of range %s-%s', v_value, c_min_interval, c_max_interval
        );
    end if;

    v_value := p_document -> 'cron';
    if v_value is null then
        if v_mode = 'cron' then
            v_problems := v_problems || '$.cron: required when mode is "cron"'::text;
        end if;
    elsif v_mode is not null and v_mode <> 'cron' then
        v_problems := v_problems || '$.cron: only allowed when mode is "cron"'::text;
    elsif pg_catalog.jsonb_typeof(v_value) <> 'string' then
        v_problems := v_problems || pg_catalog.format(
            '$.cron: expected a string, got %s', pg_catalog.jsonb_typeof(v_value)
        );
    else
        foreach v_reason in array private.cron_expression_problems(p_document ->> 'cron') loop
            v_problems := v_problems || ('$.cron: ' || v_reason);
        end loop;
    end if;

    v_value := p_document -> 'timezone';
    if v_value is null then
        v_problems := v_problems || '$.timezone: required key is missing'::text;
    elsif pg_catalog.jsonb_typeof(v_value) <> 'string' then
        v_problems := v_problems || pg_catalog.format(
            '$.timezone: expected a string, got %s', pg_catalog.jsonb_typeof(v_value)
        );
    elsif not coalesce(private.is_iana_timezone(p_document ->> 'timezone'), false) then
        v_problems := v_problems || pg_catalog.format(
            '$.timezone: %s is not an IANA time zone name known to the server', v_value
        );
    end if;

    v_value := p_document -> 'enabled';
    if v_value is null then
        v_problems := v_problems || '$.enabled: required key is missing'::text;
    elsif pg_catalog.jsonb_typeof(v_value) <> 'boolean' then
        v_problems := v_problems || pg_catalog.format(
            '$.enabled: expected a boolean, got %s', pg_catalog.jsonb_typeof(v_value)
        );
    end if;

    -- The rule above decides; this function only explains. Never return an
    -- empty list for a document the rule rejects.
    if pg_catalog.cardinality(v_problems) = 0 then
        v_problems := array['$: does not match the schema'];
    end if;
    return v_problems[1:v_limit];
end;
$$;

comment on function private.sync_schedule_problems(jsonb, integer) is
'What is wrong with a sync_schedule document, as "<json path>: <reason>" entries; empty when valid. '
'Stops after p_limit entries (null: no limit). Schema: docs/integration-config.md.';

revoke all on function private.sync_schedule_problems(jsonb, integer)
from public, anon, authenticated, service_role;
grant execute on function private.sync_schedule_problems(jsonb, integer) to authenticated, service_role;

-- Client-facing problem lists -----------------------------------------------------
-- Invoker wrappers in the exposed schema so a client (or an admin screen) can
-- ask what is wrong with a document before saving it. They read no table.

create function public.field_mappings_problems(p_document jsonb)
returns text[]
language sql
immutable
parallel safe
security invoker
set search_path = ''
as $$
    select private.field_mappings_problems(p_document, 100);
$$;

comment on function public.field_mappings_problems(jsonb) is
'Lists what is wrong with a field_mappings document as "<json path>: <reason>" (at most 100 entries); '
'empty when the database would accept it.';

revoke all on function public.field_mappings_problems(jsonb) from public, anon, authenticated, service_role;
grant execute on function public.field_mappings_problems(jsonb) to authenticated, service_role;

create function public.sync_schedule_problems(p_document jsonb)
returns text[]
language sql
immutable
parallel safe
security invoker
set search_path = ''
as $$
    select private.sync_schedule_problems(p_document, 100);
$$;

comment on function public.sync_schedule_problems(jsonb) is
'Lists what is wrong with a sync_schedule document as "<json path>: <reason>" (at most 100 entries); '
'empty when the database would accept it.';

revoke all on function public.sync_schedule_problems(jsonb) from public, anon, authenticated, service_role;
grant execute on function public.sync_schedule_problems(jsonb) to authenticated, service_role;
