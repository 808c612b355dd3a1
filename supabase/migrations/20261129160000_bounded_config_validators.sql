-- Bounded time and memory in the config validators. Amends
-- 20261127200200 (create or replace of the four private validators).
-- They measured the 64 KiB size rule as octet_length(p_document::text) before
-- looking at anything else. jsonb keeps a number's value, not its spelling, so
-- the 8 input bytes `1e131071` become 131,072 characters of text: a 66 KB
-- document of such numbers drove one backend to about 3 GB, and a larger one
-- failed with 54000. Now:
--   * the rules (*_is_valid, what the CHECK constraints call) check the stored
--     size first, then the structure, and measure the text form last, when the
--     structure leaves only short values in it;
--   * the explanations (*_problems) measure the size through
--     private.config_document_size_problem, which looks at depth and numbers
--     before it renders anything;
--   * every key listing stops at the problem limit.
-- Which documents are accepted does not change, and neither does any problem
-- list, except for documents nested more than 64 levels deep, stored in more
-- than 256 KiB, or holding more than 4 numbers with more than 20 digits before
-- or after the decimal point. docs/integration-config.md, section Size.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- The size problem of a document, or null when its text form is within the
-- limit. Never renders a text form that its stored form does not bound:
--   1. Stored size: jsonb takes at most 4 bytes per byte of text, plus a
--      header (`[1, 1, ...]`: 12 stored bytes per `1, `), so more than
--      4 * limit + 64 stored bytes is over the limit without looking further.
--   2. Depth: the number check below stops at level 64, so deeper documents
--      are refused first (jsonpath's unbounded .** fails with 54001 at about
--      10,000 levels, where the input parser still accepts the document).
--   3. Numbers: one with more than 20 digits before or after the decimal point
--      can print up to 147,456 characters from 8 stored bytes (1e131071,
--      0e-16383). Up to 4 are allowed, so a stray 1e300 keeps its usual list.
-- What is left prints to at most 6 bytes per stored byte (a control
-- character in a string becomes \u0001), 42 per short number and 4 long
-- numbers: about 2 MB at most, in a few milliseconds.
create function private.config_document_size_problem(p_document jsonb, p_max_bytes integer)
returns text
language plpgsql
immutable
strict
parallel safe
security invoker
set search_path = pg_catalog, pg_temp
as $$
declare
    c_max_stored constant bigint := 4 * p_max_bytes::bigint + 64;
    c_max_depth constant integer := 64;
    c_max_long_numbers constant integer := 4;
    c_max_digits constant integer := 20;
    v_long_numbers integer;
    v_bytes bigint;
begin
    if pg_catalog.pg_column_size(p_document) > c_max_stored then
        return pg_catalog.format('$: document is more than %s bytes, the limit is %s', p_max_bytes, p_max_bytes);
    end if;
    -- A value at level 65 exists exactly when the document is deeper than 64.
    if pg_catalog.jsonb_path_exists(p_document, 'strict $.**{65}') then
        return pg_catalog.format('$: document nests values more than %s levels deep', c_max_depth);
    end if;
    -- jsonb -> numeric copies the value; abs() and scale() never print it.
    select pg_catalog.count(*)::integer into v_long_numbers
    from (
        select 1
        from pg_catalog.jsonb_array_elements(
            pg_catalog.jsonb_path_query_array(p_document, 'strict $.**{0 to 64} ? (@.type() == "number")')
        ) as n (value)
        where
            pg_catalog.abs(n.value::numeric) >= 1e20
            or pg_catalog.scale(n.value::numeric) > c_max_digits
        limit c_max_long_numbers + 1
    ) as long_numbers;
    if v_long_numbers > c_max_long_numbers then
        return pg_catalog.format(
            '$: document has more than %s numbers with more than %s digits before or after the decimal point',
            c_max_long_numbers,
            c_max_digits
        );
    end if;
    -- Bounded now: the canonical text form, as the rule measures it.
    v_bytes := pg_catalog.octet_length(p_document::text);
    if v_bytes > p_max_bytes then
        return pg_catalog.format('$: document is %s bytes, the limit is %s', v_bytes, p_max_bytes);
    end if;
    return null;
end;
$$;

comment on function private.config_document_size_problem(jsonb, integer) is
'The size problem of a configuration document ("$: document is ... bytes, the limit is ..."), or null within '
'the limit. Bounded: checks stored size, depth and long numbers before printing the document.';

revoke all on function private.config_document_size_problem(jsonb, integer)
from public, anon, authenticated, service_role;
grant execute on function private.config_document_size_problem(jsonb, integer) to authenticated, service_role;

-- field_mappings ------------------------------------------------------------------

