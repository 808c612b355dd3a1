-- Proves the credential functions: their shape and privileges; store,
-- rotate, retrieve and revoke doing what the API promises; authorization
-- before anything else (42501 for unknown and foreign ids alike), then input
-- checks (22023); the audit trail and who may read it; dangling references.

begin;

select plan(95);

-- World: org A (admin, coordinator) with IA1..IA4, org B (admin) with IB1,
-- and a non-member.
select tests.create_org(
    'Org A', admins => array['admin a'], coordinators => array['coordinator a'],
    integrations => '{"IA1": "salesforce", "IA2": "hubspot", "IA3": "pipedrive", "IA4": "zendesk"}'
);
select tests.create_org('Org B', admins => array['admin b'], integrations => '{"IB1": "salesforce"}');
select tests.create_named_user('outsider');

-- acting as postgres (catalog checks)

select has_function(
    'public', 'store_credential', array['uuid', 'text'], 'CF-01: public.store_credential(uuid, text) exists'
);
select function_returns(
    'public', 'store_credential', array['uuid', 'text'], 'uuid', 'CF-02: store_credential returns uuid'
);
select function_returns(
    'public', 'rotate_credential', array['uuid', 'text'], 'void', 'CF-03: rotate_credential(uuid, text) returns void'
);
select function_returns(
    'public', 'retrieve_credential', array['uuid'], 'text', 'CF-04: retrieve_credential(uuid) returns text'
);
select function_returns(
    'public', 'revoke_credential', array['uuid'], 'void', 'CF-05: revoke_credential(uuid) returns void'
);
select function_returns(
    'public', 'get_integration_vault_secret_id', array['uuid'], 'uuid',
    'CF-06: get_integration_vault_secret_id(uuid) returns uuid'
);
select is_empty(
    $$
    select p.oid::regprocedure::text
    from pg_catalog.pg_proc as p
    where
        p.pronamespace = 'public'::regnamespace
        and p.proname in (
            'store_credential', 'rotate_credential', 'retrieve_credential', 'revoke_credential',
            'get_integration_vault_secret_id', 'list_dangling_credential_references'
        )
        and (
            p.prosecdef
            or not exists (
                select 1
                from pg_catalog.pg_proc as q
                where
                    q.pronamespace = 'private'::regnamespace
                    and q.proname = p.proname
                    and q.proargtypes = p.proargtypes
                    and q.prosecdef
                    and q.proowner = 'postgres'::regrole
            )
        )
    $$,
    'CF-07: each public credential function is invoker and wraps a postgres-owned definer twin in private'
);
select is_empty(
    $$
    select p.oid::regprocedure::text
    from pg_catalog.pg_proc as p
    where
        p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
        and p.proname in (
            'store_credential', 'rotate_credential', 'retrieve_credential', 'revoke_credential',
            'get_integration_vault_secret_id', 'list_dangling_credential_references'
        )
        and (
            pg_catalog.has_function_privilege('anon', p.oid, 'execute')
            or exists (
                select 1
                from pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) as acl
                where acl.grantee = 0
            )
        )
    $$,
    'CF-08: neither PUBLIC nor anon can execute any credential function, public or private'
);
select function_privs_are(
    'public', 'store_credential', array['uuid', 'text'], 'authenticated', array['EXECUTE'],
    'CF-09: authenticated can execute store_credential'
);
select function_privs_are(
    'public', 'store_credential', array['uuid', 'text'], 'service_role', array['EXECUTE'],
    'CF-10: service_role can execute store_credential'
);
select function_privs_are(
    'public', 'rotate_credential', array['uuid', 'text'], 'authenticated', array['EXECUTE'],
    'CF-11: authenticated can execute rotate_credential'
);
select function_privs_are(
    'public', 'revoke_credential', array['uuid'], 'authenticated', array['EXECUTE'],
    'CF-12: authenticated can execute revoke_credential'
);
select function_privs_are(
    'public', 'retrieve_credential', array['uuid'], 'authenticated', array[]::text[],
    'CF-13: authenticated cannot execute retrieve_credential'
);
select function_privs_are(
    'public', 'retrieve_credential', array['uuid'], 'service_role', array['EXECUTE'],
    'CF-14: service_role can execute retrieve_credential'
);
select function_privs_are(
    'private', 'retrieve_credential', array['uuid'], 'authenticated', array[]::text[],
    'CF-15: authenticated cannot execute private.retrieve_credential either'
);
select function_privs_are(
    'public', 'get_integration_vault_secret_id', array['uuid'], 'authenticated', array['EXECUTE'],
    'CF-16: authenticated can execute get_integration_vault_secret_id'
);
select function_privs_are(
    'public', 'list_dangling_credential_references', array[]::text[], 'authenticated', array[]::text[],
    'CF-17: authenticated cannot execute list_dangling_credential_references'
);
select function_privs_are(
    'public', 'list_dangling_credential_references', array[]::text[], 'service_role', array['EXECUTE'],
    'CF-18: service_role can execute list_dangling_credential_references'
);
select is_empty(
    $$
    select r.rolname::text
    from pg_catalog.pg_roles as r
    where
        r.rolname in ('anon', 'authenticated')
        and (
            pg_catalog.has_schema_privilege(r.oid, 'vault', 'usage')
            or pg_catalog.has_table_privilege(r.oid, 'vault.secrets', 'select, insert, update, delete')
            or pg_catalog.has_table_privilege(r.oid, 'vault.decrypted_secrets', 'select')
        )
    $$,
    'CF-19: anon and authenticated have nothing on vault'
);

