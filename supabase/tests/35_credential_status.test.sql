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
-- IB1 (active, credential); a user in no organization.
select tests.create_org(
    'CS org A',
    admins => array['admin a'],
    coordinators => array['coordinator a'],
    integrations => '{"IA1": "salesforce", "IA2": "hubspot", "IA3": "pipedrive", "IA4": "zendesk"}'
);
select tests.create_org(
    'CS org B', admins => array['admin b'], coordinators => array['coordinator b'], integrations => '{"IB1": "salesforce"}'
);
select tests.create_named_user('outsider');

-- As postgres (privileged): store, activate, then delete IA3's and IA4's
-- secrets outside the credential functions. Ids stay in DO blocks: a random
-- id printed to the TAP stream could parse as a plan line.
do $setup$
begin
    perform public.store_credential(tests.integration_id('IA1'), 'f35-value-a1');
    perform public.store_credential(tests.integration_id('IA3'), 'f35-value-a3');
    perform public.store_credential(tests.integration_id('IA4'), 'f35-value-a4');
    perform public.store_credential(tests.integration_id('IB1'), 'f35-value-b1');
    update public.organization_integrations
    set status = 'active'
    where id in (
        tests.integration_id('IA1'),
        tests.integration_id('IA4'),
        tests.integration_id('IB1')
    );
    delete from vault.secrets as s
    where s.name in (
        'integration_credential:' || tests.integration_id('IA3'),
        'integration_credential:' || tests.integration_id('IA4')
    );
end
$setup$;

-- acting as anon
select tests.authenticate_as_anon();

select throws_ok(
    $$select public.credential_status(tests.integration_id('IA1'))$$,
    '42501', null, 'CS-AN-01: anon cannot call credential_status'
);
select throws_ok(
    $$select public.retrieve_credential_by_integration(tests.integration_id('IA1'))$$,
    '42501', null, 'CS-AN-02: anon cannot retrieve by integration'
);

-- acting as a user in no organization
select tests.authenticate_as(tests.user_id('outsider'));

select throws_ok(
    $$select public.credential_status(tests.integration_id('IA1'))$$,
    '42501', null, 'CS-NM-01: a non-member gets 42501 from credential_status'
);
select throws_ok(
    $$select public.retrieve_credential_by_integration(tests.integration_id('IA1'))$$,
    '42501', null, 'CS-NM-02: a non-member cannot retrieve by integration'
);

-- acting as coordinator of A
select tests.authenticate_as(tests.user_id('coordinator a'));

select throws_ok(
    $$select public.credential_status(tests.integration_id('IA1'))$$,
    '42501', null, 'CS-CA-01: coordinator A gets 42501 from credential_status on A''s integration'
);
select throws_ok(
    $$select public.retrieve_credential_by_integration(tests.integration_id('IA1'))$$,
    '42501', null, 'CS-CA-02: coordinator A cannot retrieve by integration'
);

-- acting as coordinator of B
select tests.authenticate_as(tests.user_id('coordinator b'));

select throws_ok(
    $$select public.credential_status(tests.integration_id('IA1'))$$,
    '42501', null, 'CS-CB-01: coordinator B gets 42501 from credential_status on A''s integration'
);
select throws_ok(
    $$select public.retrieve_credential_by_integration(tests.integration_id('IA1'))$$,
    '42501', null, 'CS-CB-02: coordinator B cannot retrieve by integration'
);

-- acting as admin of B
select tests.authenticate_as(tests.user_id('admin b'));

select throws_ok(
    $$select public.credential_status(tests.integration_id('IA1'))$$,
    '42501', null, 'CS-AB-01: admin B gets 42501 from credential_status on A''s integration'
);
select throws_ok(
    $$select public.retrieve_credential_by_integration(tests.integration_id('IA1'))$$,
    '42501', null, 'CS-AB-02: admin B cannot retrieve A''s credential by integration'
);
select is(
    public.credential_status(tests.integration_id('IB1')),
    true,
    'CS-AB-03: admin B sees that B''s own integration has a live credential'
);

-- acting as admin of A
select tests.authenticate_as(tests.user_id('admin a'));

