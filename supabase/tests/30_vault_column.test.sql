-- Proves the vault_secret_id migrations (the seed task's cases 1-4, 6 and 7):
-- the column is a nullable uuid, chk_active_integration_has_vault_ref exists
-- and is validated and rejects active rows without a reference, and only
-- admins (through a function) and service_role can see a reference. Case 5,
-- the rollback round trip, is tests/vault/test_vault_rollback.py.

begin;

select plan(37);

-- World: org A (admin, coordinator), org B (admin); IA1 and IA2 in A, IB1 in
-- B; credentials stored for IA1 and IB1.
select tests.create_org(
    'Org A', admins => array['admin a'], coordinators => array['coordinator a'],
    integrations => '{"IA1": "salesforce", "IA2": "hubspot"}'
);
select tests.create_org('Org B', admins => array['admin b'], integrations => '{"IB1": "salesforce"}');

-- A direct postgres session is privileged. The secret ids are random, so keep
-- them in transaction-local settings that every role can read.
-- Set in DO blocks: a random id printed to the TAP stream could parse as a plan line.
do $setup$
begin
    perform pg_catalog.set_config(
        'f30.secret_a1',
        public.store_credential(tests.integration_id('IA1'), 'f30-value-a1')::text,
        true
    );
    perform pg_catalog.set_config(
        'f30.secret_b1',
        public.store_credential(tests.integration_id('IB1'), 'f30-value-b1')::text,
        true
    );
end
$setup$;

-- acting as postgres (case 1: the migrations applied on top of the earlier ones)

select results_eq(
    $$
    select m.version
    from supabase_migrations.schema_migrations as m
    where m.version between '20261127300000' and '20261127300999'
    order by m.version
    $$,
    array[
        '20261127300000', '20261127300100', '20261127300200', '20261127300300', '20261127300400',
        '20261127300500', '20261127300600', '20261127300700', '20261127300800', '20261127300900'
    ],
    'VC-01: every credential migration is recorded, after the earlier ones'
);
select has_column(
    'public', 'organization_integrations', 'vault_secret_id',
    'VC-02: organization_integrations has vault_secret_id'
);
select col_type_is(
    'public', 'organization_integrations', 'vault_secret_id', 'uuid',
    'VC-03: vault_secret_id is uuid'
);
select col_is_null(
    'public', 'organization_integrations', 'vault_secret_id',
    'VC-04: vault_secret_id is nullable'
);
select isnt(
    pg_catalog.col_description('public.organization_integrations'::regclass, (
        select a.attnum
        from pg_catalog.pg_attribute as a
        where
            a.attrelid = 'public.organization_integrations'::regclass
            and a.attname = 'vault_secret_id'
    )),
    null,
    'VC-05: vault_secret_id has a comment'
);
select results_eq(
    $$
    select c.contype::text, c.convalidated, pg_catalog.pg_get_constraintdef(c.oid)
    from pg_catalog.pg_constraint as c
    where
        c.conrelid = 'public.organization_integrations'::regclass
        and c.conname = 'chk_active_integration_has_vault_ref'
    $$,
    $$
    values (
        'c', true,
        'CHECK ((((status)::text <> ''active''::text) OR (vault_secret_id IS NOT NULL)))'
    )
    $$,
    'VC-06: chk_active_integration_has_vault_ref exists, is validated and checks exactly the rule'
);
select has_trigger(
    'public', 'organization_integrations', 'organization_integrations_check_vault_secret_id',
    'VC-07: the referential-integrity trigger is installed'
);
select has_trigger(
    'public', 'organization_integrations', 'organization_integrations_delete_credential',
    'VC-08: the trigger that deletes a credential with its integration is installed'
);
select index_is_unique(
    'public', 'organization_integrations', 'organization_integrations_vault_secret_id_key',
    'VC-09: a Vault secret belongs to at most one integration'
);

-- Column and table privileges

select column_privs_are(
    'public', 'organization_integrations', 'vault_secret_id', 'anon', array[]::text[],
    'VC-10: anon has no privilege on vault_secret_id'
);
select column_privs_are(
    'public', 'organization_integrations', 'vault_secret_id', 'authenticated', array[]::text[],
    'VC-11: authenticated can neither read nor write vault_secret_id'
);
select column_privs_are(
    'public', 'organization_integrations', 'vault_secret_id', 'service_role', array['SELECT', 'INSERT', 'UPDATE'],
    'VC-12: service_role reads and writes vault_secret_id'
);
select table_privs_are(
    'public', 'organization_integrations', 'authenticated', array['DELETE'],
    'VC-13: authenticated has no table-wide SELECT any more (column SELECTs instead)'
);
select set_eq(
    $$
    select a.attname::text
    from pg_catalog.pg_attribute as a
    where
        a.attrelid = 'public.organization_integrations'::regclass
        and a.attnum > 0
        and not a.attisdropped
        and pg_catalog.has_column_privilege('authenticated', a.attrelid, a.attnum, 'select')
    $$,
    $$
    select a.attname::text
    from pg_catalog.pg_attribute as a
    where
        a.attrelid = 'public.organization_integrations'::regclass
        and a.attnum > 0
        and not a.attisdropped
        and a.attname <> 'vault_secret_id'
    $$,
    'VC-14: authenticated may select every column of organization_integrations except vault_secret_id'
);

-- acting as admin of A (cases 2, 3, 4 and 7)
select tests.authenticate_as(tests.user_id('admin a'));

select throws_ok(
    $$
    insert into public.organization_integrations (organization_id, provider, status)
    values (tests.org_id('Org A'), 'pipedrive', 'active')
    $$,
    '23514',
    null,
    'VC-15: admin A cannot insert an active integration without vault_secret_id'
);
select results_eq(
    $$
    insert into public.organization_integrations (organization_id, provider, status)
    values (tests.org_id('Org A'), 'pipedrive', 'inactive')
    returning status::text
    $$,
    array['inactive'],
    'VC-16: admin A inserts an inactive integration without vault_secret_id'
);
select throws_ok(
    $$update public.organization_integrations set status = 'active' where id = tests.integration_id('IA2')$$,
    '23514',
    null,
    'VC-17: admin A cannot set an integration without vault_secret_id to active'
);
select results_eq(
    $$
    update public.organization_integrations set status = 'active'
    where id = tests.integration_id('IA1')
    returning status::text
    $$,
    array['active'],
    'VC-18: admin A activates an integration once its credential is stored'
);
select results_eq(
    $$select public.get_integration_vault_secret_id(tests.integration_id('IA1'))$$,
    $$select pg_catalog.current_setting('f30.secret_a1')::uuid$$,
    'VC-19: admin A gets vault_secret_id of their own organization''s integration'
);
select is(
    public.get_integration_vault_secret_id(tests.integration_id('IB1')),
    null,
    'VC-20: admin A gets null for another organization''s integration'
);
select is(
    public.get_integration_vault_secret_id(tests.integration_id('IA2')),
    null,
    'VC-21: admin A gets null for an integration of theirs without a credential'
);
select throws_ok(
    $$select i.vault_secret_id from public.organization_integrations as i where i.id = tests.integration_id('IA1')$$,
    '42501',
    null,
    'VC-22: admin A cannot select vault_secret_id from the table, even for their own rows'
);
select throws_ok(
    'select * from public.organization_integrations',
    '42501',
    null,
    'VC-23: select * fails for authenticated: clients must list columns'
);
select set_eq(
    $$
    select i.display_name
    from public.organization_integrations as i
    where i.organization_id = tests.org_id('Org A')
    $$,
    array['IA1', 'IA2', null],
    'VC-24: admin A still reads the other columns of their rows'
);

-- acting as coordinator of A (case 6)
select tests.authenticate_as(tests.user_id('coordinator a'));

select throws_ok(
    $$select i.vault_secret_id from public.organization_integrations as i where i.id = tests.integration_id('IA1')$$,
    '42501',
    null,
    'VC-25: coordinator A cannot read vault_secret_id (42501 on the column)'
);
select is(
    public.get_integration_vault_secret_id(tests.integration_id('IA1')),
    null,
    'VC-26: coordinator A gets null from get_integration_vault_secret_id'
);
select results_eq(
    $$
    select i.provider, i.status::text
    from public.organization_integrations as i
    where i.id = tests.integration_id('IA1')
    $$,
    $$values ('salesforce', 'active')$$,
    'VC-27: coordinator A still reads the other columns'
);

-- acting as admin of B (case 7, the other way round)
select tests.authenticate_as(tests.user_id('admin b'));

select results_eq(
    $$select public.get_integration_vault_secret_id(tests.integration_id('IB1'))$$,
    $$select pg_catalog.current_setting('f30.secret_b1')::uuid$$,
    'VC-28: admin B gets vault_secret_id of their own organization''s integration'
);
select is(
    public.get_integration_vault_secret_id(tests.integration_id('IA1')),
    null,
    'VC-29: admin B gets null for org A''s integration'
);

-- acting as anon
select tests.authenticate_as_anon();

select throws_ok(
    $$select i.vault_secret_id from public.organization_integrations as i$$,
    '42501',
    null,
    'VC-30: anon cannot read vault_secret_id'
);
select throws_ok(
    $$select public.get_integration_vault_secret_id(tests.integration_id('IA1'))$$,
    '42501',
    null,
    'VC-31: anon cannot execute get_integration_vault_secret_id'
);

-- acting as service_role (the constraint binds it too)
select tests.authenticate_as_service_role();

select throws_ok(
    $$
    insert into public.organization_integrations (organization_id, provider, status)
    values (tests.org_id('Org B'), 'pipedrive', 'active')
    $$,
    '23514',
    null,
    'VC-32: service_role cannot insert an active integration without vault_secret_id'
);
select throws_ok(
    $$update public.organization_integrations set status = 'active' where id = tests.integration_id('IA2')$$,
    '23514',
    null,
    'VC-33: service_role cannot set an integration without vault_secret_id to active'
);
select throws_ok(
    $$update public.organization_integrations set vault_secret_id = null where id = tests.integration_id('IA1')$$,
    '23514',
    null,
    'VC-34: service_role cannot unlink the credential of an active integration'
);
select set_eq(
    $$
    select i.id, i.vault_secret_id
    from public.organization_integrations as i
    where i.id in (tests.integration_id('IA1'), tests.integration_id('IB1'))
    $$,
    $$
    values
    (tests.integration_id('IA1'), pg_catalog.current_setting('f30.secret_a1')::uuid),
    (tests.integration_id('IB1'), pg_catalog.current_setting('f30.secret_b1')::uuid)
    $$,
    'VC-35: service_role reads vault_secret_id directly'
);
select results_eq(
    $$select public.get_integration_vault_secret_id(tests.integration_id('IA1'))$$,
    $$select pg_catalog.current_setting('f30.secret_a1')::uuid$$,
    'VC-36: service_role gets vault_secret_id from get_integration_vault_secret_id'
);

-- acting as postgres: what the rejected statements left behind
select tests.clear_authentication();

select set_eq(
    $$
    select i.organization_id, i.provider, i.status::text
    from public.organization_integrations as i
    where i.organization_id in (tests.org_id('Org A'), tests.org_id('Org B'))
    $$,
    $$
    values
    (tests.org_id('Org A'), 'hubspot', 'inactive'),
    (tests.org_id('Org A'), 'pipedrive', 'inactive'),
    (tests.org_id('Org A'), 'salesforce', 'active'),
    (tests.org_id('Org B'), 'salesforce', 'inactive')
    $$,
    'VC-37: only the inactive insert and the activation with a credential took effect'
);

select * from finish();

rollback;