-- The audit trail: append-only, read by admins through one select policy.
select policies_are(
    'public',
    'credential_audit',
    array[
        'credential_audit_select_policy',
        'credential_audit_lockdown_select_policy',
        'credential_audit_lockdown_insert_policy',
        'credential_audit_lockdown_update_policy',
        'credential_audit_lockdown_delete_policy'
    ],
    'CF-20: credential_audit has only a select policy, and the lockdown''s'
);
select policy_cmd_is(
    'public', 'credential_audit', 'credential_audit_select_policy'::name, 'select',
    'CF-21: credential_audit_select_policy is for select'
);
select policy_roles_are(
    'public', 'credential_audit', 'credential_audit_select_policy', array['authenticated'],
    'CF-22: credential_audit_select_policy applies to authenticated'
);
select table_privs_are(
    'public', 'credential_audit', 'anon', array[]::name[],
    'CF-23: anon has no privileges on credential_audit'
);
select table_privs_are(
    'public', 'credential_audit', 'authenticated', array['SELECT'],
    'CF-24: authenticated may only select credential_audit'
);
select table_privs_are(
    'public', 'credential_audit', 'service_role', array['SELECT'],
    'CF-25: service_role may only select credential_audit'
);
select has_index(
    'public', 'credential_audit', 'credential_audit_organization_id_occurred_at_idx',
    array['organization_id', 'occurred_at'],
    'CF-26: credential_audit is indexed on organization_id for its policy'
);

-- acting as admin of A: store, rotate, revoke
select tests.authenticate_as(tests.user_id('admin a'));

-- Secret ids are random: kept in transaction-local settings every role can read.
-- Set in DO blocks: a random id printed to the TAP stream could parse as a plan line.
do $setup$
begin
    perform pg_catalog.set_config(
        'f31.secret_a1',
        public.store_credential(tests.integration_id('IA1'), 'f31-first-value')::text,
        true
    );
end
$setup$;

select isnt(
    pg_catalog.current_setting('f31.secret_a1', true),
    null,
    'CF-27: admin A stores a credential for IA1 and gets its Vault id back'
);
select results_eq(
    $$select public.store_credential(tests.integration_id('IA1'), 'f31-second-value')$$,
    $$select pg_catalog.current_setting('f31.secret_a1')::uuid$$,
    'CF-28: storing again for IA1 returns the same id (replaced in place)'
);
select lives_ok(
    $$select public.rotate_credential(tests.integration_id('IA1'), 'f31-rotated-value')$$,
    'CF-29: admin A rotates the credential of IA1'
);
select results_eq(
    $$select public.get_integration_vault_secret_id(tests.integration_id('IA1'))$$,
    $$select pg_catalog.current_setting('f31.secret_a1')::uuid$$,
    'CF-30: rotating keeps vault_secret_id'
);
select throws_ok(
    $$select public.rotate_credential(tests.integration_id('IA2'), 'f31-value')$$,
    'P0002',
    null,
    'CF-31: rotating an integration with nothing linked raises P0002'
);
select throws_ok(
    $$select public.retrieve_credential(pg_catalog.current_setting('f31.secret_a1')::uuid)$$,
    '42501',
    null,
    'CF-32: admin A cannot retrieve a plaintext credential, not even their own'
);
select throws_ok(
    $$select private.retrieve_credential(pg_catalog.current_setting('f31.secret_a1')::uuid)$$,
    '42501',
    null,
    'CF-33: admin A cannot call private.retrieve_credential directly'
);
select throws_ok(
    'select public.list_dangling_credential_references()',
    '42501',
    null,
    'CF-34: admin A cannot list dangling references'
);

