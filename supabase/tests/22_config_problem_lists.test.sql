-- Proves the problem-list functions: public.field_mappings_problems and
-- public.sync_schedule_problems return '{}' exactly for documents the checks
-- accept, otherwise one "<json path>: <reason>" entry per problem (paths are
-- valid jsonpath), at most 100; signed-in users and service_role may call
-- them, anon may not; and the writers of the table can run the validators.

begin;

select plan(27);

-- acting as postgres (catalog checks) -------------------------------------

select function_privs_are(
    'public', 'field_mappings_problems', array['jsonb'], 'anon', array[]::name[],
    'PL-01: anon cannot execute public.field_mappings_problems'
);
select function_privs_are(
    'public', 'field_mappings_problems', array['jsonb'], 'authenticated', array['EXECUTE'],
    'PL-02: authenticated can execute public.field_mappings_problems'
);
select function_privs_are(
    'public', 'sync_schedule_problems', array['jsonb'], 'anon', array[]::name[],
    'PL-03: anon cannot execute public.sync_schedule_problems'
);
select function_privs_are(
    'public', 'sync_schedule_problems', array['jsonb'], 'service_role', array['EXECUTE'],
    'PL-04: service_role can execute public.sync_schedule_problems'
);
select volatility_is(
    'public', 'field_mappings_problems', array['jsonb'], 'immutable', 'PL-05: field_mappings_problems is immutable'
);
select volatility_is(
    'public', 'sync_schedule_problems', array['jsonb'], 'immutable', 'PL-06: sync_schedule_problems is immutable'
);
-- A CHECK constraint checks EXECUTE on what it calls as the writing role.
select is_empty(
    $$
    select p.oid::regprocedure::text, r.rolname::text
    from pg_catalog.pg_proc as p
    cross join pg_catalog.pg_roles as r
    where
        p.oid in (
            'private.field_mappings_is_valid(jsonb)'::regprocedure,
            'private.sync_schedule_is_valid(jsonb)'::regprocedure,
            'private.cron_expression_is_valid(text)'::regprocedure,
            'private.is_iana_timezone(text)'::regprocedure
        )
        and r.rolname in ('authenticated', 'service_role')
        and not pg_catalog.has_function_privilege(r.oid, p.oid, 'execute')
    $$,
    'PL-07: authenticated and service_role can execute every function the checks call'
);

-- A corpus of documents, valid and not, for the properties below.
create temporary table corpus (kind text not null, doc jsonb not null) on commit drop;
grant select on corpus to authenticated;
insert into corpus (kind, doc)
values
('fm', '{"version": 1, "mappings": []}'),
('fm', '{"version": 1, "mappings": [{"source": "a", "target": "b", "transform": "trim", "required": true}]}'),
('fm', '{}'),
('fm', '[]'),
('fm', 'null'),
('fm', '{"version": 1.0, "mappings": []}'),
('fm', '{"version": 3, "mappings": "x"}'),
('fm', '{"version": 1, "mappings": [1, "a", null, [], {}]}'),
('fm', '{"version": 1, "mappings": [{"source": "a", "target": "b", "required": true, "we\"ird key": 1}]}'),
('fm', '{"version": 1, "mappings": [{"source": "a", "target": "b", "required": true},
         {"source": "c", "target": "b", "required": true}]}'),
('fm', '{"Account.Name": "customer_name", "Account.BillingCity": "city"}'),
('ss', '{"version": 1, "mode": "manual", "timezone": "UTC", "enabled": false}'),
('ss', '{"version": 1, "mode": "cron", "cron": "0 3 * * mon", "timezone": "Asia/Tokyo", "enabled": true}'),
('ss', '{}'),
('ss', '"manual"'),
('ss', '{"frequency": "daily", "at": "02:00", "timezone": "Europe/Berlin"}'),
('ss', '{"version": 1, "mode": "cron", "cron": "61 25 32 13 8", "timezone": "UTC", "enabled": true}'),
('ss', '{"version": 1, "mode": "interval", "interval_minutes": 1e6, "timezone": "UTC", "enabled": 0}'),
('ss', '{"version": 1, "mode": null, "interval_minutes": 60, "cron": "", "timezone": "utc", "enabled": true}');

-- acting as authenticated ----------------------------------------------------
select tests.create_named_user('user');
select tests.authenticate_as(tests.user_id('user'));

