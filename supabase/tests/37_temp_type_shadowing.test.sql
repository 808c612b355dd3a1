-- Proves that temporary objects no longer shadow types: an admin whose
-- session holds temporary tables named text and jsonb can still store,
-- read, rotate and revoke credentials, read through RLS and change
-- memberships, and service_role can still retrieve. With `search_path = ''`
-- those names resolved to the temporary tables' row types inside the functions.
-- (Not uuid: Vault's own vault.create_secret, search_path '', breaks on a
-- temporary uuid table; that is outside this project, see docs/credentials.md.)

begin;

select plan(10);

-- World: org A (two admins) with IA1.
select tests.create_org('TS org A', admins => array['admin a', 'admin a2'], integrations => '{"IA1": "salesforce"}');

-- pgTAP's own functions set no search_path: give the session one with pg_temp
-- last, so only the project's functions decide how they resolve the names.
set local search_path = pg_catalog, extensions, pg_temp;

-- acting as admin A, with temporary tables named after the types in use
select tests.authenticate_as(tests.user_id('admin a'));

create temporary table text (x integer);
create temporary table jsonb (x integer);

select ok(
    pg_catalog.to_regtype('pg_temp.text') is not null,
    'TS-01: the session has a temporary type named text (the attack is in place)'
);
select lives_ok(
    $$select public.store_credential(tests.integration_id('IA1'), 'ts-secret-one-0123456789')$$,
    'TS-02: admin A stores a credential despite temporary text and jsonb tables'
);
select isnt(
    public.get_integration_vault_secret_id(tests.integration_id('IA1')),
    null,
    'TS-03: admin A reads the vault_secret_id through the RPC'
);
select lives_ok(
    $$select public.rotate_credential(tests.integration_id('IA1'), 'ts-secret-two-0123456789')$$,
    'TS-04: admin A rotates the credential'
);
select results_eq(
    $$select i.provider from public.organization_integrations as i$$,
    array['salesforce'],
    'TS-05: RLS still lets admin A read the organization''s integrations'
);
select lives_ok(
    $$
    update public.organization_members set role = 'coordinator'
    where user_id = tests.user_id('admin a2')
    $$,
    'TS-06: admin A demotes the other admin (the membership triggers run)'
);
select throws_ok(
    $$
    update public.organization_members set role = 'coordinator'
    where user_id = tests.user_id('admin a')
    $$,
    'OM001',
    null,
    'TS-07: the last-admin rule still answers OM001, not a type error'
);

-- acting as service_role (the temporary tables stay in the session)
select tests.authenticate_as_service_role();

select is(
    public.retrieve_credential(
        (
            select i.vault_secret_id
            from public.organization_integrations as i
            where i.id = tests.integration_id('IA1')
        )
    ),
    'ts-secret-two-0123456789',
    'TS-08: service_role retrieves the rotated credential'
);

select tests.authenticate_as(tests.user_id('admin a'));

select lives_ok(
    $$select public.revoke_credential(tests.integration_id('IA1'))$$,
    'TS-09: admin A revokes the credential'
);
select is(
    public.get_integration_vault_secret_id(tests.integration_id('IA1')),
    null,
    'TS-10: the reference is cleared'
);

select * from finish();
rollback;
