-- Proves referential integrity from organization_integrations.vault_secret_id
-- into vault.secrets without a foreign key: the trigger rejects (23503) an
-- unknown id, another integration's secret and another organization's
-- secret, for service_role and postgres too; clients cannot write the column;
-- deleting an integration deletes its secret; dangling references are listed.

begin;

select plan(22);

-- World: org A (admin) with IA1, IA2 and IA3 (credentials for IA1 and IA2),
-- org B with IB1 (credential).
select tests.create_org(
    'Org A', admins => array['admin a'], integrations => '{"IA1": "salesforce", "IA2": "hubspot", "IA3": "pipedrive"}'
);
select tests.create_org('Org B', integrations => '{"IB1": "salesforce"}');

-- Secret ids are random: kept in transaction-local settings every role can read.
-- Set in DO blocks: a random id printed to the TAP stream could parse as a plan line.
do $setup$
begin
    perform pg_catalog.set_config(
        'f33.secret_a1', public.store_credential(tests.integration_id('IA1'), 'f33-value-a1')::text, true
    );
    perform pg_catalog.set_config(
        'f33.secret_a2', public.store_credential(tests.integration_id('IA2'), 'f33-value-a2')::text, true
    );
    perform pg_catalog.set_config(
        'f33.secret_b1', public.store_credential(tests.integration_id('IB1'), 'f33-value-b1')::text, true
    );
end
$setup$;

-- A Vault secret created outside the credential functions.
do $setup$
begin
    perform pg_catalog.set_config(
        'f33.foreign', vault.create_secret('f33-value-foreign', 'f33_created_elsewhere')::text, true
    );
end
$setup$;

-- acting as service_role (bypasses RLS; the trigger still applies)
select tests.authenticate_as_service_role();

select throws_ok(
    $$
    update public.organization_integrations set vault_secret_id = '00000033-2000-4000-8000-00000000dead'
    where id = tests.integration_id('IA3')
    $$,
    '23503',
    null,
    'RI-01: service_role cannot set an unknown vault_secret_id'
);
select throws_ok(
    $$
    update public.organization_integrations set vault_secret_id = pg_catalog.current_setting('f33.secret_a2')::uuid
    where id = tests.integration_id('IA3')
    $$,
    '23503',
    null,
    'RI-02: service_role cannot point IA3 at IA2''s secret (same organization)'
);
select throws_ok(
    $$
    update public.organization_integrations set vault_secret_id = pg_catalog.current_setting('f33.secret_b1')::uuid
    where id = tests.integration_id('IA3')
    $$,
    '23503',
    null,
    'RI-03: service_role cannot point IA3 at org B''s secret'
);
select throws_ok(
    $$
    update public.organization_integrations set vault_secret_id = pg_catalog.current_setting('f33.foreign')::uuid
    where id = tests.integration_id('IA3')
    $$,
    '23503',
    null,
    'RI-04: service_role cannot point IA3 at a Vault secret created outside the credential functions'
);
select throws_ok(
    $$
    insert into public.organization_integrations (organization_id, provider, vault_secret_id)
    values (tests.org_id('Org A'), 'zendesk', pg_catalog.current_setting('f33.secret_b1')::uuid)
    $$,
    '23503',
    null,
    'RI-05: service_role cannot insert an integration pointing at org B''s secret'
);
select throws_ok(
    $$
    insert into public.organization_integrations (organization_id, provider, vault_secret_id)
    values (tests.org_id('Org A'), 'zendesk', '00000033-2000-4000-8000-00000000dead')
    $$,
    '23503',
    null,
    'RI-06: service_role cannot insert an integration with an unknown vault_secret_id'
);
select throws_ok(
    $$
    update public.organization_integrations set id = tests.integration_id('IA9')
    where id = tests.integration_id('IA1')
    $$,
    '23503',
    null,
    'RI-07: service_role cannot re-key an integration away from the secret named after it'
);
select lives_ok(
    $$
    update public.organization_integrations set vault_secret_id = pg_catalog.current_setting('f33.secret_a1')::uuid
    where id = tests.integration_id('IA1')
    $$,
    'RI-08: service_role may write an integration''s own secret id'
);
select lives_ok(
    $$
    update public.organization_integrations set vault_secret_id = null
    where id = tests.integration_id('IA2')
    $$,
    'RI-09: service_role may clear the reference of an inactive integration'
);
select lives_ok(
    $$
    update public.organization_integrations set vault_secret_id = pg_catalog.current_setting('f33.secret_a2')::uuid
    where id = tests.integration_id('IA2')
    $$,
    'RI-10: and link that integration''s own secret again'
);

