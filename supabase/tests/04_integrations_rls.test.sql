-- Proves RLS and privileges on organization_integrations for every actor:
-- admins and coordinators of the owning organization read; only its admins
-- insert, update and delete; non-members, other organizations and anon get
-- nothing; clients cannot forge created_by or move an integration.

begin;

select plan(47);

-- World: org A (admin A, coordinator A) with integrations IA1, IA2; org B
-- (admin B, coordinator B) with IB1; an outsider.
select tests.create_org('Org A', admins => array['admin a'], coordinators => array['coordinator a']);
select tests.create_org('Org B', admins => array['admin b'], coordinators => array['coordinator b']);
select tests.create_named_user('outsider');

-- updated_at is backdated so the trigger's stamp is visible in this transaction.
insert into public.organization_integrations (
    id, organization_id, provider, display_name, created_by, updated_at
)
values
(
    tests.integration_id('IA1'), tests.org_id('Org A'), 'salesforce', 'IA1',
    tests.user_id('admin a'), pg_catalog.now() - interval '1 day'
),
(
    tests.integration_id('IA2'), tests.org_id('Org A'), 'hubspot', 'IA2',
    tests.user_id('admin a'), pg_catalog.now() - interval '1 day'
),
(
    tests.integration_id('IB1'), tests.org_id('Org B'), 'salesforce', 'IB1',
    tests.user_id('admin b'), pg_catalog.now() - interval '1 day'
);

-- acting as admin of A
select tests.authenticate_as(tests.user_id('admin a'));

select set_eq(
    'select i.id from public.organization_integrations as i',
    array[tests.integration_id('IA1'), tests.integration_id('IA2')],
    'OI-01: admin A reads exactly the integrations of org A'
);
select results_eq(
    $$
    insert into public.organization_integrations (organization_id, provider, display_name)
    values (tests.org_id('Org A'), 'pipedrive', 'New by admin A')
    returning created_by
    $$,
    array[tests.user_id('admin a')],
    'OI-02: admin A creates an integration in org A, recorded as created by admin A'
);
select results_eq(
    $$
    select i.status::text, i.field_mappings, i.sync_schedule
    from public.organization_integrations as i
    where i.provider = 'pipedrive'
    $$,
    $$
    values (
        'inactive',
        '{"version": 1, "mappings": []}'::jsonb,
        '{"version": 1, "mode": "manual", "timezone": "UTC", "enabled": false}'::jsonb
    )
    $$,
    'OI-03: admin A''s new integration starts inactive with empty mappings and a manual, disabled schedule'
);
select results_eq(
    $$
    update public.organization_integrations
    set display_name = 'IA1 by admin A', status = 'error', field_mappings = '{"version": 1, "mappings": [{"source": "Account.Name", "target": "name", "required": true}]}'
    where id = tests.integration_id('IA1')
    returning display_name
    $$,
    array['IA1 by admin A'],
    'OI-04: admin A updates an integration of org A'
);
select results_eq(
    $$delete from public.organization_integrations where id = tests.integration_id('IA2') returning id$$,
    array[tests.integration_id('IA2')],
    'OI-05: admin A deletes an integration of org A'
);
select throws_ok(
    $$
    insert into public.organization_integrations (organization_id, provider)
    values (tests.org_id('Org B'), 'hubspot')
    $$,
    '42501',
    null,
    'OI-06: admin A cannot create an integration in org B'
);
select is_empty(
    $$
    update public.organization_integrations set display_name = 'Taken over'
    where id = tests.integration_id('IB1')
    returning id
    $$,
    'OI-07: admin A cannot update an integration of org B (0 rows)'
);
select is_empty(
    $$delete from public.organization_integrations where id = tests.integration_id('IB1') returning id$$,
    'OI-08: admin A cannot delete an integration of org B (0 rows)'
);
select throws_ok(
    $$
    update public.organization_integrations set organization_id = tests.org_id('Org B')
    where id = tests.integration_id('IA1')
    $$,
    '42501',
    null,
    'OI-09: admin A cannot move an integration to another organization'
);
select throws_ok(
    $$
    insert into public.organization_integrations (organization_id, provider, created_by)
    values (tests.org_id('Org A'), 'hubspot', tests.user_id('coordinator a'))
    $$,
    '42501',
    null,
    'OI-10: admin A cannot forge created_by on insert'
);
select throws_ok(
    $$
    update public.organization_integrations set created_by = null
    where id = tests.integration_id('IA1')
    $$,
    '42501',
    null,
    'OI-11: admin A cannot rewrite created_by'
);
select throws_ok(
    $$
    insert into public.organization_integrations (organization_id, provider)
    values (tests.org_id('Org A'), ' ')
    $$,
    '23514',
    null,
    'OI-12: admin A cannot create an integration with a blank provider'
);
select throws_ok(
    $$
    update public.organization_integrations set field_mappings = '[]'
    where id = tests.integration_id('IA1')
    $$,
    '23514',
    null,
    'OI-13: admin A cannot set field_mappings to a non-object'
);
select throws_ok(
    'truncate public.organization_integrations',
    '42501',
    null,
    'OI-14: admin A cannot truncate integrations'
);

