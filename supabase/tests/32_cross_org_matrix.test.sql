-- Proves the cross-organization matrix: seven actors (anon, a non-member,
-- the coordinators of A and B, the admins of A and B, service_role), each
-- with its own JWT, against org A's integrations, credentials, Vault and
-- audit trail: 16 operations each, 112 cells. Denials are 42501, 0 rows or
-- null (23503 for service_role's cross-org reference) and change nothing.

begin;

select plan(116);

-- World: org A (admin, coordinator) with IA1 (active, credential) and four
-- rows the admin and service_role may delete or revoke; org B (admin,
-- coordinator) with IB1 (credential); a non-member.
select tests.create_org(
    'Org A', admins => array['admin a'], coordinators => array['coordinator a'],
    integrations => '{"IA1": "salesforce", "IA2 deleted by admin A": "hubspot", "IA3 revoked by admin A": "pipedrive",
        "IA4 deleted by service_role": "zendesk", "IA5 revoked by service_role": "jira"}'
);
select tests.create_org(
    'Org B', admins => array['admin b'], coordinators => array['coordinator b'], integrations => '{"IB1": "salesforce"}'
);
select tests.create_named_user('outsider');

-- As postgres (privileged): credentials for IA1, the two rows to revoke and
-- IB1; IA1 goes active. Secret ids are random: kept in transaction-local
-- settings every role can read. Set in DO blocks: a random id printed to the
-- TAP stream could parse as a plan line.
do $setup$
begin
    perform pg_catalog.set_config(
        'f32.secret_a1', public.store_credential(tests.integration_id('IA1'), 'f32-original-value')::text, true
    );
    perform pg_catalog.set_config(
        'f32.secret_b1', public.store_credential(tests.integration_id('IB1'), 'f32-org-b-value')::text, true
    );
    perform public.store_credential(tests.integration_id('IA3 revoked by admin A'), 'f32-revoke-me-a');
    perform public.store_credential(tests.integration_id('IA5 revoked by service_role'), 'f32-revoke-me-s');
end
$setup$;

update public.organization_integrations
set status = 'active'
where id = tests.integration_id('IA1');

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
    perform pg_catalog.set_config('f32.fingerprint_a', pg_temp.f32_fingerprint(tests.org_id('Org A')), true);
    perform pg_catalog.set_config('f32.fingerprint_b', pg_temp.f32_fingerprint(tests.org_id('Org B')), true);
end
$setup$;

-- The matrix: one row per operation, with the statement that attempts it
-- and what each actor gets. Cells that deny (42501, 23503, 0 rows, null) are
-- asserted by the loop below, as XM-<actor>-<operation>; every other cell
-- changes state or reads, and is asserted on its own further down. The grid
-- in docs/credentials.md is rendered from these two lists by
-- tools/cross_org_grid.py, and tests/test_cross_org_grid.py keeps it current.
-- cross-org-grid:actors:begin
create temporary table f32_actors (
    actor text primary key,
    column_number integer not null,
    heading text not null,
    user_name text
) on commit drop;
insert into pg_temp.f32_actors (actor, column_number, heading, user_name)
values
('AN', 1, 'anon', null),
('NM', 2, 'non-member', 'outsider'),
('CA', 3, 'coordinator A', 'coordinator a'),
('CB', 4, 'coordinator B', 'coordinator b'),
('AB', 5, 'admin B', 'admin b'),
('AA', 6, 'admin A', 'admin a'),
('SR', 7, 'service_role', null);
-- cross-org-grid:actors:end

