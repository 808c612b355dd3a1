-- Proves public.repair_integration_configs: only service_role may call it; a
-- dry run reports and changes nothing; a real run resets exactly the invalid
-- documents to the defaults, deactivates active integrations, keeps the old
-- documents and problems in private.integration_config_repairs and writes one
-- notification per organization and run (batches add up); a second run finds
-- nothing, and the checks then validate. Invalid rows are planted by dropping
-- the checks inside this transaction, the state before 20261127200400.

begin;

select plan(32);

-- World: org A (admin) with A1 (active, both documents broken), A2
-- (inactive, only the schedule broken) and A3 (valid, must stay untouched);
-- org B (admin) with B1 (in error, only the mappings broken).
select tests.create_org(
    'Org A', admins => array['admin a'], integrations => '{"A1": "salesforce", "A2": "hubspot", "A3": "pipedrive"}'
);
select tests.create_org('Org B', admins => array['admin b'], integrations => '{"B1": "google_sheets"}');

-- An active integration needs its credential in Vault.
select tests.authenticate_as_service_role();
select public.store_credential(tests.integration_id('A1'), 'f24-secret');
select tests.clear_authentication();
update public.organization_integrations set status = 'active'
where id = tests.integration_id('A1');
update public.organization_integrations set status = 'error'
where id = tests.integration_id('B1');
update public.organization_integrations
set field_mappings = '{"version": 1, "mappings": [{"source": "Name", "target": "name", "required": true}]}'
where id = tests.integration_id('A3');

-- Plant invalid documents as they could exist before the checks.
alter table public.organization_integrations drop constraint organization_integrations_field_mappings_check;
alter table public.organization_integrations drop constraint organization_integrations_sync_schedule_check;
update public.organization_integrations
set
    field_mappings = '{"Account.Name": "customer_name"}',
    sync_schedule = '{"frequency": "daily", "at": "02:00"}'
where id = tests.integration_id('A1');
update public.organization_integrations
set sync_schedule = '{}'
where id = tests.integration_id('A2');
update public.organization_integrations
set field_mappings = '{"version": 1, "mappings": [{"source": "A", "target": "Shipment ID", "required": true}]}'
where id = tests.integration_id('B1');
alter table public.organization_integrations
add constraint organization_integrations_field_mappings_check
check (private.field_mappings_is_valid(field_mappings)) not valid;
alter table public.organization_integrations
add constraint organization_integrations_sync_schedule_check
check (private.sync_schedule_is_valid(sync_schedule)) not valid;

create temporary table before_repair on commit drop as
select
    i.id,
    i.status,
    i.field_mappings,
    i.sync_schedule,
    i.updated_at
from public.organization_integrations as i
where i.organization_id in (tests.org_id('Org A'), tests.org_id('Org B'));
grant select on before_repair to service_role;

-- acting as postgres (catalog checks) -------------------------------------

select function_privs_are(
    'public', 'repair_integration_configs', array['boolean', 'uuid', 'uuid', 'uuid'], 'anon', array[]::name[],
    'RP-01: anon cannot execute repair_integration_configs'
);
select function_privs_are(
    'public', 'repair_integration_configs', array['boolean', 'uuid', 'uuid', 'uuid'], 'authenticated',
    array[]::name[],
    'RP-02: authenticated cannot execute repair_integration_configs'
);
select function_privs_are(
    'public', 'repair_integration_configs', array['boolean', 'uuid', 'uuid', 'uuid'], 'service_role',
    array['EXECUTE'],
    'RP-03: service_role can execute repair_integration_configs'
);
select isnt_definer(
    'public', 'repair_integration_configs', array['boolean', 'uuid', 'uuid', 'uuid'],
    'RP-04: repair_integration_configs is security invoker'
);
select table_privs_are(
    'private', 'integration_config_repairs', 'authenticated', array[]::name[],
    'RP-05: authenticated has no privilege on the repair audit'
);
select table_privs_are(
    'private', 'integration_config_repairs', 'service_role', array['SELECT', 'INSERT'],
    'RP-06: service_role may only read and append to the repair audit'
);
select ok(
    (
        select c.relrowsecurity from pg_catalog.pg_class as c
        where c.oid = 'private.integration_config_repairs'::regclass
    ),
    'RP-07: RLS is enabled on the repair audit'
);

-- acting as authenticated and anon ----------------------------------------
select tests.authenticate_as(tests.user_id('admin a'));
select throws_ok(
    'select * from public.repair_integration_configs(true)', '42501', null,
    'RP-08: an organization admin cannot run the repair, not even as a dry run'
);
select throws_ok(
    'select * from private.integration_config_repairs', '42501', null,
    'RP-09: an organization admin cannot read the repair audit'
);
select tests.authenticate_as_anon();
select throws_ok(
    'select * from public.repair_integration_configs()', '42501', null, 'RP-10: anon cannot run the repair'
);

-- acting as service_role: dry run ------------------------------------------
select tests.authenticate_as_service_role();

