-- Proves the cross-organization matrix: seven actors (anon, a non-member,
-- the coordinators of A and B, the admins of A and B, service_role), each
-- with its own JWT, against org A's integrations, credentials, Vault and
-- audit trail: 16 operations each, 112 cells. Denials are 0 rows or 42501
-- (23503 for service_role's cross-org reference) and change nothing.

begin;

select plan(116);

-- World: org A (admin, coordinator) with IA1 (active, credential) and four
-- rows the admin and service_role may delete or revoke; org B (admin,
-- coordinator) with IB1 (credential); a non-member. Ids are unique to this file.
select tests.create_user('f32-admin-a@test.local', '00000032-0000-4000-8000-0000000000a1');
select tests.create_user('f32-coordinator-a@test.local', '00000032-0000-4000-8000-0000000000a2');
select tests.create_user('f32-admin-b@test.local', '00000032-0000-4000-8000-0000000000b1');
select tests.create_user('f32-coordinator-b@test.local', '00000032-0000-4000-8000-0000000000b2');
select tests.create_user('f32-outsider@test.local', '00000032-0000-4000-8000-0000000000f1');

insert into public.organizations (id, name)
values
('00000032-0000-4000-8000-00000000000a', 'XM org A'),
('00000032-0000-4000-8000-00000000000b', 'XM org B');

insert into public.organization_members (organization_id, user_id, role)
values
('00000032-0000-4000-8000-00000000000a', '00000032-0000-4000-8000-0000000000a1', 'admin'),
('00000032-0000-4000-8000-00000000000a', '00000032-0000-4000-8000-0000000000a2', 'coordinator'),
('00000032-0000-4000-8000-00000000000b', '00000032-0000-4000-8000-0000000000b1', 'admin'),
('00000032-0000-4000-8000-00000000000b', '00000032-0000-4000-8000-0000000000b2', 'coordinator');

insert into public.organization_integrations (id, organization_id, provider, display_name)
values
('00000032-1000-4000-8000-0000000000a1', '00000032-0000-4000-8000-00000000000a', 'salesforce', 'IA1'),
('00000032-1000-4000-8000-0000000000a2', '00000032-0000-4000-8000-00000000000a', 'hubspot', 'deleted by admin A'),
('00000032-1000-4000-8000-0000000000a3', '00000032-0000-4000-8000-00000000000a', 'pipedrive', 'revoked by admin A'),
('00000032-1000-4000-8000-0000000000a4', '00000032-0000-4000-8000-00000000000a', 'zendesk', 'deleted by service_role'),
('00000032-1000-4000-8000-0000000000a5', '00000032-0000-4000-8000-00000000000a', 'jira', 'revoked by service_role'),
('00000032-1000-4000-8000-0000000000b1', '00000032-0000-4000-8000-00000000000b', 'salesforce', 'IB1');

-- As postgres (privileged): credentials for IA1, the two rows to revoke and
-- IB1; IA1 goes active. Secret ids are random: kept in transaction-local
-- settings every role can read. Set in DO blocks: a random id printed to the
-- TAP stream could parse as a plan line.
do $setup$
begin
    perform pg_catalog.set_config(
        'f32.secret_a1', public.store_credential('00000032-1000-4000-8000-0000000000a1', 'f32-original-value')::text, true
    );
    perform pg_catalog.set_config(
        'f32.secret_b1', public.store_credential('00000032-1000-4000-8000-0000000000b1', 'f32-org-b-value')::text, true
    );
    perform public.store_credential('00000032-1000-4000-8000-0000000000a3', 'f32-revoke-me-a');
    perform public.store_credential('00000032-1000-4000-8000-0000000000a5', 'f32-revoke-me-s');
end
$setup$;

update public.organization_integrations
set status = 'active'
where id = '00000032-1000-4000-8000-0000000000a1';


-- Everything a cross-org attempt could touch in one organization: its rows
-- (each denied write would change a column: IA1 is active, the attempts set
-- it inactive or point it elsewhere), its secrets (a write to a secret
-- changes its ciphertext) and the number of its audit rows.
create function pg_temp.f32_fingerprint(p_organization_id uuid)
returns text
language sql
stable
as $fingerprint$
    select pg_catalog.md5(pg_catalog.concat_ws(
        '|',
        (
            select pg_catalog.string_agg(
                pg_catalog.concat_ws(
                    ',', i.id, i.provider, i.display_name, i.status, i.vault_secret_id, i.updated_at
                ),
                ';' order by i.id
            )
            from public.organization_integrations as i
            where i.organization_id = p_organization_id
        ),
        (
            select pg_catalog.string_agg(
                pg_catalog.concat_ws(',', s.id, s.name, s.secret, pg_catalog.encode(s.nonce, 'hex')),
                ';' order by s.id
            )
            from vault.secrets as s
            inner join public.organization_integrations as i
                on s.name = 'integration_credential:' || i.id::text
            where i.organization_id = p_organization_id
        ),
        (
            select pg_catalog.count(*)
            from public.credential_audit as a
            where a.organization_id = p_organization_id
        )
    ));
$fingerprint$;

do $setup$
begin
    perform pg_catalog.set_config('f32.fingerprint_a', pg_temp.f32_fingerprint('00000032-0000-4000-8000-00000000000a'), true);
    perform pg_catalog.set_config('f32.fingerprint_b', pg_temp.f32_fingerprint('00000032-0000-4000-8000-00000000000b'), true);
end
$setup$;

-- acting as anon
select tests.authenticate_as_anon();

select throws_ok(
    $$
    select i.id from public.organization_integrations as i
    where i.organization_id = '00000032-0000-4000-8000-00000000000a'
    $$,
    '42501',
    null,
    'XM-AN-01: anon cannot select integrations'
);
select throws_ok(
    $$
    select i.vault_secret_id from public.organization_integrations as i
    where i.id = '00000032-1000-4000-8000-0000000000a1'
    $$,
    '42501',
    null,
    'XM-AN-02: anon cannot select vault_secret_id'
);
select throws_ok(
    $$
    insert into public.organization_integrations (organization_id, provider)
    values ('00000032-0000-4000-8000-00000000000a', 'f32-new')
    $$,
    '42501',
    null,
    'XM-AN-03: anon cannot insert an integration'
);
select throws_ok(
    $$
    update public.organization_integrations
    set status = 'inactive'
    where id = '00000032-1000-4000-8000-0000000000a1'
    returning id
    $$,
    '42501',
    null,
    'XM-AN-04: anon cannot update the status of an integration'
);
select throws_ok(
    $$
    update public.organization_integrations
    set vault_secret_id = pg_catalog.current_setting('f32.secret_b1')::uuid
    where id = '00000032-1000-4000-8000-0000000000a1'
    $$,
    '42501',
    null,
    'XM-AN-05: anon cannot update vault_secret_id'
);
select throws_ok(
    $$
    delete from public.organization_integrations
    where id = '00000032-1000-4000-8000-0000000000a1'
    returning id
    $$,
    '42501',
    null,
    'XM-AN-06: anon cannot delete an integration'
);
select throws_ok(
    $$
    select public.store_credential('00000032-1000-4000-8000-0000000000a1', 'f32-intruder-value')
    $$,
    '42501',
    null,
    'XM-AN-07: anon cannot store a credential'
);
select throws_ok(
    $$
    select public.rotate_credential('00000032-1000-4000-8000-0000000000a1', 'f32-intruder-value')
    $$,
    '42501',
    null,
    'XM-AN-08: anon cannot rotate a credential'
);
select throws_ok(
    $$
    select public.retrieve_credential(pg_catalog.current_setting('f32.secret_a1')::uuid)
    $$,
    '42501',
    null,
    'XM-AN-09: anon cannot retrieve a credential'
);
select throws_ok(
    $$select public.revoke_credential('00000032-1000-4000-8000-0000000000a1')$$,
    '42501',
    null,
    'XM-AN-10: anon cannot revoke a credential'
);
select throws_ok(
    $$
    select public.get_integration_vault_secret_id('00000032-1000-4000-8000-0000000000a1')
    $$,
    '42501',
    null,
    'XM-AN-11: anon cannot execute get_integration_vault_secret_id'
);
select throws_ok(
    $$select d.integration_id from public.list_dangling_credential_references() as d$$,
    '42501',
    null,
    'XM-AN-12: anon cannot list dangling references'
);
select throws_ok(
    $$select s.id from vault.secrets as s$$,
    '42501',
    null,
    'XM-AN-13: anon cannot read vault.secrets'
);
select throws_ok(
    $$select d.decrypted_secret from vault.decrypted_secrets as d$$,
    '42501',
    null,
    'XM-AN-14: anon cannot read vault.decrypted_secrets'
);
select throws_ok(
    $$insert into vault.secrets (secret, name) values ('f32-forged', 'f32-forged')$$,
    '42501',
    null,
    'XM-AN-15: anon cannot insert into vault.secrets'
);
select throws_ok(
    $$
    select a.id from public.credential_audit as a
    where a.organization_id = '00000032-0000-4000-8000-00000000000a'
    $$,
    '42501',
    null,
    'XM-AN-16: anon cannot read the audit trail'
);

-- acting as a non-member
select tests.authenticate_as('00000032-0000-4000-8000-0000000000f1');

select is_empty(
    $$
    select i.id from public.organization_integrations as i
    where i.organization_id = '00000032-0000-4000-8000-00000000000a'
    $$,
    'XM-NM-01: a non-member reads none of org A''s integrations'
);
select throws_ok(
    $$
    select i.vault_secret_id from public.organization_integrations as i
    where i.id = '00000032-1000-4000-8000-0000000000a1'
    $$,
    '42501',
    null,
    'XM-NM-02: a non-member cannot select vault_secret_id'
);
select throws_ok(
    $$
    insert into public.organization_integrations (organization_id, provider)
    values ('00000032-0000-4000-8000-00000000000a', 'f32-new')
    $$,
    '42501',
    null,
    'XM-NM-03: a non-member cannot insert an integration into org A'
);
select is_empty(
    $$
    update public.organization_integrations
    set status = 'inactive'
    where id = '00000032-1000-4000-8000-0000000000a1'
    returning id
    $$,
    'XM-NM-04: a non-member cannot update the status of IA1 (0 rows)'
);
select throws_ok(
    $$
    update public.organization_integrations
    set vault_secret_id = pg_catalog.current_setting('f32.secret_b1')::uuid
    where id = '00000032-1000-4000-8000-0000000000a1'
    $$,
    '42501',
    null,
    'XM-NM-05: a non-member cannot update vault_secret_id'
);
select is_empty(
    $$
    delete from public.organization_integrations
    where id = '00000032-1000-4000-8000-0000000000a1'
    returning id
    $$,
    'XM-NM-06: a non-member cannot delete IA1 (0 rows)'
);
select throws_ok(
    $$
    select public.store_credential('00000032-1000-4000-8000-0000000000a1', 'f32-intruder-value')
    $$,
    '42501',
    null,
    'XM-NM-07: a non-member cannot store a credential for IA1'
);
select throws_ok(
    $$
    select public.rotate_credential('00000032-1000-4000-8000-0000000000a1', 'f32-intruder-value')
    $$,
    '42501',
    null,
    'XM-NM-08: a non-member cannot rotate IA1''s credential'
);
select throws_ok(
    $$
    select public.retrieve_credential(pg_catalog.current_setting('f32.secret_a1')::uuid)
    $$,
    '42501',
    null,
    'XM-NM-09: a non-member cannot retrieve IA1''s credential'
);
select throws_ok(
    $$select public.revoke_credential('00000032-1000-4000-8000-0000000000a1')$$,
    '42501',
    null,
    'XM-NM-10: a non-member cannot revoke IA1''s credential'
);
select is(
    public.get_integration_vault_secret_id('00000032-1000-4000-8000-0000000000a1'),
    null,
    'XM-NM-11: a non-member gets null from get_integration_vault_secret_id'
);
select throws_ok(
    $$select d.integration_id from public.list_dangling_credential_references() as d$$,
    '42501',
    null,
    'XM-NM-12: a non-member cannot list dangling references'
);
select throws_ok(
    $$select s.id from vault.secrets as s$$,
    '42501',
    null,
    'XM-NM-13: a non-member cannot read vault.secrets'
);
select throws_ok(
    $$select d.decrypted_secret from vault.decrypted_secrets as d$$,
    '42501',
    null,
    'XM-NM-14: a non-member cannot read vault.decrypted_secrets'
);
select throws_ok(
    $$insert into vault.secrets (secret, name) values ('f32-forged', 'f32-forged')$$,
    '42501',
    null,
    'XM-NM-15: a non-member cannot insert into vault.secrets'
);
select is_empty(
    $$
    select a.id from public.credential_audit as a
    where a.organization_id = '00000032-0000-4000-8000-00000000000a'
    $$,
    'XM-NM-16: a non-member reads none of org A''s audit rows'
);

-- acting as coordinator of A
select tests.authenticate_as('00000032-0000-4000-8000-0000000000a2');

select set_eq(
    $$
    select i.id from public.organization_integrations as i
    where i.organization_id = '00000032-0000-4000-8000-00000000000a'
    $$,
    array[
        '00000032-1000-4000-8000-0000000000a1', '00000032-1000-4000-8000-0000000000a2',
        '00000032-1000-4000-8000-0000000000a3', '00000032-1000-4000-8000-0000000000a4',
        '00000032-1000-4000-8000-0000000000a5'
    ]::uuid[],
    'XM-CA-01: coordinator A reads org A''s integrations'
);
select throws_ok(
    $$
    select i.vault_secret_id from public.organization_integrations as i
    where i.id = '00000032-1000-4000-8000-0000000000a1'
    $$,
    '42501',
    null,
    'XM-CA-02: coordinator A cannot select vault_secret_id'
);
select throws_ok(
    $$
    insert into public.organization_integrations (organization_id, provider)
    values ('00000032-0000-4000-8000-00000000000a', 'f32-new')
    $$,
    '42501',
    null,
    'XM-CA-03: coordinator A cannot insert an integration into org A'
);
select is_empty(
    $$
    update public.organization_integrations
    set status = 'inactive'
    where id = '00000032-1000-4000-8000-0000000000a1'
    returning id
    $$,
    'XM-CA-04: coordinator A cannot update the status of IA1 (0 rows)'
);
select throws_ok(
    $$
    update public.organization_integrations
    set vault_secret_id = pg_catalog.current_setting('f32.secret_b1')::uuid
    where id = '00000032-1000-4000-8000-0000000000a1'
    $$,
    '42501',
    null,
    'XM-CA-05: coordinator A cannot update vault_secret_id'
);
select is_empty(
    $$
    delete from public.organization_integrations
    where id = '00000032-1000-4000-8000-0000000000a1'
    returning id
    $$,
    'XM-CA-06: coordinator A cannot delete IA1 (0 rows)'
);
select throws_ok(
    $$
    select public.store_credential('00000032-1000-4000-8000-0000000000a1', 'f32-intruder-value')
    $$,
    '42501',
    null,
    'XM-CA-07: coordinator A cannot store a credential for IA1'
);
select throws_ok(
    $$
    select public.rotate_credential('00000032-1000-4000-8000-0000000000a1', 'f32-intruder-value')
    $$,
    '42501',
    null,
    'XM-CA-08: coordinator A cannot rotate IA1''s credential'
);
select throws_ok(
    $$
    select public.retrieve_credential(pg_catalog.current_setting('f32.secret_a1')::uuid)
    $$,
    '42501',
    null,
    'XM-CA-09: coordinator A cannot retrieve IA1''s credential'
);
select throws_ok(
    $$select public.revoke_credential('00000032-1000-4000-8000-0000000000a1')$$,
    '42501',
    null,
    'XM-CA-10: coordinator A cannot revoke IA1''s credential'
);
select is(
    public.get_integration_vault_secret_id('00000032-1000-4000-8000-0000000000a1'),
    null,
    'XM-CA-11: coordinator A gets null from get_integration_vault_secret_id'
);
select throws_ok(
    $$select d.integration_id from public.list_dangling_credential_references() as d$$,
    '42501',
    null,
    'XM-CA-12: coordinator A cannot list dangling references'
);
select throws_ok(
    $$select s.id from vault.secrets as s$$,
    '42501',
    null,
    'XM-CA-13: coordinator A cannot read vault.secrets'
);
select throws_ok(
    $$select d.decrypted_secret from vault.decrypted_secrets as d$$,
    '42501',
    null,
    'XM-CA-14: coordinator A cannot read vault.decrypted_secrets'
);
select throws_ok(
    $$insert into vault.secrets (secret, name) values ('f32-forged', 'f32-forged')$$,
    '42501',
    null,
    'XM-CA-15: coordinator A cannot insert into vault.secrets'
);
select is_empty(
    $$
    select a.id from public.credential_audit as a
    where a.organization_id = '00000032-0000-4000-8000-00000000000a'
    $$,
    'XM-CA-16: coordinator A reads none of org A''s audit rows'
);

-- acting as coordinator of B
select tests.authenticate_as('00000032-0000-4000-8000-0000000000b2');

select is_empty(
    $$
    select i.id from public.organization_integrations as i
    where i.organization_id = '00000032-0000-4000-8000-00000000000a'
    $$,
    'XM-CB-01: coordinator B reads none of org A''s integrations'
);
select throws_ok(
    $$
    select i.vault_secret_id from public.organization_integrations as i
    where i.id = '00000032-1000-4000-8000-0000000000a1'
    $$,
    '42501',
    null,
    'XM-CB-02: coordinator B cannot select vault_secret_id'
);
select throws_ok(
    $$
    insert into public.organization_integrations (organization_id, provider)
    values ('00000032-0000-4000-8000-00000000000a', 'f32-new')
    $$,
    '42501',
    null,
    'XM-CB-03: coordinator B cannot insert an integration into org A'
);
select is_empty(
    $$
    update public.organization_integrations
    set status = 'inactive'
    where id = '00000032-1000-4000-8000-0000000000a1'
    returning id
    $$,
    'XM-CB-04: coordinator B cannot update the status of IA1 (0 rows)'
);
select throws_ok(
    $$
    update public.organization_integrations
    set vault_secret_id = pg_catalog.current_setting('f32.secret_b1')::uuid
    where id = '00000032-1000-4000-8000-0000000000a1'
    $$,
    '42501',
    null,
    'XM-CB-05: coordinator B cannot update vault_secret_id'
);
select is_empty(
    $$
    delete from public.organization_integrations
    where id = '00000032-1000-4000-8000-0000000000a1'
    returning id
    $$,
    'XM-CB-06: coordinator B cannot delete IA1 (0 rows)'
);
select throws_ok(
    $$
    select public.store_credential('00000032-1000-4000-8000-0000000000a1', 'f32-intruder-value')
    $$,
    '42501',
    null,
    'XM-CB-07: coordinator B cannot store a credential for IA1'
);
select throws_ok(
    $$
    select public.rotate_credential('00000032-1000-4000-8000-0000000000a1', 'f32-intruder-value')
    $$,
    '42501',
    null,
    'XM-CB-08: coordinator B cannot rotate IA1''s credential'
);
select throws_ok(
    $$
    select public.retrieve_credential(pg_catalog.current_setting('f32.secret_a1')::uuid)
    $$,
    '42501',
    null,
    'XM-CB-09: coordinator B cannot retrieve IA1''s credential'
);
select throws_ok(
    $$select public.revoke_credential('00000032-1000-4000-8000-0000000000a1')$$,
    '42501',
    null,
    'XM-CB-10: coordinator B cannot revoke IA1''s credential'
);
select is(
    public.get_integration_vault_secret_id('00000032-1000-4000-8000-0000000000a1'),
    null,
    'XM-CB-11: coordinator B gets null from get_integration_vault_secret_id'
);
select throws_ok(
    $$select d.integration_id from public.list_dangling_credential_references() as d$$,
    '42501',
    null,
    'XM-CB-12: coordinator B cannot list dangling references'
);
select throws_ok(
    $$select s.id from vault.secrets as s$$,
    '42501',
    null,
    'XM-CB-13: coordinator B cannot read vault.secrets'
);
select throws_ok(
    $$select d.decrypted_secret from vault.decrypted_secrets as d$$,
    '42501',
    null,
    'XM-CB-14: coordinator B cannot read vault.decrypted_secrets'
);
select throws_ok(
    $$insert into vault.secrets (secret, name) values ('f32-forged', 'f32-forged')$$,
    '42501',
    null,
    'XM-CB-15: coordinator B cannot insert into vault.secrets'
);
select is_empty(
    $$
    select a.id from public.credential_audit as a
    where a.organization_id = '00000032-0000-4000-8000-00000000000a'
    $$,
    'XM-CB-16: coordinator B reads none of org A''s audit rows'
);

-- acting as admin of B
select tests.authenticate_as('00000032-0000-4000-8000-0000000000b1');

select is_empty(
    $$
    select i.id from public.organization_integrations as i
    where i.organization_id = '00000032-0000-4000-8000-00000000000a'
    $$,
    'XM-AB-01: admin B reads none of org A''s integrations'
);
select throws_ok(
    $$
    select i.vault_secret_id from public.organization_integrations as i
    where i.id = '00000032-1000-4000-8000-0000000000a1'
    $$,
    '42501',
    null,
    'XM-AB-02: admin B cannot select vault_secret_id'
);
select throws_ok(
    $$
    insert into public.organization_integrations (organization_id, provider)
    values ('00000032-0000-4000-8000-00000000000a', 'f32-new')
    $$,
    '42501',
    null,
    'XM-AB-03: admin B cannot insert an integration into org A'
);
select is_empty(
    $$
    update public.organization_integrations
    set status = 'inactive'
    where id = '00000032-1000-4000-8000-0000000000a1'
    returning id
    $$,
    'XM-AB-04: admin B cannot update the status of IA1 (0 rows)'
);
select throws_ok(
    $$
    update public.organization_integrations
    set vault_secret_id = pg_catalog.current_setting('f32.secret_b1')::uuid
    where id = '00000032-1000-4000-8000-0000000000a1'
    $$,
    '42501',
    null,
    'XM-AB-05: admin B cannot update vault_secret_id'
);
select is_empty(
    $$
    delete from public.organization_integrations
    where id = '00000032-1000-4000-8000-0000000000a1'
    returning id
    $$,
    'XM-AB-06: admin B cannot delete IA1 (0 rows)'
);
select throws_ok(
    $$
    select public.store_credential('00000032-1000-4000-8000-0000000000a1', 'f32-intruder-value')
    $$,
    '42501',
    null,
    'XM-AB-07: admin B cannot store a credential for IA1'
);
select throws_ok(
    $$
    select public.rotate_credential('00000032-1000-4000-8000-0000000000a1', 'f32-intruder-value')
    $$,
    '42501',
    null,
    'XM-AB-08: admin B cannot rotate IA1''s credential'
);
select throws_ok(
    $$
    select public.retrieve_credential(pg_catalog.current_setting('f32.secret_a1')::uuid)
    $$,
    '42501',
    null,
    'XM-AB-09: admin B cannot retrieve IA1''s credential'
);
select throws_ok(
    $$select public.revoke_credential('00000032-1000-4000-8000-0000000000a1')$$,
    '42501',
    null,
    'XM-AB-10: admin B cannot revoke IA1''s credential'
);
select is(
    public.get_integration_vault_secret_id('00000032-1000-4000-8000-0000000000a1'),
    null,
    'XM-AB-11: admin B gets null from get_integration_vault_secret_id'
);
select throws_ok(
    $$select d.integration_id from public.list_dangling_credential_references() as d$$,
    '42501',
    null,
    'XM-AB-12: admin B cannot list dangling references'
);
select throws_ok(
    $$select s.id from vault.secrets as s$$,
    '42501',
    null,
    'XM-AB-13: admin B cannot read vault.secrets'
);
select throws_ok(
    $$select d.decrypted_secret from vault.decrypted_secrets as d$$,
    '42501',
    null,
    'XM-AB-14: admin B cannot read vault.decrypted_secrets'
);
select throws_ok(
    $$insert into vault.secrets (secret, name) values ('f32-forged', 'f32-forged')$$,
    '42501',
    null,
    'XM-AB-15: admin B cannot insert into vault.secrets'
);
select is_empty(
    $$
    select a.id from public.credential_audit as a
    where a.organization_id = '00000032-0000-4000-8000-00000000000a'
    $$,
    'XM-AB-16: admin B reads none of org A''s audit rows'
);

-- acting as postgres: the five actors above changed nothing
select tests.clear_authentication();

select is(
    pg_temp.f32_fingerprint('00000032-0000-4000-8000-00000000000a'),
    pg_catalog.current_setting('f32.fingerprint_a'),
    'XM-00-01: after anon, the non-member, both coordinators and admin B, org A is unchanged'
);

-- acting as admin of A
select tests.authenticate_as('00000032-0000-4000-8000-0000000000a1');

select set_eq(
    $$
    select i.id from public.organization_integrations as i
    where i.organization_id = '00000032-0000-4000-8000-00000000000a'
    $$,
    array[
        '00000032-1000-4000-8000-0000000000a1', '00000032-1000-4000-8000-0000000000a2',
        '00000032-1000-4000-8000-0000000000a3', '00000032-1000-4000-8000-0000000000a4',
        '00000032-1000-4000-8000-0000000000a5'
    ]::uuid[],
    'XM-AA-01: admin A reads org A''s integrations'
);
select throws_ok(
    $$
    select i.vault_secret_id from public.organization_integrations as i
    where i.id = '00000032-1000-4000-8000-0000000000a1'
    $$,
    '42501',
    null,
    'XM-AA-02: admin A cannot select vault_secret_id from the table either'
);
select results_eq(
    $$
    insert into public.organization_integrations (organization_id, provider)
    values ('00000032-0000-4000-8000-00000000000a', 'f32-new')
    returning provider
    $$,
    array['f32-new'],
    'XM-AA-03: admin A inserts an integration into org A'
);
select results_eq(
    $$
    update public.organization_integrations
    set status = 'error'
    where id = '00000032-1000-4000-8000-0000000000a1'
    returning status::text
    $$,
    array['error'],
    'XM-AA-04: admin A updates the status of IA1'
);
select throws_ok(
    $$
    update public.organization_integrations
    set vault_secret_id = pg_catalog.current_setting('f32.secret_b1')::uuid
    where id = '00000032-1000-4000-8000-0000000000a1'
    $$,
    '42501',
    null,
    'XM-AA-05: admin A cannot update vault_secret_id, not even to another organization''s secret'
);
select results_eq(
    $$
    delete from public.organization_integrations
    where id = '00000032-1000-4000-8000-0000000000a2'
    returning id
    $$,
    array['00000032-1000-4000-8000-0000000000a2']::uuid[],
    'XM-AA-06: admin A deletes an integration of org A'
);
select results_eq(
    $$select public.store_credential('00000032-1000-4000-8000-0000000000a1', 'f32-admin-value')$$,
    $$select pg_catalog.current_setting('f32.secret_a1')::uuid$$,
    'XM-AA-07: admin A stores IA1''s credential, replacing it in place'
);
select lives_ok(
    $$
    select public.rotate_credential('00000032-1000-4000-8000-0000000000a1', 'f32-admin-rotated')
    $$,
    'XM-AA-08: admin A rotates IA1''s credential'
);
select throws_ok(
    $$
    select public.retrieve_credential(pg_catalog.current_setting('f32.secret_a1')::uuid)
    $$,
    '42501',
    null,
    'XM-AA-09: admin A cannot retrieve the plaintext'
);
select lives_ok(
    $$select public.revoke_credential('00000032-1000-4000-8000-0000000000a3')$$,
    'XM-AA-10: admin A revokes a credential of org A'
);
select results_eq(
    $$select public.get_integration_vault_secret_id('00000032-1000-4000-8000-0000000000a1')$$,
    $$select pg_catalog.current_setting('f32.secret_a1')::uuid$$,
    'XM-AA-11: admin A gets IA1''s vault_secret_id'
);
select throws_ok(
    $$select d.integration_id from public.list_dangling_credential_references() as d$$,
    '42501',
    null,
    'XM-AA-12: admin A cannot list dangling references'
);
select throws_ok(
    $$select s.id from vault.secrets as s$$,
    '42501',
    null,
    'XM-AA-13: admin A cannot read vault.secrets'
);
select throws_ok(
    $$select d.decrypted_secret from vault.decrypted_secrets as d$$,
    '42501',
    null,
    'XM-AA-14: admin A cannot read vault.decrypted_secrets'
);
select throws_ok(
    $$insert into vault.secrets (secret, name) values ('f32-forged', 'f32-forged')$$,
    '42501',
    null,
    'XM-AA-15: admin A cannot insert into vault.secrets'
);
select isnt_empty(
    $$
    select a.id from public.credential_audit as a
    where a.organization_id = '00000032-0000-4000-8000-00000000000a'
    $$,
    'XM-AA-16: admin A reads org A''s audit rows'
);

-- acting as service_role
select tests.authenticate_as_service_role();

select results_eq(
    $$
    select pg_catalog.count(*)::int from public.organization_integrations as i
    where i.organization_id = '00000032-0000-4000-8000-00000000000a'
    $$,
    array[5],
    'XM-SR-01: service_role reads all of org A''s integrations'
);
select results_eq(
    $$
    select i.vault_secret_id from public.organization_integrations as i
    where i.id = '00000032-1000-4000-8000-0000000000a1'
    $$,
    $$select pg_catalog.current_setting('f32.secret_a1')::uuid$$,
    'XM-SR-02: service_role selects vault_secret_id'
);
select results_eq(
    $$
    insert into public.organization_integrations (organization_id, provider)
    values ('00000032-0000-4000-8000-00000000000a', 'f32-service')
    returning provider
    $$,
    array['f32-service'],
    'XM-SR-03: service_role inserts an integration into org A'
);
select results_eq(
    $$
    update public.organization_integrations
    set status = 'active'
    where id = '00000032-1000-4000-8000-0000000000a1'
    returning status::text
    $$,
    array['active'],
    'XM-SR-04: service_role updates the status of IA1'
);
select throws_ok(
    $$
    update public.organization_integrations
    set vault_secret_id = pg_catalog.current_setting('f32.secret_b1')::uuid
    where id = '00000032-1000-4000-8000-0000000000a1'
    $$,
    '23503',
    null,
    'XM-SR-05: service_role cannot point IA1 at org B''s secret (23503)'
);
select results_eq(
    $$
    delete from public.organization_integrations
    where id = '00000032-1000-4000-8000-0000000000a4'
    returning id
    $$,
    array['00000032-1000-4000-8000-0000000000a4']::uuid[],
    'XM-SR-06: service_role deletes an integration of org A'
);
select results_eq(
    $$
    select public.store_credential('00000032-1000-4000-8000-0000000000a1', 'f32-service-value')
    $$,
    $$select pg_catalog.current_setting('f32.secret_a1')::uuid$$,
    'XM-SR-07: service_role stores IA1''s credential, replacing it in place'
);
select lives_ok(
    $$
    select public.rotate_credential('00000032-1000-4000-8000-0000000000a1', 'f32-service-rotated')
    $$,
    'XM-SR-08: service_role rotates IA1''s credential'
);
select is(
    public.retrieve_credential(pg_catalog.current_setting('f32.secret_a1')::uuid),
    'f32-service-rotated',
    'XM-SR-09: service_role retrieves the plaintext'
);
select lives_ok(
    $$select public.revoke_credential('00000032-1000-4000-8000-0000000000a5')$$,
    'XM-SR-10: service_role revokes a credential of org A'
);
select results_eq(
    $$select public.get_integration_vault_secret_id('00000032-1000-4000-8000-0000000000a1')$$,
    $$select pg_catalog.current_setting('f32.secret_a1')::uuid$$,
    'XM-SR-11: service_role gets IA1''s vault_secret_id'
);
select is_empty(
    $$
    select d.integration_id from public.list_dangling_credential_references() as d
    where d.organization_id = '00000032-0000-4000-8000-00000000000a'
    $$,
    'XM-SR-12: service_role lists dangling references (none in org A)'
);
-- Some Supabase images grant service_role direct reads of Vault, others not
-- even usage on the schema (the harness runs both). The credential functions
-- never rely on it.
select case
    when
        pg_catalog.has_schema_privilege('vault', 'usage')
        and pg_catalog.has_table_privilege('vault.secrets', 'select')
        then lives_ok(
            $$select s.id from vault.secrets as s$$,
            'XM-SR-13: service_role reads vault.secrets exactly as far as the platform grants'
        )
    else throws_ok(
        $$select s.id from vault.secrets as s$$, '42501', null,
        'XM-SR-13: service_role reads vault.secrets exactly as far as the platform grants'
    )
end;
select case
    when
        pg_catalog.has_schema_privilege('vault', 'usage')
        and pg_catalog.has_table_privilege('vault.decrypted_secrets', 'select')
        then lives_ok(
            $$select d.decrypted_secret from vault.decrypted_secrets as d$$,
            'XM-SR-14: service_role reads vault.decrypted_secrets exactly as far as the platform grants'
        )
    else throws_ok(
        $$select d.decrypted_secret from vault.decrypted_secrets as d$$, '42501', null,
        'XM-SR-14: service_role reads vault.decrypted_secrets exactly as far as the platform grants'
    )
end;
select throws_ok(
    $$insert into vault.secrets (secret, name) values ('f32-forged', 'f32-forged')$$,
    '42501',
    null,
    'XM-SR-15: service_role cannot insert into vault.secrets'
);
select isnt_empty(
    $$
    select a.id from public.credential_audit as a
    where a.organization_id = '00000032-0000-4000-8000-00000000000a'
    $$,
    'XM-SR-16: service_role reads org A''s audit rows'
);

-- acting as postgres: the end state
select tests.clear_authentication();

select is(
    pg_temp.f32_fingerprint('00000032-0000-4000-8000-00000000000b'),
    pg_catalog.current_setting('f32.fingerprint_b'),
    'XM-00-02: nothing in org B changed, whatever anyone did'
);
select results_eq(
    $$
    select i.provider, i.status::text, i.vault_secret_id is not null
    from public.organization_integrations as i
    where i.organization_id = '00000032-0000-4000-8000-00000000000a'
    order by i.provider
    $$,
    $$
    values
    ('f32-new', 'inactive', false),
    ('f32-service', 'inactive', false),
    ('jira', 'inactive', false),
    ('pipedrive', 'inactive', false),
    ('salesforce', 'active', true)
    $$,
    'XM-00-03: org A holds exactly what admin A and service_role did'
);
select results_eq(
    $$
    -- decrypted_secret is collation "C" (Vault's), the literal below the database's.
    select d.id, d.decrypted_secret collate pg_catalog."default"
    from vault.decrypted_secrets as d
    where d.name like 'integration_credential:00000032-1000-4000-8000-0000000000a%'
    $$,
    $$values (pg_catalog.current_setting('f32.secret_a1')::uuid, 'f32-service-rotated')$$,
    'XM-00-04: org A has one secret left, IA1''s, with service_role''s last value'
);

select * from finish();

rollback;