-- cross-org-grid:operations:begin
create temporary table f32_operations (
    nn integer primary key,
    operation_name text not null,
    attempt text not null,
    an text not null,
    nm text not null,
    ca text not null,
    cb text not null,
    ab text not null,
    aa text not null,
    sr text not null
) on commit drop;
insert into pg_temp.f32_operations (nn, operation_name, attempt, an, nm, ca, cb, ab, aa, sr)
values
(
    1, 'select org A''s integrations',
    $$select i.id from public.organization_integrations as i where i.organization_id = tests.org_id('Org A')$$,
    '42501', '0 rows', 'A''s rows', '0 rows', '0 rows', 'A''s rows', 'all rows'
),
(
    2, 'select `vault_secret_id`',
    $$select i.vault_secret_id from public.organization_integrations as i where i.id = tests.integration_id('IA1')$$,
    '42501', '42501', '42501', '42501', '42501', '42501', 'reads'
),
(
    3, 'insert an integration into org A',
    $$insert into public.organization_integrations (organization_id, provider) values (tests.org_id('Org A'), 'f32-new')$$,
    '42501', '42501', '42501', '42501', '42501', 'ok', 'ok'
),
(
    4, 'update the status of IA1',
    $$update public.organization_integrations set status = 'inactive' where id = tests.integration_id('IA1') returning id$$,
    '42501', '0 rows', '0 rows', '0 rows', '0 rows', 'ok', 'ok'
),
(
    5, 'point IA1''s `vault_secret_id` at org B''s secret',
    $$
    update public.organization_integrations
    set vault_secret_id = pg_catalog.current_setting('f32.secret_b1')::uuid
    where id = tests.integration_id('IA1')
    $$,
    '42501', '42501', '42501', '42501', '42501', '42501', '23503'
),
(
    6, 'delete an integration of org A',
    $$delete from public.organization_integrations where id = tests.integration_id('IA1') returning id$$,
    '42501', '0 rows', '0 rows', '0 rows', '0 rows', 'ok', 'ok'
),
(
    7, '`store_credential`',
    $$select public.store_credential(tests.integration_id('IA1'), 'f32-intruder-value')$$,
    '42501', '42501', '42501', '42501', '42501', 'ok', 'ok'
),
(
    8, '`rotate_credential`',
    $$select public.rotate_credential(tests.integration_id('IA1'), 'f32-intruder-value')$$,
    '42501', '42501', '42501', '42501', '42501', 'ok', 'ok'
),
(
    9, '`retrieve_credential`',
    $$select public.retrieve_credential(pg_catalog.current_setting('f32.secret_a1')::uuid)$$,
    '42501', '42501', '42501', '42501', '42501', '42501', 'plaintext'
),
(
    10, '`revoke_credential`',
    $$select public.revoke_credential(tests.integration_id('IA1'))$$,
    '42501', '42501', '42501', '42501', '42501', 'ok', 'ok'
),
(
    11, '`get_integration_vault_secret_id`',
    $$select public.get_integration_vault_secret_id(tests.integration_id('IA1'))$$,
    '42501', 'null', 'null', 'null', 'null', 'id', 'id'
),
(
    12, '`list_dangling_credential_references`',
    $$select d.integration_id from public.list_dangling_credential_references() as d$$,
    '42501', '42501', '42501', '42501', '42501', '42501', 'ok'
),
(
    13, 'select `vault.secrets`',
    $$select s.id from vault.secrets as s$$,
    '42501', '42501', '42501', '42501', '42501', '42501', 'as the platform grants, no more'
),
(
    14, 'select `vault.decrypted_secrets`',
    $$select d.decrypted_secret from vault.decrypted_secrets as d$$,
    '42501', '42501', '42501', '42501', '42501', '42501', 'as the platform grants, no more'
),
(
    15, 'insert into `vault.secrets`',
    $$insert into vault.secrets (secret, name) values ('f32-forged', 'f32-forged')$$,
    '42501', '42501', '42501', '42501', '42501', '42501', '42501'
),
(
    16, 'read org A''s audit rows',
    $$select a.id from public.credential_audit as a where a.organization_id = tests.org_id('Org A')$$,
    '42501', '0 rows', '0 rows', '0 rows', '0 rows', 'rows', 'rows'
);
-- cross-org-grid:operations:end

-- One assertion per denying cell, each acting as its actor: 42501 and 23503
-- must be raised, 0 rows must come back empty, null must be null.
create function pg_temp.f32_denied_cells()
returns setof text
language plpgsql
as $cells$
declare
    v_cell record;
    v_value text;
