-- Proves credential_status (no decryption, no audit row) and
-- retrieve_credential_by_integration for all seven actors, the integrity
-- trigger on status (23503 naming organization_integrations_check_vault_secret_id
-- when activating onto a missing secret; deactivating stays possible), and
-- that store, rotate and revoke read the integration row once.

begin;

select plan(37);

-- World: org A (admin, coordinator) with IA1 (active, credential), IA2
-- (inactive, none), IA3 (inactive, its secret deleted from Vault) and IA4
-- (active, its secret deleted afterwards); org B (admin, coordinator) with
-- IB1 (active, credential); a user in no organization. Ids are unique to this file.
select tests.create_user('f35-admin-a@test.local', '00000035-0000-4000-8000-0000000000a1');
select tests.create_user('f35-coord-a@test.local', '00000035-0000-4000-8000-0000000000a2');
select tests.create_user('f35-admin-b@test.local', '00000035-0000-4000-8000-0000000000b1');
select tests.create_user('f35-coord-b@test.local', '00000035-0000-4000-8000-0000000000b2');
select tests.create_user('f35-outsider@test.local', '00000035-0000-4000-8000-0000000000f1');

insert into public.organizations (id, name)
values
('00000035-0000-4000-8000-00000000000a', 'CS org A'),
('00000035-0000-4000-8000-00000000000b', 'CS org B');

insert into public.organization_members (organization_id, user_id, role)
values
('00000035-0000-4000-8000-00000000000a', '00000035-0000-4000-8000-0000000000a1', 'admin'),
('00000035-0000-4000-8000-00000000000a', '00000035-0000-4000-8000-0000000000a2', 'coordinator'),
('00000035-0000-4000-8000-00000000000b', '00000035-0000-4000-8000-0000000000b1', 'admin'),
('00000035-0000-4000-8000-00000000000b', '00000035-0000-4000-8000-0000000000b2', 'coordinator');

insert into public.organization_integrations (id, organization_id, provider)
values
('00000035-1000-4000-8000-0000000000a1', '00000035-0000-4000-8000-00000000000a', 'salesforce'),
('00000035-1000-4000-8000-0000000000a2', '00000035-0000-4000-8000-00000000000a', 'hubspot'),
('00000035-1000-4000-8000-0000000000a3', '00000035-0000-4000-8000-00000000000a', 'pipedrive'),
('00000035-1000-4000-8000-0000000000a4', '00000035-0000-4000-8000-00000000000a', 'zendesk'),
('00000035-1000-4000-8000-0000000000b1', '00000035-0000-4000-8000-00000000000b', 'salesforce');

-- As postgres (privileged): store, activate, then delete IA3's and IA4's
-- secrets outside the credential functions. Ids stay in DO blocks: a random
-- id printed to the TAP stream could parse as a plan line.
do $setup$
begin
    perform public.store_credential('00000035-1000-4000-8000-0000000000a1', 'f35-value-a1');
    perform public.store_credential('00000035-1000-4000-8000-0000000000a3', 'f35-value-a3');
    perform public.store_credential('00000035-1000-4000-8000-0000000000a4', 'f35-value-a4');
    perform public.store_credential('00000035-1000-4000-8000-0000000000b1', 'f35-value-b1');
    update public.organization_integrations
    set status = 'active'
    where id in (
        '00000035-1000-4000-8000-0000000000a1',
        '00000035-1000-4000-8000-0000000000a4',
        '00000035-1000-4000-8000-0000000000b1'
    );
    delete from vault.secrets as s
    where s.name in (
        'integration_credential:00000035-1000-4000-8000-0000000000a3',
        'integration_credential:00000035-1000-4000-8000-0000000000a4'
    );
end
$setup$;

-- acting as anon
select tests.authenticate_as_anon();

select throws_ok(
    $$select public.credential_status('00000035-1000-4000-8000-0000000000a1')$$,
    '42501', null, 'CS-AN-01: anon cannot call credential_status'
);
select throws_ok(
    $$select public.retrieve_credential_by_integration('00000035-1000-4000-8000-0000000000a1')$$,
    '42501', null, 'CS-AN-02: anon cannot retrieve by integration'
);

-- acting as a user in no organization
select tests.authenticate_as('00000035-0000-4000-8000-0000000000f1');

select throws_ok(
    $$select public.credential_status('00000035-1000-4000-8000-0000000000a1')$$,
    '42501', null, 'CS-NM-01: a non-member gets 42501 from credential_status'
);
select throws_ok(
    $$select public.retrieve_credential_by_integration('00000035-1000-4000-8000-0000000000a1')$$,
    '42501', null, 'CS-NM-02: a non-member cannot retrieve by integration'
);

-- acting as coordinator of A
select tests.authenticate_as('00000035-0000-4000-8000-0000000000a2');