-- Authorization comes first: 42501 whether the id is unknown or foreign.
select throws_ok(
    $$select public.store_credential(tests.integration_id('IB1'), 'f31-value')$$,
    '42501',
    null,
    'CF-35: admin A cannot store a credential for org B''s integration'
);
select throws_ok(
    $$select public.store_credential(tests.integration_id('never created'), 'f31-value')$$,
    '42501',
    null,
    'CF-36: admin A gets 42501, not P0002, for an unknown integration (no existence oracle)'
);
select throws_ok(
    $$select public.rotate_credential(tests.integration_id('never created'), 'f31-value')$$,
    '42501',
    null,
    'CF-37: admin A gets 42501 rotating an unknown integration'
);
select throws_ok(
    $$select public.revoke_credential(tests.integration_id('never created'))$$,
    '42501',
    null,
    'CF-38: admin A gets 42501 revoking an unknown integration'
);
select throws_ok(
    $$select private.store_credential(tests.integration_id('IB1'), 'f31-value')$$,
    '42501',
    null,
    'CF-39: calling the private function directly does not skip the authorization'
);

-- Bad input, checked after authorization.
select throws_ok(
    $$select public.store_credential(tests.integration_id('IA2'), null)$$,
    '22023',
    null,
    'CF-40: store rejects a null secret'
);
select throws_ok(
    $$select public.store_credential(tests.integration_id('IA2'), '')$$,
    '22023',
    null,
    'CF-41: store rejects an empty secret'
);
select throws_ok(
    $$select public.store_credential(tests.integration_id('IA2'), E' \t\n\r ')$$,
    '22023',
    null,
    'CF-42: store rejects a whitespace-only secret'
);
select throws_ok(
    $$select public.store_credential(tests.integration_id('IA2'), pg_catalog.repeat('x', 65537))$$,
    '22023',
    null,
    'CF-43: store rejects a secret of 65,537 bytes'
);
select throws_ok(
    $$select public.store_credential(tests.integration_id('IA2'), pg_catalog.repeat('é', 32769))$$,
    '22023',
    null,
    'CF-44: store counts bytes, not characters (32,769 two-byte characters are rejected)'
);
select throws_ok(
    $$select public.rotate_credential(tests.integration_id('IA1'), '   ')$$,
    '22023',
    null,
    'CF-45: rotate rejects a whitespace-only secret'
);
select throws_ok(
    $$select public.rotate_credential(tests.integration_id('IA1'), pg_catalog.repeat('x', 65537))$$,
    '22023',
    null,
    'CF-46: rotate rejects a secret over 65,536 bytes'
);
select isnt(
    public.store_credential(tests.integration_id('IA2'), pg_catalog.repeat('x', 65536)),
    null,
    'CF-47: store accepts a secret of exactly 65,536 bytes'
);
select lives_ok(
    $$select public.rotate_credential(tests.integration_id('IA2'), pg_catalog.repeat('é', 32768))$$,
    'CF-48: rotate accepts exactly 65,536 bytes of two-byte characters'
);

select lives_ok(
    $$select public.revoke_credential(tests.integration_id('IA2'))$$,
    'CF-49: admin A revokes the credential of IA2'
);
select is(
    public.get_integration_vault_secret_id(tests.integration_id('IA2')),
    null,
    'CF-50: after revoking, IA2 has no vault_secret_id'
);

-- acting as coordinator of A
select tests.authenticate_as(tests.user_id('coordinator a'));

select throws_ok(
    $$select public.store_credential(tests.integration_id('IA1'), 'f31-coordinator')$$,
    '42501',
    null,
    'CF-51: coordinator A cannot store a credential'
);
select throws_ok(
    $$select public.store_credential(tests.integration_id('IA1'), '')$$,
    '42501',
    null,
    'CF-52: coordinator A gets 42501, not 22023, for a bad secret (authorization first)'
);
select throws_ok(
    $$select public.rotate_credential(tests.integration_id('IA1'), 'f31-coordinator')$$,
    '42501',
    null,
    'CF-53: coordinator A cannot rotate a credential'
);
select throws_ok(
    $$select public.revoke_credential(tests.integration_id('IA1'))$$,
    '42501',
    null,
    'CF-54: coordinator A cannot revoke a credential'
);