begin
    for v_cell in
        select
            a.actor,
            a.user_name,
            o.attempt,
            c.outcome,
            pg_catalog.format(
                'XM-%s-%s: %s, %s: %s', a.actor, pg_catalog.to_char(o.nn, 'FM00'), a.heading, o.operation_name, c.outcome
            ) as description
        from pg_temp.f32_operations as o
        cross join lateral (
            values ('AN', o.an), ('NM', o.nm), ('CA', o.ca), ('CB', o.cb), ('AB', o.ab), ('AA', o.aa), ('SR', o.sr)
        ) as c (actor, outcome)
        inner join pg_temp.f32_actors as a on c.actor = a.actor
        where c.outcome in ('42501', '23503', '0 rows', 'null')
        order by a.column_number, o.nn
    loop
        perform tests.clear_authentication();
        if v_cell.actor = 'AN' then
            perform tests.authenticate_as_anon();
        elsif v_cell.actor = 'SR' then
            perform tests.authenticate_as_service_role();
        else
            perform tests.authenticate_as(tests.user_id(v_cell.user_name));
        end if;

        if v_cell.outcome = '0 rows' then
            return next is_empty(v_cell.attempt, v_cell.description);
        elsif v_cell.outcome = 'null' then
            execute v_cell.attempt into v_value;
            return next is(v_value, null, v_cell.description);
        else
            return next throws_ok(v_cell.attempt, v_cell.outcome::char(5), null, v_cell.description);
        end if;
    end loop;
    perform tests.clear_authentication();
end;
$cells$;

-- 88 cells: every denial of every actor, anon's 16 to service_role's 2.
select pg_temp.f32_denied_cells();

-- The cells that read or change state, one by one.

-- acting as coordinator of A
select tests.authenticate_as(tests.user_id('coordinator a'));

select set_eq(
    $$select i.id from public.organization_integrations as i where i.organization_id = tests.org_id('Org A')$$,
    array[
        tests.integration_id('IA1'),
        tests.integration_id('IA2 deleted by admin A'),
        tests.integration_id('IA3 revoked by admin A'),
        tests.integration_id('IA4 deleted by service_role'),
        tests.integration_id('IA5 revoked by service_role')
    ],
    'XM-CA-01: coordinator A reads org A''s integrations'
);

-- acting as postgres: the denied attempts changed nothing
select tests.clear_authentication();

select is(
    pg_temp.f32_fingerprint(tests.org_id('Org A')),
    pg_catalog.current_setting('f32.fingerprint_a'),
    'XM-00-01: after every denied attempt of every actor, org A is unchanged'
);

-- acting as admin of A
select tests.authenticate_as(tests.user_id('admin a'));

select set_eq(
    $$select i.id from public.organization_integrations as i where i.organization_id = tests.org_id('Org A')$$,
    array[
        tests.integration_id('IA1'),
        tests.integration_id('IA2 deleted by admin A'),
        tests.integration_id('IA3 revoked by admin A'),
        tests.integration_id('IA4 deleted by service_role'),
        tests.integration_id('IA5 revoked by service_role')
    ],
    'XM-AA-01: admin A reads org A''s integrations'
);
select results_eq(
    $$
    insert into public.organization_integrations (organization_id, provider)
    values (tests.org_id('Org A'), 'f32-new')
    returning provider
    $$,
    array['f32-new'],
    'XM-AA-03: admin A inserts an integration into org A'
);
select results_eq(
    $$
    update public.organization_integrations
    set status = 'error'
    where id = tests.integration_id('IA1')
    returning status::text
    $$,
    array['error'],
    'XM-AA-04: admin A updates the status of IA1'
);
select results_eq(
    $$
    delete from public.organization_integrations
    where id = tests.integration_id('IA2 deleted by admin A')
    returning id
    $$,
    array[tests.integration_id('IA2 deleted by admin A')],
    'XM-AA-06: admin A deletes an integration of org A'
);
select results_eq(
    $$select public.store_credential(tests.integration_id('IA1'), 'f32-admin-value')$$,
    $$select pg_catalog.current_setting('f32.secret_a1')::uuid$$,
    'XM-AA-07: admin A stores IA1''s credential, replacing it in place'
);
select lives_ok(
    $$select public.rotate_credential(tests.integration_id('IA1'), 'f32-admin-rotated')$$,
    'XM-AA-08: admin A rotates IA1''s credential'
);
select lives_ok(
    $$select public.revoke_credential(tests.integration_id('IA3 revoked by admin A'))$$,
    'XM-AA-10: admin A revokes a credential of org A'
);
select results_eq(
    $$select public.get_integration_vault_secret_id(tests.integration_id('IA1'))$$,
    $$select pg_catalog.current_setting('f32.secret_a1')::uuid$$,
    'XM-AA-11: admin A gets IA1''s vault_secret_id'
);
select isnt_empty(
    $$select a.id from public.credential_audit as a where a.organization_id = tests.org_id('Org A')$$,
    'XM-AA-16: admin A reads org A''s audit rows'
);

