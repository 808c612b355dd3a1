-- Proves a credential's plaintext exists only encrypted in Vault: after a
-- store and a rotate, neither value appears in any table outside Vault
-- (every column, compared as text), nor in a secret's name or description;
-- vault.secrets.secret holds ciphertext; no audit row and no error message
-- (message, detail, hint or context) echoes the secret.

begin;

select plan(22);

-- World: org A (admin, coordinator) with IA1 and IA2, and an unknown id.
-- The two plaintexts carry a marker that occurs nowhere else.
select tests.create_org(
    'Org A', admins => array['admin a'], coordinators => array['coordinator a'],
    integrations => '{"IA1": "salesforce", "IA2": "hubspot"}'
);

-- Every table outside Vault (and outside the session's temporary tables,
-- which hold pgTAP's own bookkeeping) whose rows, cast to text, contain the
-- needle. Runs as postgres, which can read them all (NP-01 checks that).
create function pg_temp.f34_tables_containing(p_needle text)
returns setof text
language plpgsql
as $tables$
declare
    v_table record;
    v_found boolean;
begin
    for v_table in
        select n.nspname, c.relname
        from pg_catalog.pg_class as c
        inner join pg_catalog.pg_namespace as n on c.relnamespace = n.oid
        where
            c.relkind in ('r', 'p', 'm')
            and n.nspname not in ('vault', 'pg_catalog', 'information_schema')
            and n.nspname not like 'pg\_%'
    loop
        execute pg_catalog.format(
            'select exists (select 1 from %I.%I as t where t::text like %L)',
            v_table.nspname,
            v_table.relname,
            '%' || p_needle || '%'
        )
        into v_found;
        if v_found then
            return next v_table.nspname || '.' || v_table.relname;
        end if;
    end loop;
end;
$tables$;

-- True when the statement fails with the given SQLSTATE and none of the
-- error's texts (message, detail, hint, context) contains 'np-marker', which
-- every secret in this file carries. The secret goes in as $1, as PostgREST
-- binds it, so that the context line of this function's own EXECUTE cannot be
-- what echoes it.
create function pg_temp.f34_fails_without_echo(p_sql text, p_secret text, p_sqlstate text)
returns boolean
language plpgsql
as $error$
declare
    v_state text;
    v_message text;
    v_detail text;
    v_hint text;
    v_context text;
begin
    execute p_sql using p_secret;
    return false;
exception when others then
    get stacked diagnostics
        v_state = returned_sqlstate,
        v_message = message_text,
        v_detail = pg_exception_detail,
        v_hint = pg_exception_hint,
        v_context = pg_exception_context;
    return
        v_state = p_sqlstate
        and pg_catalog.concat_ws(' | ', v_message, v_detail, v_hint, v_context) not like '%np-marker%';
end;
$error$;

-- acting as postgres (catalog check)

select is_empty(
    $$
    select c.oid::regclass::text
    from pg_catalog.pg_class as c
    inner join pg_catalog.pg_namespace as n on c.relnamespace = n.oid
    where
        c.relkind in ('r', 'p', 'm')
        and n.nspname not in ('vault', 'pg_catalog', 'information_schema')
        and n.nspname not like 'pg\_%'
        and not pg_catalog.has_table_privilege(c.oid, 'select')
    $$,
    'NP-01: postgres can read every table the scan covers, so none is skipped'
);

-- acting as admin of A: store, then rotate
select tests.authenticate_as(tests.user_id('admin a'));

-- Secret ids are random: kept in transaction-local settings every role can read.
-- Set in DO blocks: a random id printed to the TAP stream could parse as a plan line.
do $setup$
begin
    perform pg_catalog.set_config(
        'f34.secret_a1',
        public.store_credential(tests.integration_id('IA1'), 'np-marker-stored-7Qx9')::text,
        true
    );
end
$setup$;

select lives_ok(
    $$select public.rotate_credential(tests.integration_id('IA1'), 'np-marker-rotated-K2v8')$$,
    'NP-02: admin A stores and rotates a credential'
);

-- Errors that carry a secret in the call never echo it.
select ok(
    pg_temp.f34_fails_without_echo(
        $$select public.store_credential(tests.integration_id('IA1'), $1)$$,
        pg_catalog.repeat('np-marker-oversized-', 4000),
        '22023'
    ),
    'NP-03: the 22023 for an oversized secret does not echo it'
);
select ok(
    pg_temp.f34_fails_without_echo(
        $$select public.rotate_credential(tests.integration_id('IA2'), $1)$$,
        'np-marker-unlinked-Zr41',
        'P0002'
    ),
    'NP-04: the P0002 for rotating with nothing linked does not echo the secret'
);
select ok(
    pg_temp.f34_fails_without_echo(
        $$select public.store_credential(tests.integration_id('never created'), $1)$$,
        'np-marker-unknown-Hq73',
        '42501'
    ),
    'NP-05: the 42501 for an unknown integration does not echo the secret'
);
select ok(
    pg_temp.f34_fails_without_echo(
        $$select public.retrieve_credential($1::uuid)$$,
        pg_catalog.current_setting('f34.secret_a1'),
        '42501'
    ),
    'NP-06: the 42501 for an admin retrieving does not reveal the stored secret'
);

-- acting as coordinator of A
select tests.authenticate_as(tests.user_id('coordinator a'));

select ok(
    pg_temp.f34_fails_without_echo(
        $$select public.store_credential(tests.integration_id('IA1'), $1)$$,
        'np-marker-coordinator-Wd52',
        '42501'
    ),
    'NP-07: the 42501 for a coordinator storing does not echo the secret'
);

-- acting as anon
select tests.authenticate_as_anon();

select ok(
    pg_temp.f34_fails_without_echo(
        $$select public.rotate_credential(tests.integration_id('IA1'), $1)$$,
        'np-marker-anon-Lp06',
        '42501'
    ),
    'NP-08: the 42501 for anon rotating does not echo the secret'
);

-- acting as service_role
select tests.authenticate_as_service_role();

select ok(
    pg_temp.f34_fails_without_echo(
        $$select public.store_credential(tests.integration_id('never created'), $1)$$,
        'np-marker-service-Tb19',
        'P0002'
    ),
    'NP-09: the P0002 for service_role storing for an unknown integration does not echo the secret'
);
select ok(
    pg_temp.f34_fails_without_echo(
        $$select public.store_credential(tests.integration_id('IA2'), $1)$$,
        'np-marker-' || pg_catalog.repeat('x', 65527),
        '22023'
    ),
    'NP-10: the 22023 for a secret one byte too long does not echo it'
);
select ok(
    pg_temp.f34_fails_without_echo(
        $$update public.organization_integrations set vault_secret_id = $1::uuid where id = tests.integration_id('IA2')$$,
        pg_catalog.current_setting('f34.secret_a1'),
        '23503'
    ),
    'NP-11: the 23503 for pointing IA2 at IA1''s secret does not reveal what that secret holds'
);
select is(
    public.retrieve_credential(pg_catalog.current_setting('f34.secret_a1')::uuid),
    'np-marker-rotated-K2v8',
    'NP-12: the sync worker still gets the rotated value'
);

-- acting as postgres: where the plaintexts are, and are not
select tests.clear_authentication();

select is_empty(
    $$select t from pg_temp.f34_tables_containing('np-marker-stored-7Qx9') as t$$,
    'NP-13: the stored plaintext appears in no table outside Vault'
);
select is_empty(
    $$select t from pg_temp.f34_tables_containing('np-marker-rotated-K2v8') as t$$,
    'NP-14: the rotated plaintext appears in no table outside Vault'
);
select is_empty(
    $$select t from pg_temp.f34_tables_containing('np-marker') as t$$,
    'NP-15: no plaintext passed to any credential function, failed calls included, appears outside Vault'
);
select set_has(
    $$select t from pg_temp.f34_tables_containing(tests.integration_id('IA1')::text) as t$$,
    $$values ('public.organization_integrations'), ('public.credential_audit')$$,
    'NP-16: the scan does read the application and audit tables (it finds IA1''s id there)'
);
select is_empty(
    $$
    select a.id
    from public.credential_audit as a
    where
        a.organization_id = tests.org_id('Org A')
        and a::text like '%np-marker%'
    $$,
    'NP-17: no audit row contains a plaintext'
);
select results_eq(
    $$
    select a.action_name
    from public.credential_audit as a
    where a.organization_id = tests.org_id('Org A')
    order by a.action_name
    $$,
    array['retrieve', 'rotate', 'store'],
    'NP-18: the store, the rotate and the retrieval were audited (and no failed call)'
);
select is_empty(
    $$
    select s.id
    from vault.secrets as s
    where
        s.name like '%np-marker%'
        or s.description like '%np-marker%'
        or s.secret like '%np-marker%'
    $$,
    'NP-19: no secret''s name, description or stored value contains a plaintext'
);
select isnt(
    (
        select s.secret
        from vault.secrets as s
        where s.id = pg_catalog.current_setting('f34.secret_a1')::uuid
    ),
    pg_catalog.encode(pg_catalog.convert_to('np-marker-rotated-K2v8', 'utf8'), 'base64'),
    'NP-20: vault.secrets.secret is not merely the encoded plaintext'
);
select is(
    (
        select d.decrypted_secret
        from vault.decrypted_secrets as d
        where d.id = pg_catalog.current_setting('f34.secret_a1')::uuid
    ),
    'np-marker-rotated-K2v8',
    'NP-21: vault.secrets.secret is ciphertext that decrypts to the rotated value'
);
select is(
    (
        select pg_catalog.count(*)::int
        from vault.secrets as s
        where s.name in (
            select 'integration_credential:' || tests.integration_id(n)
            from pg_catalog.unnest(array['IA1', 'IA2', 'never created']) as n
        )
    ),
    1,
    'NP-22: only the one stored secret reached Vault; the rejected calls created none'
);

select * from finish();

rollback;
