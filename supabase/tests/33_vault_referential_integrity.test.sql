-- Proves referential integrity from organization_integrations.vault_secret_id
-- into vault.secrets without a foreign key: the trigger rejects (23503) an
-- unknown id, another integration's secret and another organization's
-- secret, for service_role and postgres too; clients cannot write the column;
-- deleting an integration deletes its secret; dangling references are listed.

begin;

select plan(22);

-- World: org A (admin) with IA1, IA2 and IA3 (credentials for IA1 and IA2),
-- org B with IB1 (credential). Ids are unique to this file.
select tests.create_user('f33-admin-a@test.local', '00000033-0000-4000-8000-0000000000a1');

insert into public.organizations (id, name)
values
('00000033-0000-4000-8000-00000000000a', 'RI org A'),
('00000033-0000-4000-8000-00000000000b', 'RI org B');

insert into public.organization_members (organization_id, user_id, role)
values
('00000033-0000-4000-8000-00000000000a', '00000033-0000-4000-8000-0000000000a1', 'admin');

insert into public.organization_integrations (id, organization_id, provider)
values
('00000033-1000-4000-8000-0000000000a1', '00000033-0000-4000-8000-00000000000a', 'salesforce'),
('00000033-1000-4000-8000-0000000000a2', '00000033-0000-4000-8000-00000000000a', 'hubspot'),
('00000033-1000-4000-8000-0000000000a3', '00000033-0000-4000-8000-00000000000a', 'pipedrive'),
('00000033-1000-4000-8000-0000000000b1', '00000033-0000-4000-8000-00000000000b', 'salesforce');

-- Secret ids are random: kept in transaction-local settings every role can read.
-- Set in DO blocks: a random id printed to the TAP stream could parse as a plan line.
do $setup$
begin
    perform pg_catalog.set_config(
        'f33.secret_a1', public.store_credential('00000033-1000-4000-8000-0000000000a1', 'f33-value-a1')::text, true
    );
    perform pg_catalog.set_config(
        'f33.secret_a2', public.store_credential('00000033-1000-4000-8000-0000000000a2', 'f33-value-a2')::text, true
    );
    perform pg_catalog.set_config(
        'f33.secret_b1', public.store_credential('00000033-1000-4000-8000-0000000000b1', 'f33-value-b1')::text, true
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
    where id = '00000033-1000-4000-8000-0000000000a3'
    $$,
    '23503',
    null,
    'RI-01: service_role cannot set an unknown vault_secret_id'
);
select throws_ok(
    $$
    update public.organization_integrations set vault_secret_id = pg_catalog.current_setting('f33.secret_a2')::uuid
    where id = '00000033-1000-4000-8000-0000000000a3'
    $$,
    '23503',
    null,
    'RI-02: service_role cannot point IA3 at IA2''s secret (same organization)'
);
select throws_ok(
    $$
    update public.organization_integrations set vault_secret_id = pg_catalog.current_setting('f33.secret_b1')::uuid
    where id = '00000033-1000-4000-8000-0000000000a3'
    $$,
    '23503',
    null,
    'RI-03: service_role cannot point IA3 at org B''s secret'
);
select throws_ok(
    $$
    update public.organization_integrations set vault_secret_id = pg_catalog.current_setting('f33.foreign')::uuid
    where id = '00000033-1000-4000-8000-0000000000a3'
    $$,
    '23503',
    null,
    'RI-04: service_role cannot point IA3 at a Vault secret created outside the credential functions'
);
select throws_ok(
    $$
    insert into public.organization_integrations (organization_id, provider, vault_secret_id)
    values ('00000033-0000-4000-8000-00000000000a', 'zendesk', pg_catalog.current_setting('f33.secret_b1')::uuid)
    $$,
    '23503',
    null,
    'RI-05: service_role cannot insert an integration pointing at org B''s secret'
);
select throws_ok(
    $$
    insert into public.organization_integrations (organization_id, provider, vault_secret_id)
    values ('00000033-0000-4000-8000-00000000000a', 'zendesk', '00000033-2000-4000-8000-00000000dead')
    $$,
    '23503',
    null,
    'RI-06: service_role cannot insert an integration with an unknown vault_secret_id'
);
select throws_ok(
    $$
    update public.organization_integrations set id = '00000033-1000-4000-8000-0000000000a9'
    where id = '00000033-1000-4000-8000-0000000000a1'
    $$,
    '23503',
    null,
    'RI-07: service_role cannot re-key an integration away from the secret named after it'
);
select lives_ok(
    $$
    update public.organization_integrations set vault_secret_id = pg_catalog.current_setting('f33.secret_a1')::uuid
    where id = '00000033-1000-4000-8000-0000000000a1'
    $$,
    'RI-08: service_role may write an integration''s own secret id'
);
select lives_ok(
    $$
    update public.organization_integrations set vault_secret_id = null
    where id = '00000033-1000-4000-8000-0000000000a2'
    $$,
    'RI-09: service_role may clear the reference of an inactive integration'
);
select lives_ok(
    $$
    update public.organization_integrations set vault_secret_id = pg_catalog.current_setting('f33.secret_a2')::uuid
    where id = '00000033-1000-4000-8000-0000000000a2'
    $$,
    'RI-10: and link that integration''s own secret again'
);