-- acting as coordinator of A
select tests.authenticate_as(tests.user_id('coordinator a'));

select set_eq(
    'select i.display_name from public.organization_integrations as i',
    array['IA1 by admin A', 'New by admin A'],
    'OI-15: coordinator A reads the integrations of org A'
);
select throws_ok(
    $$
    insert into public.organization_integrations (organization_id, provider)
    values (tests.org_id('Org A'), 'hubspot')
    $$,
    '42501',
    null,
    'OI-16: coordinator A cannot create an integration'
);
select is_empty(
    $$
    update public.organization_integrations set status = 'inactive'
    where id = tests.integration_id('IA1')
    returning id
    $$,
    'OI-17: coordinator A cannot update an integration (0 rows)'
);
select is_empty(
    $$delete from public.organization_integrations where id = tests.integration_id('IA1') returning id$$,
    'OI-18: coordinator A cannot delete an integration (0 rows)'
);

-- acting as a non-member
select tests.authenticate_as(tests.user_id('outsider'));

select is_empty(
    'select i.id from public.organization_integrations as i',
    'OI-19: outsider reads no integration'
);
select throws_ok(
    $$
    insert into public.organization_integrations (organization_id, provider)
    values (tests.org_id('Org A'), 'hubspot')
    $$,
    '42501',
    null,
    'OI-20: outsider cannot create an integration in org A'
);
select is_empty(
    $$
    update public.organization_integrations set status = 'inactive'
    where id = tests.integration_id('IA1')
    returning id
    $$,
    'OI-21: outsider cannot update an integration (0 rows)'
);
select is_empty(
    $$delete from public.organization_integrations where id = tests.integration_id('IA1') returning id$$,
    'OI-22: outsider cannot delete an integration (0 rows)'
);

-- acting as anon
select tests.authenticate_as_anon();

select throws_ok(
    'select i.id from public.organization_integrations as i',
    '42501',
    null,
    'OI-23: anon cannot read integrations'
);
select throws_ok(
    $$
    insert into public.organization_integrations (organization_id, provider)
    values (tests.org_id('Org A'), 'hubspot')
    $$,
    '42501',
    null,
    'OI-24: anon cannot create an integration'
);
select throws_ok(
    $$update public.organization_integrations set status = 'inactive'$$,
    '42501',
    null,
    'OI-25: anon cannot update integrations'
);
select throws_ok(
    'delete from public.organization_integrations',
    '42501',
    null,
    'OI-26: anon cannot delete integrations'
);

-- acting as admin of B
select tests.authenticate_as(tests.user_id('admin b'));

select results_eq(
    'select i.id from public.organization_integrations as i',
    array[tests.integration_id('IB1')],
    'OI-27: admin B reads only the integrations of org B'
);
select throws_ok(
    $$
    insert into public.organization_integrations (organization_id, provider)
    values (tests.org_id('Org A'), 'hubspot')
    $$,
    '42501',
    null,
    'OI-28: admin B cannot create an integration in org A'
);
select is_empty(
    $$
    update public.organization_integrations set display_name = 'Taken over'
    where id = tests.integration_id('IA1')
    returning id
    $$,
    'OI-29: admin B cannot update an integration of org A (0 rows)'
);
select is_empty(
    $$delete from public.organization_integrations where id = tests.integration_id('IA1') returning id$$,
    'OI-30: admin B cannot delete an integration of org A (0 rows)'
);
select results_eq(
    $$
    update public.organization_integrations set display_name = 'IB1 by admin B'
    where id = tests.integration_id('IB1')
    returning display_name
    $$,
    array['IB1 by admin B'],
    'OI-31: admin B updates an integration of org B'
);