select throws_ok(
    $$select public.credential_status('00000035-1000-4000-8000-0000000000a1')$$,
    '42501', null, 'CS-CA-01: coordinator A gets 42501 from credential_status on A''s integration'
);
select throws_ok(
    $$select public.retrieve_credential_by_integration('00000035-1000-4000-8000-0000000000a1')$$,
    '42501', null, 'CS-CA-02: coordinator A cannot retrieve by integration'
);

-- acting as coordinator of B
select tests.authenticate_as('00000035-0000-4000-8000-0000000000b2');

select throws_ok(
    $$select public.credential_status('00000035-1000-4000-8000-0000000000a1')$$,
    '42501', null, 'CS-CB-01: coordinator B gets 42501 from credential_status on A''s integration'
);
select throws_ok(
    $$select public.retrieve_credential_by_integration('00000035-1000-4000-8000-0000000000a1')$$,
    '42501', null, 'CS-CB-02: coordinator B cannot retrieve by integration'
);

-- acting as admin of B
select tests.authenticate_as('00000035-0000-4000-8000-0000000000b1');

select throws_ok(
    $$select public.credential_status('00000035-1000-4000-8000-0000000000a1')$$,
    '42501', null, 'CS-AB-01: admin B gets 42501 from credential_status on A''s integration'
);
select throws_ok(
    $$select public.retrieve_credential_by_integration('00000035-1000-4000-8000-0000000000a1')$$,
    '42501', null, 'CS-AB-02: admin B cannot retrieve A''s credential by integration'
);
select is(
    public.credential_status('00000035-1000-4000-8000-0000000000b1'),
    true,
    'CS-AB-03: admin B sees that B''s own integration has a live credential'
);

-- acting as admin of A
select tests.authenticate_as('00000035-0000-4000-8000-0000000000a1');

select is(
    public.credential_status('00000035-1000-4000-8000-0000000000a1'),
    true,
    'CS-AA-01: admin A: IA1 has a live credential'
);
select is(
    public.credential_status('00000035-1000-4000-8000-0000000000a2'),
    false,
    'CS-AA-02: admin A: IA2 has no credential linked'
);
select is(
    public.credential_status('00000035-1000-4000-8000-0000000000a3'),
    false,
    'CS-AA-03: admin A: IA3''s linked secret is gone from Vault, so it has none'
);
select throws_ok(
    $$select public.credential_status('00000035-1000-4000-8000-00000000dead')$$,
    '42501', null, 'CS-AA-04: admin A gets 42501, not P0002, for an unknown integration (no existence oracle)'
);
select throws_ok(
    $$select public.credential_status('00000035-1000-4000-8000-0000000000b1')$$,
    '42501', null, 'CS-AA-05: admin A gets 42501 from credential_status on B''s integration'
);
select throws_ok(
    $$select public.retrieve_credential_by_integration('00000035-1000-4000-8000-0000000000a1')$$,
    '42501', null, 'CS-AA-06: admin A cannot retrieve by integration either (service_role only)'
);
select throws_ok(
    $$update public.organization_integrations set status = 'active' where id = '00000035-1000-4000-8000-0000000000a3'$$,
    '23503', null, 'CS-AA-07: admin A cannot activate IA3, whose linked secret is gone (23503)'
);

-- The 23503 names its constraint, so clients can tell it from a foreign key's.
do $catch$
declare
    v_constraint text;
begin
    update public.organization_integrations set status = 'active' where id = '00000035-1000-4000-8000-0000000000a3';
exception
    when foreign_key_violation then
        get stacked diagnostics v_constraint = constraint_name;
        perform pg_catalog.set_config('f35.constraint', v_constraint, true);
end
$catch$;

select is(
    pg_catalog.current_setting('f35.constraint', true),
    'organization_integrations_check_vault_secret_id',
    'CS-AA-08: the 23503 names constraint organization_integrations_check_vault_secret_id'
);
select lives_ok(
    $$update public.organization_integrations set status = 'inactive' where id = '00000035-1000-4000-8000-0000000000a4'$$,
    'CS-AA-09: admin A can still deactivate IA4, whose secret was deleted while it was active'
);
select throws_ok(
    $$update public.organization_integrations set status = 'active' where id = '00000035-1000-4000-8000-0000000000a4'$$,
    '23503', null, 'CS-AA-10: and cannot activate it again until a credential is stored'
);
select lives_ok(
    $$update public.organization_integrations set status = 'active' where id = '00000035-1000-4000-8000-0000000000a1'$$,
    'CS-AA-11: re-activating IA1, whose secret is live, still works'
);
select lives_ok(
    $$select public.store_credential('00000035-1000-4000-8000-0000000000a4', 'f35-value-a4-new')$$,
    'CS-AA-12: admin A stores a new credential for IA4'
);
select is(
    public.credential_status('00000035-1000-4000-8000-0000000000a4'),
    true,
    'CS-AA-13: then IA4 has a live credential again'
);
select lives_ok(
    $$update public.organization_integrations set status = 'active' where id = '00000035-1000-4000-8000-0000000000a4'$$,
    'CS-AA-14: and can be activated'
);

