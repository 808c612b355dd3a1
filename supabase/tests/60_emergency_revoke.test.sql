-- Proves public.emergency_revoke_credentials, the database half of the breach
-- runbook: only service_role may call it; a dry run changes nothing; a run
-- deletes every credential of one organization (linked or kept by name),
-- deactivates those integrations, audits and notifies the admins once, leaves
-- other organizations and every other row alone; a second run is a no-op.

begin;

select plan(30);

-- World: org A (admin, coordinator) with IA1 active, IA2 inactive and IA5 in
-- error, each with a credential, IA3 without one, IA4 with a secret kept in
-- Vault by name only; org B (admin) with IB1 active. Ids are unique to this file.
select tests.create_user('f60-admin-a@test.local', '00000060-0000-4000-8000-0000000000a1');
select tests.create_user('f60-coordinator-a@test.local', '00000060-0000-4000-8000-0000000000a2');
select tests.create_user('f60-admin-b@test.local', '00000060-0000-4000-8000-0000000000b1');

insert into public.organizations (id, name)
values
('00000060-0000-4000-8000-00000000000a', 'ER org A'),
('00000060-0000-4000-8000-00000000000b', 'ER org B');

insert into public.organization_members (organization_id, user_id, role)
values
('00000060-0000-4000-8000-00000000000a', '00000060-0000-4000-8000-0000000000a1', 'admin'),
('00000060-0000-4000-8000-00000000000a', '00000060-0000-4000-8000-0000000000a2', 'coordinator'),
('00000060-0000-4000-8000-00000000000b', '00000060-0000-4000-8000-0000000000b1', 'admin');

insert into public.organization_integrations (id, organization_id, provider)
values
('00000060-1000-4000-8000-0000000000a1', '00000060-0000-4000-8000-00000000000a', 'salesforce'),
('00000060-1000-4000-8000-0000000000a2', '00000060-0000-4000-8000-00000000000a', 'hubspot'),
('00000060-1000-4000-8000-0000000000a3', '00000060-0000-4000-8000-00000000000a', 'pipedrive'),
('00000060-1000-4000-8000-0000000000a4', '00000060-0000-4000-8000-00000000000a', 'zendesk'),
('00000060-1000-4000-8000-0000000000a5', '00000060-0000-4000-8000-00000000000a', 'freshdesk'),
('00000060-1000-4000-8000-0000000000b1', '00000060-0000-4000-8000-00000000000b', 'salesforce');

select public.store_credential('00000060-1000-4000-8000-0000000000a1', 'f60-secret-a1');
select public.store_credential('00000060-1000-4000-8000-0000000000a2', 'f60-secret-a2');
select public.store_credential('00000060-1000-4000-8000-0000000000a5', 'f60-secret-a5');
select public.store_credential('00000060-1000-4000-8000-0000000000b1', 'f60-secret-b1');
-- A secret kept through a rollback: named after IA4, not linked.
select vault.create_secret('f60-secret-a4', 'integration_credential:00000060-1000-4000-8000-0000000000a4');

update public.organization_integrations
set status = 'active'
where id in ('00000060-1000-4000-8000-0000000000a1', '00000060-1000-4000-8000-0000000000b1');
update public.organization_integrations
set status = 'error'
where id = '00000060-1000-4000-8000-0000000000a5';

create temporary table f60_before on commit drop as
select
    i.id,
    i.vault_secret_id
from public.organization_integrations as i
where i.organization_id in ('00000060-0000-4000-8000-00000000000a', '00000060-0000-4000-8000-00000000000b');

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
    $$select * from public.emergency_revoke_credentials('00000060-0000-4000-8000-00000000000a', 'inc-1')$$,
    '42501', null, 'ER-07: anon is denied'
);

-- acting as admin A

select tests.authenticate_as('00000060-0000-4000-8000-0000000000a1');
select throws_ok(
    $$select * from public.emergency_revoke_credentials('00000060-0000-4000-8000-00000000000a', 'inc-1')$$,
    '42501', null, 'ER-08: an admin is denied, even for their own organization'
);
select throws_ok(
    $$select * from private.emergency_revoke_credentials('00000060-0000-4000-8000-00000000000a', 'inc-1')$$,
    '42501', null, 'ER-09: an admin cannot call the private twin either'
);

-- acting as service_role