select set_eq(
    $$
    select r.integration_id, r.status_before::text, r.status_after::text,
        pg_catalog.cardinality(r.field_mappings_problems) > 0 as mappings_broken,
        pg_catalog.cardinality(r.sync_schedule_problems) > 0 as schedule_broken
    from public.repair_integration_configs(true) as r
    where r.organization_id in (tests.org_id('Org A'), tests.org_id('Org B'))
    $$,
    $$
    values
    (tests.integration_id('A1'), 'active', 'inactive', true, true),
    (tests.integration_id('A2'), 'inactive', 'inactive', false, true),
    (tests.integration_id('B1'), 'error', 'error', true, false)
    $$,
    'RP-11: a dry run reports the three invalid integrations, what is wrong and the status change'
);
select is_empty(
    $$
    select b.id
    from before_repair as b
    inner join public.organization_integrations as i on b.id = i.id
    where (b.status, b.field_mappings, b.sync_schedule) is distinct from (i.status, i.field_mappings, i.sync_schedule)
    $$,
    'RP-12: the dry run changed no integration'
);
select is_empty(
    $$
    select 1 from private.integration_config_repairs as a
    where a.organization_id in (tests.org_id('Org A'), tests.org_id('Org B'))
    $$,
    'RP-13: the dry run wrote no audit row'
);
select is_empty(
    $$
    select 1 from public.organization_notifications as n
    where n.organization_id in (tests.org_id('Org A'), tests.org_id('Org B'))
    $$,
    'RP-14: the dry run notified nobody'
);

-- acting as service_role: real run -------------------------------------------
select is(
    (
        select pg_catalog.count(*)::integer
        from public.repair_integration_configs(false, '00000024-9999-4000-8000-000000000001') as r
        where r.organization_id in (tests.org_id('Org A'), tests.org_id('Org B'))
    ),
    3,
    'RP-15: service_role repairs the three invalid integrations'
);

-- acting as postgres: the outcome --------------------------------------------
select tests.clear_authentication();

select set_eq(
    $$
    select i.id, i.status::text, i.field_mappings, i.sync_schedule
    from public.organization_integrations as i
    inner join before_repair as b on i.id = b.id
    $$,
    $$
    values
    (
        tests.integration_id('A1'), 'inactive', '{"version": 1, "mappings": []}'::jsonb,
        '{"version": 1, "mode": "manual", "timezone": "UTC", "enabled": false}'::jsonb
    ),
    (
        tests.integration_id('A2'), 'inactive', '{"version": 1, "mappings": []}'::jsonb,
        '{"version": 1, "mode": "manual", "timezone": "UTC", "enabled": false}'::jsonb
    ),
    (
        tests.integration_id('A3'), 'inactive',
        '{"version": 1, "mappings": [{"source": "Name", "target": "name", "required": true}]}'::jsonb,
        '{"version": 1, "mode": "manual", "timezone": "UTC", "enabled": false}'::jsonb
    ),
    (
        tests.integration_id('B1'), 'error', '{"version": 1, "mappings": []}'::jsonb,
        '{"version": 1, "mode": "manual", "timezone": "UTC", "enabled": false}'::jsonb
    )
    $$,
    'RP-16: invalid documents were reset to the defaults, the active one deactivated, valid ones kept'
);
select is(
    (
        select i.updated_at from public.organization_integrations as i
        where i.id = tests.integration_id('A3')
    ),
    (
        select b.updated_at from before_repair as b
        where b.id = tests.integration_id('A3')
    ),
    'RP-17: the valid integration was not even updated'
);
select results_eq(
    $$
    select a.integration_id, a.status_before::text, a.status_after::text, a.field_mappings_before, a.sync_schedule_before
    from private.integration_config_repairs as a
    where a.repair_run_id = '00000024-9999-4000-8000-000000000001'
    order by a.integration_id
    $$,
    $$
    select b.id, b.status::text, case when b.status = 'active' then 'inactive' else b.status::text end,
        b.field_mappings, b.sync_schedule
    from before_repair as b
    where b.id <> tests.integration_id('A3')
    order by b.id
    $$,
    'RP-18: the audit keeps both old documents and the status change of every repaired integration'
);
select results_eq(
    $$
    select a.field_mappings_problems, a.sync_schedule_problems
    from private.integration_config_repairs as a
    where a.integration_id = tests.integration_id('A2')
    $$,
    $$
    values (
        '{}'::text[],
        array[
            '$.version: required key is missing', '$.mode: required key is missing',
            '$.timezone: required key is missing', '$.enabled: required key is missing'
        ]
    )
    $$,
    'RP-19: the audit keeps the full problem list, empty for the column that was valid'
);
select bag_eq(
    $$
    select n.organization_id, n.kind, (n.details ->> 'integration_count')::integer
    from public.organization_notifications as n
    where n.repair_run_id = '00000024-9999-4000-8000-000000000001'
    $$,
    $$
    values
    (tests.org_id('Org A')::uuid, 'integration_config_repaired', 2),
    (tests.org_id('Org B')::uuid, 'integration_config_repaired', 1)
    $$,
    'RP-20: each affected organization got one notification counting its repaired integrations'
);
select is(
    (
        select (
            pg_catalog.jsonb_path_query_first(
                n.details,
                '$.integrations[*] ? (@.id == $id)',
                pg_catalog.jsonb_build_object('id', tests.integration_id('A1'))
            ) - 'field_mappings_problems'
        ) - 'sync_schedule_problems'
        from public.organization_notifications as n
        where
            n.repair_run_id = '00000024-9999-4000-8000-000000000001'
            and n.organization_id = tests.org_id('Org A')
    ),
    pg_catalog.jsonb_build_object(
        'id', tests.integration_id('A1'), 'provider', 'salesforce', 'deactivated', true,
        'display_name', 'A1', 'field_mappings_reset', true, 'sync_schedule_reset', true
    ),
    'RP-21: the notification says which integration was reset and deactivated'
);
select is(
    (
        select
            pg_catalog.jsonb_path_query_first(
                n.details,
                '$.integrations[*] ? (@.id == $id).field_mappings_problems',
                pg_catalog.jsonb_build_object('id', tests.integration_id('B1'))
            )
        from public.organization_notifications as n
        where
            n.repair_run_id = '00000024-9999-4000-8000-000000000001'
            and n.organization_id = tests.org_id('Org B')
    ),
    '["$.mappings[0].target: must be a lowercase letter followed by up to 62 lowercase letters, digits or underscores"]'::jsonb,
    'RP-22: the notification tells the admins what was wrong'
);

