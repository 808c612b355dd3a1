-- Issue 4: sync_schedule documents in cron mode carry a 5-field cron
-- expression (minute hour day-of-month month day-of-week), validated field by
-- field. Two functions, as for the documents (20261127200200):
--   private.cron_expression_is_valid(text): the rule itself, fast. One regular
--     expression encodes every field's grammar, value range and step range;
--     only the order of range ends (1-5, not 5-1) is checked in code.
--   private.cron_expression_problems(text): explains a rejected expression,
--     one reason per problem, without a JSON path (the caller adds `$.cron`).
-- The grammar is documented in docs/integration-config.md and mirrored in
-- src/org_integrations/config_models.py; the differential test keeps them equal.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- Numeric value of a cron field token: digits as they are, month names 1-12,
-- day names 0-6 (sun = 0). Null for a name the field does not accept.
create function private.cron_value(p_field integer, p_token text)
returns integer
language sql
immutable
strict
parallel safe
security invoker
set search_path = ''
as $$
    select case
        when p_token ~ '^[0-9]+$' then p_token::integer
        when p_field = 4 then pg_catalog.array_position(
            array['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
            pg_catalog.lower(p_token)
        )
        when p_field = 5 then pg_catalog.array_position(
            array['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], pg_catalog.lower(p_token)
        ) - 1
    end;
$$;

comment on function private.cron_value(integer, text) is
'Numeric value of a cron token in field 1-5 (names allowed in month and day-of-week); null if not a value.';

-- The pattern is assembled here from readable parts and written into the
-- function body as a literal, so PostgreSQL compiles it once per session.
do $build$
declare
    -- Per field, in order: the values a field accepts and the steps it accepts.
    -- Values are 1-2 digits (leading zero allowed) or, in month and
    -- day-of-week, a 3-letter English name in any case. Day-of-week 7 is Sunday.
    -- A step is 1 up to the number of values of the field.
    v_values constant text[] := array[
        '[0-5]?[0-9]',
        '[01]?[0-9]|2[0-3]',
        '0?[1-9]|[12][0-9]|3[01]',
        '0?[1-9]|1[0-2]|[Jj][Aa][Nn]|[Ff][Ee][Bb]|[Mm][Aa][Rr]|[Aa][Pp][Rr]|[Mm][Aa][Yy]|[Jj][Uu][Nn]'
        || '|[Jj][Uu][Ll]|[Aa][Uu][Gg]|[Ss][Ee][Pp]|[Oo][Cc][Tt]|[Nn][Oo][Vv]|[Dd][Ee][Cc]',
        '0?[0-7]|[Ss][Uu][Nn]|[Mm][Oo][Nn]|[Tt][Uu][Ee]|[Ww][Ee][Dd]|[Tt][Hh][Uu]|[Ff][Rr][Ii]|[Ss][Aa][Tt]'
    ];
    v_steps constant text[] := array[
        '0?[1-9]|[1-5][0-9]|60',
        '0?[1-9]|1[0-9]|2[0-4]',
        '0?[1-9]|[12][0-9]|3[01]',
        '0?[1-9]|1[0-2]',
        '0?[1-7]'
    ];
    v_item text;
    v_fields text[] := '{}';
    v_pattern text;
begin
    for v_field in 1..5 loop
        -- item := '*' ['/' step] | value '-' value ['/' step] | value
        v_item := pg_catalog.format(
            '(?:\*(?:/(?:%2$s))?|(?:%1$s)-(?:%1$s)(?:/(?:%2$s))?|(?:%1$s))', v_values[v_field], v_steps[v_field]
        );
        -- field := item { ',' item }
        v_fields := v_fields || pg_catalog.format('%1$s(?:,%1$s)*', v_item);
    end loop;
    -- Exactly five fields separated by single spaces, nothing before or after.
    v_pattern := '^' || pg_catalog.array_to_string(v_fields, ' ') || '$';

    execute pg_catalog.format(
        $ddl$
        create function private.cron_expression_is_valid(p_expression text)
        returns boolean
        language plpgsql
        immutable
        strict
        parallel safe
        security invoker
        set search_path = ''
        as $body$
        declare
            c_months constant text[] := '{jan,feb,mar,apr,may,jun,jul,aug,sep,oct,nov,dec}'::text[];
            c_days constant text[] := '{sun,mon,tue,wed,thu,fri,sat}'::text[];
            v_fields text[];
            v_item text;
            v_ends text[];
            v_low integer;
            v_high integer;
        begin
            if pg_catalog.char_length(p_expression) > 255 or p_expression !~ %L then
                return false;
            end if;
            if pg_catalog.strpos(p_expression, '-') = 0 then
                return true;
            end if;
            -- Ranges must not be reversed: compare both ends of each a-b item.
            v_fields := pg_catalog.string_to_array(p_expression, ' ');
            for v_field in 1..5 loop
                continue when pg_catalog.strpos(v_fields[v_field], '-') = 0;
                foreach v_item in array pg_catalog.string_to_array(v_fields[v_field], ',') loop
                    continue when pg_catalog.strpos(v_item, '-') = 0;
                    v_ends := pg_catalog.string_to_array(pg_catalog.split_part(v_item, '/', 1), '-');
                    -- Inline rather than private.cron_value: a call costs more than the rest.
                    v_low := case
                        when v_ends[1] ~ '^[0-9]+$' then v_ends[1]::integer
                        when v_field = 4 then pg_catalog.array_position(c_months, pg_catalog.lower(v_ends[1]))
                        else pg_catalog.array_position(c_days, pg_catalog.lower(v_ends[1])) - 1
                    end;
                    v_high := case
                        when v_ends[2] ~ '^[0-9]+$' then v_ends[2]::integer
                        when v_field = 4 then pg_catalog.array_position(c_months, pg_catalog.lower(v_ends[2]))
                        else pg_catalog.array_position(c_days, pg_catalog.lower(v_ends[2])) - 1
                    end;
                    if v_low > v_high then
                        return false;
                    end if;
                end loop;
            end loop;
            return true;
        end;
        $body$
        $ddl$,
        v_pattern
    );
end;
$build$;

comment on function private.cron_expression_is_valid(text) is
'True if the text is a valid 5-field cron expression (minute hour day-of-month month day-of-week). '
'Grammar: docs/integration-config.md.';

create function private.cron_expression_problems(p_expression text)
returns text[]
language plpgsql
immutable
strict
parallel safe
security invoker
set search_path = ''
as $$
declare
    c_field_names constant text[] := array['minute', 'hour', 'day-of-month', 'month', 'day-of-week'];
    c_lowest constant integer[] := array[0, 0, 1, 1, 0];
    c_highest constant integer[] := array[59, 23, 31, 12, 7];
    -- How many distinct values the field has; a step may not exceed it.
    c_span constant integer[] := array[60, 24, 31, 12, 7];
    c_months constant text[] := array['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
    c_days constant text[] := array['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
    -- item := ( '*' | value [ '-' value ] ) [ '/' step ]; value := 1-2 digits or a 3-letter name
    c_item constant text := '^(?:(\*)|([0-9]{1,2}|[A-Za-z]{3})(?:-([0-9]{1,2}|[A-Za-z]{3}))?)(?:/([0-9]{1,2}))?$';
    v_problems text[] := '{}'::text[];
    v_fields text[];
    v_label text;
    v_item text;
    v_match text[];
    v_token text;
    v_value integer;
    v_bounds integer[];
    v_step integer;
begin
    if private.cron_expression_is_valid(p_expression) then
        return '{}'::text[];
    end if;
    if pg_catalog.char_length(p_expression) > 255 then
        return array['cron expression is longer than 255 characters'];
    end if;

    v_fields := pg_catalog.string_to_array(p_expression, ' ');
    if pg_catalog.cardinality(v_fields) <> 5 or '' = any(v_fields) then
        return array['expected 5 fields separated by single spaces: minute hour day-of-month month day-of-week'];
    end if;

    for v_field in 1..5 loop
        -- A bare * is always right: nothing to explain in that field.
        continue when v_fields[v_field] = '*';
        v_label := c_field_names[v_field] || ' field';
        foreach v_item in array pg_catalog.string_to_array(v_fields[v_field], ',') loop
            continue when v_item = '*';
            v_match := pg_catalog.regexp_match(v_item, c_item);
            if v_match is null then
                v_problems := v_problems || pg_catalog.format(
                    '%s: %s is not a value, range, list or step', v_label, pg_catalog.to_jsonb(v_item)
                );
                continue;
            end if;

            -- v_match: [1] '*', [2] first value, [3] range end, [4] step
            v_bounds := '{}'::integer[];
            foreach v_token in array array[v_match[2], v_match[3]] loop
                continue when v_token is null;
                -- The value of the token, as private.cron_value computes it. Inline:
                -- a call costs more than the lookup.
                if v_token ~ '^[0-9]+$' then
                    v_value := v_token::integer;
                elsif v_field < 4 then
                    v_problems := v_problems || pg_catalog.format(
                        '%s: names such as %s are only allowed in the month and day-of-week fields',
                        v_label,
                        pg_catalog.to_jsonb(v_token)
                    );
                    continue;
                elsif v_field = 4 then
                    v_value := pg_catalog.array_position(c_months, pg_catalog.lower(v_token));
                else
                    v_value := pg_catalog.array_position(c_days, pg_catalog.lower(v_token)) - 1;
                end if;
                if v_value is null then
                    v_problems := v_problems || pg_catalog.format(
                        '%s: %s is not a %s name',
                        v_label,
                        pg_catalog.to_jsonb(v_token),
                        case when v_field = 4 then 'month' else 'day' end
                    );
                elsif v_value < c_lowest[v_field] or v_value > c_highest[v_field] then
                    v_problems := v_problems || pg_catalog.format(
                        '%s: %s is out of range %s-%s', v_label, v_value, c_lowest[v_field], c_highest[v_field]
                    );
                else
                    v_bounds := v_bounds || v_value;
                end if;
            end loop;

            if pg_catalog.cardinality(v_bounds) = 2 and v_bounds[1] > v_bounds[2] then
                v_problems := v_problems || pg_catalog.format(
                    '%s: range %s is reversed', v_label, pg_catalog.to_jsonb(v_item)
                );
            end if;

            if v_match[4] is not null then
                v_step := v_match[4]::integer;
                if v_match[1] is null and v_match[3] is null then
                    v_problems := v_problems || pg_catalog.format(
                        '%s: a step needs * or a range before it, as in */%s', v_label, v_step
                    );
                end if;
                if v_step < 1 or v_step > c_span[v_field] then
                    v_problems := v_problems || pg_catalog.format(
                        '%s: step %s is out of range 1-%s', v_label, v_step, c_span[v_field]
                    );
                end if;
            end if;
        end loop;
    end loop;

    -- cron_expression_is_valid is the rule; this only explains it. Never
    -- return an empty list for an expression the rule rejects.
    if pg_catalog.cardinality(v_problems) = 0 then
        v_problems := array['not a valid cron expression'];
    end if;
    return v_problems;
end;
$$;

comment on function private.cron_expression_problems(text) is
'Why a cron expression is invalid, one reason per entry; empty when cron_expression_is_valid accepts it.';

-- All three run inside the sync_schedule CHECK constraint, which checks
-- EXECUTE as the role writing organization_integrations.
revoke all on function private.cron_expression_is_valid(text) from public, anon, authenticated, service_role;
grant execute on function private.cron_expression_is_valid(text) to authenticated, service_role;
revoke all on function private.cron_value(integer, text) from public, anon, authenticated, service_role;
grant execute on function private.cron_value(integer, text) to authenticated, service_role;
revoke all on function private.cron_expression_problems(text) from public, anon, authenticated, service_role;
grant execute on function private.cron_expression_problems(text) to authenticated, service_role;