-- acting as admin of A (no privilege on the column at all)
select tests.authenticate_as(tests.user_id('admin a'));

select throws_ok(
    $$
    update public.organization_integrations set vault_secret_id = pg_catalog.current_setting('f33.secret_b1')::uuid
    where id = tests.integration_id('IA3')
    $$,
    '42501',
    null,
    'RI-11: admin A cannot point an integration at org B''s secret (no UPDATE on the column)'
);
select throws_ok(
    $$
    insert into public.organization_integrations (organization_id, provider, vault_secret_id)
    values (tests.org_id('Org A'), 'zendesk', pg_catalog.current_setting('f33.secret_b1')::uuid)
    $$,
    '42501',
    null,
    'RI-12: admin A cannot insert an integration with a vault_secret_id (no INSERT on the column)'
);
select throws_ok(
    $$
    update public.organization_integrations set vault_secret_id = null
    where id = tests.integration_id('IA1')
    $$,
    '42501',
    null,
    'RI-13: admin A cannot clear vault_secret_id directly either'
);

-- acting as postgres (a direct session is no exception)
select tests.clear_authentication();

select throws_ok(
    $$
    update public.organization_integrations set vault_secret_id = pg_catalog.current_setting('f33.secret_b1')::uuid
    where id = tests.integration_id('IA3')
    $$,
    '23503',
    null,
    'RI-14: postgres cannot point IA3 at org B''s secret either'
);
select set_eq(
    $$
    select i.id, i.vault_secret_id
    from public.organization_integrations as i
    where i.organization_id in (tests.org_id('Org A'), tests.org_id('Org B'))
    $$,
    $$
    values
    (tests.integration_id('IA1'), pg_catalog.current_setting('f33.secret_a1')::uuid),
    (tests.integration_id('IA2'), pg_catalog.current_setting('f33.secret_a2')::uuid),
    (tests.integration_id('IA3'), null::uuid),
    (tests.integration_id('IB1'), pg_catalog.current_setting('f33.secret_b1')::uuid)
    $$,
    'RI-15: every reference still points at its own integration''s secret'
);

-- A secret deleted outside the functions leaves a dangling reference.
delete from vault.secrets
where id = pg_catalog.current_setting('f33.secret_a2')::uuid;

-- acting as service_role: the periodic job
select tests.authenticate_as_service_role();

select results_eq(
    $$
    select d.integration_id, d.vault_secret_id
    from public.list_dangling_credential_references() as d
    where d.organization_id in (tests.org_id('Org A'), tests.org_id('Org B'))
    $$,
    $$
    values (tests.integration_id('IA2'), pg_catalog.current_setting('f33.secret_a2')::uuid)
    $$,
    'RI-16: the dangling reference of IA2 is listed, and nothing else'
);
select lives_ok(
    $$select public.revoke_credential(tests.integration_id('IA2'))$$,
    'RI-17: revoking clears the dangling reference'
);
select is_empty(
    $$
    select d.integration_id
    from public.list_dangling_credential_references() as d
    where d.organization_id = tests.org_id('Org A')
    $$,
    'RI-18: nothing dangles after the revoke'
);

-- Deleting an integration, or its whole organization, deletes its secret.
select results_eq(
    $$delete from public.organization_integrations where id = tests.integration_id('IA1') returning id$$,
    array[tests.integration_id('IA1')],
    'RI-19: service_role deletes IA1'
);
select results_eq(
    $$delete from public.organizations where id = tests.org_id('Org B') returning id$$,
    array[tests.org_id('Org B')],
    'RI-20: service_role deletes org B'
);

-- acting as postgres
select tests.clear_authentication();

select is_empty(
    $$
    select s.id
    from vault.secrets as s
    where
        s.id in (
            pg_catalog.current_setting('f33.secret_a1')::uuid,
            pg_catalog.current_setting('f33.secret_b1')::uuid
        )
        or s.name in (
            select 'integration_credential:' || tests.integration_id(n)
            from pg_catalog.unnest(array['IA1', 'IA2', 'IA3', 'IA9', 'IB1']) as n
        )
    $$,
    'RI-21: the secrets of the deleted integration and organization are gone from Vault'
);
select isnt_empty(
    $$
    select s.id
    from vault.secrets as s
    where s.id = pg_catalog.current_setting('f33.foreign')::uuid
    $$,
    'RI-22: a Vault secret that belongs to no integration is left alone'
);

select * from finish();

rollback;