select is(
    public.field_mappings_problems('{"version": 1, "mappings": []}'),
    '{}'::text[],
    'PL-08: a valid field_mappings document has no problems'
);
select is(
    public.sync_schedule_problems('{"version": 1, "mode": "manual", "timezone": "UTC", "enabled": false}'),
    '{}'::text[],
    'PL-09: a valid sync_schedule document has no problems'
);
select is(
    public.field_mappings_problems('{"Account.Name": "customer_name"}'),
    array[
        '$."Account.Name": unknown key',
        '$.version: required key is missing',
        '$.mappings: required key is missing'
    ],
    'PL-10: a legacy field_mappings document gets one entry per problem, with its path'
);
select is(
    public.field_mappings_problems(
        '{"version": 1, "mappings": [
            {"source": "", "target": "Email", "required": "no", "transform": "lower"},
            {"source": "b", "target": "email", "required": true},
            {"source": "c", "target": "email", "required": true}
        ]}'
    ),
    array[
        '$.mappings[0].source: must be 1 to 255 characters, got 0',
        '$.mappings[0].target: must be a lowercase letter followed by up to 62 lowercase letters, digits or underscores',
        '$.mappings[0].transform: unknown transform "lower", expected one of trim, lowercase, uppercase, to_integer, '
        || 'to_number, to_boolean, to_date, to_timestamp',
        '$.mappings[0].required: expected a boolean, got string',
        '$.mappings[2].target: duplicate target "email", first used at $.mappings[1]'
    ],
    'PL-11: problems inside mappings name the element, the key and the reason'
);
select is(
    public.sync_schedule_problems(
        '{"version": 1, "mode": "interval", "interval_minutes": 4, "cron": "* * * * *", "timezone": "Mars",
          "enabled": "yes"}'
    ),
    array[
        '$.interval_minutes: 4 is out of range 5-10080',
        '$.cron: only allowed when mode is "cron"',
        '$.timezone: "Mars" is not an IANA time zone name known to the server',
        '$.enabled: expected a boolean, got string'
    ],
    'PL-12: sync_schedule problems name the key and the reason'
);
select is(
    public.sync_schedule_problems(
        '{"version": 1, "mode": "cron", "cron": "60 * 0 jan-feb/13 fri-mon", "timezone": "UTC", "enabled": true}'
    ),
    array[
        '$.cron: minute field: 60 is out of range 0-59',
        '$.cron: day-of-month field: 0 is out of range 1-31',
        '$.cron: month field: step 13 is out of range 1-12',
        '$.cron: day-of-week field: range "fri-mon" is reversed'
    ],
    'PL-13: a malformed cron expression gets one entry per bad field'
);
select is(
    public.sync_schedule_problems('{"version": 2, "mode": 7}'),
    array['$.version: unsupported version 2, expected 1'],
    'PL-14: an unknown version is reported alone (the rest of the document has no schema)'
);
select is(
    public.field_mappings_problems(null),
    array['$: document is missing (SQL null)'],
    'PL-15: a SQL null document is a problem, not an empty list'
);
select is(
    pg_catalog.cardinality(public.field_mappings_problems(pg_catalog.jsonb_build_object(
        'version', 1,
        'mappings', (select pg_catalog.jsonb_agg(g) from pg_catalog.generate_series(1, 300) as g)
    ))),
    100,
    'PL-16: the public problem list stops at 100 entries'
);
select is(
    pg_catalog.cardinality(private.field_mappings_problems(pg_catalog.jsonb_build_object(
        'version', 1,
        'mappings', (select pg_catalog.jsonb_agg(g) from pg_catalog.generate_series(1, 300) as g)
    ), null)),
    300,
    'PL-17: the private function lists every problem when asked for no limit (the repair audit does)'
);
select alike(
    (public.field_mappings_problems(pg_catalog.jsonb_build_object('version', 1, 'x', pg_catalog.repeat('y', 70000))))[1],
    '$: document is % bytes, the limit is 65536',
    'PL-18: an oversized document gets a single size problem'
);
select is(
    public.sync_schedule_problems('{"version": 1, "mode": "manual", "timezone": "UTC", "enabled": true, "a b": 1}'),
    array['$."a b": unknown key'],
    'PL-19: keys that are not identifiers are quoted in the path'
);

-- Properties over the corpus
select is_empty(
    $$
    select c.kind, c.doc
    from corpus as c
    where
        case c.kind
            when 'fm' then private.field_mappings_is_valid(c.doc)
            else private.sync_schedule_is_valid(c.doc)
        end
        is distinct from (
            pg_catalog.cardinality(
                case c.kind
                    when 'fm' then public.field_mappings_problems(c.doc)
                    else public.sync_schedule_problems(c.doc)
                end
            ) = 0
        )
    $$,
    'PL-20: the problem list is empty exactly when the check''s validator accepts'
);
select is(
    (
        select pg_catalog.count(*)::integer from corpus as c
        where c.kind = 'fm' and private.field_mappings_is_valid(c.doc)
    ),
    2,
    'PL-21: the corpus holds two valid field_mappings documents'
);
select is(
    (
        select pg_catalog.count(*)::integer from corpus as c
        where c.kind = 'ss' and private.sync_schedule_is_valid(c.doc)
    ),
    2,
    'PL-22: the corpus holds two valid sync_schedule documents'
);
select lives_ok(
    $$
    select pg_catalog.split_part(p.problem, ': ', 1)::jsonpath
    from corpus as c
    cross join lateral pg_catalog.unnest(
        case c.kind
            when 'fm' then public.field_mappings_problems(c.doc)
            else public.sync_schedule_problems(c.doc)
        end
    ) as p (problem)
    $$,
    'PL-23: every reported path is a valid jsonpath'
);
select is_empty(
    $$
    select c.doc, p.problem
    from corpus as c
    cross join lateral pg_catalog.unnest(
        case c.kind
            when 'fm' then public.field_mappings_problems(c.doc)
            else public.sync_schedule_problems(c.doc)
        end
    ) as p (problem)
    where
        p.problem not like '%required key is missing'
        and p.problem not like '%required when mode is%'
        and p.problem not like '$: document is missing%'
        and not pg_catalog.jsonb_path_exists(c.doc, pg_catalog.split_part(p.problem, ': ', 1)::jsonpath)
    $$,
    'PL-24: every path, except for missing keys, points at a value in the document'
);
select is_empty(
    $$
    select c.doc
    from corpus as c
    where
        'does not match the schema' = any(
            case c.kind
                when 'fm' then public.field_mappings_problems(c.doc)
                else public.sync_schedule_problems(c.doc)
            end
        )
    $$,
    'PL-25: no rejected document falls back to the generic "does not match" entry'
);

-- acting as anon -------------------------------------------------------------
select tests.authenticate_as_anon();

select throws_ok(
    $$select public.field_mappings_problems('{}')$$, '42501', null, 'PL-26: anon cannot call field_mappings_problems'
);
select throws_ok(
    $$select private.sync_schedule_is_valid('{}')$$, '42501', null, 'PL-27: anon cannot call the private validators'
);

select * from finish();

rollback;
