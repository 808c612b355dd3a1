-- Proves public.emergency_revoke_credentials, the database half of the breach
-- runbook: only service_role may call it; a dry run changes nothing; a run
-- deletes every credential of one organization (linked or kept by name),
-- deactivates those integrations, audits and notifies the admins once, leaves
-- other organizations and every other row alone; a second run is a no-op.

begin;

select plan(30);

-- World: org A (admin, coordinator) with IA1 active, IA2 inactive and IA5 in
-- error, each with a credential, IA3 without one, IA4 with a secret kept in
-- Vault by name only; org B (admin) with IB1 active.
select tests.create_org(
    'Org A', admins => array['admin a'], coordinators => array['coordinator a'],
    integrations => '{"IA1": "salesforce", "IA2": "hubspot", "IA3": "pipedrive", "IA4": "zendesk", "IA5": "freshdesk"}'
);
select tests.create_org('Org B', admins => array['admin b'], integrations => '{"IB1": "salesforce"}');

select public.store_credential(tests.integration_id('IA1'), 'f60-secret-a1');
select public.store_credential(tests.integration_id('IA2'), 'f60-secret-a2');
select public.store_credential(tests.integration_id('IA5'), 'f60-secret-a5');
select public.store_credential(tests.integration_id('IB1'), 'f60-secret-b1');
-- A secret kept through a rollback: named after IA4, not linked.
select vault.create_secret('f60-secret-a4', 'integration_credential:' || tests.integration_id('IA4'));

update public.organization_integrations
set status = 'active'
where id in (tests.integration_id('IA1'), tests.integration_id('IB1'));
update public.organization_integrations
set status = 'error'
where id = tests.integration_id('IA5');

create temporary table f60_before on commit drop as
select
    i.id,
    i.vault_secret_id
from public.organization_integrations as i
where i.organization_id in (tests.org_id('Org A'), tests.org_id('Org B'));

create temporary table f60_counts on commit drop as
select
    (select count(*) from public.credential_audit) as audit_rows,
    (select count(*) from public.organization_notifications) as notifications,
    (select count(*) from vault.secrets) as secrets,
    (select count(*) from public.organization_integrations) as integration_rows;

-- service_role reads the fingerprint in ER-16.
grant select on f60_before to service_role;

-- acting as postgres (catalog checks)

select has_function(
    'public', 'emergency_revoke_credentials', array['uuid', 'text', 'boolean'],
    'ER-01: public.emergency_revoke_credentials(uuid, text, boolean) exists'
);
select is_definer(
    'private', 'emergency_revoke_credentials', array['uuid', 'text', 'boolean'],
    'ER-02: the private twin is security definer'
);
select isnt_definer(
    'public', 'emergency_revoke_credentials', array['uuid', 'text', 'boolean'],
    'ER-03: the public wrapper is security invoker'
);
select is(
    (
        select p.proconfig
        from pg_catalog.pg_proc as p
        where p.oid = 'private.emergency_revoke_credentials(uuid, text, boolean)'::regprocedure
    ),
    array['search_path=pg_catalog, pg_temp'],
    'ER-04: the definer pins search_path to pg_catalog, pg_temp (issue 10)'
);
select is_empty(
    $$
    select p.oid::regprocedure::text || ' ' || r.rolname
    from pg_catalog.pg_proc as p
    cross join pg_catalog.pg_roles as r
    where
        p.proname = 'emergency_revoke_credentials'
        and r.rolname in ('anon', 'authenticated')
        and pg_catalog.has_function_privilege(r.oid, p.oid, 'execute')
    $$,
    'ER-05: neither anon nor authenticated can execute either function'
);
select function_privs_are(
    'public', 'emergency_revoke_credentials', array['uuid', 'text', 'boolean'], 'service_role', array['EXECUTE'],
    'ER-06: service_role can execute the public function'
);

-- acting as anon

select tests.authenticate_as_anon();
select throws_ok(
    $$select * from public.emergency_revoke_credentials(tests.org_id('Org A'), 'inc-1')$$,
    '42501', null, 'ER-07: anon is denied'
);

