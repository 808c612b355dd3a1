-- Proves organization_integrations_sync_schedule_check enforces every rule of
-- the sync_schedule version 1 schema (docs/integration-config.md): types,
-- unknown and missing keys, the version, the mode-dependent keys, the interval
-- range, each cron field, IANA time zones and the size cap. Broken documents
-- are refused with 23514 naming the constraint; valid ones are accepted.

begin;

select plan(52);

-- World: an admin of org A and one integration with the default documents.
select tests.create_org('Org A', admins => array['admin a'], integrations => '{"IA1": "salesforce"}');

-- Sets sync_schedule of the test integration; the constraint decides.
create function pg_temp.set_ss(p_document jsonb)
returns void
language sql
as $$
    update public.organization_integrations
    set sync_schedule = p_document
    where id = tests.integration_id('IA1');
$$;

-- A cron-mode document with the given expression.
create function pg_temp.set_cron(p_expression text)
returns void
language sql
as $$
    select pg_temp.set_ss(pg_catalog.jsonb_build_object(
        'version', 1, 'mode', 'cron', 'cron', p_expression, 'timezone', 'UTC', 'enabled', true
    ));
$$;

-- The name of the constraint a statement violates (null if it succeeds).
create function pg_temp.violated_constraint(p_sql text)
returns text
language plpgsql
as $$
declare
    v_constraint text;
begin
    execute p_sql;
    return null;
exception when check_violation then
    get stacked diagnostics v_constraint = constraint_name;
    return v_constraint;
end;
$$;

-- acting as postgres (catalog checks) -------------------------------------

select is(
    (
        select pg_catalog.pg_get_constraintdef(c.oid)
        from pg_catalog.pg_constraint as c
        where
            c.conrelid = 'public.organization_integrations'::regclass
            and c.conname = 'organization_integrations_sync_schedule_check'
            and c.convalidated
    ),
    'CHECK (private.sync_schedule_is_valid(sync_schedule))',
    'SC-01: organization_integrations_sync_schedule_check is validated and calls private.sync_schedule_is_valid'
);
select volatility_is(
    'private', 'sync_schedule_is_valid', array['jsonb'], 'immutable',
    'SC-02: the validation function is immutable'
);
select volatility_is(
    'private', 'is_iana_timezone', array['text'], 'immutable',
    'SC-03: the time zone check is immutable (its zone list is a literal)'
);
select is_empty(
    $$
    select tz.name
    from pg_catalog.pg_timezone_names as tz
    where
        tz.name !~ '^(posix|right)/'
        and tz.name not in ('localtime', 'posixrules', 'Factory')
        and not private.is_iana_timezone(tz.name)
    $$,
    'SC-04: every zone in pg_timezone_names (minus posix/, right/ and artefacts) is accepted'
);

-- acting as authenticated (admin of org A) --------------------------------
select tests.authenticate_as(tests.user_id('admin a'));

select is(
    pg_temp.violated_constraint($$select pg_temp.set_ss('{}')$$),
    'organization_integrations_sync_schedule_check',
    'SC-05: admin A''s rejected document names organization_integrations_sync_schedule_check'
);

-- Valid documents
select lives_ok(
    $$select pg_temp.set_ss('{"version": 1, "mode": "manual", "timezone": "Europe/Paris", "enabled": true}')$$,
    'SC-06: admin A can set a manual schedule'
);
select lives_ok(
    $$
    select pg_temp.set_ss(
        '{"version": 1, "mode": "interval", "interval_minutes": 5, "timezone": "UTC", "enabled": true}'
    )
    $$,
    'SC-07: admin A can set the shortest interval, 5 minutes'
);
select lives_ok(
    $$
    select pg_temp.set_ss(
        '{"version": 1, "mode": "interval", "interval_minutes": 10080, "timezone": "UTC", "enabled": false}'
    )
    $$,
    'SC-08: admin A can set the longest interval, 10080 minutes'
);
select lives_ok(
    $$select pg_temp.set_cron('*/15 8-18 * * mon-fri')$$,
    'SC-09: admin A can set a cron schedule with steps, ranges and day names'
);
select lives_ok(
    $$select pg_temp.set_cron('0,30 0 1-31/2 JAN-jun,Dec 0-7')$$,
    'SC-10: admin A can use lists, month names in any case and both Sundays'
);
select lives_ok(
    $$select pg_temp.set_cron('59 23 31 12 7')$$, 'SC-11: admin A can use every field''s highest value'
);
select lives_ok(
    $$select pg_temp.set_cron('00 00 01 01 00')$$, 'SC-12: admin A can write values with a leading zero'
);