-- acting as coordinator of B
select tests.authenticate_as(tests.user_id('coordinator b'));

select results_eq(
    'select i.id from public.organization_integrations as i',
    array[tests.integration_id('IB1')],
    'OI-32: coordinator B reads only the integrations of org B'
);
select throws_ok(
    $$
    insert into public.organization_integrations (organization_id, provider)
    values (tests.org_id('Org B'), 'hubspot')
    $$,
    '42501',
    null,
    'OI-33: coordinator B cannot create an integration in org B'
);
select is_empty(
    $$
    update public.organization_integrations set status = 'active'
    where id = tests.integration_id('IB1')
    returning id
    $$,
    'OI-34: coordinator B cannot update an integration of org B (0 rows)'
);
select is_empty(
    $$delete from public.organization_integrations where id = tests.integration_id('IB1') returning id$$,
    'OI-35: coordinator B cannot delete an integration of org B (0 rows)'
);

-- acting as service_role
select tests.authenticate_as_service_role();

select results_eq(
    $$
    select pg_catalog.count(*)::int from public.organization_integrations as i
    where i.organization_id in (tests.org_id('Org A'), tests.org_id('Org B'))
    $$,
    array[3],
    'OI-36: service_role reads the integrations of every organization'
);
select results_eq(
    $$
    insert into public.organization_integrations (id, organization_id, provider)
    values (tests.integration_id('IB9'), tests.org_id('Org B'), 'hubspot')
    returning created_by
    $$,
    array[null]::uuid[],
    'OI-37: service_role creates an integration in any organization (created_by stays null)'
);
select results_eq(
    $$
    update public.organization_integrations set status = 'error'
    where id = tests.integration_id('IB1')
    returning status::text
    $$,
    array['error'],
    'OI-38: service_role updates an integration in any organization'
);
select results_eq(
    $$delete from public.organization_integrations where id = tests.integration_id('IB9') returning id$$,
    array[tests.integration_id('IB9')],
    'OI-39: service_role deletes an integration in any organization'
);
select throws_ok(
    'truncate public.organization_integrations',
    '42501',
    null,
    'OI-40: service_role cannot truncate integrations'
);

-- acting as postgres: verify what the denied statements left behind
select tests.clear_authentication();

select results_eq(
    $$
    select i.display_name, i.status::text, i.field_mappings, i.created_by
    from public.organization_integrations as i
    where i.id = tests.integration_id('IA1')
    $$,
    $$
    values (
        'IA1 by admin A', 'error', '{"version": 1, "mappings": [{"source": "Account.Name", "target": "name", "required": true}]}'::jsonb,
        tests.user_id('admin a')::uuid
    )
    $$,
    'OI-41: IA1 holds admin A''s update and nothing from anyone else'
);
select ok(
    (
        select i.updated_at = pg_catalog.now()
        from public.organization_integrations as i
        where i.id = tests.integration_id('IA1')
    ),
    'OI-42: updating IA1 stamped updated_at'
);
select results_eq(
    $$
    select i.display_name, i.status::text
    from public.organization_integrations as i
    where i.id = tests.integration_id('IB1')
    $$,
    $$values ('IB1 by admin B', 'error')$$,
    'OI-43: IB1 holds only the updates of admin B and service_role'
);
select set_eq(
    $$
    select i.organization_id, i.provider
    from public.organization_integrations as i
    where i.organization_id in (tests.org_id('Org A'), tests.org_id('Org B'))
    $$,
    $$
    values
    (tests.org_id('Org A'), 'salesforce'),
    (tests.org_id('Org A'), 'pipedrive'),
    (tests.org_id('Org B'), 'salesforce')
    $$,
    'OI-44: only the allowed inserts and deletes took effect'
);
select lives_ok(
    $$delete from auth.users where id = tests.user_id('admin a')$$,
    'OI-45: deleting admin A succeeds although they created integrations'
);
select is_empty(
    $$
    select i.id from public.organization_integrations as i
    where i.created_by = tests.user_id('admin a')
    $$,
    'OI-46: deleting a user clears created_by on their integrations'
);
delete from public.organizations
where id = tests.org_id('Org A');
select is_empty(
    $$
    select i.id from public.organization_integrations as i
    where i.organization_id = tests.org_id('Org A')
    $$,
    'OI-47: deleting an organization deletes its integrations'
);

select * from finish();

rollback;