-- acting as admin A

select tests.authenticate_as(tests.user_id('admin a'));
select throws_ok(
    $$select * from public.emergency_revoke_credentials(tests.org_id('Org A'), 'inc-1')$$,
    '42501', null, 'ER-08: an admin is denied, even for their own organization'
);
select throws_ok(
    $$select * from private.emergency_revoke_credentials(tests.org_id('Org A'), 'inc-1')$$,
    '42501', null, 'ER-09: an admin cannot call the private twin either'
);

-- acting as service_role

select tests.authenticate_as_service_role();
select throws_ok(
    $$select * from public.emergency_revoke_credentials(tests.org_id('never created'), 'inc-1')$$,
    'P0002', null, 'ER-10: service_role: unknown organization is P0002'
);
select throws_ok(
    $$select * from public.emergency_revoke_credentials(tests.org_id('Org A'), ' ')$$,
    '22023', null, 'ER-11: service_role: a blank incident reference is 22023'
);
select throws_ok(
    $$select * from public.emergency_revoke_credentials(tests.org_id('Org A'), repeat('x', 201))$$,
    '22023', null, 'ER-12: service_role: an incident reference over 200 characters is 22023'
);
select set_eq(
    $$
    select r.integration_id
    from public.emergency_revoke_credentials(tests.org_id('Org A'), 'inc-1', true) as r
    $$,
    $$
    values
    (tests.integration_id('IA1')),
    (tests.integration_id('IA2')),
    (tests.integration_id('IA4')),
    (tests.integration_id('IA5'))
    $$,
    'ER-13: service_role: the dry run lists A''s integrations with a credential, linked or kept by name'
);

-- acting as postgres

select tests.clear_authentication();
select is(
    (
        select
            pg_catalog.concat_ws(
                ',',
                (select count(*) from public.credential_audit),
                (select count(*) from public.organization_notifications),
                (select count(*) from vault.secrets),
                (
                    select count(*)
                    from public.organization_integrations
                    where
                        status = 'active'
                        and organization_id in (
                            tests.org_id('Org A'), tests.org_id('Org B')
                        )
                )
            )
    ),
    -- This file's fixtures have two active integrations.
    (select pg_catalog.concat_ws(',', c.audit_rows, c.notifications, c.secrets, 2) from f60_counts as c),
    'ER-14: the dry run changed nothing'
);

-- acting as service_role

select tests.authenticate_as_service_role();
select set_eq(
    $$
    select r.integration_id, r.status_before::text, r.vault_secret_id is not null
    from public.emergency_revoke_credentials(tests.org_id('Org A'), 'inc-1') as r
    $$,
    $$
    values
    (tests.integration_id('IA1'), 'active', true),
    (tests.integration_id('IA2'), 'inactive', true),
    (tests.integration_id('IA4'), 'inactive', false),
    (tests.integration_id('IA5'), 'error', true)
    $$,
    'ER-15: service_role: the run returns what it revoked, with the status and reference before'
);
select throws_ok(
    $$
    select public.retrieve_credential(b.vault_secret_id)
    from f60_before as b
    where b.id = tests.integration_id('IA1')
    $$,
    'P0002', null, 'ER-16: service_role: A''s old credential can no longer be retrieved'
);
select is(
    public.retrieve_credential(
        public.get_integration_vault_secret_id(tests.integration_id('IB1'))
    ),
    'f60-secret-b1',
    'ER-17: service_role: B''s credential is still retrievable'
);
select is_empty(
    $$select * from public.emergency_revoke_credentials(tests.org_id('Org A'), 'inc-1')$$,
    'ER-18: service_role: a second run finds nothing to revoke'
);

-- acting as postgres