-- Wrong types
select throws_ok(
    $$select pg_temp.set_ss('[]')$$, '23514', null, 'SC-13: admin A cannot set a non-object document'
);
select throws_ok(
    $$select pg_temp.set_ss('{"version": 1, "mode": "manual", "timezone": "UTC", "enabled": "true"}')$$,
    '23514', null, 'SC-14: admin A cannot give enabled as a string'
);
select throws_ok(
    $$select pg_temp.set_ss('{"version": 1, "mode": "manual", "timezone": 0, "enabled": true}')$$,
    '23514', null, 'SC-15: admin A cannot give timezone as a number'
);
select throws_ok(
    $$
    select pg_temp.set_ss(
        '{"version": 1, "mode": "interval", "interval_minutes": "60", "timezone": "UTC", "enabled": true}'
    )
    $$,
    '23514', null, 'SC-16: admin A cannot give interval_minutes as a string'
);
select throws_ok(
    $$
    select pg_temp.set_ss(
        '{"version": 1, "mode": "interval", "interval_minutes": 60.0, "timezone": "UTC", "enabled": true}'
    )
    $$,
    '23514', null, 'SC-17: admin A cannot give interval_minutes with a fraction'
);
select throws_ok(
    $$select pg_temp.set_ss('{"version": 1, "mode": "cron", "cron": 5, "timezone": "UTC", "enabled": true}')$$,
    '23514', null, 'SC-18: admin A cannot give cron as a number'
);

-- Unknown and missing keys
select throws_ok(
    $$
    select pg_temp.set_ss('{"version": 1, "mode": "manual", "timezone": "UTC", "enabled": true, "at": "02:00"}')
    $$,
    '23514', null, 'SC-19: admin A cannot add an unknown key'
);
select throws_ok(
    $$select pg_temp.set_ss('{"mode": "manual", "timezone": "UTC", "enabled": true}')$$, '23514', null,
    'SC-20: admin A cannot omit version'
);
select throws_ok(
    $$select pg_temp.set_ss('{"version": 1, "timezone": "UTC", "enabled": true}')$$, '23514', null,
    'SC-21: admin A cannot omit mode'
);
select throws_ok(
    $$select pg_temp.set_ss('{"version": 1, "mode": "manual", "enabled": true}')$$, '23514', null,
    'SC-22: admin A cannot omit timezone'
);
select throws_ok(
    $$select pg_temp.set_ss('{"version": 1, "mode": "manual", "timezone": "UTC"}')$$, '23514', null,
    'SC-23: admin A cannot omit enabled'
);
select throws_ok(
    $$select pg_temp.set_ss('{"version": 1, "mode": "interval", "timezone": "UTC", "enabled": true}')$$,
    '23514', null, 'SC-24: admin A cannot omit interval_minutes in interval mode'
);
select throws_ok(
    $$select pg_temp.set_ss('{"version": 1, "mode": "cron", "timezone": "UTC", "enabled": true}')$$,
    '23514', null, 'SC-25: admin A cannot omit cron in cron mode'
);
select throws_ok(
    $$
    select pg_temp.set_ss(
        '{"version": 1, "mode": "manual", "interval_minutes": 60, "timezone": "UTC", "enabled": true}'
    )
    $$,
    '23514', null, 'SC-26: admin A cannot give interval_minutes outside interval mode'
);
select throws_ok(
    $$
    select pg_temp.set_ss(
        '{"version": 1, "mode": "interval", "interval_minutes": 60, "cron": "* * * * *", "timezone": "UTC",
          "enabled": true}'
    )
    $$,
    '23514', null, 'SC-27: admin A cannot give cron outside cron mode'
);

-- Version and mode
select throws_ok(
    $$select pg_temp.set_ss('{"version": 2, "mode": "manual", "timezone": "UTC", "enabled": true}')$$,
    '23514', null, 'SC-28: admin A cannot use version 2'
);
select throws_ok(
    $$select pg_temp.set_ss('{"version": 1, "mode": "daily", "timezone": "UTC", "enabled": true}')$$,
    '23514', null, 'SC-29: admin A cannot use an unknown mode'
);
select throws_ok(
    $$select pg_temp.set_ss('{"version": 1, "mode": "Manual", "timezone": "UTC", "enabled": true}')$$,
    '23514', null, 'SC-30: modes are case-sensitive'
);