-- acting as service_role: a second run ---------------------------------------
select tests.authenticate_as_service_role();

select is_empty(
    $$
    select r.integration_id from public.repair_integration_configs(false, '00000024-9999-4000-8000-000000000002') as r
    where r.organization_id in (tests.org_id('Org A'), tests.org_id('Org B'))
    $$,
    'RP-23: a second run finds nothing to repair'
);
select tests.clear_authentication();
select is(
    (
        select pg_catalog.count(*)::integer from private.integration_config_repairs as a
        where a.organization_id in (tests.org_id('Org A'), tests.org_id('Org B'))
    ),
    3,
    'RP-24: the second run added no audit row'
);
select is_empty(
    $$
    select 1 from public.organization_notifications as n
    where n.repair_run_id = '00000024-9999-4000-8000-000000000002'
    $$,
    'RP-25: the second run notified nobody'
);

-- Batches of one run add up in one notification per organization ------------
-- A1 and A3 are broken again; the first batch ends at the lower of their ids.
alter table public.organization_integrations drop constraint organization_integrations_field_mappings_check;
update public.organization_integrations set field_mappings = '{"version": 2}'
where id in (tests.integration_id('A1'), tests.integration_id('A3'));
alter table public.organization_integrations
add constraint organization_integrations_field_mappings_check
check (private.field_mappings_is_valid(field_mappings)) not valid;

select tests.authenticate_as_service_role();
select is(
    (
        select pg_catalog.count(*)::integer
        from public.repair_integration_configs(
            false, '00000024-9999-4000-8000-000000000003',
            null, least(tests.integration_id('A1'), tests.integration_id('A3'))
        )
    ),
    1,
    'RP-26: a batch repairs only the integrations in its id range (first batch: the first of A1 and A3)'
);
select is(
    (
        select pg_catalog.count(*)::integer
        from public.repair_integration_configs(
            false, '00000024-9999-4000-8000-000000000003',
            least(tests.integration_id('A1'), tests.integration_id('A3')), null
        )
    ),
    1,
    'RP-27: the next batch of the same run repairs the rest (the other one)'
);
select tests.clear_authentication();
select results_eq(
    $$
    select (n.details ->> 'integration_count')::integer, pg_catalog.jsonb_array_length(n.details -> 'integrations')
    from public.organization_notifications as n
    where n.repair_run_id = '00000024-9999-4000-8000-000000000003'
    $$,
    $$values (2, 2)$$,
    'RP-28: both batches of the run add up in org A''s single notification'
);

-- The checks validate once every row is repaired ------------------------------
select lives_ok(
    $$
    alter table public.organization_integrations
    validate constraint organization_integrations_field_mappings_check
    $$,
    'RP-29: organization_integrations_field_mappings_check validates after the repair'
);
select lives_ok(
    $$
    alter table public.organization_integrations
    validate constraint organization_integrations_sync_schedule_check
    $$,
    'RP-30: organization_integrations_sync_schedule_check validates after the repair'
);
select ok(
    (
        select i.status = 'inactive' from public.organization_integrations as i
        where i.id = tests.integration_id('A1')
    ),
    'RP-31: the repaired integration stays inactive until an admin reactivates it'
);
select is(
    (
        select pg_catalog.count(*)::integer from private.integration_config_repairs as a
        where a.organization_id = tests.org_id('Org A')
    ),
    4,
    'RP-32: every repair of org A is in the audit (two in the first run, two in the batched run)'
);

select * from finish();

rollback;