-- acting as service_role
select tests.authenticate_as_service_role();

select is(
    public.credential_status('00000035-1000-4000-8000-0000000000b1'),
    true,
    'CS-SR-01: service_role: IB1 has a live credential'
);
select is(
    public.credential_status('00000035-1000-4000-8000-0000000000a3'),
    false,
    'CS-SR-02: service_role: IA3 has none'
);
select throws_ok(
    $$select public.credential_status('00000035-1000-4000-8000-00000000dead')$$,
    'P0002', null, 'CS-SR-03: service_role gets P0002 from credential_status for an unknown integration'
);
select is(
    public.retrieve_credential_by_integration('00000035-1000-4000-8000-0000000000a1'),
    'f35-value-a1',
    'CS-SR-04: service_role retrieves IA1''s credential by integration id'
);
select throws_ok(
    $$select public.retrieve_credential_by_integration('00000035-1000-4000-8000-0000000000a2')$$,
    'P0002', null, 'CS-SR-05: retrieving by integration with nothing linked raises P0002'
);
select throws_ok(
    $$select public.retrieve_credential_by_integration('00000035-1000-4000-8000-0000000000a3')$$,
    'P0002', null, 'CS-SR-06: retrieving by integration whose secret is gone raises P0002'
);
select throws_ok(
    $$select public.retrieve_credential_by_integration('00000035-1000-4000-8000-00000000dead')$$,
    'P0002', null, 'CS-SR-07: retrieving by an unknown integration raises P0002'
);
select throws_ok(
    $$update public.organization_integrations set status = 'active' where id = '00000035-1000-4000-8000-0000000000a3'$$,
    '23503', null, 'CS-SR-08: service_role cannot activate IA3 either'
);

-- acting as postgres
select tests.clear_authentication();

select bag_eq(
    $$
    select a.action_name, a.actor_role, a.integration_id::text
    from public.credential_audit as a
    where a.organization_id in ('00000035-0000-4000-8000-00000000000a', '00000035-0000-4000-8000-00000000000b')
    $$,
    $$
    values
    ('store', 'postgres', '00000035-1000-4000-8000-0000000000a1'),
    ('store', 'postgres', '00000035-1000-4000-8000-0000000000a3'),
    ('store', 'postgres', '00000035-1000-4000-8000-0000000000a4'),
    ('store', 'postgres', '00000035-1000-4000-8000-0000000000b1'),
    ('store', 'authenticated', '00000035-1000-4000-8000-0000000000a4'),
    ('retrieve', 'service_role', '00000035-1000-4000-8000-0000000000a1')
    $$,
    'CS-PG-01: credential_status wrote no audit row; the stores and the one retrieve by integration did'
);

-- One read per call: scans of organization_integrations in this transaction.
create temporary table f35_scans (step text primary key, scans bigint not null);

create function pg_temp.f35_scans()
returns bigint
language sql
volatile
set search_path = ''
as $$
    select t.seq_scan + coalesce(t.idx_scan, 0)
    from pg_catalog.pg_stat_xact_user_tables as t
    where t.relid = 'public.organization_integrations'::pg_catalog.regclass;
$$;

-- In a DO block: store returns a random id, which must not reach the TAP stream.
do $scans$
begin
    insert into pg_temp.f35_scans values ('before rotate', pg_temp.f35_scans());
    perform public.rotate_credential('00000035-1000-4000-8000-0000000000a1', 'f35-value-a1-rotated');
    insert into pg_temp.f35_scans values ('after rotate', pg_temp.f35_scans());
    perform public.store_credential('00000035-1000-4000-8000-0000000000a1', 'f35-value-a1-stored');
    insert into pg_temp.f35_scans values ('after store', pg_temp.f35_scans());
    perform public.revoke_credential('00000035-1000-4000-8000-0000000000a1');
    insert into pg_temp.f35_scans values ('after revoke', pg_temp.f35_scans());
end
$scans$;

select is(
    (
        select a.scans - b.scans from pg_temp.f35_scans as a, pg_temp.f35_scans as b
        where a.step = 'after rotate' and b.step = 'before rotate'
    ),
    1::bigint,
    'CS-PG-02: rotate_credential reads the integration once (authorization and lock in one read)'
);
select is(
    (
        select a.scans - b.scans from pg_temp.f35_scans as a, pg_temp.f35_scans as b
        where a.step = 'after store' and b.step = 'after rotate'
    ),
    1::bigint,
    'CS-PG-03: store_credential over a linked secret reads the integration once'
);
select is(
    (
        select a.scans - b.scans from pg_temp.f35_scans as a, pg_temp.f35_scans as b
        where a.step = 'after revoke' and b.step = 'after store'
    ),
    2::bigint,
    'CS-PG-04: revoke_credential reads the integration once, then updates it'
);

select * from finish();
rollback;