create or replace function private.field_mappings_is_valid(p_document jsonb)
returns boolean
language plpgsql
immutable
parallel safe
security invoker
set search_path = pg_catalog, pg_temp
as $$
declare
    c_max_bytes constant integer := 65536;
    -- See private.config_document_size_problem: more stored bytes than this
    -- is more than c_max_bytes of text.
    c_max_stored constant integer := 4 * 65536 + 64;
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
    -- `is not true` turns the null of a missing key into a rejection. The
    -- operands are evaluated in order: nothing below prints a value that the
    -- checks before it have not bounded.
    if (
        pg_catalog.jsonb_typeof(p_document) = 'object'
        and pg_catalog.pg_column_size(p_document) <= c_max_stored
        and p_document operator(pg_catalog.-) c_top_keys = '{}'::jsonb
        -- jsonb compares numbers by value (1.0 = 1); the text form does not.
        -- Compare the value first, so only a number equal to 1 is printed.
        and (p_document -> 'version') operator(pg_catalog.=) '1'::jsonb
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
    -- The document now holds the number 1, at most 500 short mappings and
    -- nothing else, so its text form is short enough to measure.
    return pg_catalog.octet_length(p_document::text) <= c_max_bytes;
end;
$$;

comment on function private.field_mappings_is_valid(jsonb) is
'True if the document is a valid field_mappings document (version 1). The rule behind '
'organization_integrations_field_mappings_check; schema in docs/integration-config.md.';

revoke all on function private.field_mappings_is_valid(jsonb) from public, anon, authenticated, service_role;
grant execute on function private.field_mappings_is_valid(jsonb) to authenticated, service_role;

create or replace function private.field_mappings_problems(p_document jsonb, p_limit integer default 100)
returns text[]
language plpgsql
immutable
parallel safe
security invoker
set search_path = pg_catalog, pg_temp
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
    v_size_problem text;
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
    v_size_problem := private.config_document_size_problem(p_document, c_max_bytes);
    if v_size_problem is not null then
        return array[v_size_problem];
    end if;

    if p_document operator(pg_catalog.-) c_top_keys <> '{}'::jsonb then
        -- Sorted, and no more than the list can hold.
        for v_key in
            select k.key
            from pg_catalog.jsonb_object_keys(p_document operator(pg_catalog.-) c_top_keys) as k (key)
            order by k.key
            limit v_limit
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
                    limit v_limit - pg_catalog.cardinality(v_problems)
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

create or replace function private.sync_schedule_is_valid(p_document jsonb)
returns boolean
language plpgsql
immutable
parallel safe
security invoker
set search_path = pg_catalog, pg_temp
as $$
declare
    c_max_bytes constant integer := 65536;
    -- See private.config_document_size_problem.
    c_max_stored constant integer := 4 * 65536 + 64;
    c_keys constant text[] := array['version', 'mode', 'interval_minutes', 'cron', 'timezone', 'enabled'];
    v_mode text;
    v_interval jsonb;
begin
    if pg_catalog.jsonb_typeof(p_document) is distinct from 'object'
        or pg_catalog.pg_column_size(p_document) > c_max_stored then
        return false;
    end if;
    -- Only strings are read as text: ->> would print a number in full.
    if pg_catalog.jsonb_typeof(p_document -> 'mode') = 'string' then
        v_mode := p_document ->> 'mode';
    end if;
    v_interval := p_document -> 'interval_minutes';
    -- `is not true` turns the null of a missing key into a rejection. The
    -- operands are evaluated in order: nothing below prints a value that the
    -- checks before it have not bounded.
    return (
        p_document operator(pg_catalog.-) c_keys = '{}'::jsonb
        and (p_document -> 'version') operator(pg_catalog.=) '1'::jsonb
        and (p_document -> 'version')::text = '1'
        and v_mode in ('manual', 'interval', 'cron')
        -- interval_minutes exactly in interval mode, cron exactly in cron mode
        and (p_document operator(pg_catalog.?) 'interval_minutes') = (v_mode = 'interval')
        and (p_document operator(pg_catalog.?) 'cron') = (v_mode = 'cron')
        and (
            v_mode <> 'interval'
            or (
                pg_catalog.jsonb_typeof(v_interval) = 'number'
                -- between 5 and 10080 by value, then written without fraction,
                -- sign or exponent: digits only
                and v_interval operator(pg_catalog.>=) '5'::jsonb
                and v_interval operator(pg_catalog.<=) '10080'::jsonb
                and v_interval::text ~ '^[0-9]{1,5}$'
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
        -- Six short values are left: the text form is short enough to measure.
        and pg_catalog.octet_length(p_document::text) <= c_max_bytes
    ) is true;
end;
$$;

comment on function private.sync_schedule_is_valid(jsonb) is
'True if the document is a valid sync_schedule document (version 1). The rule behind '
'organization_integrations_sync_schedule_check; schema in docs/integration-config.md.';

revoke all on function private.sync_schedule_is_valid(jsonb) from public, anon, authenticated, service_role;
grant execute on function private.sync_schedule_is_valid(jsonb) to authenticated, service_role;

create or replace function private.sync_schedule_problems(p_document jsonb, p_limit integer default 100)
returns text[]
language plpgsql
immutable
parallel safe
security invoker
set search_path = pg_catalog, pg_temp
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
    v_size_problem text;
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
    v_size_problem := private.config_document_size_problem(p_document, c_max_bytes);
    if v_size_problem is not null then
        return array[v_size_problem];
    end if;

    if p_document operator(pg_catalog.-) c_keys <> '{}'::jsonb then
        -- Sorted, and no more than the list can hold.
        for v_key in
            select k.key
            from pg_catalog.jsonb_object_keys(p_document operator(pg_catalog.-) c_keys) as k (key)
            order by k.key
            limit v_limit
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