-- acting as admin of B
select tests.authenticate_as(tests.user_id('admin b'));

select throws_ok(
    $$select public.rotate_credential(tests.integration_id('IA1'), 'f31-taken-over')$$,
    '42501',
    null,
    'CF-55: admin B cannot rotate org A''s credential'
);
select throws_ok(
    $$select public.revoke_credential(tests.integration_id('IA1'))$$,
    '42501',
    null,
    'CF-56: admin B cannot revoke org A''s credential'
);
select is_empty(
    $$
    select a.id
    from public.credential_audit as a
    where a.organization_id = tests.org_id('Org A')
    $$,
    'CF-57: admin B reads none of org A''s audit rows'
);

-- acting as a non-member
select tests.authenticate_as(tests.user_id('outsider'));

select throws_ok(
    $$select public.store_credential(tests.integration_id('IA1'), 'f31-outsider')$$,
    '42501',
    null,
    'CF-58: a non-member cannot store a credential'
);

-- acting as anon
select tests.authenticate_as_anon();

select throws_ok(
    $$select public.store_credential(tests.integration_id('IA1'), 'f31-anon')$$,
    '42501',
    null,
    'CF-59: anon cannot store a credential'
);
select throws_ok(
    $$select public.retrieve_credential(pg_catalog.current_setting('f31.secret_a1')::uuid)$$,
    '42501',
    null,
    'CF-60: anon cannot retrieve a credential'
);

-- acting as service_role: server-side sync worker
select tests.authenticate_as_service_role();

select is(
    public.retrieve_credential(pg_catalog.current_setting('f31.secret_a1')::uuid),
    'f31-rotated-value',
    'CF-61: service_role retrieves the latest value of IA1''s credential'
);
select throws_ok(
    $$select public.retrieve_credential('00000031-2000-4000-8000-00000000dead')$$,
    'P0002',
    null,
    'CF-62: retrieving an unknown id raises P0002'
);
select throws_ok(
    $$select public.store_credential(tests.integration_id('never created'), 'f31-value')$$,
    'P0002',
    null,
    'CF-63: service_role gets P0002 storing for an unknown integration'
);
select throws_ok(
    $$select public.rotate_credential(tests.integration_id('never created'), 'f31-value')$$,
    'P0002',
    null,
    'CF-64: service_role gets P0002 rotating an unknown integration'
);
select throws_ok(
    $$select public.revoke_credential(tests.integration_id('never created'))$$,
    'P0002',
    null,
    'CF-65: service_role gets P0002 revoking an unknown integration'
);
select throws_ok(
    $$select public.store_credential(tests.integration_id('IB1'), ' ')$$,
    '22023',
    null,
    'CF-66: service_role gets 22023 for a blank secret'
);
do $setup$
begin
    perform pg_catalog.set_config(
        'f31.secret_b1',
        public.store_credential(tests.integration_id('IB1'), 'f31-service-value')::text,
        true
    );
end
$setup$;

select is(
    public.retrieve_credential(pg_catalog.current_setting('f31.secret_b1')::uuid),
    'f31-service-value',
    'CF-67: service_role stores a credential for any organization and reads it back'
);

-- acting as postgres: what Vault holds
select tests.clear_authentication();

select results_eq(
    $$
    select
        s.name,
        s.description like ('%' || tests.integration_id('IA1') || '%'),
        d.decrypted_secret collate "C"
    from vault.secrets as s
    inner join vault.decrypted_secrets as d on s.id = d.id
    where s.id = pg_catalog.current_setting('f31.secret_a1')::uuid
    $$,
    $$values ('integration_credential:' || tests.integration_id('IA1'), true, 'f31-rotated-value' collate "C")$$,
    'CF-68: IA1''s secret is named after the integration and holds the rotated value'
);
select is(
    (
        select pg_catalog.count(*)::int
        from vault.secrets as s
        where s.name = 'integration_credential:' || tests.integration_id('IA1')
    ),
    1,
    'CF-69: storing twice and rotating left exactly one secret for IA1'
);
select is_empty(
    $$
    select s.id
    from vault.secrets as s
    where
        s.name like 'integration_credential:%'
        and (s.description like '%f31-%value%' or s.name like '%f31-%value%')
    $$,
    'CF-70: no secret''s name or description contains the secret'
);
select is_empty(
    $$
    select s.id
    from vault.secrets as s
    where s.name = 'integration_credential:' || tests.integration_id('IA2')
    $$,
    'CF-71: revoking deleted IA2''s secret from Vault'
);
select results_eq(
    $$
    select i.status::text, i.vault_secret_id is null
    from public.organization_integrations as i
    where i.id = tests.integration_id('IA2')
    $$,
    $$values ('inactive', true)$$,
    'CF-72: revoking cleared vault_secret_id and left IA2 inactive'
);

