-- Proves that hostile configuration documents get a short problem list (or 23514 on a write)
-- instead of being printed in full: 66 KB of 1e131071, zeros with 16,383 decimals, 12,000 levels
-- of nesting, 1 MiB of text; that ordinary documents keep their lists; and that only members
-- and service_role may call the public problem lists (20261129160000/160100).
-- The 2 s statement timeout only bounds the run on a database without the fix.

begin;

select plan(20);

select pg_catalog.set_config('statement_timeout', '2s', true);

-- acting as postgres (world) ---------------------------------------------------
select tests.create_org(
    'VB org', admins => array['admin'], coordinators => array['coordinator'], integrations => '{"VB hubspot": "hubspot"}'
);
select tests.create_named_user('outsider');

create temporary table hostile (shape text primary key, doc json not null) on commit drop;
grant select on hostile to authenticated, service_role;
insert into hostile (shape, doc)
values
-- The review's document: 66 KB, each number printing as 131,072 characters.
('huge exponents', ('{"version": 1, "mappings": [' || pg_catalog.repeat('1e131071, ', 7332) || '1e131071]}')::json),
('tiny exponents', ('{"version": 1, "mappings": [' || pg_catalog.repeat('0e-16383, ', 7332) || '0e-16383]}')::json),
('deep', ('{"version": 1, "mappings": ' || pg_catalog.repeat('[', 12000) || pg_catalog.repeat(']', 12000) || '}')::json),
(
    'long interval',
    '{"version": 1, "mode": "interval", "interval_minutes": 1e131071, "timezone": "UTC", "enabled": true}'::json
),
(
    'many keys',
    (
        select pg_catalog.json_object_agg(pg_catalog.format('k%s', pg_catalog.lpad(g::text, 5, '0')), g)
        from pg_catalog.generate_series(1, 4000) as g
    )
);

create function pg_temp.hostile_doc(p_shape text)
returns json
language sql
stable
as $$
    select h.doc from pg_temp.hostile as h where h.shape = p_shape;
$$;
grant execute on function pg_temp.hostile_doc(text) to authenticated, service_role;

-- acting as a signed-in user of no organization ---------------------------------
select tests.authenticate_as(tests.user_id('outsider'));

select throws_ok(
    $$select public.field_mappings_problems('{"version": 1, "mappings": []}')$$,
    '42501',
    null,
    'VB-01: a user of no organization cannot call field_mappings_problems'
);
select throws_ok(
    $$select public.sync_schedule_problems(pg_temp.hostile_doc('huge exponents'))$$,
    '42501',
    null,
    'VB-02: a user of no organization cannot call sync_schedule_problems, whatever the document'
);

-- acting as an anonymous sign-in (role authenticated, is_anonymous) -----------------
select
    pg_catalog.set_config(
        'request.jwt.claims',
        pg_catalog.json_build_object(
            'sub', tests.user_id('anonymous sign-in'), 'role', 'authenticated', 'is_anonymous', true
        )::text,
        true
    ) as claims,
    pg_catalog.set_config('role', 'authenticated', true) as acting_role;

select throws_ok(
    $$select public.field_mappings_problems('{}')$$,
    '42501',
    null,
    'VB-03: an anonymous sign-in cannot call field_mappings_problems'
);

-- acting as a coordinator (a member) -------------------------------------------------
select tests.authenticate_as(tests.user_id('coordinator'));