-- acting as admin of A (no privilege on the column at all)
select tests.authenticate_as('00000033-0000-4000-8000-0000000000a1');

select throws_ok(
    $$
    update public.organization_integrations set vault_secret_id = pg_catalog.current_setting('f33.secret_b1')::uuid
    where id = '00000033-1000-4000-8000-0000000000a3'
    $$,
    '42501',
    null,
    'RI-11: admin A cannot point an integration at org B''s secret (no UPDATE on the column)'
);
select throws_ok(
    $$
    insert into public.organization_integrations (organization_id, provider, vault_secret_id)
    values ('00000033-0000-4000-8000-00000000000a', 'zendesk', pg_catalog.current_setting('f33.secret_b1')::uuid)
    $$,
    '42501',
    null,
    'RI-12: admin A cannot insert an integration with a vault_secret_id (no INSERT on the column)'
);
select throws_ok(
    $$
    update public.organization_integrations set vault_secret_id = null
    where id = '00000033-1000-4000-8000-0000000000a1'
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
    where id = '00000033-1000-4000-8000-0000000000a3'
    $$,
    '23503',
    null,
    'RI-14: postgres cannot point IA3 at org B''s secret either'
);
select results_eq(
    $$
    select i.id::text, i.vault_secret_id
    from public.organization_integrations as i
    where i.organization_id in ('00000033-0000-4000-8000-00000000000a', '00000033-0000-4000-8000-00000000000b')
    order by i.id
    $$,
    $$
    values
    ('00000033-1000-4000-8000-0000000000a1', pg_catalog.current_setting('f33.secret_a1')::uuid),
    ('00000033-1000-4000-8000-0000000000a2', pg_catalog.current_setting('f33.secret_a2')::uuid),
    ('00000033-1000-4000-8000-0000000000a3', null),
    ('00000033-1000-4000-8000-0000000000b1', pg_catalog.current_setting('f33.secret_b1')::uuid)
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
    where d.organization_id in ('00000033-0000-4000-8000-00000000000a', '00000033-0000-4000-8000-00000000000b')
    $$,
    $$
    values ('00000033-1000-4000-8000-0000000000a2'::uuid, pg_catalog.current_setting('f33.secret_a2')::uuid)
    $$,
    'RI-16: the dangling reference of IA2 is listed, and nothing else'
);
select lives_ok(
    $$select public.revoke_credential('00000033-1000-4000-8000-0000000000a2')$$,
    'RI-17: revoking clears the dangling reference'
);
select is_empty(
    $$
    select d.integration_id
    from public.list_dangling_credential_references() as d
    where d.organization_id = '00000033-0000-4000-8000-00000000000a'
    $$,
    'RI-18: nothing dangles after the revoke'
);

-- Deleting an integration, or its whole organization, deletes its secret.
select results_eq(
    $$delete from public.organization_integrations where id = '00000033-1000-4000-8000-0000000000a1' returning id$$,
    array['00000033-1000-4000-8000-0000000000a1']::uuid[],
    'RI-19: service_role deletes IA1'
);
select results_eq(
    $$delete from public.organizations where id = '00000033-0000-4000-8000-00000000000b' returning id$$,
    array['00000033-0000-4000-8000-00000000000b']::uuid[],
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
        or s.name like 'integration_credential:00000033-%'
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