-- Interval range
select throws_ok(
    $$
    select pg_temp.set_ss(
        '{"version": 1, "mode": "interval", "interval_minutes": 4, "timezone": "UTC", "enabled": true}'
    )
    $$,
    '23514', null, 'SC-31: admin A cannot set an interval of 4 minutes'
);
select throws_ok(
    $$
    select pg_temp.set_ss(
        '{"version": 1, "mode": "interval", "interval_minutes": 10081, "timezone": "UTC", "enabled": true}'
    )
    $$,
    '23514', null, 'SC-32: admin A cannot set an interval of 10081 minutes'
);
select throws_ok(
    $$
    select pg_temp.set_ss(
        '{"version": 1, "mode": "interval", "interval_minutes": -60, "timezone": "UTC", "enabled": true}'
    )
    $$,
    '23514', null, 'SC-33: admin A cannot set a negative interval'
);

-- Malformed cron, field by field
select throws_ok(
    $$select pg_temp.set_cron('* * * *')$$, '23514', null, 'SC-34: admin A cannot give 4 cron fields'
);
select throws_ok(
    $$select pg_temp.set_cron('* * * * * *')$$, '23514', null, 'SC-35: admin A cannot give 6 cron fields'
);
select throws_ok(
    $$select pg_temp.set_cron('*  * * * *')$$, '23514', null, 'SC-36: cron fields are separated by single spaces'
);
select throws_ok(
    $$select pg_temp.set_cron('60 * * * *')$$, '23514', null, 'SC-37: the minute field stops at 59'
);
select throws_ok(
    $$select pg_temp.set_cron('* 24 * * *')$$, '23514', null, 'SC-38: the hour field stops at 23'
);
select throws_ok(
    $$select pg_temp.set_cron('* * 0 * *')$$, '23514', null, 'SC-39: the day-of-month field starts at 1'
);
select throws_ok(
    $$select pg_temp.set_cron('* * * 13 *')$$, '23514', null, 'SC-40: the month field stops at 12'
);
select throws_ok(
    $$select pg_temp.set_cron('* * * * 8')$$, '23514', null, 'SC-41: the day-of-week field stops at 7'
);
select throws_ok(
    $$select pg_temp.set_cron('30-10 * * * *')$$, '23514', null, 'SC-42: a range may not be reversed'
);
select throws_ok(
    $$select pg_temp.set_cron('*/0 * * * *')$$, '23514', null, 'SC-43: a step of 0 is refused'
);
select throws_ok(
    $$select pg_temp.set_cron('5/15 * * * *')$$, '23514', null, 'SC-44: a step needs * or a range before it'
);
select throws_ok(
    $$select pg_temp.set_cron('mon * * * *')$$, '23514', null, 'SC-45: names are refused in the minute field'
);
select throws_ok(
    $$select pg_temp.set_cron('* * * * fri-mon')$$, '23514', null, 'SC-46: a reversed day-name range is refused'
);
select throws_ok(
    $$select pg_temp.set_cron('@daily')$$, '23514', null, 'SC-47: cron macros are refused'
);

-- Time zones
select throws_ok(
    $$select pg_temp.set_ss('{"version": 1, "mode": "manual", "timezone": "Mars/Olympus", "enabled": true}')$$,
    '23514', null, 'SC-48: admin A cannot use an unknown time zone'
);
select throws_ok(
    $$select pg_temp.set_ss('{"version": 1, "mode": "manual", "timezone": "europe/paris", "enabled": true}')$$,
    '23514', null, 'SC-49: time zone names are case-sensitive'
);
select throws_ok(
    $$
    select pg_temp.set_ss('{"version": 1, "mode": "manual", "timezone": "posix/Europe/Paris", "enabled": true}')
    $$,
    '23514', null, 'SC-50: the posix/ copies of zones are refused'
);

-- Size cap
select throws_ok(
    $$
    select pg_temp.set_ss(pg_catalog.jsonb_build_object(
        'version', 1, 'mode', 'manual', 'timezone', 'UTC', 'enabled', true, 'x', pg_catalog.repeat('x', 70000)
    ))
    $$,
    '23514', null, 'SC-51: admin A cannot set a document over 64 KiB'
);

-- acting as postgres: what the refused statements left behind ---------------
select tests.clear_authentication();

select is(
    (
        select i.sync_schedule ->> 'cron'
        from public.organization_integrations as i
        where i.id = tests.integration_id('IA1')
    ),
    '00 00 01 01 00',
    'SC-52: the integration holds the last accepted document (SC-12)'
);

select * from finish();

rollback;