select is(
    public.field_mappings_problems(pg_temp.hostile_doc('huge exponents')),
    array['$: document has more than 4 numbers with more than 20 digits before or after the decimal point'],
    'VB-04: 66 KB of 1e131071 gets one problem, without printing the document'
);
select is(
    public.sync_schedule_problems(pg_temp.hostile_doc('huge exponents')),
    array['$: document has more than 4 numbers with more than 20 digits before or after the decimal point'],
    'VB-05: the same document gets the same problem from sync_schedule_problems'
);
select is(
    public.field_mappings_problems(pg_temp.hostile_doc('tiny exponents')),
    array['$: document has more than 4 numbers with more than 20 digits before or after the decimal point'],
    'VB-06: zeros with 16,383 decimals count as long numbers'
);
select is(
    public.field_mappings_problems(pg_temp.hostile_doc('deep')),
    array['$: document nests values more than 64 levels deep'],
    'VB-07: 12,000 levels of nesting get a depth problem from field_mappings_problems'
);
select is(
    public.sync_schedule_problems(pg_temp.hostile_doc('deep')),
    array['$: document nests values more than 64 levels deep'],
    'VB-08: and from sync_schedule_problems (jsonpath''s unbounded .** would fail with 54001)'
);
select is(
    -- Built in the call: a value read from a table may be compressed, and its stored size says less.
    public.field_mappings_problems(('{"version": 1, "x": "' || pg_catalog.repeat('y', 1048000) || '"}')::json),
    array['$: document is more than 65536 bytes, the limit is 65536'],
    'VB-09: a document stored in more than 256 KiB is too large without being printed'
);
select is(
    public.field_mappings_problems(pg_catalog.jsonb_build_object('version', 1, 'x', pg_catalog.repeat('y', 70000))::json),
    array['$: document is 70023 bytes, the limit is 65536'],
    'VB-10: an ordinary oversized document keeps its exact size problem'
);
select is(
    public.field_mappings_problems('{"version": 1e300, "mappings": []}'),
    array['$.version: unsupported version 1' || pg_catalog.repeat('0', 300) || ', expected 1'],
    'VB-11: a few long numbers keep the usual problem list'
);
select is(
    public.sync_schedule_problems(pg_temp.hostile_doc('long interval')),
    array['$: document is 131164 bytes, the limit is 65536'],
    'VB-12: one number of 131,072 digits is measured exactly'
);
select is(
    public.sync_schedule_problems(pg_temp.hostile_doc('many keys')),
    (
        select pg_catalog.array_agg(pg_catalog.format('$.k%s: unknown key', pg_catalog.lpad(g::text, 5, '0')))
        from pg_catalog.generate_series(1, 100) as g
    ),
    'VB-13: 4,000 unknown keys give the first 100 in order'
);
select is(
    private.field_mappings_problems(pg_temp.hostile_doc('huge exponents')::jsonb, null),
    array['$: document has more than 4 numbers with more than 20 digits before or after the decimal point'],
    'VB-14: the unlimited list the repair uses is bounded too'
);

-- acting as an admin: the CHECK constraints -------------------------------------------
select tests.authenticate_as(tests.user_id('admin'));

select throws_ok(
    $$
    update public.organization_integrations
    set field_mappings = pg_temp.hostile_doc('huge exponents')
    where id = tests.integration_id('VB hubspot')
    $$,
    '23514',
    null,
    'VB-15: an admin writing 66 KB of 1e131071 into field_mappings gets 23514'
);
select throws_ok(
    $$
    update public.organization_integrations
    set sync_schedule = pg_temp.hostile_doc('huge exponents')
    where id = tests.integration_id('VB hubspot')
    $$,
    '23514',
    null,
    'VB-16: and into sync_schedule gets 23514'
);
select throws_ok(
    $$
    insert into public.organization_integrations (organization_id, provider, display_name, field_mappings)
    values (tests.org_id('VB org'), 'zendesk', 'VB deep', pg_temp.hostile_doc('deep'))
    $$,
    '23514',
    null,
    'VB-17: an admin inserting 12,000 levels of nesting gets 23514'
);

-- acting as service_role ----------------------------------------------------------------
select tests.authenticate_as_service_role();

select is(
    public.field_mappings_problems(pg_temp.hostile_doc('tiny exponents')),
    array['$: document has more than 4 numbers with more than 20 digits before or after the decimal point'],
    'VB-18: service_role gets the problem list'
);

-- acting as postgres: the bounds the functions rely on ------------------------------------
select tests.clear_authentication();

-- [1, 1, ...] is the densest text for its stored size: 12 stored bytes per 3 bytes of text.
select ok(
    (
        select pg_catalog.pg_column_size(d.doc) > 4 * 65536 + 64 and pg_catalog.octet_length(d.doc::text) > 65536
        from (select ('[' || pg_catalog.repeat('1,', 21850) || '1]')::jsonb as doc) as d
    ),
    'VB-19: past 4 * 65536 + 64 stored bytes, the text form is past 65536 bytes'
);
-- The rule measures the text form last now: documents around the limit still split exactly at it.
select is_empty(
    $$
    select k
    from pg_catalog.generate_series(205, 225) as k
    cross join lateral (
        select pg_catalog.jsonb_build_object(
            'version', 1,
            'mappings', (
                select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                    'source', pg_catalog.repeat('s', 255), 'target', 't' || g, 'required', true
                ))
                from pg_catalog.generate_series(1, k) as g
            )
        ) as doc
    ) as d
    where private.field_mappings_is_valid(d.doc) is distinct from (pg_catalog.octet_length(d.doc::text) <= 65536)
    $$,
    'VB-20: field_mappings documents of 205 to 225 long mappings are valid exactly up to 65536 bytes'
);

select * from finish();

rollback;