select is(
    public.credential_status(tests.integration_id('IA1')),
    true,
    'CS-AA-01: admin A: IA1 has a live credential'
);
select is(
    public.credential_status(tests.integration_id('IA2')),
    false,
    'CS-AA-02: admin A: IA2 has no credential linked'
);
select is(
    public.credential_status(tests.integration_id('IA3')),
    false,
    'CS-AA-03: admin A: IA3''s linked secret is gone from Vault, so it has none'
);
select throws_ok(
    $$select public.credential_status(tests.integration_id('never created'))$$,
    '42501', null, 'CS-AA-04: admin A gets 42501, not P0002, for an unknown integration (no existence oracle)'
);
select throws_ok(
    $$select public.credential_status(tests.integration_id('IB1'))$$,
    '42501', null, 'CS-AA-05: admin A gets 42501 from credential_status on B''s integration'
);
select throws_ok(
    $$select public.retrieve_credential_by_integration(tests.integration_id('IA1'))$$,
    '42501', null, 'CS-AA-06: admin A cannot retrieve by integration either (service_role only)'
);
select throws_ok(
    $$update public.organization_integrations set status = 'active' where id = tests.integration_id('IA3')$$,
    '23503', null, 'CS-AA-07: admin A cannot activate IA3, whose linked secret is gone (23503)'
);

-- The 23503 names its constraint, so clients can tell it from a foreign key's.
do $catch$
declare
    v_constraint text;
begin
    update public.organization_integrations set status = 'active' where id = tests.integration_id('IA3');
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
    $$update public.organization_integrations set status = 'inactive' where id = tests.integration_id('IA4')$$,
    'CS-AA-09: admin A can still deactivate IA4, whose secret was deleted while it was active'
);
select throws_ok(
    $$update public.organization_integrations set status = 'active' where id = tests.integration_id('IA4')$$,
    '23503', null, 'CS-AA-10: and cannot activate it again until a credential is stored'
);
select lives_ok(
    $$update public.organization_integrations set status = 'active' where id = tests.integration_id('IA1')$$,
    'CS-AA-11: re-activating IA1, whose secret is live, still works'
);
select lives_ok(
    $$select public.store_credential(tests.integration_id('IA4'), 'f35-value-a4-new')$$,
    'CS-AA-12: admin A stores a new credential for IA4'
);
select is(
    public.credential_status(tests.integration_id('IA4')),
    true,
    'CS-AA-13: then IA4 has a live credential again'
);
select lives_ok(
    $$update public.organization_integrations set status = 'active' where id = tests.integration_id('IA4')$$,
    'CS-AA-14: and can be activated'
);

-- acting as service_role
select tests.authenticate_as_service_role();

select is(
    public.credential_status(tests.integration_id('IB1')),
    true,
    'CS-SR-01: service_role: IB1 has a live credential'
);
select is(
    public.credential_status(tests.integration_id('IA3')),
    false,
    'CS-SR-02: service_role: IA3 has none'
);
select throws_ok(
    $$select public.credential_status(tests.integration_id('never created'))$$,
    'P0002', null, 'CS-SR-03: service_role gets P0002 from credential_status for an unknown integration'
);
select is(
    public.retrieve_credential_by_integration(tests.integration_id('IA1')),
    'f35-value-a1',
    'CS-SR-04: service_role retrieves IA1''s credential by integration id'
);
select throws_ok(
    $$select public.retrieve_credential_by_integration(tests.integration_id('IA2'))$$,
    'P0002', null, 'CS-SR-05: retrieving by integration with nothing linked raises P0002'
);
select throws_ok(
    $$select public.retrieve_credential_by_integration(tests.integration_id('IA3'))$$,
    'P0002', null, 'CS-SR-06: retrieving by integration whose secret is gone raises P0002'
);
select throws_ok(
    $$select public.retrieve_credential_by_integration(tests.integration_id('never created'))$$,
    'P0002', null, 'CS-SR-07: retrieving by an unknown integration raises P0002'
);
select throws_ok(
    $$update public.organization_integrations set status = 'active' where id = tests.integration_id('IA3')$$,
    '23503', null, 'CS-SR-08: service_role cannot activate IA3 either'
);

-- acting as postgres
select tests.clear_authentication();

select bag_eq(
    $$
    select a.action_name, a.actor_role, a.integration_id::text
    from public.credential_audit as a
    where a.organization_id in (tests.org_id('CS org A'), tests.org_id('CS org B'))
    $$,
    $$
    values
    ('store', 'postgres', tests.integration_id('IA1')::text),
    ('store', 'postgres', tests.integration_id('IA3')::text),
    ('store', 'postgres', tests.integration_id('IA4')::text),
    ('store', 'postgres', tests.integration_id('IB1')::text),
    ('store', 'authenticated', tests.integration_id('IA4')::text),
    ('retrieve', 'service_role', tests.integration_id('IA1')::text)
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
    perform public.rotate_credential(tests.integration_id('IA1'), 'f35-value-a1-rotated');
    insert into pg_temp.f35_scans values ('after rotate', pg_temp.f35_scans());
    perform public.store_credential(tests.integration_id('IA1'), 'f35-value-a1-stored');
    insert into pg_temp.f35_scans values ('after store', pg_temp.f35_scans());
    perform public.revoke_credential(tests.integration_id('IA1'));
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