-- acting as service_role
select tests.authenticate_as_service_role();

select results_eq(
    $$
    select pg_catalog.count(*)::int from public.organization_integrations as i
    where i.organization_id = tests.org_id('Org A')
    $$,
    array[5],
    'XM-SR-01: service_role reads all of org A''s integrations'
);
select results_eq(
    $$
    select i.vault_secret_id from public.organization_integrations as i
    where i.id = tests.integration_id('IA1')
    $$,
    $$select pg_catalog.current_setting('f32.secret_a1')::uuid$$,
    'XM-SR-02: service_role selects vault_secret_id'
);
select results_eq(
    $$
    insert into public.organization_integrations (organization_id, provider)
    values (tests.org_id('Org A'), 'f32-service')
    returning provider
    $$,
    array['f32-service'],
    'XM-SR-03: service_role inserts an integration into org A'
);
select results_eq(
    $$
    update public.organization_integrations
    set status = 'active'
    where id = tests.integration_id('IA1')
    returning status::text
    $$,
    array['active'],
    'XM-SR-04: service_role updates the status of IA1'
);
select results_eq(
    $$
    delete from public.organization_integrations
    where id = tests.integration_id('IA4 deleted by service_role')
    returning id
    $$,
    array[tests.integration_id('IA4 deleted by service_role')],
    'XM-SR-06: service_role deletes an integration of org A'
);
select results_eq(
    $$select public.store_credential(tests.integration_id('IA1'), 'f32-service-value')$$,
    $$select pg_catalog.current_setting('f32.secret_a1')::uuid$$,
    'XM-SR-07: service_role stores IA1''s credential, replacing it in place'
);
select lives_ok(
    $$select public.rotate_credential(tests.integration_id('IA1'), 'f32-service-rotated')$$,
    'XM-SR-08: service_role rotates IA1''s credential'
);
select is(
    public.retrieve_credential(pg_catalog.current_setting('f32.secret_a1')::uuid),
    'f32-service-rotated',
    'XM-SR-09: service_role retrieves the plaintext'
);
select lives_ok(
    $$select public.revoke_credential(tests.integration_id('IA5 revoked by service_role'))$$,
    'XM-SR-10: service_role revokes a credential of org A'
);
select results_eq(
    $$select public.get_integration_vault_secret_id(tests.integration_id('IA1'))$$,
    $$select pg_catalog.current_setting('f32.secret_a1')::uuid$$,
    'XM-SR-11: service_role gets IA1''s vault_secret_id'
);
select is_empty(
    $$
    select d.integration_id from public.list_dangling_credential_references() as d
    where d.organization_id = tests.org_id('Org A')
    $$,
    'XM-SR-12: service_role lists dangling references (none in org A)'
);

-- Whether service_role may read Vault directly is the platform's choice
-- (hosted Supabase grants select today; older images did not even grant usage
-- on the schema, so the relations are found in the catalog, not by name), and the
-- credential functions never rely on it. What this project answers for: its
-- migrations grant service_role nothing there, directly (an ACL entry whose
-- grantor is not the owner, the platform) or through a role it joins; and
-- a direct read succeeds exactly when service_role holds select. Each
-- problem found is one entry; none is the pass.
create function pg_temp.f32_vault_read_problems(p_relation regclass)
returns text[]
language plpgsql
as $problems$
declare
    v_problems text[];
    v_granted boolean := pg_catalog.has_table_privilege(p_relation, 'select');
    v_state text := '00000';
