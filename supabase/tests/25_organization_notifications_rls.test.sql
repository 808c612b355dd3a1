-- Proves public.organization_notifications is readable only by the admins of
-- the organization it belongs to (not coordinators, other organizations or
-- anon), that API clients cannot write it, and that service_role, which the
-- repair function runs as, can.

begin;

select plan(20);

-- World: org A (admin, coordinator), org B (admin), a user in no organization.
select tests.create_org('Org A', admins => array['admin a'], coordinators => array['coordinator a']);
select tests.create_org('Org B', admins => array['admin b']);
select tests.create_named_user('nobody');
insert into public.organization_notifications (id, organization_id, kind, repair_run_id, details)
values
(
    '00000025-2000-4000-8000-0000000000a1', tests.org_id('Org A'), 'integration_config_repaired',
    '00000025-9999-4000-8000-000000000001', '{"integration_count": 1, "integrations": []}'
),
(
    '00000025-2000-4000-8000-0000000000b1', tests.org_id('Org B'), 'integration_config_repaired',
    '00000025-9999-4000-8000-000000000001', '{"integration_count": 3, "integrations": []}'
);

-- acting as postgres (catalog checks) -------------------------------------

select ok(
    (
        select c.relrowsecurity from pg_catalog.pg_class as c
        where c.oid = 'public.organization_notifications'::regclass
    ),
    'NT-01: RLS is enabled on organization_notifications'
);
select policies_are(
    'public',
    'organization_notifications',
    array[
        'organization_notifications_select_policy',
        'organization_notifications_lockdown_select_policy',
        'organization_notifications_lockdown_insert_policy',
        'organization_notifications_lockdown_update_policy',
        'organization_notifications_lockdown_delete_policy'
    ],
    'NT-02: organization_notifications has only a select policy, and the lockdown''s'
);
select policy_cmd_is(
    'public', 'organization_notifications', 'organization_notifications_select_policy'::name, 'select',
    'NT-03: organization_notifications_select_policy is for select'
);
select policy_roles_are(
    'public', 'organization_notifications', 'organization_notifications_select_policy', array['authenticated'],
    'NT-04: organization_notifications_select_policy applies to authenticated'
);
select table_privs_are(
    'public', 'organization_notifications', 'anon', array[]::name[],
    'NT-05: anon has no privilege on organization_notifications'
);
select table_privs_are(
    'public', 'organization_notifications', 'authenticated', array['SELECT'],
    'NT-06: authenticated may only read organization_notifications'
);
select table_privs_are(
    'public', 'organization_notifications', 'service_role', array['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
    'NT-07: service_role has select, insert, update, delete on organization_notifications'
);
select has_index(
    'public', 'organization_notifications', 'organization_notifications_organization_id_repair_run_id_key',
    array['organization_id', 'repair_run_id'],
    'NT-08: an index leads with organization_id (foreign key and policy)'
);

-- acting as authenticated: admin of A ---------------------------------------
select tests.authenticate_as(tests.user_id('admin a'));

select results_eq(
    $$select n.id from public.organization_notifications as n where n.id::text like '00000025-%' order by n.id$$,
    array['00000025-2000-4000-8000-0000000000a1']::uuid[],
    'NT-09: admin A reads org A''s notification and not org B''s'
);
select throws_ok(
    $$
    insert into public.organization_notifications (organization_id, kind)
    values (tests.org_id('Org A'), 'integration_config_repaired')
    $$,
    '42501', null, 'NT-10: admin A cannot create a notification'
);
select throws_ok(
    $$update public.organization_notifications set details = '{}' where id = '00000025-2000-4000-8000-0000000000a1'$$,
    '42501', null, 'NT-11: admin A cannot rewrite a notification'
);
select throws_ok(
    $$delete from public.organization_notifications where id = '00000025-2000-4000-8000-0000000000a1'$$,
    '42501', null, 'NT-12: admin A cannot delete a notification'
);

-- acting as authenticated: coordinator of A, admin of B, nobody ---------------
select tests.authenticate_as(tests.user_id('coordinator a'));
select is_empty(
    $$select n.id from public.organization_notifications as n where n.id::text like '00000025-%'$$,
    'NT-13: a coordinator of A reads no notification (admins only)'
);
select tests.authenticate_as(tests.user_id('admin b'));
select results_eq(
    $$select n.id from public.organization_notifications as n where n.id::text like '00000025-%'$$,
    array['00000025-2000-4000-8000-0000000000b1']::uuid[],
    'NT-14: admin B reads only org B''s notification'
);
select tests.authenticate_as(tests.user_id('nobody'));
select is_empty(
    $$select n.id from public.organization_notifications as n where n.id::text like '00000025-%'$$,
    'NT-15: a user in no organization reads no notification'
);

-- acting as anon -------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok(
    'select * from public.organization_notifications', '42501', null,
    'NT-16: anon cannot read notifications'
);

-- acting as service_role -------------------------------------------------------
select tests.authenticate_as_service_role();
select is(
    (
        select pg_catalog.count(*)::integer from public.organization_notifications as n
        where n.id::text like '00000025-%'
    ),
    2,
    'NT-17: service_role reads every organization''s notifications'
);
select lives_ok(
    $$
    insert into public.organization_notifications (organization_id, kind, repair_run_id)
    values (tests.org_id('Org A'), 'integration_config_repaired', '00000025-9999-4000-8000-000000000002')
    $$,
    'NT-18: service_role can write a notification'
);
select throws_ok(
    $$
    insert into public.organization_notifications (organization_id, kind)
    values (tests.org_id('Org A'), 'newsletter')
    $$,
    '23514', null, 'NT-19: a notification of an unknown kind is refused'
);
select throws_ok(
    $$
    insert into public.organization_notifications (organization_id, kind, repair_run_id)
    values (tests.org_id('Org A'), 'integration_config_repaired', '00000025-9999-4000-8000-000000000001')
    $$,
    '23505', null, 'NT-20: one repair run has at most one notification per organization'
);

select * from finish();

rollback;
