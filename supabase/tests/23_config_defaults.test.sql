-- Proves the column defaults of field_mappings and sync_schedule are valid
-- version 1 documents (no mappings; a manual, disabled schedule in UTC), so
-- an admin can create an integration without writing either document, and
-- that they are the same safe state the repair function resets to.

begin;

select plan(7);

-- World: an admin of org A, who creates an integration below.
select tests.create_org('Org A', admins => array['admin a']);

-- acting as postgres (catalog checks) -------------------------------------

select is(
    (
        select pg_catalog.pg_get_expr(d.adbin, d.adrelid)
        from pg_catalog.pg_attrdef as d
        inner join pg_catalog.pg_attribute as a on d.adrelid = a.attrelid and d.adnum = a.attnum
        where a.attrelid = 'public.organization_integrations'::regclass and a.attname = 'field_mappings'
    ),
    '''{"version": 1, "mappings": []}''::jsonb',
    'DF-01: field_mappings defaults to version 1 with no mappings'
);
select is(
    (
        select pg_catalog.pg_get_expr(d.adbin, d.adrelid)
        from pg_catalog.pg_attrdef as d
        inner join pg_catalog.pg_attribute as a on d.adrelid = a.attrelid and d.adnum = a.attnum
        where a.attrelid = 'public.organization_integrations'::regclass and a.attname = 'sync_schedule'
    ),
    '''{"mode": "manual", "enabled": false, "version": 1, "timezone": "UTC"}''::jsonb',
    'DF-02: sync_schedule defaults to a manual, disabled schedule in UTC'
);
select is(
    public.field_mappings_problems('{"version": 1, "mappings": []}'),
    '{}'::text[],
    'DF-03: the field_mappings default satisfies the schema'
);
select is(
    public.sync_schedule_problems('{"version": 1, "mode": "manual", "timezone": "UTC", "enabled": false}'),
    '{}'::text[],
    'DF-04: the sync_schedule default satisfies the schema'
);
select ok(
    pg_catalog.pg_get_functiondef('public.repair_integration_configs(boolean, uuid, uuid, uuid)'::regprocedure)
    like '%''{"version": 1, "mappings": []}''::jsonb%'
    and pg_catalog.pg_get_functiondef('public.repair_integration_configs(boolean, uuid, uuid, uuid)'::regprocedure)
    like '%''{"version": 1, "mode": "manual", "timezone": "UTC", "enabled": false}''::jsonb%',
    'DF-05: the repair function resets to the same two documents'
);

-- acting as authenticated (admin of org A) --------------------------------
select tests.authenticate_as(tests.user_id('admin a'));

select lives_ok(
    $$
    insert into public.organization_integrations (organization_id, provider)
    values (tests.org_id('Org A'), 'pipedrive')
    $$,
    'DF-06: admin A creates an integration without giving either document'
);
select results_eq(
    $$
    select i.field_mappings, i.sync_schedule
    from public.organization_integrations as i
    where i.organization_id = tests.org_id('Org A') and i.provider = 'pipedrive'
    $$,
    $$
    values (
        '{"version": 1, "mappings": []}'::jsonb,
        '{"version": 1, "mode": "manual", "timezone": "UTC", "enabled": false}'::jsonb
    )
    $$,
    'DF-07: admin A''s new integration holds the two default documents'
);

select * from finish();

rollback;