begin
    select coalesce(
        pg_catalog.array_agg(
            pg_catalog.format(
                '%s granted %s to %s', a.grantor::regrole, a.privilege_type,
                case when a.grantee = 0 then 'public' else a.grantee::regrole::text end
            )
            order by a.grantee, a.privilege_type
        ),
        '{}'
    )
    into v_problems
    from pg_catalog.pg_class as c
    cross join lateral pg_catalog.aclexplode(c.relacl) as a
    where
        c.oid = p_relation
        and a.grantor <> c.relowner
        and (a.grantee = 0 or a.grantee = any(array['anon', 'authenticated', 'service_role']::regrole[]::oid[]));

    select v_problems || coalesce(
        pg_catalog.array_agg(pg_catalog.format('select inherited from %s', m.roleid::regrole) order by m.roleid),
        '{}'
    )
    into v_problems
    from pg_catalog.pg_auth_members as m
    where
        m.member = 'service_role'::regrole
        and pg_catalog.has_table_privilege(m.roleid, p_relation, 'select');

    begin
        execute pg_catalog.format('select pg_catalog.count(*) from %s', p_relation);
    exception when insufficient_privilege then
        v_state := '42501';
    end;
    if v_granted and v_state <> '00000' then
        v_problems := v_problems || 'select is granted, yet a direct read fails'::text;
    elsif not v_granted and v_state = '00000' then
        v_problems := v_problems || 'select is not granted, yet a direct read succeeds'::text;
    end if;
    return v_problems;
end;
$problems$;

select is(
    pg_temp.f32_vault_read_problems(
        (
            select c.oid from pg_catalog.pg_class as c
            where c.relnamespace = 'vault'::pg_catalog.regnamespace and c.relname = 'secrets'
        )
    ),
    '{}'::text[],
    'XM-SR-13: service_role reads vault.secrets only by a platform grant, and exactly as far as it goes'
);
select is(
    pg_temp.f32_vault_read_problems(
        (
            select c.oid from pg_catalog.pg_class as c
            where c.relnamespace = 'vault'::pg_catalog.regnamespace and c.relname = 'decrypted_secrets'
        )
    ),
    '{}'::text[],
    'XM-SR-14: service_role reads vault.decrypted_secrets only by a platform grant, and exactly as far as it goes'
);
select isnt_empty(
    $$select a.id from public.credential_audit as a where a.organization_id = tests.org_id('Org A')$$,
    'XM-SR-16: service_role reads org A''s audit rows'
);

-- acting as postgres: the end state
select tests.clear_authentication();

select is(
    pg_temp.f32_fingerprint(tests.org_id('Org B')),
    pg_catalog.current_setting('f32.fingerprint_b'),
    'XM-00-02: nothing in org B changed, whatever anyone did'
);
select results_eq(
    $$
    select i.provider, i.status::text, i.vault_secret_id is not null
    from public.organization_integrations as i
    where i.organization_id = tests.org_id('Org A')
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
-- decrypted_secret has collation "C" on Supabase: compared as such on both sides.
select results_eq(
    $$
    select d.id, d.decrypted_secret collate "C"
    from vault.decrypted_secrets as d
    where d.name in (
        select 'integration_credential:' || tests.integration_id(n)
        from pg_catalog.unnest(array[
            'IA1', 'IA2 deleted by admin A', 'IA3 revoked by admin A', 'IA4 deleted by service_role',
            'IA5 revoked by service_role'
        ]) as n
    )
    $$,
    $$values (pg_catalog.current_setting('f32.secret_a1')::uuid, 'f32-service-rotated' collate "C")$$,
    'XM-00-04: org A has one secret left, IA1''s, with service_role''s last value'
);

select * from finish();

rollback;