select tests.authenticate_as_service_role();
select throws_ok(
    $$select * from public.emergency_revoke_credentials('00000060-0000-4000-8000-00000000000f', 'inc-1')$$,
    'P0002', null, 'ER-10: service_role: unknown organization is P0002'
);
select throws_ok(
    $$select * from public.emergency_revoke_credentials('00000060-0000-4000-8000-00000000000a', ' ')$$,
    '22023', null, 'ER-11: service_role: a blank incident reference is 22023'
);
select throws_ok(
    $$select * from public.emergency_revoke_credentials('00000060-0000-4000-8000-00000000000a', repeat('x', 201))$$,
    '22023', null, 'ER-12: service_role: an incident reference over 200 characters is 22023'
);
select set_eq(
    $$
    select r.integration_id
    from public.emergency_revoke_credentials('00000060-0000-4000-8000-00000000000a', 'inc-1', true) as r
    $$,
    $$
    values
    ('00000060-1000-4000-8000-0000000000a1'::uuid),
    ('00000060-1000-4000-8000-0000000000a2'::uuid),
    ('00000060-1000-4000-8000-0000000000a4'::uuid),
    ('00000060-1000-4000-8000-0000000000a5'::uuid)
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
                            '00000060-0000-4000-8000-00000000000a', '00000060-0000-4000-8000-00000000000b'
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
    from public.emergency_revoke_credentials('00000060-0000-4000-8000-00000000000a', 'inc-1') as r
    $$,
    $$
    values
    ('00000060-1000-4000-8000-0000000000a1'::uuid, 'active', true),
    ('00000060-1000-4000-8000-0000000000a2'::uuid, 'inactive', true),
    ('00000060-1000-4000-8000-0000000000a4'::uuid, 'inactive', false),
    ('00000060-1000-4000-8000-0000000000a5'::uuid, 'error', true)
    $$,
    'ER-15: service_role: the run returns what it revoked, with the status and reference before'
);
select throws_ok(
    $$
    select public.retrieve_credential(b.vault_secret_id)
    from f60_before as b
    where b.id = '00000060-1000-4000-8000-0000000000a1'
    $$,
    'P0002', null, 'ER-16: service_role: A''s old credential can no longer be retrieved'
);
select is(
    public.retrieve_credential(
        public.get_integration_vault_secret_id('00000060-1000-4000-8000-0000000000b1')
    ),
    'f60-secret-b1',
    'ER-17: service_role: B''s credential is still retrievable'
);
select is_empty(
    $$select * from public.emergency_revoke_credentials('00000060-0000-4000-8000-00000000000a', 'inc-1')$$,
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
        where i.organization_id = '00000060-0000-4000-8000-00000000000a'
    )
    or s.id in (
        select b.vault_secret_id
        from f60_before as b
        where b.id != '00000060-1000-4000-8000-0000000000b1'
    )
    $$,
    'ER-19: no Vault secret of org A is left, linked or kept by name'
);
select results_eq(
    $$
    select i.id, i.status::text, i.vault_secret_id
    from public.organization_integrations as i
    where i.organization_id = '00000060-0000-4000-8000-00000000000a'
    order by i.id
    $$,
    $$
    values
    ('00000060-1000-4000-8000-0000000000a1'::uuid, 'inactive', null::uuid),
    ('00000060-1000-4000-8000-0000000000a2'::uuid, 'inactive', null::uuid),
    ('00000060-1000-4000-8000-0000000000a3'::uuid, 'inactive', null::uuid),
    ('00000060-1000-4000-8000-0000000000a4'::uuid, 'inactive', null::uuid),
    ('00000060-1000-4000-8000-0000000000a5'::uuid, 'inactive', null::uuid)
    $$,
    'ER-20: every integration of A is kept, unlinked and inactive'
);
select results_eq(
    $$
    select i.status::text, i.vault_secret_id
    from public.organization_integrations as i
    where i.id = '00000060-1000-4000-8000-0000000000b1'
    $$,
    $$
    select 'active'::text, b.vault_secret_id
    from f60_before as b
    where b.id = '00000060-1000-4000-8000-0000000000b1'
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
select results_eq(
    $$
    select a.action_name, a.integration_id, a.actor_role
    from public.credential_audit as a
    where a.organization_id = '00000060-0000-4000-8000-00000000000a' and a.action_name like '%revoke'
    order by a.action_name, a.integration_id
    $$,
    $$
    values
    ('emergency_revoke', null::uuid, 'service_role'),
    ('revoke', '00000060-1000-4000-8000-0000000000a1'::uuid, 'service_role'),
    ('revoke', '00000060-1000-4000-8000-0000000000a2'::uuid, 'service_role'),
    ('revoke', '00000060-1000-4000-8000-0000000000a4'::uuid, 'service_role'),
    ('revoke', '00000060-1000-4000-8000-0000000000a5'::uuid, 'service_role')
    $$,
    'ER-24: one revoke audit row per integration and one emergency_revoke row, all by service_role'
);
select is(
    (
        select a.details - 'integration_ids'
        from public.credential_audit as a
        where
            a.organization_id = '00000060-0000-4000-8000-00000000000a'
            and a.action_name = 'emergency_revoke'
    ),
    '{"incident": "inc-1", "integration_count": 4}'::jsonb,
    'ER-25: the emergency_revoke row names the incident and the count'
);
select results_eq(
    $$
    select n.kind, n.details ->> 'incident', (n.details ->> 'integration_count')::integer
    from public.organization_notifications as n
    where n.organization_id = '00000060-0000-4000-8000-00000000000a'
    $$,
    $$values ('credentials_revoked', 'inc-1', 4)$$,
    'ER-26: org A got exactly one credentials_revoked notification'
);
select is_empty(
    $$
    select 1
    from public.organization_notifications as n
    where n.organization_id = '00000060-0000-4000-8000-00000000000b'
    $$,
    'ER-27: org B got no notification'
);
select ok(
    (
        select n.details ->> 'action_required' ~ 'Rotate each credential at the external system'
        from public.organization_notifications as n
        where n.organization_id = '00000060-0000-4000-8000-00000000000a'
    ),
    'ER-28: the notification tells admins to rotate at the external system and re-enter'
);

-- acting as admin A

select tests.authenticate_as('00000060-0000-4000-8000-0000000000a1');
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

select tests.authenticate_as('00000060-0000-4000-8000-0000000000a2');
select is_empty(
    $$select 1 from public.organization_notifications$$,
    'ER-30: coordinator A does not see it'
);

select * from finish();
rollback;