-- Revoke deactivates an active integration in the same transaction.
update public.organization_integrations set status = 'active'
where id = tests.integration_id('IB1');
select public.revoke_credential(tests.integration_id('IB1'));
select results_eq(
    $$
    select
        i.status::text,
        i.vault_secret_id is null,
        not exists (select 1 from vault.secrets as s where s.id = pg_catalog.current_setting('f31.secret_b1')::uuid)
    from public.organization_integrations as i
    where i.id = tests.integration_id('IB1')
    $$,
    $$values ('inactive', true, true)$$,
    'CF-73: revoking an active integration deletes the secret, clears the reference and deactivates it'
);

-- A secret kept under the integration's name (e.g. through a rollback) is
-- reused, never duplicated: Vault names are unique.
do $setup$
begin
    perform pg_catalog.set_config(
        'f31.kept_a3',
        vault.create_secret('f31-kept-value', 'integration_credential:' || tests.integration_id('IA3'))::text,
        true
    );
end
$setup$;

select results_eq(
    $$select public.store_credential(tests.integration_id('IA3'), 'f31-fresh-value')$$,
    $$select pg_catalog.current_setting('f31.kept_a3')::uuid$$,
    'CF-74: store reuses the secret kept under the integration''s name and links it'
);
select is(
    public.retrieve_credential(pg_catalog.current_setting('f31.kept_a3')::uuid),
    'f31-fresh-value',
    'CF-75: the kept secret now holds the new value'
);

-- Any other Vault secret is not a credential these functions hand out.
do $setup$
begin
    perform pg_catalog.set_config(
        'f31.unrelated', vault.create_secret('f31-unrelated-value', 'f31_some_other_app_key')::text, true
    );
end
$setup$;

select throws_ok(
    $$select public.retrieve_credential(pg_catalog.current_setting('f31.unrelated')::uuid)$$,
    'P0002',
    null,
    'CF-76: retrieve_credential refuses a Vault secret that is no integration''s credential'
);

-- Dangling references: a secret deleted outside the functions.
delete from vault.secrets
where id = pg_catalog.current_setting('f31.kept_a3')::uuid;

-- acting as service_role: the periodic job
select tests.authenticate_as_service_role();

select results_eq(
    $$
    select d.integration_id, d.organization_id, d.vault_secret_id, d.status::text
    from public.list_dangling_credential_references() as d
    where d.organization_id in (tests.org_id('Org A'), tests.org_id('Org B'))
    $$,
    $$
    values (
        tests.integration_id('IA3')::uuid,
        tests.org_id('Org A')::uuid,
        pg_catalog.current_setting('f31.kept_a3')::uuid,
        'inactive'
    )
    $$,
    'CF-77: list_dangling_credential_references lists exactly the integration whose secret was deleted'
);
select throws_ok(
    $$select public.rotate_credential(tests.integration_id('IA3'), 'f31-value')$$,
    'P0002',
    null,
    'CF-78: rotating a dangling reference raises P0002'
);
select throws_ok(
    $$select public.retrieve_credential(pg_catalog.current_setting('f31.kept_a3')::uuid)$$,
    'P0002',
    null,
    'CF-79: retrieving a dangling reference raises P0002'
);
select isnt(
    public.store_credential(tests.integration_id('IA3'), 'f31-repaired-value'),
    pg_catalog.current_setting('f31.kept_a3')::uuid,
    'CF-80: storing repairs a dangling reference with a new secret'
);
select is_empty(
    $$
    select d.integration_id
    from public.list_dangling_credential_references() as d
    where d.organization_id = tests.org_id('Org A')
    $$,
    'CF-81: nothing dangles after the repair'
);

-- acting as admin of A: the audit trail of their organization
select tests.authenticate_as(tests.user_id('admin a'));