select tests.clear_authentication();
select is_empty(
    $$
    select s.id
    from vault.secrets as s
    where s.name in (
        select 'integration_credential:' || i.id::text
        from public.organization_integrations as i
        where i.organization_id = tests.org_id('Org A')
    )
    or s.id in (
        select b.vault_secret_id
        from f60_before as b
        where b.id != tests.integration_id('IB1')
    )
    $$,
    'ER-19: no Vault secret of org A is left, linked or kept by name'
);
select bag_eq(
    $$
    select i.id, i.status::text, i.vault_secret_id
    from public.organization_integrations as i
    where i.organization_id = tests.org_id('Org A')
    $$,
    $$
    values
    (tests.integration_id('IA1'), 'inactive', null::uuid),
    (tests.integration_id('IA2'), 'inactive', null::uuid),
    (tests.integration_id('IA3'), 'inactive', null::uuid),
    (tests.integration_id('IA4'), 'inactive', null::uuid),
    (tests.integration_id('IA5'), 'inactive', null::uuid)
    $$,
    'ER-20: every integration of A is kept, unlinked and inactive'
);
select results_eq(
    $$
    select i.status::text, i.vault_secret_id
    from public.organization_integrations as i
    where i.id = tests.integration_id('IB1')
    $$,
    $$
    select 'active'::text, b.vault_secret_id
    from f60_before as b
    where b.id = tests.integration_id('IB1')
    $$,
    'ER-21: B''s integration is still active with the same reference'
);
select is(
    ((select count(*) from vault.secrets) - (select c.secrets from f60_counts as c))::integer,
    -4,
    'ER-22: exactly A''s four secrets were deleted from Vault'
);
select is(
    (select count(*) from public.organization_integrations),
    (select c.integration_rows from f60_counts as c),
    'ER-23: no integration was deleted'
);
select bag_eq(
    $$
    select a.action_name, a.integration_id, a.actor_role
    from public.credential_audit as a
    where a.organization_id = tests.org_id('Org A') and a.action_name like '%revoke'
    $$,
    $$
    values
    ('emergency_revoke', null::uuid, 'service_role'),
    ('revoke', tests.integration_id('IA1'), 'service_role'),
    ('revoke', tests.integration_id('IA2'), 'service_role'),
    ('revoke', tests.integration_id('IA4'), 'service_role'),
    ('revoke', tests.integration_id('IA5'), 'service_role')
    $$,
    'ER-24: one revoke audit row per integration and one emergency_revoke row, all by service_role'
);
select is(
    (
        select a.details - 'integration_ids'
        from public.credential_audit as a
        where
            a.organization_id = tests.org_id('Org A')
            and a.action_name = 'emergency_revoke'
    ),
    '{"incident": "inc-1", "integration_count": 4}'::jsonb,
    'ER-25: the emergency_revoke row names the incident and the count'
);
select results_eq(
    $$
    select n.kind, n.details ->> 'incident', (n.details ->> 'integration_count')::integer
    from public.organization_notifications as n
    where n.organization_id = tests.org_id('Org A')
    $$,
    $$values ('credentials_revoked', 'inc-1', 4)$$,
    'ER-26: org A got exactly one credentials_revoked notification'
);
select is_empty(
    $$
    select 1
    from public.organization_notifications as n
    where n.organization_id = tests.org_id('Org B')
    $$,
    'ER-27: org B got no notification'
);
select ok(
    (
        select n.details ->> 'action_required' ~ 'Rotate each credential at the external system'
        from public.organization_notifications as n
        where n.organization_id = tests.org_id('Org A')
    ),
    'ER-28: the notification tells admins to rotate at the external system and re-enter'
);

-- acting as admin A

select tests.authenticate_as(tests.user_id('admin a'));
select is(
    (
        select count(*)::integer
        from public.organization_notifications
        where kind = 'credentials_revoked'
    ),
    1,
    'ER-29: admin A reads the notification'
);

-- acting as coordinator A

select tests.authenticate_as(tests.user_id('coordinator a'));
select is_empty(
    $$select 1 from public.organization_notifications$$,
    'ER-30: coordinator A does not see it'
);

select * from finish();
rollback;