select bag_eq(
    $$
    select a.integration_id, a.action_name, a.actor_role, a.actor_user_id
    from public.credential_audit as a
    where a.organization_id = tests.org_id('Org A')
    $$,
    $$
    values
    (tests.integration_id('IA1'), 'retrieve', 'service_role', null::uuid),
    (tests.integration_id('IA1'), 'rotate', 'authenticated', tests.user_id('admin a')),
    (tests.integration_id('IA1'), 'store', 'authenticated', tests.user_id('admin a')),
    (tests.integration_id('IA1'), 'store', 'authenticated', tests.user_id('admin a')),
    (tests.integration_id('IA2'), 'revoke', 'authenticated', tests.user_id('admin a')),
    (tests.integration_id('IA2'), 'rotate', 'authenticated', tests.user_id('admin a')),
    (tests.integration_id('IA2'), 'store', 'authenticated', tests.user_id('admin a')),
    (tests.integration_id('IA3'), 'retrieve', 'postgres', null),
    (tests.integration_id('IA3'), 'store', 'postgres', null),
    (tests.integration_id('IA3'), 'store', 'service_role', null)
    $$,
    'CF-82: every successful credential action, and only those, is in admin A''s audit trail with its actor'
);
select is_empty(
    $$
    select a.id
    from public.credential_audit as a
    where
        a.organization_id = tests.org_id('Org A')
        and (a.occurred_at <> pg_catalog.now() or a.integration_id is null)
    $$,
    'CF-83: each audit row says when and which integration'
);
select results_eq(
    $$
    select a.vault_secret_id
    from public.credential_audit as a
    where
        a.integration_id = tests.integration_id('IA1')
        and a.action_name = 'retrieve'
    $$,
    $$select pg_catalog.current_setting('f31.secret_a1')::uuid$$,
    'CF-84: the retrieval is audited with the secret it read'
);
select is_empty(
    $$
    select a.id
    from public.credential_audit as a
    where a.organization_id <> tests.org_id('Org A')
    $$,
    'CF-85: admin A reads only their own organization''s audit rows'
);
select throws_ok(
    $$
    insert into public.credential_audit (organization_id, action_name, actor_role)
    values (tests.org_id('Org A'), 'store', 'authenticated')
    $$,
    '42501',
    null,
    'CF-86: admin A cannot forge an audit row'
);
select throws_ok(
    $$delete from public.credential_audit where organization_id = tests.org_id('Org A')$$,
    '42501',
    null,
    'CF-87: admin A cannot delete audit rows'
);
select throws_ok(
    $$update public.credential_audit set actor_role = 'nobody'$$,
    '42501',
    null,
    'CF-88: admin A cannot rewrite audit rows'
);
-- Deleting an integration deletes its credential too, and says so.
select results_eq(
    $$delete from public.organization_integrations where id = tests.integration_id('IA1') returning id$$,
    array[tests.integration_id('IA1')],
    'CF-89: admin A deletes IA1'
);
select results_eq(
    $$
    select a.action_name, a.vault_secret_id
    from public.credential_audit as a
    where
        a.integration_id = tests.integration_id('IA1')
        and a.action_name = 'delete_with_integration'
    $$,
    $$values ('delete_with_integration', pg_catalog.current_setting('f31.secret_a1')::uuid)$$,
    'CF-90: deleting IA1 is audited with the secret it removed'
);

-- acting as coordinator of A
select tests.authenticate_as(tests.user_id('coordinator a'));

select is_empty(
    'select a.id from public.credential_audit as a',
    'CF-91: coordinator A reads no audit rows'
);

-- acting as service_role
select tests.authenticate_as_service_role();

select throws_ok(
    $$
    insert into public.credential_audit (organization_id, action_name, actor_role)
    values (tests.org_id('Org A'), 'store', 'service_role')
    $$,
    '42501',
    null,
    'CF-92: service_role cannot write the audit trail directly either'
);
select ok(
    (
        select pg_catalog.count(*) > 0
        from public.credential_audit as a
        where a.organization_id = tests.org_id('Org A')
    ),
    'CF-93: service_role reads the audit trail'
);

-- acting as anon
select tests.authenticate_as_anon();

select throws_ok(
    'select a.id from public.credential_audit as a',
    '42501',
    null,
    'CF-94: anon cannot read the audit trail'
);

-- acting as postgres
select tests.clear_authentication();

select is_empty(
    $$
    select s.id
    from vault.secrets as s
    where s.id = pg_catalog.current_setting('f31.secret_a1')::uuid
    $$,
    'CF-95: deleting IA1 deleted its secret from Vault'
);

select * from finish();

rollback;
